//! IAM Identity Center (SSO) profiles: the token the AWS CLI cached under
//! `~/.aws/sso/cache/` (named by the SHA-1 of the session name, or of the start URL for
//! legacy profiles), exchanged at the SSO portal's GetRoleCredentials.

use std::path::Path;
use std::time::{Duration, SystemTime};

use sha1::{Digest, Sha1};

use super::http::{send, Call};
use super::parse::parse_expiration;
use crate::credentials::Credentials;
use crate::error::Error;

/// What an SSO profile names.
#[derive(Debug, Clone)]
pub(crate) struct SsoProfile {
    /// The cache key: the `sso_session` name, or the legacy `sso_start_url`.
    pub cache_key: String,
    pub account_id: String,
    pub role_name: String,
    /// The portal URL, e.g. `https://portal.sso.us-east-1.amazonaws.com`.
    pub portal_url: String,
    pub transport: std::sync::Arc<dyn crate::transport::Transport>,
}

fn cache_file_name(key: &str) -> String {
    format!("{}.json", hex::encode(Sha1::digest(key.as_bytes())))
}

pub(crate) fn credentials(
    p: &SsoProfile,
    cache_dir: &Path,
    now: SystemTime,
    timeout: Duration,
) -> Result<Credentials, Error> {
    let fail = |why: String| Error::InvalidCredentials {
        message: format!("SSO: {why}"),
    };
    let login = format!("run `aws sso login` (for {})", p.cache_key);
    let path = cache_dir.join(cache_file_name(&p.cache_key));
    let text = crate::files::read_regular(&path, crate::files::MAX_TOKEN_FILE).map_err(|e| {
        fail(format!(
            "no usable cached token at {} ({e}); {login}",
            path.display()
        ))
    })?;
    let v: serde_json::Value = crate::json::parse_json(&text)
        .map_err(|_| fail(format!("{} is not JSON; {login}", path.display())))?;
    let token = v
        .get("accessToken")
        .and_then(|t| t.as_str())
        .ok_or_else(|| fail(format!("{} has no accessToken; {login}", path.display())))?;
    let expires = v
        .get("expiresAt")
        .and_then(|t| t.as_str())
        .ok_or_else(|| fail(format!("{} has no expiresAt; {login}", path.display())))?;
    if parse_expiration("SSO", expires)? <= now {
        return Err(fail(format!("the cached token expired at {expires}; {login}")));
    }
    let url = format!(
        "{}/federation/credentials?account_id={}&role_name={}",
        p.portal_url.trim_end_matches('/'),
        crate::encode::uri_encode(&p.account_id),
        crate::encode::uri_encode(&p.role_name)
    );
    let resp = send(
        &*p.transport,
        Call {
            provider: "SSO GetRoleCredentials",
            method: "GET",
            url: &url,
            headers: &[("x-amz-sso_bearer_token", token)],
            body: Vec::new(),
            timeout,
            bypass_proxy: false,
        },
    )?;
    if resp.status != 200 {
        let hint = if resp.status == 401 || resp.status == 403 {
            format!("; {login}")
        } else {
            String::new()
        };
        return Err(fail(format!(
            "GetRoleCredentials answered HTTP {}{hint}",
            resp.status
        )));
    }
    let v: serde_json::Value = crate::json::parse_json(&resp.body)
        .map_err(|_| fail("GetRoleCredentials answered no JSON".into()))?;
    let rc = v
        .get("roleCredentials")
        .ok_or_else(|| fail("no roleCredentials in the answer".into()))?;
    let s = |k: &str| rc.get(k).and_then(|x| x.as_str()).filter(|x| !x.is_empty());
    let (Some(id), Some(secret)) = (s("accessKeyId"), s("secretAccessKey")) else {
        return Err(fail("the answer lacks accessKeyId or secretAccessKey".into()));
    };
    let mut creds = Credentials::new(id, secret, s("sessionToken"));
    if let Some(ms) = rc.get("expiration").and_then(|x| x.as_u64()) {
        if let Some(at) = SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms)) {
            creds = creds.with_expiry(at);
        }
    }
    creds.validate()?;
    Ok(creds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_file_names_match_the_aws_cli() {
        // SHA-1 of the session name, as the AWS CLI v2 names its cache files.
        assert_eq!(
            cache_file_name("my-sso"),
            format!("{}.json", hex::encode(Sha1::digest(b"my-sso")))
        );
        assert_eq!(
            cache_file_name("abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d.json"
        );
    }
}
