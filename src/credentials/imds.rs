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

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use super::*;
    use crate::transport::{HttpRequest, HttpResponse, TransportError};

    /// Answers each request with the next scripted response and keeps the requests.
    #[derive(Debug, Default)]
    struct Scripted {
        answers: Mutex<VecDeque<(u16, &'static str)>>,
        seen: Mutex<Vec<HttpRequest>>,
    }

    impl Scripted {
        fn new(answers: &[(u16, &'static str)]) -> Self {
            Self {
                answers: Mutex::new(answers.iter().copied().collect()),
                seen: Mutex::default(),
            }
        }

        fn seen(&self) -> Vec<(String, String, Option<String>)> {
            self.seen
                .lock()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r.method.to_owned(),
                        r.url.clone(),
                        r.header("x-aws-ec2-metadata-token").map(str::to_owned),
                    )
                })
                .collect()
        }
    }

    impl Transport for Scripted {
        fn send(&self, req: &HttpRequest, _: u64) -> Result<HttpResponse, TransportError> {
            self.seen.lock().unwrap().push(req.clone());
            let (status, body) = self
                .answers
                .lock()
                .unwrap()
                .pop_front()
                .expect("a scripted answer");
            Ok(HttpResponse::new(status, Vec::new(), body.as_bytes().to_vec()))
        }
    }

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::from_vars(vars.iter().copied())
    }

    const CREDS: &str = r#"{"Code":"Success","AccessKeyId":"IMDSKEY","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#;

    #[test]
    fn disabled_is_true_in_any_case_and_only_true() {
        for v in ["true", "TRUE", "True", "tRUE"] {
            assert_eq!(
                disabled(&env(&[("AWS_EC2_METADATA_DISABLED", v)])),
                Ok(true),
                "{v}"
            );
        }
        for v in ["", "false", "1", "yes", "true ", "truee"] {
            assert_eq!(
                disabled(&env(&[("AWS_EC2_METADATA_DISABLED", v)])),
                Ok(false),
                "{v:?}"
            );
        }
        assert_eq!(disabled(&env(&[])), Ok(false));
    }

    #[test]
    fn a_session_token_then_the_role_then_its_credentials() {
        let t = Scripted::new(&[
            (200, " tok \n"),
            (200, "my role\nother\n"),
            (200, "tok2"),
            (200, CREDS),
        ]);
        let e = env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/")]);
        let c = credentials(&e, Duration::from_secs(30), &t).unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("IMDSKEY", "s", Some("t"))
        );
        assert!(c.expiry().is_some());
        let base = "http://127.0.0.1:9";
        assert_eq!(
            t.seen(),
            [
                ("PUT".into(), format!("{base}/latest/api/token"), None),
                (
                    "GET".into(),
                    format!("{base}/latest/meta-data/iam/security-credentials/"),
                    Some("tok".into())
                ),
                ("PUT".into(), format!("{base}/latest/api/token"), None),
                (
                    "GET".into(),
                    format!("{base}/latest/meta-data/iam/security-credentials/my%20role"),
                    Some("tok2".into())
                ),
            ]
        );
        for r in t.seen.lock().unwrap().iter() {
            // Each call: at most the IMDS timeout, never through a proxy, nothing sent.
            assert_eq!(
                (r.timeout, r.bypass_proxy, r.body.len()),
                (Some(IMDS_TIMEOUT), true, 0)
            );
        }
        assert_eq!(
            t.seen.lock().unwrap()[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
            Some("21600")
        );
        // A shorter provider timeout is kept.
        let t = Scripted::new(&[(200, "tok"), (200, "r"), (200, "tok"), (200, CREDS)]);
        credentials(&e, Duration::from_millis(250), &t).unwrap();
        assert!(t
            .seen
            .lock()
            .unwrap()
            .iter()
            .all(|r| r.timeout == Some(Duration::from_millis(250))));
    }

    #[test]
    fn the_default_address_and_the_region() {
        let t = Scripted::new(&[(200, "tok"), (200, " eu-west-3\n")]);
        assert_eq!(region(&env(&[]), &t).unwrap(), "eu-west-3");
        assert_eq!(
            t.seen()[1],
            (
                "GET".into(),
                "http://169.254.169.254/latest/meta-data/placement/region".into(),
                Some("tok".into())
            )
        );
    }

    #[test]
    fn each_failure_says_which_step() {
        let e = env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9")]);
        let fails = |answers: &[(u16, &'static str)]| {
            credentials(&e, Duration::from_secs(1), &Scripted::new(answers))
                .unwrap_err()
                .to_string()
        };
        let head = "credentials error: EC2 instance metadata (http://127.0.0.1:9): ";
        assert_eq!(
            fails(&[(403, "")]),
            format!("{head}the token request answered HTTP 403")
        );
        assert_eq!(
            fails(&[(200, "t"), (404, "")]),
            format!("{head}the role list answered HTTP 404")
        );
        assert_eq!(
            fails(&[(200, "t"), (200, " \n")]),
            "credentials error: EC2 instance metadata: the instance has no IAM role"
        );
        assert_eq!(
            fails(&[(200, "t"), (200, "r"), (200, "t"), (500, "")]),
            format!("{head}the role's credentials answered HTTP 500")
        );
        assert_eq!(
            fails(&[(200, "t"), (200, "r"), (200, "t"), (200, "{}")]),
            "credentials error: EC2 instance metadata: AccessKeyId is missing"
        );
        let bad = env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://u:pw@h/")]);
        let t = Scripted::new(&[]);
        assert_eq!(
            credentials(&bad, Duration::from_secs(1), &t)
                .unwrap_err()
                .to_string(),
            "credentials error: EC2 instance metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint URL \
             \"http://***@h/\" must not contain a user name or password"
        );
        assert!(t.seen().is_empty());
    }
}
