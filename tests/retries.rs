//! The fault matrix: for each failure the service or the network can produce, either every
//! stage arrives exactly once and in order, or the listing ends with the right typed error
//! in bounded time; the number of attempts the server saw is asserted each time. Backoff is
//! checked through a recording sleeper: no test waits for it.

mod common;

use std::time::{Duration, SystemTime};

use apigwv2::retry::{RetryConfig, RetryMode, RetryQuota};
use apigwv2::testing::{Fault, LocalApiGateway, RecordingSleeper, SteppingClock};
use apigwv2::{Client, Credentials, Error, GetStagesRequest, TransportErrorKind};
use common::{gateway, names, numbered};

/// A client with this retry configuration and a recording sleeper. Its attempt timeout
/// (10 s) is one that no answer on a loaded machine reaches unless the test delays it on
/// purpose: a spurious timeout would be a retry the counts below do not expect.
fn retrying(gw: &LocalApiGateway, retry: RetryConfig) -> (Client, RecordingSleeper) {
    retrying_with_timeout(gw, retry, Duration::from_secs(10))
}

fn retrying_with_timeout(
    gw: &LocalApiGateway,
    retry: RetryConfig,
    timeout: Duration,
) -> (Client, RecordingSleeper) {
    let sleeper = RecordingSleeper::new();
    let c = gw
        .client_builder()
        .retry_config(retry)
        .sleeper(sleeper.clone())
        .timeout(timeout)
        .build()
        .unwrap();
    (c, sleeper)
}

fn all_names(n: usize) -> Vec<String> {
    numbered(n).into_iter().map(|s| s.stage_name).collect()
}

#[test]
fn each_transient_fault_on_a_middle_page_is_retried_without_loss_or_duplication() {
    let faults = [
        Fault::Throttle,
        Fault::ServerError(500),
        Fault::ServerError(502),
        Fault::ServerError(503),
        Fault::ServerError(504),
        Fault::HtmlError(502),
        Fault::DropConnection,
        Fault::TruncateBody,
        Fault::BadJson,
        // An answer 6 s late, to a client that waits 3 s: a timeout. (Both far apart from
        // the milliseconds an answer takes, so that no other request times out.)
        Fault::Delay(Duration::from_secs(6)),
    ];
    for fault in faults {
        let gw = gateway("api", numbered(20));
        let timeout = match fault {
            Fault::Delay(_) => Duration::from_secs(3),
            _ => Duration::from_secs(10),
        };
        let (c, sleeper) = retrying_with_timeout(&gw, RetryConfig::default(), timeout);
        gw.inject(Fault::Normal);
        gw.inject(fault.clone());
        let got = names(c.stages("api").page_size(5)).unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(got, all_names(20), "{fault:?}");
        assert_eq!(gw.request_count(), 5, "{fault:?}: 4 pages and one retry");
        let sleeps = sleeper.sleeps();
        assert_eq!(sleeps.len(), 1, "{fault:?}");
        assert!(
            sleeps[0] <= Duration::from_secs(1),
            "{fault:?}: first backoff is at most 1 s"
        );
        // The retried request carried the same page token as the failed one.
        let reqs = gw.requests();
        assert_eq!(reqs[1].query, reqs[2].query, "{fault:?}");
    }
}

#[test]
fn throttling_every_third_request_loses_nothing() {
    let gw = gateway("api", numbered(30));
    let (c, sleeper) = retrying(&gw, RetryConfig::default());
    gw.fail_every(3, Fault::Throttle);
    let got = names(c.stages("api").page_size(3)).unwrap();
    assert_eq!(got, all_names(30));
    // 10 pages; requests 3, 6, 9 and 12 were throttled and retried.
    assert_eq!(gw.request_count(), 14);
    assert_eq!(sleeper.sleeps().len(), 4);
}

