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
    use std::sync::Mutex;

    use super::*;
    use crate::transport::{HttpRequest, HttpResponse, TransportError};

    /// Answers every request with one response and keeps the requests.
    #[derive(Debug)]
    struct Answer {
        status: u16,
        body: &'static str,
        seen: Mutex<Vec<HttpRequest>>,
    }

    impl Answer {
        fn new(status: u16, body: &'static str) -> Self {
            Self {
                status,
                body,
                seen: Mutex::default(),
            }
        }

        fn seen(&self) -> Vec<HttpRequest> {
            self.seen.lock().unwrap().clone()
        }
    }

    impl Transport for Answer {
        fn send(&self, req: &HttpRequest, _: u64) -> Result<HttpResponse, TransportError> {
            self.seen.lock().unwrap().push(req.clone());
            Ok(HttpResponse::new(
                self.status,
                Vec::new(),
                self.body.as_bytes().to_vec(),
            ))
        }
    }

    const CREDS: &str =
        r#"{"AccessKeyId":"ECSKEY","SecretAccessKey":"e","Token":"et","Expiration":"2099-01-01T00:00:00Z"}"#;

    fn full(uri: &str) -> Result<Option<String>, Error> {
        endpoint(&Env::from_vars([("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)]))
    }

    #[test]
    fn full_uri_hosts() {
        for ok in [
            "http://127.0.0.1:8080/creds",
            "http://127.1.2.3/creds",
            "http://localhost/x",
            "http://localhost:80",
            "http://169.254.170.2/v2",
            "http://169.254.170.2:",
            "http://169.254.170.23/v1",
            "http://[fd00:ec2::23]/v1",
            "http://[fd00:ec2::23]:80/v1",
            "http://fd00:ec2::23/v1",
            "http://[::1]:80/",
            "http://[::1]/",
            "http://[0:0:0:0:0:0:0:1]/",
            "https://anything.example/x",
            "https://10.0.0.1/x",
        ] {
            assert_eq!(full(ok), Ok(Some(ok.to_owned())), "{ok}");
        }
        let over_http = "credentials error: container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI over \
                         http must use a loopback address, 169.254.170.2 or 169.254.170.23";
        for bad in [
            "http://10.0.0.1/creds",
            "http://example.com/",
            "http://169.254.169.254/",
            "http://169.254.170.3/",
            "http://169.254.170.230/",
            "http://0.0.0.0/",
            "http://[::2]/",
            "http://[fd00:ec2::24]/",
            "http://LOCALHOST/",
            "http://localhost.example/",
            "http://127.0.0.1.example/",
            "http://127.0.0.1:80x/",
            "http://",
        ] {
            assert_eq!(full(bad).unwrap_err().to_string(), over_http, "{bad}");
        }
        for (bad, why) in [
            ("ftp://127.0.0.1/", "must be an http or https URL"),
            ("127.0.0.1/", "must be an http or https URL"),
            ("HTTP://127.0.0.1/", "must be an http or https URL"),
            ("http://u@127.0.0.1/", "must not contain a user name or password"),
            (
                "https://u:p@example.com/",
                "must not contain a user name or password",
            ),
        ] {
            assert_eq!(
                full(bad).unwrap_err().to_string(),
                format!("credentials error: container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI {why}"),
                "{bad}"
            );
        }
        // An `@` after the authority is part of the path.
        assert_eq!(
            full("http://127.0.0.1/a@b"),
            Ok(Some("http://127.0.0.1/a@b".into()))
        );
    }

    #[test]
    fn the_relative_uri_is_on_the_ecs_host_and_wins() {
        for (rel, url) in [
            ("/v2/credentials/x", "http://169.254.170.2/v2/credentials/x"),
            ("v2/credentials/x", "http://169.254.170.2/v2/credentials/x"),
        ] {
            let env = Env::from_vars([
                ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", rel),
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/full"),
            ]);
            assert_eq!(endpoint(&env), Ok(Some(url.to_owned())));
        }
        assert_eq!(endpoint(&Env::default()), Ok(None));
        let env = Env::from_vars([
            ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", ""),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/full"),
        ]);
        assert_eq!(endpoint(&env), Ok(Some("http://127.0.0.1/full".into())));
    }

    fn token_file(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("apigwv2-container-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_token_file_wins_over_the_token_and_is_trimmed() {
        let url = "http://127.0.0.1:9/creds";
        let path = token_file("wins", "  file-token\n");
        let env = Env::from_vars([
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path.to_str().unwrap()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token"),
        ]);
        let t = Answer::new(200, CREDS);
        let c = credentials(&env, url, Duration::from_millis(700), &t).unwrap();
        assert_eq!((c.access_key_id(), c.session_token()), ("ECSKEY", Some("et")));
        let seen = t.seen();
        assert_eq!(seen.len(), 1);
        let r = &seen[0];
        assert_eq!((r.method, r.url.as_str()), ("GET", url));
        assert_eq!(
            r.headers,
            [
                ("accept".to_owned(), "application/json".to_owned()),
                ("authorization".to_owned(), "file-token".to_owned())
            ]
        );
        assert_eq!(
            (r.timeout, r.bypass_proxy),
            (Some(Duration::from_millis(700)), true)
        );
        let _ = std::fs::remove_file(&path);
        // The token alone, as it is.
        let t = Answer::new(200, CREDS);
        let env = Env::from_vars([("AWS_CONTAINER_AUTHORIZATION_TOKEN", " env-token ")]);
        credentials(&env, url, Duration::from_secs(1), &t).unwrap();
        assert_eq!(t.seen()[0].header("authorization"), Some(" env-token "));
        // Neither: no authorization header at all.
        let t = Answer::new(200, CREDS);
        credentials(&Env::default(), url, Duration::from_secs(1), &t).unwrap();
        assert_eq!(t.seen()[0].header("authorization"), None);
    }

    #[test]
    fn token_and_endpoint_failures_say_what_and_never_the_token() {
        let url = "http://127.0.0.1:9/creds";
        let missing = std::env::temp_dir().join(format!("apigwv2-container-{}-missing", std::process::id()));
        let env = Env::from_vars([(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            missing.to_str().unwrap(),
        )]);
        let t = Answer::new(200, CREDS);
        let e = credentials(&env, url, Duration::from_secs(1), &t)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!(
                "credentials error: container credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {}: ",
                missing.display()
            )),
            "{e}"
        );
        let inner = token_file("inner-break", "secret-part\nX-Injected: 1\n");
        for env in [
            Env::from_vars([("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", inner.to_str().unwrap())]),
            Env::from_vars([("AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-part\r\nX: 1")]),
        ] {
            assert_eq!(
                credentials(&env, url, Duration::from_secs(1), &t)
                    .unwrap_err()
                    .to_string(),
                "credentials error: container credentials: the authorization token contains a line break"
            );
        }
        let _ = std::fs::remove_file(&inner);
        assert!(t.seen().is_empty(), "nothing was sent");
        let env = Env::from_vars([("AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-part")]);
        for status in [201, 401, 500] {
            let e = credentials(&env, url, Duration::from_secs(1), &Answer::new(status, CREDS))
                .unwrap_err()
                .to_string();
            assert_eq!(
                e,
                format!("credentials error: container credentials: {url} answered HTTP {status}")
            );
        }
    }
}
