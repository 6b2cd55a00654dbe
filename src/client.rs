//! [`Client`], the handle every call goes through, and its send loop (its builder is in
//! `builder.rs`).
//!
//! A call is: validate and build the operation's request, get credentials, then attempts
//! of sign, send through the [`Transport`], decode, with retries, backoff and clock-skew
//! correction between them. None of these steps knows which operation it serves.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::clock::Clock;
use crate::config::Endpoint;
use crate::credentials::{Credentials, ProvideCredentials};
use crate::error::Error;
use crate::operation::{self, Operation, OperationRequest};
use crate::retry::{self, QuotaBucket, RetryConfig, Sleeper};
use crate::sigv4::RequestSigner;
use crate::transport::{HttpRequest, Transport, TransportError};

/// The signing name of API Gateway (V1 and V2 share it).
pub(crate) const SIGNING_NAME: &str = "apigateway";

/// The default cap on a response body: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// The default deadline of one call, retries and backoff included: 90 s.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(90);

/// A client for API Gateway V2.
///
/// Cheap to clone (an `Arc` inside) and `Send + Sync`: clones share one connection pool,
/// one credentials provider and one signing-key cache, so one client can serve many
/// threads.
///
/// ```no_run
/// # fn main() -> Result<(), apigwv2::Error> {
/// let client = apigwv2::Client::from_env()?;
/// for stage in client.stages("a1b2c3d4e5") {
///     let stage = stage?;
///     println!("{} {:?}", stage.stage_name, stage.last_updated_date);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) region: String,
    pub(crate) endpoint: Endpoint,
    pub(crate) credentials: Arc<dyn ProvideCredentials>,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    pub(crate) max_response_bytes: u64,
    pub(crate) signer: RequestSigner,
    pub(crate) retry: RetryConfig,
    pub(crate) quota: QuotaBucket,
    pub(crate) jitter: retry::Jitter,
    pub(crate) limiter: Option<crate::rate_limiter::RateLimiter>,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Duration,
    /// Server time minus client time, learned from clock-skew errors.
    pub(crate) skew_ms: AtomicI64,
}

impl Client {
    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// The retry settings in force.
    pub fn retry_config(&self) -> RetryConfig {
        self.inner.retry
    }

    /// The clock offset (server minus local, in milliseconds) the client has learned from
    /// clock-skew errors and now signs with; 0 until the service complained.
    pub fn clock_skew_ms(&self) -> i64 {
        self.inner.skew_ms.load(Ordering::Relaxed)
    }

    /// Now, corrected by the learned clock skew, as a date SigV4 can sign. A skew that
    /// would leave the signable range is not applied; a clock outside it is an error.
    fn signing_time(&self) -> Result<OffsetDateTime, Error> {
        let skew = self.inner.skew_ms.load(Ordering::Relaxed);
        let now = self.inner.clock.now();
        crate::clock::offset_by_ms(now, skew)
            .and_then(crate::clock::to_datetime)
            .or_else(|| crate::clock::to_datetime(now))
            .ok_or_else(|| Error::Config {
                message: "the clock reads a time outside the years 0 to 9999, which SigV4 cannot sign".into(),
            })
    }

    /// Runs one operation: validate, then attempts of sign, send, decode, with retries.
    pub(crate) fn invoke<O: Operation>(&self, input: &O) -> Result<O::Output, Error> {
        let request = input.request()?;
        let mut output = None;
        self.send_with_retries(O::NAME, &request, &mut |response, n| {
            output = Some(input.finish(operation::decode::<O>(response, n)?));
            Ok(())
        })?;
        output.ok_or_else(|| Error::Config {
            message: format!("{}: no response was decoded", O::NAME),
        })
    }