#[test]
fn a_persistent_failure_ends_with_a_typed_error_after_max_attempts() {
    let gw = gateway("api", numbered(4));
    let (c, sleeper) = retrying(&gw, RetryConfig::default());
    gw.fail_every(1, Fault::ServerError(503));
    let mut it = c.stages("api");
    let e = it.next().unwrap().unwrap_err();
    assert!(matches!(e, Error::Service { .. }), "{e:?}");
    assert_eq!(e.status(), Some(503));
    assert_eq!(e.attempts(), Some(3));
    assert_eq!(gw.request_count(), 3);
    let ids = e.request_ids();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| id.len() == 36), "{ids:?}");
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 3, "one id per attempt: {ids:?}");
    assert_eq!(e.request_id(), Some(ids[2].as_str()));
    assert!(e.to_string().contains("3 attempts"), "{e}");
    assert_eq!(sleeper.sleeps().len(), 2);
    assert!(it.next().is_none(), "fused");
}

#[test]
fn client_errors_are_never_retried() {
    let gw = gateway("api", numbered(4));
    let (c, sleeper) = retrying(&gw, RetryConfig::default().max_attempts(5));
    let e = c
        .get_stages(&GetStagesRequest::new("api").max_results(9999))
        .unwrap_err();
    assert_eq!(e.status(), Some(400));
    let e = c.get_stages(&GetStagesRequest::new("missing")).unwrap_err();
    assert_eq!(e.status(), Some(404));
    let wrong = gw
        .client_builder()
        .credentials(Credentials::new(
            gw.credentials().access_key_id(),
            "wrong",
            None::<String>,
        ))
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    let e = wrong.get_stages(&GetStagesRequest::new("api")).unwrap_err();
    assert_eq!(e.status(), Some(403));
    assert_eq!(gw.request_count(), 3, "one attempt each");
    assert!(sleeper.sleeps().is_empty());
}

#[test]
fn retry_after_is_honoured_and_capped() {
    let gw = gateway("api", numbered(2));
    let (c, sleeper) = retrying(&gw, RetryConfig::default());
    gw.inject(Fault::ThrottleRetryAfter(7));
    c.get_stages(&GetStagesRequest::new("api")).unwrap();
    gw.inject(Fault::ThrottleRetryAfter(3600));
    c.get_stages(&GetStagesRequest::new("api")).unwrap();
    assert_eq!(
        sleeper.sleeps(),
        [Duration::from_secs(7), Duration::from_secs(20)]
    );
}

#[test]
fn backoff_grows_exponentially_with_jitter_under_the_cap() {
    let gw = gateway("api", numbered(2));
    let (c, sleeper) = retrying(&gw, RetryConfig::default().max_attempts(8).quota(None));
    gw.fail_every(1, Fault::ServerError(500));
    let e = c.get_stages(&GetStagesRequest::new("api")).unwrap_err();
    assert_eq!(e.attempts(), Some(8));
    let sleeps = sleeper.sleeps();
    assert_eq!(sleeps.len(), 7);
    for (i, d) in sleeps.iter().enumerate() {
        let ceiling = Duration::from_secs(1 << i).min(Duration::from_secs(20));
        assert!(*d <= ceiling, "retry {}: {d:?} > {ceiling:?}", i + 1);
    }
    assert!(sleeps.windows(2).any(|w| w[0] != w[1]), "jittered: {sleeps:?}");
}

