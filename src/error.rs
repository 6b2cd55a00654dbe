//! The one error type of the crate.
//!
//! Every failure a call can meet is a variant of [`Error`]: the service's modeled errors
//! get their own variants, any other service error keeps its code, and failures of the
//! client (bad input, configuration, transport, undecodable responses) are told apart so a
//! program can act on them. `Display` is one sentence that names the operation, the error
//! code, the HTTP status and the request id; it never contains a credential.

use std::fmt::{self, Write as _};

use crate::redact::{needs_escape, Escaping};

/// What the service said when it refused a request: status, error code, message and
/// request id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// The operation that failed, e.g. `GetStages`.
    pub operation: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// The AWS error code (`NotFoundException`, ...), from `x-amzn-ErrorType` or the body;
    /// `None` when the response carried none (a proxy's HTML page, say).
    pub code: Option<String>,
    /// The service's message, if any.
    pub message: Option<String>,
    /// The request id from `x-amzn-RequestId`, to quote to AWS support.
    pub request_id: Option<String>,
    /// The request ids of every attempt that got one, in order (the last is `request_id`).
    pub request_ids: Vec<String>,
    /// How many attempts were made before giving up.
    pub attempts: u32,
}

/// One line; control characters in the service's text are escaped.
impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f = &mut Escaping(f);
        write!(
            f,
            "{} failed: {} (HTTP {})",
            self.operation,
            self.code.as_deref().unwrap_or("unknown error"),
            self.status
        )?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        write_meta(f, self.request_id.as_deref(), self.attempts)
    }
}

fn write_meta(f: &mut impl fmt::Write, request_id: Option<&str>, attempts: u32) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " [request id {id}")?,
        None => write!(f, " [no request id")?,
    }
    if attempts > 1 {
        write!(f, ", {attempts} attempts]")
    } else {
        write!(f, "]")
    }
}

/// The underlying error of a failure (an I/O or HTTP-stack error), kept for
/// [`std::error::Error::source`]. Cheap to clone; two causes are equal when they are the
/// same error.
#[derive(Clone)]
pub struct Cause(std::sync::Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    /// Wraps an error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(std::sync::Arc::new(error))
    }

    /// The error itself.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// How a request failed to get a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The host name did not resolve, or the connection was refused.
    Connect,
    /// No answer within the configured time.
    Timeout,
    /// The connection broke while sending or receiving.
    Io,
    /// The peer did not speak valid HTTP.
    Protocol,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// Anything else.
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "could not connect",
            Self::Timeout => "timed out",
            Self::Io => "connection failed",
            Self::Protocol => "invalid HTTP",
            Self::Tls => "TLS failed",
            Self::Other => "transport failed",
        })
    }
}