    /// The attempt loop of [`Client::invoke`], compiled once for every operation: only
    /// `decode` (which stores the operation's output when it succeeds) knows the output.
    fn send_with_retries(
        &self,
        operation_name: &'static str,
        request: &OperationRequest,
        decode: &mut dyn FnMut(&crate::transport::HttpResponse, u32) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let inner = &*self.inner;
        let started = Instant::now();
        let deadline = crate::clock::deadline_after(started, inner.operation_timeout);
        let mut attempts = retry::Attempts::new(&inner.retry, &inner.quota);
        loop {
            let n = attempts.start();
            let credentials = inner.credentials.provide_credentials_until(deadline)?;
            credentials.validate()?;
            if let Some(limiter) = &inner.limiter {
                let wait = limiter.acquire(Instant::now());
                if !wait.is_zero() {
                    inner
                        .sleeper
                        .sleep(wait.min(deadline.saturating_duration_since(Instant::now())));
                }
            }
            // Credentials and the rate limiter count against the deadline too.
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Error::Transport {
                    operation: operation_name,
                    kind: crate::error::TransportErrorKind::Timeout,
                    message: format!(
                        "the call's deadline of {:?} passed before the request could be sent",
                        inner.operation_timeout
                    ),
                    attempts: n - 1,
                    source: None,
                });
            }
            let mut http = self.sign(request, &credentials, self.signing_time()?);
            http.timeout = Some(inner.attempt_timeout.min(remaining));
            let sent_at = inner.clock.now();
            let outcome = inner.transport.send(&http, inner.max_response_bytes);
            let received_at = inner.clock.now();
            let (mut error, response) = match outcome {
                Ok(response) => {
                    if response.body.len() as u64 > inner.max_response_bytes {
                        return Err(Error::ResponseTooLarge {
                            operation: operation_name,
                            limit: inner.max_response_bytes,
                        });
                    }
                    crate::logging::debug!(
                        "{} attempt {n}: HTTP {} [request id {}] after {} ms",
                        operation_name,
                        response.status,
                        response
                            .header("x-amzn-requestid")
                            .map_or("none".into(), |id| crate::redact::Escaped(id).to_string()),
                        started.elapsed().as_millis()
                    );
                    match decode(&response, n) {
                        Ok(()) => {
                            attempts.succeeded();
                            if let Some(limiter) = &inner.limiter {
                                limiter.on_response(false, Instant::now());
                            }
                            return Ok(());
                        }
                        Err(e) => (e, Some(response)),
                    }
                }
                Err(e) => {
                    crate::logging::debug!(
                        "{} attempt {n}: no response from {} ({}) after {} ms",
                        operation_name,
                        inner.endpoint.host_header(),
                        e.kind,
                        started.elapsed().as_millis()
                    );
                    (
                        transport_error(operation_name, inner.endpoint.host_header(), e, n),
                        None,
                    )
                }
            };
            if let Some(limiter) = &inner.limiter {
                let throttled = retry::classify(&error) == Some(retry::RetryKind::Throttling);
                limiter.on_response(throttled, Instant::now());
            }
            let failure = retry::Failure {
                date: response.as_ref().and_then(|r| r.header("date")),
                retry_after: response.as_ref().and_then(|r| r.header("retry-after")),
                sent_at,
                received_at,
                elapsed: started.elapsed(),
                operation_timeout: inner.operation_timeout,
                jitter: inner.jitter.unit(),
            };
            match attempts.after_failure(&mut error, failure) {
                retry::Next::GiveUp => return Err(error),
                retry::Next::RetryWithSkew(skew) => {
                    crate::logging::debug!(
                        "{} retrying at once with a clock skew of {skew} ms",
                        operation_name
                    );
                    inner.skew_ms.store(skew, Ordering::Relaxed)
                }
                retry::Next::RetryAfter(delay) => {
                    crate::logging::debug!(
                        "{} retrying after {} ms: {}",
                        operation_name,
                        delay.as_millis(),
                        error.code().map_or_else(
                            || error
                                .status()
                                .map_or("no response".into(), |s| format!("HTTP {s}")),
                            |c| crate::redact::Escaped(c).to_string()
                        )
                    );
                    inner.sleeper.sleep(delay)
                }
            }
        }
    }

    fn sign(
        &self,
        request: &OperationRequest,
        credentials: &Credentials,
        now: OffsetDateTime,
    ) -> HttpRequest {
        let endpoint = &self.inner.endpoint;
        let host = endpoint.host_header();
        let mut path_and_query = String::with_capacity(
            endpoint.base_path().len() + request.path.len() + 1 + request.query.as_str().len(),
        );
        path_and_query.push_str(endpoint.base_path());
        path_and_query.push_str(&request.path);
        let signed = self.inner.signer.sign(
            request.method,
            credentials,
            now,
            host,
            &path_and_query,
            &request.query,
        );
        if !request.query.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(request.query.as_str());
        }
        let mut http = HttpRequest::new(request.method, endpoint.url_for_path(&path_and_query));
        http.headers.reserve(4);
        http.headers.push(("host".to_owned(), host.to_owned()));
        http.headers.push(("x-amz-date".to_owned(), signed.amz_date));
        if let Some(token) = credentials.session_token() {
            http.headers
                .push(("x-amz-security-token".to_owned(), token.to_owned()));
        }
        http.headers
            .push(("authorization".to_owned(), signed.authorization));
        http
    }
}

fn transport_error(operation: &'static str, host: &str, e: TransportError, attempts: u32) -> Error {
    if let Some(limit) = e.body_limit {
        return Error::ResponseTooLarge { operation, limit };
    }
    Error::Transport {
        operation,
        kind: e.kind,
        message: format!("{host}: {}", e.message),
        attempts,
        source: e.source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }

    #[test]
    fn transport_errors_name_the_host_and_keep_their_cause() {
        // A port nothing listens on: the connection is refused at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = Client::builder()
            .region("eu-west-1")
            .credentials(Credentials::new("AKID", "SECRET", None::<String>))
            .endpoint_url(format!("http://127.0.0.1:{port}"))
            .retry_config(RetryConfig::disabled())
            .build()
            .unwrap();
        let e = client.get_stage("a", "b").unwrap_err();
        assert!(matches!(e, Error::Transport { .. }), "{e:?}");
        assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
        let cause = std::error::Error::source(&e).expect("the transport's cause");
        assert!(!cause.to_string().is_empty());
    }
}
