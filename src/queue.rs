//! A small blocking queue between threads, in place of `std::sync::mpsc`: a `Mutex` over a
//! `VecDeque` and one `Condvar`.
//!
//! Why not `mpsc`: std compiles its three channel flavours (list, array, zero) for every
//! element type sent, about 23 KB of code each in a release build, and the crate needs
//! only an unbounded queue with mpsc's disconnect rules. Those rules are kept: `recv`
//! returns what is queued, then an error once every sender is gone; `send` fails once
//! every receiver is gone. Senders and receivers can both be cloned.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

struct State<T> {
    items: VecDeque<T>,
    senders: usize,
    receivers: usize,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    ready: Condvar,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // No code panics while holding the lock, but a poisoned queue is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The sending half of a [`queue`].
pub(crate) struct Sender<T>(Arc<Shared<T>>);

/// The receiving half of a [`queue`].
pub(crate) struct Receiver<T>(Arc<Shared<T>>);

/// Every sender is gone and the queue is empty (from [`Receiver::recv`]), or every
/// receiver is gone (from [`Sender::send`], which hands the value back).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Disconnected<T>(pub(crate) T);

/// A new unbounded queue.
pub(crate) fn queue<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            items: VecDeque::new(),
            senders: 1,
            receivers: 1,
        }),
        ready: Condvar::new(),
    });
    (Sender(Arc::clone(&shared)), Receiver(shared))
}

impl<T> Sender<T> {
    /// Queues `value`, or gives it back when no receiver is left.
    pub(crate) fn send(&self, value: T) -> Result<(), Disconnected<T>> {
        let mut s = self.0.lock();
        if s.receivers == 0 {
            return Err(Disconnected(value));
        }
        s.items.push_back(value);
        drop(s);
        self.0.ready.notify_one();
        Ok(())
    }
}

impl<T> Receiver<T> {
    /// The next value, waiting for one; an error once the queue is empty and every sender
    /// is gone.
    pub(crate) fn recv(&self) -> Result<T, Disconnected<()>> {
        let mut s = self.0.lock();
        loop {
            if let Some(v) = s.items.pop_front() {
                return Ok(v);
            }
            if s.senders == 0 {
                return Err(Disconnected(()));
            }
            s = self.0.ready.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// As [`Receiver::recv`], waiting at most `timeout`; `None` when it passed first.
    pub(crate) fn recv_timeout(&self, timeout: Duration) -> Option<Result<T, Disconnected<()>>> {
        let until = Instant::now().checked_add(timeout);
        let mut s = self.0.lock();
        loop {
            if let Some(v) = s.items.pop_front() {
                return Some(Ok(v));
            }
            if s.senders == 0 {
                return Some(Err(Disconnected(())));
            }
            let left = match until {
                Some(until) => until.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                return None;
            }
            s = self
                .0
                .ready
                .wait_timeout(s, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.0.lock().senders += 1;
        Self(Arc::clone(&self.0))
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.0.lock().receivers += 1;
        Self(Arc::clone(&self.0))
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.senders -= 1;
        let last = s.senders == 0;
        drop(s);
        if last {
            // Wake every receiver, so that each sees the disconnection.
            self.0.ready.notify_all();
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.0.lock().receivers -= 1;
    }
}

impl<T> std::fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sender")
    }
}

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Receiver")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_disconnection() {
        let (tx, rx) = queue();
        tx.send(1).unwrap();
        let tx2 = tx.clone();
        tx2.send(2).unwrap();
        drop(tx);
        assert_eq!(rx.recv(), Ok(1));
        drop(tx2);
        // What was queued is still received after the last sender went.
        assert_eq!(rx.recv(), Ok(2));
        assert_eq!(rx.recv(), Err(Disconnected(())));
        let (tx, rx) = queue();
        let rx2 = rx.clone();
        drop(rx);
        tx.send(1).unwrap();
        drop(rx2);
        assert_eq!(tx.send(3), Err(Disconnected(3)));
    }

    #[test]
    fn waits_across_threads_and_times_out() {
        let (tx, rx) = queue::<u32>();
        assert!(rx.recv_timeout(Duration::from_millis(10)).is_none());
        let rx2 = rx.clone();
        let t = std::thread::spawn(move || rx2.recv());
        std::thread::sleep(Duration::from_millis(20));
        tx.send(7).unwrap();
        assert_eq!(t.join().unwrap(), Ok(7));
        let t = std::thread::spawn(move || rx.recv_timeout(Duration::from_secs(30)));
        std::thread::sleep(Duration::from_millis(20));
        drop(tx);
        assert_eq!(t.join().unwrap(), Some(Err(Disconnected(()))));
    }
}
