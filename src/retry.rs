//! Retries as the AWS SDKs' *standard* mode does them: which failures are retried, how long
//! to wait (exponential backoff with full jitter, capped), a retry quota so a failing
//! service is not hammered, and clock-skew correction.
//!
//! Everything here is a pure function or a small piece of state, so that the policy can be
//! tested without waiting: the client injects the [`Sleeper`] and the time.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

use crate::error::{is_throttling_code, Error, TransportErrorKind};
use crate::rng::{self, Rng};

/// The retry modes of the AWS SDKs (`retry_mode`, `AWS_RETRY_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryMode {
    /// Exponential backoff with jitter and a retry quota.
    Standard,
    /// Standard, plus a client-side rate limiter that slows down after throttling.
    Adaptive,
}

impl RetryMode {
    /// Parses `standard`, `adaptive` or `legacy` (which the AWS SDKs treat like `standard`
    /// for new clients).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "standard" | "legacy" => Some(Self::Standard),
            "adaptive" => Some(Self::Adaptive),
            _ => None,
        }
    }
}

/// The retry quota: a bucket of tokens that retries spend and successes refill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryQuota {
    /// Tokens in a full bucket. Defaults to 500.
    pub capacity: u32,
    /// Tokens a retry after an error costs. Defaults to 5.
    pub retry_cost: u32,
    /// Tokens a retry after a timeout costs. Defaults to 10.
    pub timeout_retry_cost: u32,
}

impl RetryQuota {
    /// A quota with these numbers of tokens.
    pub fn new(capacity: u32, retry_cost: u32, timeout_retry_cost: u32) -> Self {
        Self {
            capacity,
            retry_cost,
            timeout_retry_cost,
        }
    }
}

impl Default for RetryQuota {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
        }
    }
}

/// How failed requests are retried.
///
/// ```
/// use apigwv2::retry::{RetryConfig, RetryQuota};
/// use std::time::Duration;
/// let cfg = RetryConfig::default().max_attempts(5).max_backoff(Duration::from_secs(5)).quota(None);
/// assert_eq!(cfg.get_max_attempts(), 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct RetryConfig {
    max_attempts: u32,
    mode: RetryMode,
    initial_backoff: Duration,
    max_backoff: Duration,
    quota: Option<RetryQuota>,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            mode: RetryMode::Standard,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            quota: Some(RetryQuota::default()),
        }
    }
}

impl RetryConfig {
    /// No retries: one attempt per call.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts per call, the first included (1 means no retry; 0 counts as 1). Defaults to 3.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The retry mode. Defaults to [`RetryMode::Standard`].
    pub fn mode(mut self, mode: RetryMode) -> Self {
        self.mode = mode;
        self
    }

    /// The ceiling of the first backoff; each retry doubles it. Defaults to 1 s.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The largest wait between attempts (also caps `Retry-After`). Defaults to 20 s.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The retry quota, or `None` to switch it off (every call may then use all its
    /// attempts, however much the service is failing). Defaults to [`RetryQuota::default`].
    pub fn quota(mut self, quota: Option<RetryQuota>) -> Self {
        self.quota = quota;
        self
    }

    /// Attempts per call.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The retry mode.
    pub fn get_mode(&self) -> RetryMode {
        self.mode
    }

    /// The retry quota, if on.
    pub fn get_quota(&self) -> Option<RetryQuota> {
        self.quota
    }
}

/// Waits between attempts. Inject one to test retries without waiting.
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// Blocks the calling thread for `d`.
    fn sleep(&self, d: Duration);
}

/// Sleeps the calling thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// What kind of retryable failure an error is, which decides what a retry costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryKind {
    Throttling,
    Transient,
    Timeout,
}

/// Classifies an error: `None` for errors that must not be retried (4xx client errors,
/// bad input, configuration, ...).
pub(crate) fn classify(e: &Error) -> Option<RetryKind> {
    match e {
        Error::TooManyRequests { .. } => Some(RetryKind::Throttling),
        Error::Service { details } if details.code.as_deref().is_some_and(is_throttling_code) => {
            Some(RetryKind::Throttling)
        }
        Error::Transport {
            kind: TransportErrorKind::Timeout,
            ..
        } => Some(RetryKind::Timeout),
        _ if e.is_retryable() => Some(RetryKind::Transient),
        _ => None,
    }
}

