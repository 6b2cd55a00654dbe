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
    /// Receivers blocked in `recv` or `recv_timeout`, for the tests to wait on.
    #[cfg(test)]
    waiting: usize,
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
            #[cfg(test)]
            waiting: 0,
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
            #[cfg(test)]
            {
                s.waiting += 1;
            }
            s = self.0.ready.wait(s).unwrap_or_else(|p| p.into_inner());
            #[cfg(test)]
            {
                s.waiting -= 1;
            }
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
            #[cfg(test)]
            {
                s.waiting += 1;
            }
            s = self
                .0
                .ready
                .wait_timeout(s, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            #[cfg(test)]
            {
                s.waiting -= 1;
            }
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
    use std::sync::mpsc;

    /// Far beyond anything a test here waits for: reached only when a thread is stuck.
    const STUCK: Duration = Duration::from_secs(20);

    impl<T> Receiver<T> {
        /// Waits (yielding, up to [`STUCK`]) until `n` receivers are blocked waiting.
        fn until_waiting(&self, n: usize) {
            let until = Instant::now() + STUCK;
            while self.0.lock().waiting != n {
                assert!(Instant::now() < until, "never {n} receivers waiting");
                std::thread::yield_now();
            }
        }
    }

    /// Runs `f` on a thread; its result comes through the returned channel.
    fn on_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> mpsc::Receiver<R> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx
    }

    /// `rx.recv()`, failing the test if it blocks for [`STUCK`].
    fn recv_within<T: Send + 'static>(rx: &Receiver<T>) -> Result<T, Disconnected<()>> {
        let rx = rx.clone();
        on_thread(move || rx.recv())
            .recv_timeout(STUCK)
            .expect("recv blocked")
    }

    #[test]
    fn items_come_out_in_the_order_they_went_in() {
        let (tx, rx) = queue();
        let tx2 = tx.clone();
        tx.send(1).unwrap();
        tx2.send(2).unwrap();
        tx.send(3).unwrap();
        assert_eq!(
            [
                recv_within(&rx),
                recv_within(&rx),
                rx.recv_timeout(Duration::ZERO).unwrap()
            ],
            [Ok(1), Ok(2), Ok(3)]
        );
    }

    #[test]
    fn what_was_queued_is_received_after_the_last_sender_went() {
        let (tx, rx) = queue();
        tx.send(1).unwrap();
        let tx2 = tx.clone();
        tx2.send(2).unwrap();
        drop(tx);
        // One sender is left: nothing queued is not a disconnection.
        assert_eq!(recv_within(&rx), Ok(1));
        assert_eq!(recv_within(&rx), Ok(2));
        assert_eq!(rx.recv_timeout(Duration::ZERO), None);
        tx2.send(3).unwrap();
        drop(tx2);
        assert_eq!(recv_within(&rx), Ok(3));
        assert_eq!(recv_within(&rx), Err(Disconnected(())));
        assert_eq!(rx.recv_timeout(Duration::ZERO), Some(Err(Disconnected(()))));
    }

    #[test]
    fn send_fails_only_once_every_receiver_is_gone() {
        let (tx, rx) = queue();
        let rx2 = rx.clone();
        drop(rx);
        assert_eq!(tx.send(1), Ok(()));
        let rx3 = rx2.clone();
        drop(rx2);
        assert_eq!(tx.send(2), Ok(()));
        assert_eq!(rx3.recv_timeout(Duration::ZERO), Some(Ok(1)));
        drop(rx3);
        assert_eq!(tx.send(3), Err(Disconnected(3)));
        assert_eq!(tx.clone().send(4), Err(Disconnected(4)));
    }

    #[test]
    fn a_send_wakes_a_waiting_receiver() {
        let (tx, rx) = queue::<u32>();
        let (rx2, rx3) = (rx.clone(), rx.clone());
        let a = on_thread(move || rx2.recv());
        let b = on_thread(move || rx3.recv_timeout(STUCK));
        rx.until_waiting(2);
        tx.send(7).unwrap();
        tx.send(8).unwrap();
        let mut got = [
            a.recv_timeout(STUCK).expect("recv was not woken").unwrap(),
            b.recv_timeout(STUCK)
                .expect("recv_timeout was not woken")
                .expect("recv_timeout timed out")
                .unwrap(),
        ];
        got.sort_unstable();
        assert_eq!(got, [7, 8]);
        // Both woke and left their wait.
        rx.until_waiting(0);
        drop(tx);
    }

    #[test]
    fn the_last_sender_going_wakes_every_waiting_receiver() {
        let (tx, rx) = queue::<u32>();
        let tx2 = tx.clone();
        let waiters: Vec<_> = (0..4)
            .map(|i| {
                let rx = rx.clone();
                if i % 2 == 0 {
                    on_thread(move || rx.recv())
                } else {
                    // Duration::MAX: no deadline at all.
                    on_thread(move || rx.recv_timeout(Duration::MAX).expect("no deadline"))
                }
            })
            .collect();
        rx.until_waiting(4);
        drop(tx);
        // A sender is left: every receiver still waits.
        assert_eq!(rx.recv_timeout(Duration::ZERO), None);
        rx.until_waiting(4);
        drop(tx2);
        for (i, w) in waiters.iter().enumerate() {
            let got = w.recv_timeout(STUCK);
            assert_eq!(got, Ok(Err(Disconnected(()))), "receiver {i} was not woken");
        }
        rx.until_waiting(0);
    }

    #[test]
    fn debug_names_the_end_and_never_the_items() {
        let (tx, rx) = queue::<&str>();
        tx.send("secret").unwrap();
        assert_eq!(
            (format!("{tx:?}"), format!("{rx:?}")),
            ("Sender".into(), "Receiver".into())
        );
    }

    #[test]
    fn recv_timeout_gives_none_when_the_time_passes_first() {
        let (tx, rx) = queue::<u32>();
        let rx2 = rx.clone();
        let timed_out = on_thread(move || {
            [
                rx2.recv_timeout(Duration::ZERO),
                rx2.recv_timeout(Duration::from_millis(1)),
            ]
        });
        assert_eq!(timed_out.recv_timeout(STUCK), Ok([None, None]));
        tx.send(1).unwrap();
        assert_eq!(rx.recv_timeout(Duration::ZERO), Some(Ok(1)));
    }
}
