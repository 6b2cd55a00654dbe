//! EC2 instance metadata (IMDSv2): a session token from `PUT /latest/api/token`, then the
//! role name and its credentials, or the region. Short timeouts, so a machine without IMDS
//! fails fast; `AWS_EC2_METADATA_DISABLED=true` skips it and
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it.

use std::time::Duration;

use super::http::{send, Call};
use super::parse::credentials_json;
use crate::config::{Endpoint, Env};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::transport::Transport;

/// The IMDS timeout per call.
pub(crate) const IMDS_TIMEOUT: Duration = Duration::from_secs(1);

/// Whether `AWS_EC2_METADATA_DISABLED` is `true`, in any case (`TRUE`, `True`, ...), as
/// the AWS CLI reads it; a value that is not valid Unicode is an error, not "enabled".
pub(crate) fn disabled(env: &Env) -> Result<bool, Error> {
    Ok(env
        .var("AWS_EC2_METADATA_DISABLED")?
        .is_some_and(|v| v.eq_ignore_ascii_case("true")))
}

/// The base URL, checked by the same rules as every endpoint (no user-info, a valid host).
fn base(env: &Env) -> Result<String, Error> {
    match env.var("AWS_EC2_METADATA_SERVICE_ENDPOINT")? {
        None => Ok("http://169.254.169.254".to_owned()),
        Some(url) => Endpoint::parse(url)
            .map(|e| e.to_string())
            .map_err(|e| Error::InvalidCredentials {
                message: format!(
                    "EC2 instance metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT: {}",
                    e.message().unwrap_or_default()
                ),
            }),
    }
}

fn get(
    env: &Env,
    what: &str,
    path: &str,
    timeout: Duration,
    transport: &dyn Transport,
) -> Result<String, Error> {
    let base = base(env)?;
    let fail = |why: String| Error::InvalidCredentials {
        message: format!("EC2 instance metadata ({base}): {why}"),
    };
    let token = send(
        transport,
        Call {
            provider: "EC2 instance metadata",
            method: "PUT",
            url: &format!("{base}/latest/api/token"),
            headers: &[("x-aws-ec2-metadata-token-ttl-seconds", "21600")],
            body: Vec::new(),
            timeout,
            // Never through a proxy: its own metadata service must not answer for us.
            bypass_proxy: true,
        },
    )?;
    if token.status != 200 {
        return Err(fail(format!("the token request answered HTTP {}", token.status)));
    }
    let token = String::from_utf8(token.body).map_err(|_| fail("the token is not text".into()))?;
    let resp = send(
        transport,
        Call {
            provider: "EC2 instance metadata",
            method: "GET",
            url: &format!("{base}{path}"),
            headers: &[("x-aws-ec2-metadata-token", token.trim())],
            body: Vec::new(),
            timeout,
            bypass_proxy: true,
        },
    )?;
    if resp.status != 200 {
        return Err(fail(format!("{what} answered HTTP {}", resp.status)));
    }
    String::from_utf8(resp.body).map_err(|_| fail(format!("{what} is not text")))
}

/// The instance role's credentials; each call takes at most `timeout` (and at most
/// [`IMDS_TIMEOUT`]).
pub(crate) fn credentials(
    env: &Env,
    timeout: Duration,
    transport: &dyn Transport,
) -> Result<Credentials, Error> {
    let timeout = timeout.min(IMDS_TIMEOUT);
    let roles = get(
        env,
        "the role list",
        "/latest/meta-data/iam/security-credentials/",
        timeout,
        transport,
    )?;
    let role = roles
        .lines()
        .next()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| Error::InvalidCredentials {
            message: "EC2 instance metadata: the instance has no IAM role".into(),
        })?;
    let body = get(
        env,
        "the role's credentials",
        &format!(
            "/latest/meta-data/iam/security-credentials/{}",
            crate::encode::uri_encode(role)
        ),
        timeout,
        transport,
    )?;
    credentials_json("EC2 instance metadata", body.as_bytes())
}

pub(crate) fn region(env: &Env, transport: &dyn Transport) -> Result<String, Error> {
    Ok(get(
        env,
        "the region",
        "/latest/meta-data/placement/region",
        IMDS_TIMEOUT,
        transport,
    )?
    .trim()
    .to_owned())
}
