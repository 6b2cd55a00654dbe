//! Environment variables as the client reads them: a value that is not valid UTF-8 is an
//! error that names the variable, for every variable the crate reads (never a silent
//! fallback to a default, a direct connection or the bundled roots); and
//! `AWS_EC2_METADATA_DISABLED` in any case. Nothing here reads the process environment or
//! leaves 127.0.0.1: every environment is built by the test, and the client's transport
//! refuses (and counts) every call wherever a call could otherwise go out.

mod common;

use std::ffi::OsString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use apigwv2::config::Env;
use apigwv2::credentials::{DefaultChain, ProvideCredentials};
use apigwv2::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use apigwv2::{Client, Error, TransportErrorKind};
use common::fake::FakeServer;

/// A transport that sends nothing: it counts the calls and fails each.
#[derive(Debug, Default, Clone)]
struct Refusing(Arc<AtomicUsize>);

impl Transport for Refusing {
    fn send(&self, _: &HttpRequest, _: u64) -> Result<HttpResponse, TransportError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err(TransportError::new(
            TransportErrorKind::Connect,
            "refused by the test",
        ))
    }
}

/// A HOME that does not exist: no shared files.
fn no_home() -> String {
    std::env::temp_dir()
        .join(format!("apigwv2-env-test-no-home-{}", std::process::id()))
        .to_string_lossy()
        .into_owned()
}

/// `vars` with `name` set to bytes that are not UTF-8 (and without the names in `unset`).
#[cfg(unix)]
fn with_bad(vars: &[(&str, &str)], name: &str, unset: &[&str]) -> Env {
    use std::os::unix::ffi::OsStrExt;
    let mut all: Vec<(OsString, OsString)> = vars
        .iter()
        .filter(|(k, _)| *k != name && !unset.contains(k))
        .map(|(k, v)| (OsString::from(k), OsString::from(v)))
        .collect();
    all.push((name.into(), std::ffi::OsStr::from_bytes(b"a\xffb").to_owned()));
    Env::from_vars_os(all)
}

