//! Entry points for the fuzz targets in `fuzz/` and the no-panic tests: every parser that
//! reads outside input, reachable from outside the crate. Outside semver, as all of
//! [`unversioned`](super).

use crate::config::Endpoint;
use crate::operation;
use crate::operations::get_stages::GetStagesRequest;
use crate::transport::HttpResponse;

/// Splits fuzz input into a status, a few headers and a body, then decodes it as a
/// GetStages response (success or error).
pub fn decode_response(data: &[u8]) {
    let (status, headers, body) = split_response(data);
    let resp = HttpResponse::new(status, headers, body.to_vec());
    if let Err(e) = operation::decode::<GetStagesRequest>(&resp, 1) {
        let _ = e.to_string();
        let _ = (e.code(), e.message(), e.request_id(), e.is_retryable());
    }
}

/// Checks the fast page reader against serde on any bytes (see `src/json.rs`): `Ok(true)`
/// when the fast reader took the page and serde reads the same value, `Ok(false)` when it
/// gave up (serde decides then), `Err` with both values when they differ, which is a bug.
pub fn fast_decode_agrees(data: &[u8]) -> Result<bool, String> {
    use crate::operation::Page;
    use crate::Stage;
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(false);
    };
    let Some(fast) = crate::json::read_whole::<Page<Stage>>(text) else {
        return Ok(false);
    };
    // `==` compares timestamps as instants and `-0.0` equal to `0.0`; the serialized forms
    // also tell offsets and signs apart.
    match serde_json::from_str::<Page<Stage>>(text) {
        Ok(page)
            if page == fast && serde_json::to_string(&page).ok() == serde_json::to_string(&fast).ok() =>
        {
            Ok(true)
        }
        other => Err(format!("the fast reader read {fast:?}, serde {other:?}")),
    }
}

/// Decodes fuzz input as an error response of any status.
pub fn decode_error(data: &[u8]) {
    let (status, headers, body) = split_response(data);
    let status = 400 + status % 200;
    let resp = HttpResponse::new(status, headers, body.to_vec());
    let e = operation::decode_error("GetStages", &resp, None, 1);
    let _ = e.to_string();
    let _ = crate::retry::is_clock_skew_error(&e);
}

/// Parses fuzz input as an endpoint URL, an HTTP date, a `Retry-After` value, a resume
/// token and a region name.
pub fn parse_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(e) = Endpoint::parse(&text) {
        let _ = e.url("/v2/apis");
    }
    let _ = crate::http_date::parse(&text);
    let _ = crate::retry::retry_after(&text);
    let _ = crate::paginator::parse_resume_token(&text);
    let _ = crate::config::validate_region(&text);
}

/// Signs a request whose method, path and query come from fuzz input.
pub fn sign(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("");
    let query = parts.next().unwrap_or("");
    let header = parts.next().unwrap_or("");
    let creds = crate::Credentials::new("AKID", "SECRET", None::<String>);
    let headers = [("host", "example.com"), ("x-fuzz", header)];
    let req = crate::sigv4::SignableRequest {
        method,
        path,
        query,
        headers: &headers,
        body: data,
    };
    let params =
        crate::sigv4::SigningParams::new(&creds, "us-east-1", "service", time::OffsetDateTime::UNIX_EPOCH);
    let _ = crate::sigv4::sign(&req, &params);
}

fn split_response(data: &[u8]) -> (u16, Vec<(String, String)>, &[u8]) {
    let status = match data.first() {
        Some(b) => 200 + u16::from(*b) % 400,
        None => 200,
    };
    let rest = data.get(1..).unwrap_or_default();
    // Up to two header lines, then the body.
    let mut headers = Vec::new();
    let mut body = rest;
    for name in ["x-amzn-ErrorType", "x-amzn-RequestId"] {
        match body.iter().position(|b| *b == b'\n') {
            Some(i) if i < 200 => {
                headers.push((name.to_owned(), String::from_utf8_lossy(&body[..i]).into_owned()));
                body = &body[i + 1..];
            }
            _ => break,
        }
    }
    (status, headers, body)
}

/// Parses fuzz input as an AWS config file and as an STS XML answer.
pub fn parse_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(set) = crate::config::profile_file::ProfileSet::parse_config(&text) {
        let _ = set.get("region");
        let _ = format!("{set:?}");
    }
    let _ = crate::credentials::xml::parse(&text);
    let _ = crate::credentials::read_sts_response(200, data);
}
