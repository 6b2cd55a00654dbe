//! The failures [`LocalApiGateway`](super::LocalApiGateway) produces on purpose, and the
//! canned answers of those that replace the normal one.

use std::time::Duration;

use super::http::Response;
use super::wire::error_response;

/// A failure the local endpoint produces on purpose, for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// No fault: answers normally (a placeholder in a sequence of faults).
    Normal,
    /// 429 `TooManyRequestsException` with `limitType` `"Rate"`.
    Throttle,
    /// 429 `TooManyRequestsException` with a `Retry-After` header of this many seconds.
    ThrottleRetryAfter(u64),
    /// A JSON error with this status (e.g. 500, 503) and code `InternalServerException` (or
    /// `ServiceUnavailableException` for 503).
    ServerError(u16),
    /// An HTML error page with this status and no AWS headers, as a proxy or load balancer
    /// sends.
    HtmlError(u16),
    /// Closes the connection without answering.
    DropConnection,
    /// Answers 200 with the full `Content-Length` but only half the body, then closes.
    TruncateBody,
    /// Answers 200 with a body that is not JSON.
    BadJson,
    /// Answers normally, but with `nextToken` equal to the request's own token, which makes
    /// a naive paginator loop forever.
    RepeatToken,
    /// Answers normally, but with this `nextToken`.
    NextToken(String),
    /// Waits this long before answering normally.
    Delay(Duration),
    /// Answers with this status and JSON body, as if the service had sent it.
    CustomResponse(u16, String),
}

/// What to do with one request.
pub(crate) enum Action {
    Respond(Response),
    Drop,
    Truncate(Response),
}

/// The answer of a fault that replaces the normal one; `None` for the faults that shape
/// the normal answer instead (`Delay`, `RepeatToken`, `NextToken`, `TruncateBody`,
/// `Normal`).
pub(crate) fn canned(fault: &Fault) -> Option<Action> {
    let throttle = || {
        error_response(
            429,
            "TooManyRequestsException",
            serde_json::json!({"message": "Too Many Requests", "limitType": "Rate"}),
        )
    };
    Some(match fault {
        Fault::Throttle => Action::Respond(throttle()),
        Fault::ThrottleRetryAfter(secs) => {
            let mut r = throttle();
            r.headers.push(("Retry-After".into(), secs.to_string()));
            Action::Respond(r)
        }
        Fault::ServerError(status) => Action::Respond(error_response(
            *status,
            if *status == 503 {
                "ServiceUnavailableException"
            } else {
                "InternalServerException"
            },
            serde_json::json!({"message": "Internal server error"}),
        )),
        Fault::HtmlError(status) => Action::Respond(Response {
            status: *status,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: format!(
                "<html><head><title>{status}</title></head><body><h1>{status} Bad Gateway</h1></body></html>"
            )
            .into_bytes(),
        }),
        Fault::DropConnection => Action::Drop,
        Fault::CustomResponse(status, body) => Action::Respond(Response {
            status: *status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.clone().into_bytes(),
        }),
        Fault::BadJson => Action::Respond(Response {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: b"{\"items\": [{\"stageName\": \"a\"},, oops".to_vec(),
        }),
        Fault::Normal | Fault::TruncateBody | Fault::RepeatToken | Fault::NextToken(_) | Fault::Delay(_) => {
            return None
        }
    })
}