/// The backoff before retry number `retry` (1 for the first retry): a uniform random
/// fraction `unit` (in `[0, 1)`) of `min(initial * 2^(retry-1), max)`: "full jitter".
pub(crate) fn backoff_delay(retry: u32, unit: f64, initial: Duration, max: Duration) -> Duration {
    let exp = retry.saturating_sub(1).min(30);
    let ceiling = initial.saturating_mul(1u32 << exp).min(max);
    // `try_from` rather than `mul_f64`: no panic, however large a configured ceiling is.
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * unit).map_or(ceiling, |d| d.min(ceiling))
}

/// The random source of jitter: the crate's xorshift64* ([`Rng`]), seeded from the clock
/// (jitter needs no more), its state shared by every call of a client without a lock.
#[derive(Debug)]
pub(crate) struct Jitter(AtomicU64);

impl Jitter {
    pub(crate) fn new() -> Self {
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        // Odd: never the zero state, which xorshift never leaves.
        Self(AtomicU64::new(seed | 1))
    }

    /// A value in `[0, 1)`.
    pub(crate) fn unit(&self) -> f64 {
        let prev = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| Some(rng::step(x)))
            .unwrap_or(1);
        // The generator that stood at `prev` takes the same step as the shared state did.
        Rng(prev).unit()
    }
}

/// The retry quota's bucket, shared by every call of a client.
#[derive(Debug)]
pub(crate) struct QuotaBucket {
    config: Option<RetryQuota>,
    tokens: Mutex<u32>,
}

impl QuotaBucket {
    pub(crate) fn new(config: Option<RetryQuota>) -> Self {
        Self {
            config,
            tokens: Mutex::new(config.map_or(0, |c| c.capacity)),
        }
    }

    /// Takes the cost of a retry; `None` when the bucket is too empty (no retry then).
    /// `Some(0)` when the quota is off.
    pub(crate) fn acquire(&self, kind: RetryKind) -> Option<u32> {
        let Some(cfg) = self.config else { return Some(0) };
        let cost = if kind == RetryKind::Timeout {
            cfg.timeout_retry_cost
        } else {
            cfg.retry_cost
        };
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *tokens < cost {
            return None;
        }
        *tokens -= cost;
        Some(cost)
    }

    /// A call succeeded: give back what its retries took, or 1 token when it needed none.
    pub(crate) fn release(&self, spent: u32) {
        let Some(cfg) = self.config else { return };
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        *tokens = tokens.saturating_add(spent.max(1)).min(cfg.capacity);
    }

    #[cfg(test)]
    pub(crate) fn available(&self) -> u32 {
        *self.tokens.lock().unwrap()
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Try again after this delay.
    RetryAfter(Duration),
    /// The service's clock is this far (ms) from ours: sign with it and try again at once.
    RetryWithSkew(i64),
    /// Stop and return the error.
    GiveUp,
}

/// The facts about one failed attempt that the retry decision needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Failure<'a> {
    /// The response's `Date` header, if there was a response.
    pub(crate) date: Option<&'a str>,
    /// The response's `Retry-After` header.
    pub(crate) retry_after: Option<&'a str>,
    /// When the attempt was sent and its answer received, by the client's clock.
    pub(crate) sent_at: SystemTime,
    pub(crate) received_at: SystemTime,
    /// Time spent in the call so far, and the call's deadline.
    pub(crate) elapsed: Duration,
    pub(crate) operation_timeout: Duration,
    /// A jitter draw in `[0, 1)`.
    pub(crate) jitter: f64,
}

/// The retry state of one call: it counts attempts, collects the request ids, spends and
/// refunds the retry quota, and after each failure decides what comes next. No I/O and no
/// clock of its own, so every policy decision is unit-tested without sockets.
#[derive(Debug)]
pub(crate) struct Attempts<'a> {
    config: &'a RetryConfig,
    quota: &'a QuotaBucket,
    attempts: u32,
    spent: u32,
    request_ids: Vec<String>,
    skew_corrected: bool,
}

impl<'a> Attempts<'a> {
    pub(crate) fn new(config: &'a RetryConfig, quota: &'a QuotaBucket) -> Self {
        Self {
            config,
            quota,
            attempts: 0,
            spent: 0,
            request_ids: Vec::new(),
            skew_corrected: false,
        }
    }

    /// Starts an attempt; returns its number (1 for the first).
    pub(crate) fn start(&mut self) -> u32 {
        self.attempts = self.attempts.saturating_add(1);
        self.attempts
    }

    /// The call succeeded: refund what its retries took from the quota (or 1 token).
    pub(crate) fn succeeded(&self) {
        self.quota.release(self.spent);
    }