/// Every error this crate returns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// `NotFoundException` (HTTP 404): the API (or other resource) does not exist.
    NotFound {
        /// The kind of resource that was not found, when the service says.
        resource_type: Option<String>,
        /// Status, code, message and request id.
        details: Box<ServiceError>,
    },
    /// `TooManyRequestsException` (HTTP 429): throttled.
    TooManyRequests {
        /// Which limit was hit, when the service says.
        limit_type: Option<String>,
        /// Status, code, message and request id.
        details: Box<ServiceError>,
    },
    /// `BadRequestException` (HTTP 400): a parameter was invalid.
    BadRequest {
        /// Status, code, message and request id.
        details: Box<ServiceError>,
    },
    /// Any other error the service (or something in front of it) answered with.
    Service {
        /// Status, code, message and request id.
        details: Box<ServiceError>,
    },
    /// No response: the connection could not be made or broke.
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// What kind of failure.
        kind: TransportErrorKind,
        /// The transport's description, naming the host it tried.
        message: String,
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error, when the transport kept it (also `source()`).
        source: Option<Cause>,
    },
    /// A response arrived but could not be read as the operation's output or error.
    InvalidResponse {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status of the response.
        status: u16,
        /// The request id, when the response carried one.
        request_id: Option<String>,
        /// What was wrong with it.
        reason: String,
        /// The start of the body, with control characters escaped.
        excerpt: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The response body was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    ResponseTooLarge {
        /// The operation that failed.
        operation: &'static str,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The service returned a pagination token it had already returned in this listing;
    /// the listing stops here instead of looping forever.
    RepeatedToken {
        /// The operation being paginated.
        operation: &'static str,
        /// How many pages had been fetched.
        pages: usize,
    },
    /// The service returned this many pages in a row with no items but a `nextToken`; the
    /// listing stops here instead of fetching pages without end.
    EmptyPages {
        /// The operation being paginated.
        operation: &'static str,
        /// How many empty pages came in a row.
        pages: usize,
    },
    /// A listing went past the most items a call reads before it answers (for
    /// [`Client::api_by_name`](crate::Client::api_by_name),
    /// [`MAX_APIS_SCANNED`](crate::MAX_APIS_SCANNED) APIs): the call stops there instead
    /// of reading a listing without end.
    ListingTooLong {
        /// The operation being paginated.
        operation: &'static str,
        /// The most items the call reads.
        limit: usize,
    },
    /// Listing one API's stages failed during
    /// [`Client::all_stages`](crate::Client::all_stages); the listing can go on with the
    /// next API. The accessors (`code`, `status`, `request_id`, ...) answer for the inner
    /// error, which is also its `source()`.
    InApi {
        /// The API whose stages could not be listed.
        api_id: String,
        /// What went wrong.
        source: Box<Error>,
    },
    /// [`Client::api_by_name`](crate::Client::api_by_name) found no API, or several, with
    /// that name.
    ApiName {
        /// The name looked for.
        name: String,
        /// The ids of the APIs with that name (empty when there is none).
        api_ids: Vec<String>,
    },
    /// A request parameter was invalid; nothing was sent.
    InvalidInput {
        /// The parameter, e.g. `api_id`.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// The client's configuration was missing or invalid (region, endpoint, ...).
    Config {
        /// What is wrong and what to set.
        message: String,
    },
    /// Credentials were missing, malformed or could not be obtained.
    InvalidCredentials {
        /// What is wrong (never the secret itself).
        message: String,
    },
}

impl Error {
    /// The error itself, or for [`Error::InApi`] the inner one.
    fn innermost(&self) -> &Error {
        match self {
            Self::InApi { source, .. } => source.innermost(),
            other => other,
        }
    }

    // Service details are boxed so that `Result<T, Error>` stays small.
    /// The service's details for service errors.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self.innermost() {
            Self::NotFound { details, .. }
            | Self::TooManyRequests { details, .. }
            | Self::BadRequest { details }
            | Self::Service { details } => Some(details),
            _ => None,
        }
    }

    /// The AWS error code, for service errors that carry one.
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(|d| d.code.as_deref())
    }

    /// The service's message for service errors; for other errors, their description.
    pub fn message(&self) -> Option<&str> {
        match self.innermost() {
            Self::Transport { message, .. }
            | Self::Config { message }
            | Self::InvalidCredentials { message } => Some(message),
            Self::InvalidResponse { reason, .. } | Self::InvalidInput { reason, .. } => Some(reason),
            _ => self.service_error().and_then(|d| d.message.as_deref()),
        }
    }

    /// The request id (`x-amzn-RequestId`) of the response that failed, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self.innermost() {
            Self::InvalidResponse { request_id, .. } => request_id.as_deref(),
            _ => self.service_error().and_then(|d| d.request_id.as_deref()),
        }
    }

    /// The HTTP status of the response that failed, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self.innermost() {
            Self::InvalidResponse { status, .. } => Some(*status),
            _ => self.service_error().map(|d| d.status),
        }
    }

    /// How many attempts were made, for errors that come from sending requests.
    pub fn attempts(&self) -> Option<u32> {
        match self.innermost() {
            Self::Transport { attempts, .. } | Self::InvalidResponse { attempts, .. } => Some(*attempts),
            _ => self.service_error().map(|d| d.attempts),
        }
    }

    /// True for transient failures that the same request may get past when tried again:
    /// throttling, 5xx, broken connections, timeouts, and a success response whose body
    /// arrived cut short or unreadable.
    pub fn is_retryable(&self) -> bool {
        match self.innermost() {
            Self::TooManyRequests { .. } => true,
            Self::Service { details } => {
                matches!(details.status, 429 | 500 | 502 | 503 | 504)
                    || details.code.as_deref().is_some_and(is_throttling_code)
            }
            Self::Transport { kind, .. } => !matches!(kind, TransportErrorKind::Tls),
            Self::InvalidResponse { status, .. } => (200..300).contains(status) || *status >= 500,
            _ => false,
        }
    }
}

impl Error {
    pub(crate) fn set_attempts(&mut self, n: u32) {
        match self {
            Self::NotFound { details, .. }
            | Self::TooManyRequests { details, .. }
            | Self::BadRequest { details }
            | Self::Service { details } => details.attempts = n,
            Self::Transport { attempts, .. } | Self::InvalidResponse { attempts, .. } => *attempts = n,
            _ => {}
        }
    }

    pub(crate) fn set_request_ids(&mut self, ids: Vec<String>) {
        if let Self::NotFound { details, .. }
        | Self::TooManyRequests { details, .. }
        | Self::BadRequest { details }
        | Self::Service { details } = self
        {
            details.request_ids = ids;
        }
    }

