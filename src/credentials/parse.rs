//! Reading credentials out of the JSON the container endpoint, instance metadata and
//! `credential_process` return.

use std::time::SystemTime;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::credentials::Credentials;
use crate::error::Error;

pub(crate) fn parse_expiration(provider: &str, s: &str) -> Result<SystemTime, Error> {
    OffsetDateTime::parse(s.trim(), &Rfc3339)
        .ok()
        .and_then(crate::clock::to_system_time)
        .ok_or_else(|| Error::InvalidCredentials {
            message: format!("{provider}: Expiration {s:?} is not an RFC 3339 time"),
        })
}

/// `{"AccessKeyId", "SecretAccessKey", "Token" or "SessionToken", "Expiration"}`.
pub(crate) fn credentials_json(provider: &str, body: &[u8]) -> Result<Credentials, Error> {
    let bad = |why: &str| Error::InvalidCredentials {
        message: format!("{provider}: {why}"),
    };
    let v: serde_json::Value = crate::json::parse_json(body).map_err(|_| bad("the response is not JSON"))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).filter(|s| !s.is_empty());
    if let Some(code) = field("Code") {
        if code != "Success" {
            return Err(bad(&format!("the endpoint answered Code {code:?}")));
        }
    }
    let id = field("AccessKeyId").ok_or_else(|| bad("AccessKeyId is missing"))?;
    let secret = field("SecretAccessKey").ok_or_else(|| bad("SecretAccessKey is missing"))?;
    let token = field("Token").or_else(|| field("SessionToken"));
    let mut creds = Credentials::new(id, secret, token);
    if let Some(exp) = field("Expiration") {
        creds = creds.with_expiry(parse_expiration(provider, exp)?);
    }
    creds.validate()?;
    Ok(creds)
}
