//! Where the client gets the time, injected so that signing and retries can be tested
//! without a real clock.

use std::fmt;
use std::time::SystemTime;

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A time as a calendar date that SigV4 and RFC 3339 can write: years 0 to 9999 (four
/// digits). `None` outside that range, instead of the panic of `OffsetDateTime::from`.
pub(crate) fn to_datetime(t: SystemTime) -> Option<time::OffsetDateTime> {
    let epoch = time::OffsetDateTime::UNIX_EPOCH;
    let dt = match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => epoch.checked_add(time::Duration::try_from(d).ok()?)?,
        Err(e) => epoch.checked_sub(time::Duration::try_from(e.duration()).ok()?)?,
    };
    (0..=9999).contains(&dt.year()).then_some(dt)
}

/// A date as a `SystemTime`, or `None` where the platform's cannot hold it (before 1601 on
/// Windows), instead of the panic of `SystemTime::from`.
pub(crate) fn to_system_time(t: time::OffsetDateTime) -> Option<SystemTime> {
    let since = t - time::OffsetDateTime::UNIX_EPOCH;
    let d = std::time::Duration::try_from(since.abs()).ok()?;
    if since.is_negative() {
        SystemTime::UNIX_EPOCH.checked_sub(d)
    } else {
        SystemTime::UNIX_EPOCH.checked_add(d)
    }
}

/// `start + d`, or a year ahead when that overflows (a "no limit" setting such as
/// `Duration::MAX`).
pub(crate) fn deadline_after(start: std::time::Instant, d: std::time::Duration) -> std::time::Instant {
    start
        .checked_add(d)
        .or_else(|| start.checked_add(std::time::Duration::from_secs(365 * 86_400)))
        .unwrap_or(start)
}

/// `t` moved by `offset_ms` milliseconds (either way), or `None` when that overflows.
pub(crate) fn offset_by_ms(t: SystemTime, offset_ms: i64) -> Option<SystemTime> {
    let d = std::time::Duration::from_millis(offset_ms.unsigned_abs());
    if offset_ms >= 0 {
        t.checked_add(d)
    } else {
        t.checked_sub(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_outside_four_digit_years_are_none_not_a_panic() {
        let y9999 = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799);
        assert_eq!(to_datetime(y9999).map(|d| d.year()), Some(9999));
        assert_eq!(to_datetime(y9999 + Duration::from_secs(1)), None);
        let y0 = SystemTime::UNIX_EPOCH - Duration::from_secs(62_167_219_200);
        assert_eq!(to_datetime(y0).map(|d| d.year()), Some(0));
        assert_eq!(to_datetime(y0 - Duration::from_secs(1)), None);
        assert_eq!(
            offset_by_ms(SystemTime::UNIX_EPOCH, -1000),
            SystemTime::UNIX_EPOCH.checked_sub(Duration::from_secs(1))
        );
        assert_eq!(offset_by_ms(y9999, i64::MAX).map(to_datetime), Some(None));
    }
}
