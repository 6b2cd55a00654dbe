//! The local endpoint's SigV4 check of every request, with the service's error answers.

use std::time::Duration;

use time::OffsetDateTime;

use super::http::{Request, Response};
use super::wire::error_response;
use crate::client::SIGNING_NAME;
use crate::sigv4::{self, SignableRequest, SigningParams};
use crate::Credentials;

/// How far a request's `x-amz-date` may be from the server's clock, as on AWS.
const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

fn forbidden(code: &str, message: String) -> Response {
    error_response(403, code, serde_json::json!({ "message": message }))
}

pub(crate) fn parse_amz_date(s: &str) -> Option<OffsetDateTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let date = time::Date::from_calendar_date(
        n(0..4)? as i32,
        time::Month::try_from(n(4..6)? as u8).ok()?,
        n(6..8)? as u8,
    )
    .ok()?;
    let t = time::Time::from_hms(n(9..11)? as u8, n(11..13)? as u8, n(13..15)? as u8).ok()?;
    Some(date.with_time(t).assume_utc())
}

/// Checks a request's SigV4 signature as the service does: credential scope, time within
/// five minutes of the server's clock, session token, then the signature itself. The
/// error is the service's answer.
pub(crate) fn verify_signature(
    credentials: &Credentials,
    region: &str,
    req: &Request,
    now: OffsetDateTime,
) -> Result<(), Response> {
    let Some(auth) = req.header("authorization") else {
        return Err(forbidden(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token".into(),
        ));
    };
    let malformed = || {
        forbidden(
            "IncompleteSignatureException",
            "Authorization header is malformed".into(),
        )
    };
    let fields = auth.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(malformed)?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in fields.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or_else(malformed)?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => return Err(malformed()),
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) = (credential, signed_headers, signature)
    else {
        return Err(malformed());
    };
    let scope: Vec<&str> = credential.split('/').collect();
    if scope.len() != 5 || scope[4] != "aws4_request" {
        return Err(malformed());
    }
    if scope[0] != credentials.access_key_id() {
        return Err(forbidden(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.".into(),
        ));
    }
    if scope[2] != region || scope[3] != SIGNING_NAME {
        return Err(forbidden(
            "InvalidSignatureException",
            format!(
                "Credential should be scoped to a valid region and service ('{}', '{}')",
                region, SIGNING_NAME
            ),
        ));
    }
    let amz_date = req.header("x-amz-date").unwrap_or_default();
    let Some(time) = parse_amz_date(amz_date) else {
        return Err(forbidden(
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".into(),
        ));
    };
    if !amz_date.starts_with(scope[1]) {
        return Err(forbidden(
            "InvalidSignatureException",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP".into(),
        ));
    }
    let server_now = now;
    let skew = MAX_SKEW.as_secs() as i64;
    let diff = (time - server_now).whole_seconds();
    if diff < -skew || diff > skew {
        let fmt = |t: OffsetDateTime| sigv4::format_amz_date(t);
        let message = if diff < 0 {
            format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
                fmt(server_now - MAX_SKEW),
                fmt(server_now)
            )
        } else {
            format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
                fmt(server_now + MAX_SKEW),
                fmt(server_now)
            )
        };
        return Err(forbidden("InvalidSignatureException", message));
    }
    if let Some(expected) = credentials.session_token() {
        if req.header("x-amz-security-token") != Some(expected) {
            return Err(forbidden(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.".into(),
            ));
        }
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    if !names.contains(&"host") || !names.contains(&"x-amz-date") {
        return Err(malformed());
    }
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter(|(n, _)| names.iter().any(|s| s.eq_ignore_ascii_case(n)))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest {
        method: &req.method,
        path: req.path(),
        query: req.query(),
        headers: &headers,
        body: &req.body,
    };
    let creds_for_check = if names.contains(&"x-amz-security-token") {
        credentials.clone()
    } else {
        Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            None::<String>,
        )
    };
    let params = SigningParams::new(&creds_for_check, region, SIGNING_NAME, time);
    let expected = sigv4::sign(&signable, &params);
    if expected.signature() != signature || expected.canonical_request().signed_headers() != signed_headers {
        return Err(forbidden(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates() {
        let t = time::macros::datetime!(1994-11-06 08:49:37 UTC);
        assert_eq!(parse_amz_date("19941106T084937Z"), Some(t));
        assert_eq!(parse_amz_date("19941306T084937Z"), None);
        assert_eq!(parse_amz_date("1994110"), None);
    }
}