    /// After a failed attempt: records it on `error` (attempts, request ids) and decides
    /// what comes next. A clock-skew complaint with a usable `Date` gets one immediate
    /// retry (even with retries off); otherwise retryable errors are retried while attempts,
    /// quota and the call's deadline allow, after a backoff (or `Retry-After`, capped).
    pub(crate) fn after_failure(&mut self, error: &mut Error, f: Failure<'_>) -> Next {
        if let Some(id) = error.request_id() {
            self.request_ids.push(id.to_owned());
        }
        error.set_attempts(self.attempts);
        error.set_request_ids(self.request_ids.clone());
        if !self.skew_corrected && is_clock_skew_error(error) {
            // A skew that would move signing outside what can be signed is ignored.
            let skew = f
                .date
                .and_then(crate::http_date::parse)
                .and_then(|d| estimate_skew_ms(d, f.sent_at, f.received_at))
                .filter(|skew| {
                    crate::clock::offset_by_ms(f.received_at, *skew)
                        .and_then(crate::clock::to_datetime)
                        .is_some()
                });
            if let Some(skew) = skew {
                self.skew_corrected = true;
                if self.attempts < self.config.max_attempts.max(2) {
                    return Next::RetryWithSkew(skew);
                }
            }
        }
        let Some(kind) = classify(error) else {
            return Next::GiveUp;
        };
        if self.attempts >= self.config.max_attempts {
            return Next::GiveUp;
        }
        let Some(cost) = self.quota.acquire(kind) else {
            return Next::GiveUp;
        };
        self.spent = self.spent.saturating_add(cost);
        let backoff = backoff_delay(
            self.attempts,
            f.jitter,
            self.config.initial_backoff,
            self.config.max_backoff,
        );
        let delay = f
            .retry_after
            .and_then(retry_after)
            .map_or(backoff, |d| d.min(self.config.max_backoff))
            .min(crate::http1::MAX_WAIT);
        if f.elapsed.saturating_add(delay) >= f.operation_timeout {
            return Next::GiveUp;
        }
        Next::RetryAfter(delay)
    }
}

/// True for the errors that say the request's time was too far from the service's clock.
pub(crate) fn is_clock_skew_error(e: &Error) -> bool {
    let Some(d) = e.service_error() else { return false };
    match d.code.as_deref() {
        Some("RequestTimeTooSkewed" | "RequestExpired" | "RequestInTheFuture") => true,
        Some("InvalidSignatureException" | "SignatureDoesNotMatch" | "AuthFailure") => {
            d.message.as_deref().is_some_and(|m| {
                m.contains("Signature expired")
                    || m.contains("Signature not yet current")
                    || m.contains("too skewed")
            })
        }
        _ => false,
    }
}

/// The clock offset (server minus client, in milliseconds) implied by a response's `Date`,
/// taking the midpoint of sending and receiving as the moment the server stamped it.
/// `None` when the local times are not dates (an absurd injected clock).
pub(crate) fn estimate_skew_ms(
    server_date: OffsetDateTime,
    sent: SystemTime,
    received: SystemTime,
) -> Option<i64> {
    let sent = crate::clock::to_datetime(sent)?;
    let received = crate::clock::to_datetime(received)?;
    let midpoint = sent.checked_add((received - sent) / 2)?;
    let skew: time::Duration = server_date - midpoint;
    i64::try_from(skew.whole_milliseconds()).ok()
}