#[test]
fn the_retry_quota_stops_hammering_and_can_be_switched_off() {
    let quota = RetryQuota::new(10, 5, 10);
    let gw = gateway("api", numbered(2));
    let (c, _) = retrying(&gw, RetryConfig::default().quota(Some(quota)));
    gw.fail_every(1, Fault::ServerError(500));
    assert_eq!(
        c.get_stages(&GetStagesRequest::new("api"))
            .unwrap_err()
            .attempts(),
        Some(3)
    );
    // The bucket is empty now: the next call makes a single attempt.
    assert_eq!(
        c.get_stages(&GetStagesRequest::new("api"))
            .unwrap_err()
            .attempts(),
        Some(1)
    );
    assert_eq!(gw.request_count(), 4);
    // Successes refill it.
    gw.fail_every(0, Fault::Normal);
    for _ in 0..5 {
        c.get_stages(&GetStagesRequest::new("api")).unwrap();
    }
    gw.fail_every(1, Fault::ServerError(500));
    assert_eq!(
        c.get_stages(&GetStagesRequest::new("api"))
            .unwrap_err()
            .attempts(),
        Some(2)
    );

    let gw = gateway("api", numbered(2));
    let (c, _) = retrying(&gw, RetryConfig::default().quota(None));
    gw.fail_every(1, Fault::ServerError(500));
    for _ in 0..5 {
        assert_eq!(
            c.get_stages(&GetStagesRequest::new("api"))
                .unwrap_err()
                .attempts(),
            Some(3)
        );
    }
    assert_eq!(gw.request_count(), 15);
}

#[test]
fn a_server_clock_20_minutes_ahead_is_learned_once() {
    for offset in [1200i64, -1200] {
        let gw = gateway("api", numbered(6));
        gw.set_clock_offset(offset);
        let (c, sleeper) = retrying(&gw, RetryConfig::default());
        let got = names(c.stages("api").page_size(2)).unwrap();
        assert_eq!(got, all_names(6));
        // One rejected attempt, then three pages signed with the corrected time.
        assert_eq!(gw.request_count(), 4, "offset {offset}");
        let first = &gw.requests()[0];
        assert_eq!(first.status, 403);
        let skew = c.clock_skew_ms();
        assert!(
            (skew - offset * 1000).abs() < 5_000,
            "learned {skew} ms for {offset} s"
        );
        assert!(sleeper.sleeps().is_empty(), "a skew correction retries at once");
    }
}

#[test]
fn a_retried_page_is_signed_again_with_a_fresh_date() {
    let gw = gateway("api", numbered(2));
    let sleeper = RecordingSleeper::new();
    let c = gw
        .client_builder()
        .clock(SteppingClock::new(SystemTime::now(), Duration::from_secs(2)))
        .sleeper(sleeper)
        .build()
        .unwrap();
    gw.inject(Fault::ServerError(500));
    c.get_stages(&GetStagesRequest::new("api")).unwrap();
    let reqs = gw.requests();
    assert_eq!(reqs.len(), 2);
    assert_ne!(reqs[0].header("x-amz-date"), reqs[1].header("x-amz-date"));
    assert_ne!(reqs[0].header("authorization"), reqs[1].header("authorization"));
    assert_eq!(reqs[1].status, 200);
}

#[test]
fn the_call_deadline_bounds_retries_of_a_slow_server() {
    // Every answer comes after 800 ms; each attempt gives up after 300 ms; the call has
    // 2 s and up to 50 attempts. Without the deadline: 50 attempts, at least 15 s.
    let gw = gateway("api", numbered(2));
    gw.fail_every(1, Fault::Delay(Duration::from_millis(800)));
    let c = gw
        .client_builder()
        .timeout(Duration::from_millis(300))
        .operation_timeout(Duration::from_secs(2))
        .retry_config(
            RetryConfig::default()
                .max_attempts(50)
                .quota(None)
                .initial_backoff(Duration::from_millis(10)),
        )
        .sleeper(RecordingSleeper::new())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = c.get_stages(&GetStagesRequest::new("api")).unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        elapsed < Duration::from_secs(10),
        "{elapsed:?}: the deadline of 2 s was not kept"
    );
    // How many attempts fit depends on the machine's speed, within what the timeouts
    // allow: at least one retry, and never more than 2 s / 300 ms (rounded up), since no
    // attempt ends before its 300 ms.
    let attempts = e.attempts().unwrap();
    assert!((2..=7).contains(&attempts), "{attempts}");
    assert_eq!(gw.request_count(), attempts as usize);
}

