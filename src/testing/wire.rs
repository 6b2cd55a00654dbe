//! The service's conventions beyond HTTP that the endpoint follows: query parameters
//! percent-decoded, JSON bodies, and JSON errors named by `x-amzn-ErrorType`.

use serde::Serialize;

use super::http::Response;
use crate::encode::percent_decode;

/// A 200 answer with this value as its JSON body.
pub(crate) fn json_response(value: &impl Serialize) -> Response {
    Response {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: serde_json::to_vec(value).unwrap_or_default(),
    }
}

/// The service's JSON error: this status, `x-amzn-ErrorType` naming the code, and this body.
pub(crate) fn error_response(status: u16, code: &str, body: serde_json::Value) -> Response {
    Response {
        status,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("x-amzn-ErrorType".into(), code.to_owned()),
        ],
        body: body.to_string().into_bytes(),
    }
}

/// The first value of a query parameter, percent-decoded (names are compared decoded).
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}