/// The delay a `Retry-After` header asks for: whole seconds (the HTTP-date form is not
/// used by AWS and is ignored).
pub(crate) fn retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceError;

    fn service(code: Option<&str>, status: u16, message: &str) -> Error {
        Error::Service {
            details: Box::new(ServiceError {
                operation: "GetStages",
                status,
                code: code.map(Into::into),
                message: Some(message.into()),
                request_id: None,
                request_ids: vec![],
                attempts: 1,
            }),
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let one = Duration::from_secs(1);
        let max = Duration::from_secs(20);
        assert_eq!(backoff_delay(1, 1.0, one, max), Duration::from_secs(1));
        assert_eq!(backoff_delay(2, 1.0, one, max), Duration::from_secs(2));
        assert_eq!(backoff_delay(5, 1.0, one, max), Duration::from_secs(16));
        assert_eq!(backoff_delay(6, 1.0, one, max), max);
        assert_eq!(backoff_delay(60, 1.0, one, max), max);
        assert_eq!(backoff_delay(3, 0.5, one, max), Duration::from_secs(2));
        assert_eq!(backoff_delay(3, 0.0, one, max), Duration::ZERO);
        // Absurd settings and inputs never panic.
        assert!(backoff_delay(u32::MAX, 0.999, Duration::MAX, Duration::MAX) > Duration::from_secs(1 << 60));
        assert_eq!(backoff_delay(2, f64::NAN, one, max), Duration::ZERO);
    }

    #[test]
    fn jitter_is_uniform_enough_and_in_range() {
        let j = Jitter::new();
        let xs: Vec<f64> = (0..10_000).map(|_| j.unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((0.45..0.55).contains(&mean), "{mean}");
        assert!(xs.iter().any(|x| *x < 0.05) && xs.iter().any(|x| *x > 0.95));
    }

    #[test]
    fn classification() {
        assert_eq!(
            classify(&service(Some("ThrottlingException"), 400, "")),
            Some(RetryKind::Throttling)
        );
        assert_eq!(classify(&service(None, 503, "")), Some(RetryKind::Transient));
        assert_eq!(classify(&service(Some("AccessDeniedException"), 403, "")), None);
        assert_eq!(classify(&service(None, 400, "")), None);
        let timeout = Error::Transport {
            operation: "GetStages",
            kind: TransportErrorKind::Timeout,
            message: String::new(),
            attempts: 1,
            source: None,
        };
        assert_eq!(classify(&timeout), Some(RetryKind::Timeout));
        let input = Error::InvalidInput {
            field: "api_id",
            reason: String::new(),
        };
        assert_eq!(classify(&input), None);
    }

    #[test]
    fn quota_spends_refunds_and_can_be_off() {
        let q = QuotaBucket::new(Some(RetryQuota {
            capacity: 12,
            retry_cost: 5,
            timeout_retry_cost: 10,
        }));
        assert_eq!(q.acquire(RetryKind::Transient), Some(5));
        assert_eq!(q.acquire(RetryKind::Transient), Some(5));
        assert_eq!(q.acquire(RetryKind::Transient), None);
        q.release(5);
        assert_eq!(q.available(), 7);
        q.release(0);
        assert_eq!(q.available(), 8);
        q.release(100);
        assert_eq!(q.available(), 12);
        assert_eq!(q.acquire(RetryKind::Timeout), Some(10));
        let off = QuotaBucket::new(None);
        for _ in 0..1000 {
            assert_eq!(off.acquire(RetryKind::Timeout), Some(0));
        }
    }

    fn failure(
        date: Option<&'static str>,
        retry_after: Option<&'static str>,
        elapsed_s: u64,
    ) -> Failure<'static> {
        let sent = SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        Failure {
            date,
            retry_after,
            sent_at: sent,
            received_at: sent + Duration::from_secs(2),
            elapsed: Duration::from_secs(elapsed_s),
            operation_timeout: Duration::from_secs(90),
            jitter: 0.5,
        }
    }

    #[test]
    fn attempts_back_off_then_give_up_and_annotate_the_error() {
        let cfg = RetryConfig::default().max_attempts(3);
        let quota = QuotaBucket::new(cfg.get_quota());
        let mut a = Attempts::new(&cfg, &quota);
        let mut last = service(None, 503, "");
        for (n, want) in [
            (1, Next::RetryAfter(Duration::from_millis(500))),
            (2, Next::RetryAfter(Duration::from_secs(1))),
            (3, Next::GiveUp),
        ] {
            assert_eq!(a.start(), n);
            let mut e = service(None, 503, "");
            if let Error::Service { details } = &mut e {
                details.request_id = Some(format!("r{n}"));
            }
            assert_eq!(
                a.after_failure(&mut e, failure(None, None, 0)),
                want,
                "attempt {n}"
            );
            last = e;
        }
        assert_eq!(last.attempts(), Some(3));
        assert_eq!(last.request_ids(), ["r1", "r2", "r3"]);
        assert_eq!(quota.available(), 490);
        a.succeeded();
        assert_eq!(quota.available(), 500);
    }

    #[test]
    fn attempts_honour_retry_after_quota_deadline_and_client_errors() {
        let cfg = RetryConfig::default()
            .max_attempts(5)
            .max_backoff(Duration::from_secs(7));
        let quota = QuotaBucket::new(Some(RetryQuota::new(7, 5, 10)));
        let mut a = Attempts::new(&cfg, &quota);
        a.start();
        let mut e = service(Some("ThrottlingException"), 400, "");
        assert_eq!(
            a.after_failure(&mut e, failure(None, Some("3"), 0)),
            Next::RetryAfter(Duration::from_secs(3))
        );
        a.start();
        // The quota has 2 tokens left: no retry.
        assert_eq!(a.after_failure(&mut e, failure(None, Some("3"), 0)), Next::GiveUp);
        let quota = QuotaBucket::new(None);
        let mut a = Attempts::new(&cfg, &quota);
        a.start();
        assert_eq!(
            a.after_failure(&mut e, failure(None, Some("3600"), 0)),
            Next::RetryAfter(Duration::from_secs(7))
        );
        a.start();
        // The backoff would cross the call's deadline.
        assert_eq!(
            a.after_failure(&mut e, failure(None, Some("10"), 85)),
            Next::GiveUp
        );
        a.start();
        assert_eq!(
            a.after_failure(
                &mut service(Some("AccessDeniedException"), 403, ""),
                failure(None, None, 0)
            ),
            Next::GiveUp
        );
    }

    #[test]
    fn attempts_learn_the_clock_skew_once_even_with_retries_off() {
        let cfg = RetryConfig::disabled();
        let quota = QuotaBucket::new(cfg.get_quota());
        let mut a = Attempts::new(&cfg, &quota);
        let skewed = || {
            service(
                Some("InvalidSignatureException"),
                403,
                "Signature expired: 20250101T000000Z is now earlier",
            )
        };
        a.start();
        // Sent at 1,750,000,000 s, received 2 s later; the server says 1,750,001,201.
        let date = Some("Sun, 15 Jun 2025 15:26:41 GMT");
        assert_eq!(
            a.after_failure(&mut skewed(), failure(date, None, 0)),
            Next::RetryWithSkew(1_200_000)
        );
        a.start();
        assert_eq!(
            a.after_failure(&mut skewed(), failure(date, None, 0)),
            Next::GiveUp
        );
        // A Date that would leave the signable years is not learned.
        let mut a = Attempts::new(&cfg, &quota);
        a.start();
        // (Received 1 s after the midpoint, so signing would land in year 10000.)
        assert_eq!(
            a.after_failure(
                &mut skewed(),
                failure(Some("Fri, 31 Dec 9999 23:59:59 GMT"), None, 0)
            ),
            Next::GiveUp
        );
        let mut a = Attempts::new(&cfg, &quota);
        a.start();
        assert_eq!(
            a.after_failure(&mut skewed(), failure(Some("garbage"), None, 0)),
            Next::GiveUp
        );
        // The extra attempt is only for a call that has no attempt left otherwise: a skew
        // seen on the last of two attempts ends the call.
        let cfg = RetryConfig::default().max_attempts(2);
        let mut a = Attempts::new(&cfg, &quota);
        a.start();
        assert!(matches!(
            a.after_failure(&mut service(None, 503, ""), failure(None, None, 0)),
            Next::RetryAfter(_)
        ));
        a.start();
        assert_eq!(
            a.after_failure(&mut skewed(), failure(date, None, 0)),
            Next::GiveUp
        );
    }

    #[test]
    fn the_thread_sleeper_really_sleeps() {
        let t = std::time::Instant::now();
        ThreadSleeper.sleep(Duration::from_millis(30));
        // A lower bound only: std::thread::sleep never returns early.
        assert!(t.elapsed() >= Duration::from_millis(30));
    }

    #[test]
    fn skew_errors_and_dates() {
        assert!(is_clock_skew_error(&service(
            Some("InvalidSignatureException"),
            403,
            "Signature expired: 20200101T000000Z is now earlier than ..."
        )));
        assert!(is_clock_skew_error(&service(
            Some("RequestTimeTooSkewed"),
            403,
            ""
        )));
        assert!(!is_clock_skew_error(&service(
            Some("InvalidSignatureException"),
            403,
            "The request signature we calculated does not match"
        )));
        let sent = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let received = sent + Duration::from_secs(2);
        let server = OffsetDateTime::from(sent + Duration::from_secs(1201));
        assert_eq!(estimate_skew_ms(server, sent, received), Some(1_200_000));
        assert_eq!(retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(retry_after("soon"), None);
        assert_eq!(RetryMode::parse("Adaptive"), Some(RetryMode::Adaptive));
        assert_eq!(RetryMode::parse("legacy"), Some(RetryMode::Standard));
        assert_eq!(RetryMode::parse("fast"), None);
    }
}