#[test]
fn a_page_that_fails_after_retries_yields_one_error_and_can_be_resumed() {
    let gw = gateway("api", numbered(9));
    let (c, _) = retrying(&gw, RetryConfig::default());
    let mut it = c.stages("api").page_size(3);
    assert_eq!(it.by_ref().take(4).count(), 4);
    for _ in 0..3 {
        gw.inject(Fault::ServerError(500));
    }
    let mut rest = Vec::new();
    let mut errors = 0;
    for s in &mut it {
        match s {
            Ok(s) => rest.push(s.stage_name),
            Err(e) => {
                errors += 1;
                assert_eq!(e.attempts(), Some(3));
            }
        }
    }
    assert_eq!(errors, 1);
    assert_eq!(
        rest,
        ["stage-0004", "stage-0005"],
        "the rest of the page already fetched"
    );
    let token = it.resume_token().unwrap().to_owned();
    let tail = names(c.stages("api").page_size(3).starting_token(token)).unwrap();
    assert_eq!(tail, ["stage-0006", "stage-0007", "stage-0008"]);
}

#[test]
fn a_repeated_token_is_not_retried_into_a_loop() {
    let gw = gateway("api", numbered(10));
    let (c, _) = retrying(&gw, RetryConfig::default());
    gw.inject(Fault::Normal);
    gw.inject(Fault::RepeatToken);
    let r = names(c.stages("api").page_size(2));
    assert!(
        matches!(
            r,
            Err(Error::RepeatedToken {
                operation: "GetStages",
                pages: 2
            })
        ),
        "{r:?}"
    );
    assert_eq!(gw.request_count(), 2);
}

#[test]
fn adaptive_mode_slows_down_after_throttling_and_loses_nothing() {
    // Backoff is zero, so every sleep of zero is a retry's backoff and every other sleep is
    // the rate limiter making a request wait.
    let retry = |mode| {
        RetryConfig::default()
            .mode(mode)
            .quota(None)
            .initial_backoff(Duration::ZERO)
    };
    let waits = |sleeps: &[Duration]| sleeps.iter().filter(|d| !d.is_zero()).count();
    for mode in [RetryMode::Standard, RetryMode::Adaptive] {
        let gw = gateway("api", numbered(60));
        let (c, sleeper) = retrying(&gw, retry(mode));
        gw.fail_every(4, Fault::Throttle);
        let mut it = c.stages("api").page_size(2);
        // Requests 1-3 succeed: the limiter is off until the service first throttles.
        assert_eq!(names(it.by_ref().take(6)).unwrap().len(), 6);
        assert!(
            sleeper.sleeps().is_empty(),
            "{mode:?}: no wait before any throttle"
        );
        let mut got = all_names(60)[..6].to_vec();
        got.extend(names(it).unwrap());
        assert_eq!(got, all_names(60), "{mode:?}");
        // 30 pages; every 4th request throttled and retried: 39 requests, 9 of them 429.
        let throttled = gw.requests().iter().filter(|r| r.status == 429).count();
        assert_eq!((gw.request_count(), throttled), (39, 9), "{mode:?}");
        let sleeps = sleeper.sleeps();
        let backoffs = sleeps.len() - waits(&sleeps);
        assert_eq!(backoffs, 9, "{mode:?}: one backoff per throttle: {sleeps:?}");
        match mode {
            RetryMode::Standard => assert_eq!(waits(&sleeps), 0, "standard mode never waits: {sleeps:?}"),
            _ => {
                // The throttle emptied the bucket: the retry right after it waits for a token.
                assert!(
                    sleeps[0].is_zero() && !sleeps[1].is_zero(),
                    "adaptive mode: the first throttle's backoff, then a wait for a token: {sleeps:?}"
                );
                // Waits never exceed the limiter's cap.
                assert!(sleeps.iter().all(|d| *d <= Duration::from_secs(60)), "{sleeps:?}");
            }
        }
    }
}
