//! STS AssumeRole (signed with the source credentials) and AssumeRoleWithWebIdentity
//! (unsigned), form-encoded POSTs whose XML answers are read with the crate's small reader.

use std::time::{Duration, SystemTime};

use super::http::{send, Call};
use super::parse::parse_expiration;
use super::xml;
use std::sync::Arc;

use crate::config::Endpoint;
use crate::credentials::Credentials;
use crate::encode::uri_encode;
use crate::error::Error;
use crate::sigv4::{self, SignableRequest, SigningParams};
use crate::transport::Transport;

/// Where STS is and which region to sign for.
#[derive(Debug, Clone)]
pub(crate) struct StsEndpoint {
    pub endpoint: Endpoint,
    pub region: String,
    pub transport: Arc<dyn Transport>,
}

fn form(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", uri_encode(k), uri_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl StsEndpoint {
    /// The request path: the endpoint's base path, or `/`.
    fn path(&self) -> &str {
        match self.endpoint.base_path() {
            "" => "/",
            p => p,
        }
    }
}

/// Reads an STS answer: the credentials of a success, or the error's code and message.
pub(crate) fn read_response(what: &str, status: u16, body: &[u8]) -> Result<Credentials, Error> {
    let fail = |why: String| Error::InvalidCredentials {
        message: format!("{what}: {why}"),
    };
    let text =
        std::str::from_utf8(body).map_err(|_| fail(format!("HTTP {status}: the body is not UTF-8")))?;
    let root = xml::parse(text).map_err(|e| fail(format!("HTTP {status}: unreadable XML ({e})")))?;
    if !(200..300).contains(&status) || root.name == "ErrorResponse" {
        let err = root.child("Error");
        let code = err
            .and_then(|e| e.child("Code"))
            .map_or("unknown", |c| c.text.trim());
        let message = err.and_then(|e| e.child("Message")).map_or("", |m| m.text.trim());
        let request_id = root.child("RequestId").map_or("none", |r| r.text.trim());
        return Err(fail(format!(
            "{code} (HTTP {status}): {message} [request id {request_id}]"
        )));
    }
    let result = root
        .children
        .iter()
        .find(|c| c.name.ends_with("Result"))
        .ok_or_else(|| fail("no Result element".into()))?;
    let c = result
        .child("Credentials")
        .ok_or_else(|| fail("no Credentials element".into()))?;
    let field = |n: &str| {
        c.child(n)
            .map(|e| e.text.trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| fail(format!("{n} is missing")))
    };
    let creds = Credentials::new(
        field("AccessKeyId")?,
        field("SecretAccessKey")?,
        Some(field("SessionToken")?),
    )
    .with_expiry(parse_expiration(what, &field("Expiration")?)?);
    creds.validate()?;
    Ok(creds)
}

/// Parameters of an AssumeRole call.
#[derive(Debug, Clone)]
pub(crate) struct AssumeRole<'a> {
    pub role_arn: &'a str,
    pub session_name: &'a str,
    pub external_id: Option<&'a str>,
    pub duration_seconds: Option<u32>,
}

pub(crate) fn assume_role(
    endpoint: &StsEndpoint,
    source: &Credentials,
    p: &AssumeRole<'_>,
    now: SystemTime,
    timeout: Duration,
) -> Result<Credentials, Error> {
    let duration = p.duration_seconds.map(|d| d.to_string());
    let mut params = vec![
        ("Action", "AssumeRole"),
        ("RoleArn", p.role_arn),
        ("RoleSessionName", p.session_name),
        ("Version", "2011-06-15"),
    ];
    if let Some(id) = p.external_id {
        params.push(("ExternalId", id));
    }
    if let Some(d) = &duration {
        params.push(("DurationSeconds", d));
    }
    let body = form(&params);
    let host = endpoint.endpoint.host_header();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let path = endpoint.path();
    let url = endpoint.endpoint.url_for_path(path);
    let headers = [("host", host), ("content-type", content_type)];
    let req = SignableRequest {
        method: "POST",
        path,
        query: "",
        headers: &headers,
        body: body.as_bytes(),
    };
    let signed = sigv4::sign(
        &req,
        &SigningParams::new(source, &endpoint.region, "sts", now.into()),
    );
    let mut all: Vec<(&str, &str)> = vec![("content-type", content_type)];
    for (n, v) in signed.headers() {
        all.push((n, v));
    }
    let resp = send(
        &*endpoint.transport,
        Call {
            provider: "STS AssumeRole",
            method: "POST",
            url: &url,
            headers: &all,
            body: body.into_bytes(),
            timeout,
            bypass_proxy: false,
        },
    )?;
    read_response(&format!("STS AssumeRole {}", p.role_arn), resp.status, &resp.body)
}

pub(crate) fn assume_role_with_web_identity(
    endpoint: &StsEndpoint,
    role_arn: &str,
    session_name: &str,
    token: &str,
    timeout: Duration,
) -> Result<Credentials, Error> {
    let body = form(&[
        ("Action", "AssumeRoleWithWebIdentity"),
        ("RoleArn", role_arn),
        ("RoleSessionName", session_name),
        ("Version", "2011-06-15"),
        ("WebIdentityToken", token),
    ]);
    let headers = [("content-type", "application/x-www-form-urlencoded; charset=utf-8")];
    let resp = send(
        &*endpoint.transport,
        Call {
            provider: "STS AssumeRoleWithWebIdentity",
            method: "POST",
            url: &endpoint.endpoint.url_for_path(endpoint.path()),
            headers: &headers,
            body: body.into_bytes(),
            timeout,
            bypass_proxy: false,
        },
    )?;
    read_response(
        &format!("STS AssumeRoleWithWebIdentity {role_arn}"),
        resp.status,
        &resp.body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_success_and_error_answers() {
        let ok = b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>sec</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
        let c = read_response("t", 200, ok).unwrap();
        assert_eq!(c.access_key_id(), "ASIA1");
        assert!(c.expiry().is_some());
        let err = b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
        let e = read_response("t", 403, err).unwrap_err().to_string();
        assert!(
            e.contains("AccessDenied (HTTP 403): not allowed [request id r-1]"),
            "{e}"
        );
        for bad in [&b"<x>"[..], b"not xml", b"<A><AResult></AResult></A>", b"\xff"] {
            assert!(read_response("t", 200, bad).is_err());
        }
    }
}
