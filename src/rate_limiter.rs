//! The client-side rate limiter of the *adaptive* retry mode: a token bucket whose fill
//! rate follows CUBIC congestion control, as the AWS SDKs do it. It stays off until the
//! service first throttles; then each throttle cuts the allowed rate to 70 % of what was
//! measured, and successes let it grow back along a cubic curve.

use std::sync::Mutex;
use std::time::{Duration, Instant};

const BETA: f64 = 0.7;
const SCALE: f64 = 0.4;
const SMOOTH: f64 = 0.8;
const MIN_FILL_RATE: f64 = 0.5;
const MIN_CAPACITY: f64 = 1.0;

#[derive(Debug)]
struct State {
    origin: Instant,
    enabled: bool,
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill: f64,
    measured_rate: f64,
    last_rate_bucket: f64,
    request_count: f64,
    last_max_rate: f64,
    last_throttle: f64,
    time_window: f64,
}

/// The adaptive mode's rate limiter, shared by every call of a client.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    state: Mutex<State>,
}

impl RateLimiter {
    pub(crate) fn new() -> Self {
        Self::starting_at(Instant::now())
    }

    pub(crate) fn starting_at(origin: Instant) -> Self {
        Self {
            state: Mutex::new(State {
                origin,
                enabled: false,
                fill_rate: 0.0,
                max_capacity: 0.0,
                capacity: 0.0,
                last_refill: 0.0,
                measured_rate: 0.0,
                last_rate_bucket: 0.0,
                request_count: 0.0,
                last_max_rate: 0.0,
                last_throttle: 0.0,
                time_window: 0.0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes one token for a request about to be sent, and says how long to wait first.
    pub(crate) fn acquire(&self, now: Instant) -> Duration {
        let mut s = self.lock();
        if !s.enabled {
            return Duration::ZERO;
        }
        let t = s.seconds(now);
        s.refill(t);
        let wait = if s.capacity >= 1.0 {
            0.0
        } else {
            (1.0 - s.capacity) / s.fill_rate
        };
        // Going into debt is the same as waiting and then taking the token.
        s.capacity -= 1.0;
        if wait.is_finite() {
            Duration::from_secs_f64(wait.clamp(0.0, 60.0))
        } else {
            Duration::ZERO
        }
    }

    /// Records a response: `throttled` for a throttling error.
    pub(crate) fn on_response(&self, throttled: bool, now: Instant) {
        let mut s = self.lock();
        let t = s.seconds(now);
        s.update_measured_rate(t);
        let rate = if throttled {
            let rate_to_use = if s.enabled {
                s.measured_rate.min(s.fill_rate)
            } else {
                s.measured_rate
            };
            s.last_max_rate = rate_to_use;
            s.update_time_window();
            s.last_throttle = t;
            s.enabled = true;
            rate_to_use * BETA
        } else {
            s.update_time_window();
            SCALE * (t - s.last_throttle - s.time_window).powi(3) + s.last_max_rate
        };
        let new_rate = rate.min(2.0 * s.measured_rate);
        s.refill(t);
        s.fill_rate = new_rate.max(MIN_FILL_RATE);
        s.max_capacity = new_rate.max(MIN_CAPACITY);
        s.capacity = s.capacity.min(s.max_capacity);
    }

    #[cfg(test)]
    fn fill_rate(&self) -> Option<f64> {
        let s = self.lock();
        s.enabled.then_some(s.fill_rate)
    }
}

impl State {
    fn seconds(&self, now: Instant) -> f64 {
        now.saturating_duration_since(self.origin).as_secs_f64()
    }

    fn refill(&mut self, t: f64) {
        let added = (t - self.last_refill).max(0.0) * self.fill_rate;
        self.capacity = (self.capacity + added).min(self.max_capacity);
        self.last_refill = t;
    }

    fn update_time_window(&mut self) {
        self.time_window = (self.last_max_rate * (1.0 - BETA) / SCALE).cbrt();
    }

    fn update_measured_rate(&mut self, t: f64) {
        let bucket = (t * 2.0).floor() / 2.0;
        self.request_count += 1.0;
        if bucket > self.last_rate_bucket {
            let current = self.request_count / (bucket - self.last_rate_bucket);
            self.measured_rate = current * SMOOTH + self.measured_rate * (1.0 - SMOOTH);
            self.request_count = 0.0;
            self.last_rate_bucket = bucket;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_until_the_first_throttle() {
        let start = Instant::now();
        let l = RateLimiter::starting_at(start);
        for i in 0..100 {
            let now = start + Duration::from_millis(i * 10);
            assert_eq!(l.acquire(now), Duration::ZERO);
            l.on_response(false, now);
        }
        assert_eq!(l.fill_rate(), None);
    }

    #[test]
    fn throttling_cuts_the_rate_and_successes_grow_it_back() {
        let start = Instant::now();
        let l = RateLimiter::starting_at(start);
        // 20 requests per second for 3 seconds.
        let mut t = start;
        for _ in 0..60 {
            l.acquire(t);
            l.on_response(false, t);
            t += Duration::from_millis(50);
        }
        l.on_response(true, t);
        let after_throttle = l.fill_rate().expect("enabled by a throttle");
        assert!(after_throttle > 5.0 && after_throttle < 20.0, "{after_throttle}");
        // Sending faster than the new rate now has to wait.
        let waits: Duration = (0..40).map(|_| l.acquire(t)).sum();
        assert!(waits > Duration::from_secs(1), "{waits:?}");
        // Successes over the next seconds raise the rate along the cubic curve.
        let mut rate_later = after_throttle;
        for i in 1..=40 {
            let now = t + Duration::from_millis(i * 100);
            l.on_response(false, now);
            rate_later = l.fill_rate().unwrap();
        }
        assert!(rate_later > after_throttle, "{rate_later} <= {after_throttle}");
    }

    #[test]
    fn the_rate_never_drops_below_the_floor() {
        let start = Instant::now();
        let l = RateLimiter::starting_at(start);
        for i in 0..50 {
            l.on_response(true, start + Duration::from_secs(i));
        }
        assert!(l.fill_rate().unwrap() >= MIN_FILL_RATE);
        let wait = l.acquire(start + Duration::from_secs(50));
        assert!(wait <= Duration::from_secs(60));
    }
}