    /// The request ids of every attempt that got a response with one, in order.
    pub fn request_ids(&self) -> &[String] {
        self.service_error().map_or(&[], |d| d.request_ids.as_slice())
    }
}

/// Error codes the AWS SDKs treat as throttling.
pub(crate) fn is_throttling_code(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "ProvisionedThroughputExceededException"
            | "TransactionInProgressException"
            | "RequestLimitExceeded"
            | "BandwidthLimitExceeded"
            | "LimitExceededException"
            | "RequestThrottled"
            | "SlowDown"
            | "PriorRequestNotComplete"
            | "EC2ThrottledException"
    )
}

/// One line; control characters in text that came from outside (a server, a file, a
/// helper process) are escaped, so printing an error cannot drive the terminal.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Self::InApi { api_id, source } = self {
            write!(Escaping(f), "API {api_id}: ")?;
            return source.fmt(f);
        }
        if let Some(details) = self.service_error() {
            return details.fmt(f);
        }
        let f = &mut Escaping(f);
        match self {
            Self::NotFound { .. }
            | Self::TooManyRequests { .. }
            | Self::BadRequest { .. }
            | Self::Service { .. }
            | Self::InApi { .. } => Ok(()),
            Self::Transport {
                operation,
                kind,
                message,
                attempts,
                ..
            } => {
                write!(f, "{operation} failed: {kind}: {message}")?;
                if *attempts > 1 {
                    write!(f, " [{attempts} attempts]")?;
                }
                Ok(())
            }
            Self::InvalidResponse {
                operation,
                status,
                request_id,
                reason,
                excerpt,
                attempts,
            } => {
                write!(
                    f,
                    "{operation} failed: unreadable response (HTTP {status}): {reason}; body starts \"{excerpt}\""
                )?;
                write_meta(f, request_id.as_deref(), *attempts)
            }
            Self::ResponseTooLarge { operation, limit } => write!(
                f,
                "{operation} failed: the response body is larger than the limit of {limit} bytes"
            ),
            Self::RepeatedToken { operation, pages } => write!(
                f,
                "{operation} pagination stopped: after {pages} pages the service returned a \
                 nextToken it had already returned, which would loop forever"
            ),
            Self::EmptyPages { operation, pages } => write!(
                f,
                "{operation} pagination stopped: {pages} pages in a row had no items but a \
                 nextToken, which looks endless"
            ),
            Self::ListingTooLong { operation, limit } => write!(
                f,
                "{operation} pagination stopped: the listing went past {limit} items, the most \
                 this call reads"
            ),
            Self::ApiName { name, api_ids } if api_ids.is_empty() => {
                write!(f, "no API is named {name:?}")
            }
            Self::ApiName { name, api_ids } => write!(
                f,
                "{} APIs are named {name:?} ({}): name one by its id instead",
                api_ids.len(),
                api_ids.join(", ")
            ),
            Self::InvalidInput { field, reason } => write!(f, "invalid {field}: {reason}"),
            Self::Config { message } => write!(f, "configuration error: {message}"),
            Self::InvalidCredentials { message } => write!(f, "credentials error: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InApi { source, .. } => Some(&**source),
            Self::Transport {
                source: Some(cause), ..
            } => Some(cause.get()),
            _ => None,
        }
    }
}

