//! The container credentials endpoint: ECS (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, on
//! 169.254.170.2) and EKS Pod Identity or any agent (`AWS_CONTAINER_CREDENTIALS_FULL_URI`,
//! with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `AWS_CONTAINER_AUTHORIZATION_TOKEN`).
//! A full URI over plain http must point at loopback or the documented link-local hosts.

use std::time::Duration;

use super::http::{send, Call};
use super::parse::credentials_json;
use crate::config::Env;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::transport::Transport;

const ECS_HOST: &str = "http://169.254.170.2";

fn allowed_http_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host == "localhost" || host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23" {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

/// The URL to call, or `None` when neither variable is set.
pub(crate) fn endpoint(env: &Env) -> Result<Option<String>, Error> {
    if let Some(rel) = env.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")? {
        return Ok(Some(format!(
            "{ECS_HOST}{}",
            if rel.starts_with('/') {
                rel.to_owned()
            } else {
                format!("/{rel}")
            }
        )));
    }
    let Some(full) = env.var("AWS_CONTAINER_CREDENTIALS_FULL_URI")? else {
        return Ok(None);
    };
    let bad = |why: &str| Error::InvalidCredentials {
        message: format!("container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI {why}"),
    };
    let authority = full
        .split_once("://")
        .map_or("", |(_, r)| r.split('/').next().unwrap_or(r));
    if authority.contains('@') {
        return Err(bad("must not contain a user name or password"));
    }
    if let Some(rest) = full.strip_prefix("http://") {
        let authority = rest.split('/').next().unwrap_or("");
        let host = match authority.rsplit_once(':') {
            Some((h, p))
                if !h.ends_with(':')
                    && p.bytes().all(|b| b.is_ascii_digit())
                    && !authority.ends_with(']') =>
            {
                h
            }
            _ => authority,
        };
        if !allowed_http_host(host) {
            return Err(bad(
                "over http must use a loopback address, 169.254.170.2 or 169.254.170.23",
            ));
        }
    } else if !full.starts_with("https://") {
        return Err(bad("must be an http or https URL"));
    }
    Ok(Some(full.to_owned()))
}

pub(crate) fn credentials(
    env: &Env,
    url: &str,
    timeout: Duration,
    transport: &dyn Transport,
) -> Result<Credentials, Error> {
    let token = match env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")? {
        Some(path) => Some(
            crate::files::read_regular_text(std::path::Path::new(path), crate::files::MAX_TOKEN_FILE)
                .map_err(|e| Error::InvalidCredentials {
                    message: format!(
                        "container credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {path}: {e}"
                    ),
                })?
                .trim()
                .to_owned(),
        ),
        None => env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN")?.map(str::to_owned),
    };
    if token.as_deref().is_some_and(|t| t.contains(['\r', '\n'])) {
        return Err(Error::InvalidCredentials {
            message: "container credentials: the authorization token contains a line break".into(),
        });
    }
    let mut headers = vec![("accept", "application/json")];
    if let Some(t) = &token {
        headers.push(("authorization", t));
    }
    // Never through a proxy: its network's link-local hosts are not ours.
    let resp = send(
        transport,
        Call {
            provider: "container credentials",
            method: "GET",
            url,
            headers: &headers,
            body: Vec::new(),
            timeout,
            bypass_proxy: true,
        },
    )?;
    if resp.status != 200 {
        return Err(Error::InvalidCredentials {
            message: format!("container credentials: {url} answered HTTP {}", resp.status),
        });
    }
    credentials_json("container credentials", &resp.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_uri_hosts() {
        for ok in [
            "http://127.0.0.1:8080/creds",
            "http://localhost/x",
            "http://169.254.170.23/v1",
            "http://[::1]:80/",
            "https://anything.example/x",
        ] {
            let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_FULL_URI", ok)]);
            assert!(endpoint(&env).unwrap().is_some(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1/creds",
            "http://example.com/",
            "ftp://127.0.0.1/",
            "http://169.254.169.254/",
        ] {
            let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_FULL_URI", bad)]);
            assert!(endpoint(&env).is_err(), "{bad}");
        }
        let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x")]);
        assert_eq!(
            endpoint(&env).unwrap().unwrap(),
            "http://169.254.170.2/v2/credentials/x"
        );
    }
}
