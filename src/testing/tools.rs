//! Deterministic stand-ins for time, for tests of retries and signing.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::clock::Clock;
use crate::retry::Sleeper;

/// A [`Sleeper`] that does not sleep but records every requested delay. Clones share the
/// record.
///
/// ```
/// use apigwv2::retry::Sleeper;
/// let s = apigwv2::testing::RecordingSleeper::new();
/// s.clone().sleep(std::time::Duration::from_secs(3));
/// assert_eq!(s.sleeps(), [std::time::Duration::from_secs(3)]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct RecordingSleeper {
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every delay requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, d: Duration) {
        self.sleeps.lock().unwrap_or_else(|p| p.into_inner()).push(d);
    }
}

/// A [`Clock`] that starts at a time and moves forward by a step every time it is read.
#[derive(Debug, Clone)]
pub struct SteppingClock {
    now: Arc<Mutex<SystemTime>>,
    step: Duration,
}

impl SteppingClock {
    /// A clock at `start` that advances by `step` per reading.
    pub fn new(start: SystemTime, step: Duration) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
            step,
        }
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> SystemTime {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        let t = *now;
        *now += self.step;
        t
    }
}

/// A [`Clock`] that stays where it is set. Clones share the time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<SystemTime>>,
}

impl ManualClock {
    /// A clock at `start`.
    pub fn new(start: SystemTime) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}