/// The first `max` characters of a body, with control characters escaped, for error messages.
pub(crate) fn excerpt(body: &[u8], max: usize) -> String {
    // Up to four bytes a character: `max` characters and the start of one more, so a
    // longer body is seen to go on (the `…`) whatever its characters' sizes.
    let text = String::from_utf8_lossy(&body[..body.len().min(max.saturating_mul(4).saturating_add(4))]);
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if needs_escape(c) || c == '"' || c == '\\' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_shows_its_error_and_equals_only_itself() {
        let io = || std::io::Error::other("boom");
        let a = Cause::new(io());
        assert_eq!(format!("{a:?}"), format!("{:?}", io()));
        assert_eq!(a.get().to_string(), "boom");
        let b = a.clone();
        assert_eq!(a, b);
        assert_ne!(a, Cause::new(io()));
    }

    #[test]
    fn accessors_of_an_invalid_response_and_an_invalid_input() {
        let e = Error::InvalidResponse {
            operation: "GetStages",
            status: 200,
            request_id: Some("rid-7".into()),
            reason: "not JSON".into(),
            excerpt: "{".into(),
            attempts: 2,
        };
        assert_eq!(
            (e.message(), e.request_id(), e.status(), e.attempts()),
            (Some("not JSON"), Some("rid-7"), Some(200), Some(2))
        );
        let invalid = |status: u16| Error::InvalidResponse {
            operation: "GetStages",
            status,
            request_id: None,
            reason: "cut short".into(),
            excerpt: String::new(),
            attempts: 1,
        };
        for (status, retried) in [
            (200, true),
            (299, true),
            (300, false),
            (404, false),
            (499, false),
            (500, true),
            (503, true),
        ] {
            assert_eq!(invalid(status).is_retryable(), retried, "{status}");
        }
        let mut e = invalid(500);
        e.set_attempts(3);
        assert_eq!(e.attempts(), Some(3));
        let mut e = Error::Transport {
            operation: "GetStages",
            kind: TransportErrorKind::Io,
            message: "reset".into(),
            attempts: 1,
            source: None,
        };
        e.set_attempts(4);
        assert_eq!(e.attempts(), Some(4));
        let e = Error::InvalidInput {
            field: "api_id",
            reason: "is empty".into(),
        };
        assert_eq!(
            (e.message(), e.request_id(), e.status()),
            (Some("is empty"), None, None)
        );
    }

    fn details(code: Option<&str>, status: u16) -> ServiceError {
        ServiceError {
            operation: "GetStages",
            status,
            code: code.map(Into::into),
            message: Some("Invalid API identifier specified".into()),
            request_id: Some("req-1".into()),
            request_ids: vec!["req-1".into()],
            attempts: 1,
        }
    }

    #[test]
    fn display_is_one_actionable_sentence() {
        let e = Error::NotFound {
            resource_type: None,
            details: Box::new(details(Some("NotFoundException"), 404)),
        };
        assert_eq!(
            e.to_string(),
            "GetStages failed: NotFoundException (HTTP 404): Invalid API identifier specified [request id req-1]"
        );
        assert_eq!(e.code(), Some("NotFoundException"));
        assert_eq!(e.request_id(), Some("req-1"));
        assert_eq!(e.status(), Some(404));
        assert!(!e.is_retryable());
        let mut d = details(None, 503);
        d.attempts = 3;
        let e = Error::Service { details: Box::new(d) };
        assert_eq!(
            e.to_string(),
            "GetStages failed: unknown error (HTTP 503): Invalid API identifier specified [request id req-1, 3 attempts]"
        );
        assert!(e.is_retryable());
        assert_eq!(e.attempts(), Some(3));
    }

    #[test]
    fn results_stay_small() {
        // Large errors make every `Result<T, Error>` large (clippy::result_large_err).
        assert!(
            std::mem::size_of::<Error>() <= 112,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn excerpt_escapes_and_truncates() {
        assert_eq!(excerpt(b"a\nb\"c", 10), "a\\nb\\\"c");
        assert_eq!(excerpt(b"abcdef", 3), "abc…");
        assert_eq!(excerpt(&[0xff, b'a'], 10), "\u{FFFD}a");
        // Four bytes a character at most: `max` four-byte characters are all read.
        assert_eq!(excerpt("😀".repeat(10).as_bytes(), 5), "😀😀😀😀😀…");
        assert_eq!(excerpt("😀".repeat(5).as_bytes(), 5), "😀😀😀😀😀");
        assert_eq!(excerpt("😀😀😀😀😀a".as_bytes(), 5), "😀😀😀😀😀…");
        assert_eq!(
            excerpt(&[0xff; 7], 5),
            "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}…"
        );
    }

    #[test]
    fn display_of_attempts_names_and_the_api_in_question() {
        let transport = |attempts| Error::Transport {
            operation: "GetStages",
            kind: TransportErrorKind::Io,
            message: "reset".into(),
            attempts,
            source: None,
        };
        assert_eq!(
            transport(1).to_string(),
            "GetStages failed: connection failed: reset"
        );
        assert_eq!(
            transport(2).to_string(),
            "GetStages failed: connection failed: reset [2 attempts]"
        );
        let none = Error::ApiName {
            name: "orders".into(),
            api_ids: vec![],
        };
        assert_eq!(none.to_string(), "no API is named \"orders\"");
        let two = Error::ApiName {
            name: "orders".into(),
            api_ids: vec!["a1".into(), "b2".into()],
        };
        assert_eq!(
            two.to_string(),
            "2 APIs are named \"orders\" (a1, b2): name one by its id instead"
        );
        let inner = transport(3);
        let e = Error::InApi {
            api_id: "a1".into(),
            source: Box::new(inner.clone()),
        };
        let source = std::error::Error::source(&e).expect("InApi has its cause as source");
        assert_eq!(source.to_string(), inner.to_string());
    }
}