fn says_not_utf8(result: Result<impl std::fmt::Debug, Error>, name: &str) {
    match result {
        Err(Error::Config { message }) => assert_eq!(
            message,
            format!("the environment variable {name} is not valid UTF-8"),
            "{name}"
        ),
        other => panic!("{name}: {other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn every_variable_read_while_building_a_client_is_named_when_not_utf8() {
    let home = no_home();
    let base = [
        ("HOME", home.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "SECRET"),
    ];
    // (variable, variables to leave unset so that it is the one read)
    let cases: &[(&str, &[&str])] = &[
        ("AWS_PROFILE", &[]),
        ("HOME", &[]),
        ("USERPROFILE", &["HOME"]),
        ("AWS_CONFIG_FILE", &[]),
        ("AWS_SHARED_CREDENTIALS_FILE", &[]),
        ("all_proxy", &[]),
        ("ALL_PROXY", &[]),
        ("http_proxy", &[]),
        ("HTTP_PROXY", &[]),
        ("https_proxy", &[]),
        ("HTTPS_PROXY", &[]),
        ("no_proxy", &[]),
        ("NO_PROXY", &[]),
        ("AWS_REGION", &[]),
        ("AWS_DEFAULT_REGION", &["AWS_REGION"]),
        ("AWS_EC2_METADATA_DISABLED", &["AWS_REGION"]),
        ("AWS_ACCESS_KEY_ID", &[]),
        ("AWS_SECRET_ACCESS_KEY", &[]),
        ("AWS_SESSION_TOKEN", &[]),
        ("AWS_USE_FIPS_ENDPOINT", &[]),
        ("AWS_USE_DUALSTACK_ENDPOINT", &[]),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", &[]),
        ("AWS_ENDPOINT_URL_APIGATEWAYV2", &[]),
        ("AWS_ENDPOINT_URL", &[]),
        ("AWS_MAX_ATTEMPTS", &[]),
        ("AWS_RETRY_MODE", &[]),
    ];
    let calls = Refusing::default();
    for (name, unset) in cases {
        let env = with_bad(&base, name, unset);
        says_not_utf8(Client::builder().env(env).transport(calls.clone()).build(), name);
    }
    assert_eq!(calls.0.load(Ordering::SeqCst), 0, "nothing was sent");
    // The CA bundle is read only for the default transport (and nothing is sent at build).
    says_not_utf8(
        Client::builder()
            .env(with_bad(&base, "AWS_CA_BUNDLE", &[]))
            .build(),
        "AWS_CA_BUNDLE",
    );
    // The same environments with readable values build.
    let ok = Env::from_vars(base);
    Client::builder().env(ok.clone()).build().unwrap();
    Client::builder()
        .env(ok.with_var("HTTPS_PROXY", "http://127.0.0.1:9"))
        .build()
        .unwrap();
}

/// The credential chain over `env`, with a transport that refuses every call.
fn chain(env: Env, calls: &Refusing) -> Result<apigwv2::Credentials, Error> {
    DefaultChain::new(env, "us-east-1")?
        .with_transport(calls.clone())
        .with_timeout(Duration::from_secs(5))
        .provide_credentials()
}

#[cfg(unix)]
#[test]
fn every_variable_the_credential_chain_reads_is_named_when_not_utf8() {
    let dir = std::env::temp_dir().join(format!("apigwv2-env-test-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("web-identity-token");
    std::fs::write(&token_file, "token").unwrap();
    let token_file = token_file.to_string_lossy().into_owned();
    let home = no_home();
    let base = [("HOME", home.as_str()), ("AWS_EC2_METADATA_DISABLED", "true")];
    let web = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.as_str()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
        ("AWS_ROLE_SESSION_NAME", "s"),
    ];
    let container = [("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds")];
    let imds = [
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9"),
    ];
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("AWS_PROFILE", &[]),
        ("AWS_ACCESS_KEY_ID", &[]),
        ("AWS_SECRET_ACCESS_KEY", &[]),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", &web),
        ("AWS_ROLE_ARN", &web),
        ("AWS_ROLE_SESSION_NAME", &web),
        ("AWS_ENDPOINT_URL_STS", &web),
        ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", &[]),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &[]),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &container),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", &container),
        ("AWS_EC2_METADATA_DISABLED", &[]),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds),
    ];
    let calls = Refusing::default();
    for (name, extra) in cases {
        let vars: Vec<(&str, &str)> = base.iter().chain(extra.iter()).copied().collect();
        // A later entry wins, as in a real environment (AWS_EC2_METADATA_DISABLED=false).
        let vars: Vec<(&str, &str)> = vars
            .iter()
            .enumerate()
            .filter(|(i, (k, _))| !vars[i + 1..].iter().any(|(k2, _)| k2 == k))
            .map(|(_, kv)| *kv)
            .collect();
        says_not_utf8(chain(with_bad(&vars, name, &[]), &calls), name);
    }
    assert_eq!(calls.0.load(Ordering::SeqCst), 0, "nothing was sent");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn instance_metadata_disabled_in_any_case_is_never_asked() {
    let imds = FakeServer::start(|req| {
        match (req.method.as_str(), req.target.as_str()) {
        ("PUT", "/latest/api/token") => (200, "t".into()),
        ("GET", "/latest/meta-data/iam/security-credentials/") => (200, "role\n".into()),
        ("GET", "/latest/meta-data/iam/security-credentials/role") => (
            200,
            r#"{"AccessKeyId":"IMDSKEY","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#
                .into(),
        ),
        ("GET", "/latest/meta-data/placement/region") => (200, "ap-south-1".into()),
        _ => (404, String::new()),
    }
    });
    let home = no_home();
    let env = |disabled: &str| {
        Env::from_vars([
            ("HOME", home.as_str()),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url.as_str()),
            ("AWS_EC2_METADATA_DISABLED", disabled),
        ])
    };
    let chain = |disabled: &str| {
        DefaultChain::new(env(disabled), "us-east-1")
            .unwrap()
            .with_timeout(Duration::from_secs(10))
            .provide_credentials()
    };
    for disabled in ["TRUE", "true", "True", "tRuE"] {
        match chain(disabled) {
            Err(Error::InvalidCredentials { message }) => assert!(
                message.ends_with("; EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED"),
                "{disabled}: {message}"
            ),
            other => panic!("{disabled}: {other:?}"),
        }
        // No region anywhere: instance metadata is not asked for one either.
        match Client::builder().env(env(disabled)).build() {
            Err(Error::Config { message }) => assert!(message.starts_with("no region"), "{message}"),
            other => panic!("{disabled}: {other:?}"),
        }
        assert_eq!(imds.requests().len(), 0, "{disabled}: {:?}", imds.requests());
    }
    // Enabled, the same server answers: the silence above was the setting's doing.
    for enabled in ["false", "FALSE", "no"] {
        let c = chain(enabled).unwrap();
        assert_eq!(c.access_key_id(), "IMDSKEY", "{enabled}");
    }
    assert_eq!(imds.requests().len(), 12, "four calls for each enabled run");
}
