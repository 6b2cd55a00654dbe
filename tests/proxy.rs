//! Proxies and the one transport: settings come from the client's own `Env` or builder,
//! `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case) apply to the
//! service, STS and the SSO portal, the container and instance-metadata endpoints never go
//! through a proxy, and every call the client makes (credential providers' included) goes
//! through the client's transport. The tests run a small CONNECT proxy on 127.0.0.1 and
//! check what reached it.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use apigwv2::config::{Env, ProxyConfig};
use apigwv2::credentials::{DefaultChain, ProvideCredentials};
use apigwv2::testing::LocalApiGateway;
use apigwv2::{Client, ClientBuilder};
use common::fake::{sts_xml, FakeServer};
use common::numbered;
use common::proxy::Proxy;

const LATER: &str = "2099-01-01T00:00:00Z";
static UNIQUE: AtomicUsize = AtomicUsize::new(0);

/// A temporary HOME (with `~/.aws/config` when `config` is not empty).
fn home(config: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "apigwv2-proxy-{}-{}",
        std::process::id(),
        UNIQUE.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
    if !config.is_empty() {
        std::fs::write(dir.join(".aws/config"), config).unwrap();
    }
    dir
}

/// An environment with its own HOME, instance metadata off, plus `vars`.
fn env(vars: &[(&str, &str)]) -> Env {
    let mut all: Vec<(String, String)> = vec![
        ("HOME".into(), home("").to_string_lossy().into_owned()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
    ];
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Env::from_vars(all)
}

/// A builder for the gateway that reads proxy settings from `env` only.
fn builder(gw: &LocalApiGateway, env: Env) -> ClientBuilder {
    Client::builder()
        .env(env)
        .region(gw.region())
        .credentials(gw.credentials())
        .endpoint_url(gw.endpoint_url())
        .timeout(Duration::from_secs(10))
}

fn gateway() -> LocalApiGateway {
    LocalApiGateway::builder().api("a", numbered(3)).start().unwrap()
}

#[test]
fn the_service_goes_through_the_proxy_named_in_the_clients_env() {
    let gw = gateway();
    let target = gw.addr().to_string();
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        let proxy = Proxy::start();
        for url in [proxy.url.as_str(), proxy.authority()] {
            let client = builder(&gw, env(&[(var, url)])).build().unwrap();
            assert_eq!(client.stages("a").count(), 3, "{var}={url}");
        }
        assert_eq!(proxy.targets(), [target.clone(), target.clone()], "{var}");
    }
}

#[test]
fn the_proxy_is_chosen_by_scheme_and_skipped_for_no_proxy_hosts() {
    let gw = gateway();
    let proxy = Proxy::start();
    let cases: [&[(&str, &str)]; 6] = [
        &[("HTTPS_PROXY", &proxy.url)], // an https proxy is not for an http endpoint
        &[("HTTP_PROXY", &proxy.url), ("NO_PROXY", "127.0.0.1")],
        &[("HTTP_PROXY", &proxy.url), ("no_proxy", "localhost, 127.0.0.0/8")],
        &[("http_proxy", &proxy.url), ("NO_PROXY", "*")],
        &[("ALL_PROXY", &proxy.url), ("NO_PROXY", "example.com,127.0.0.1:1")],
        &[],
    ];
    for vars in cases {
        let client = builder(&gw, env(vars)).build().unwrap();
        assert_eq!(client.stages("a").count(), 3, "{vars:?}");
        assert!(proxy.targets().is_empty(), "{vars:?} went through the proxy");
    }
    // NO_PROXY names other hosts: the proxy is used.
    let vars = [
        ("HTTP_PROXY", proxy.url.as_str()),
        ("NO_PROXY", "127.0.0.2,.internal"),
    ];
    let client = builder(&gw, env(&vars)).build().unwrap();
    assert_eq!(client.stages("a").count(), 3);
    assert_eq!(proxy.targets(), [gw.addr().to_string()]);
}

#[test]
fn the_builder_sets_or_switches_off_the_proxy() {
    let gw = gateway();
    let proxy = Proxy::start();
    let client = builder(&gw, env(&[("HTTP_PROXY", &proxy.url)]))
        .proxy(ProxyConfig::none())
        .build()
        .unwrap();
    assert_eq!(client.stages("a").count(), 3);
    assert!(proxy.targets().is_empty());

    // Without any environment, with credentials for the proxy.
    let url = format!("http://us%40er:hunter2@{}", proxy.authority());
    let client = gw
        .client_builder()
        .proxy(ProxyConfig::all(&url).unwrap())
        .build()
        .unwrap();
    assert_eq!(client.stages("a").count(), 3);
    let connects = proxy.connects();
    assert_eq!(connects.len(), 1);
    // "us@er:hunter2" in base64.
    assert_eq!(
        connects[0].authorization.as_deref(),
        Some("Basic dXNAZXI6aHVudGVyMg==")
    );
    assert!(!format!("{client:?}").contains("hunter2"));

    // A plain builder reads no environment, so no proxy.
    let client = gw.client().unwrap();
    assert_eq!(client.stages("a").count(), 3);
    assert_eq!(proxy.connects().len(), 1);

    let e = builder(&gw, env(&[("HTTP_PROXY", "socks5://u:hunter2@127.0.0.1:1")]))
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP_PROXY") && !e.contains("hunter2"), "{e}");
}

#[test]
fn sts_and_the_sso_portal_go_through_the_proxy() {
    let proxy = Proxy::start();
    let sts = FakeServer::start(|req| {
        let action = if req.body.contains("WithWebIdentity") {
            "AssumeRoleWithWebIdentity"
        } else {
            "AssumeRole"
        };
        (200, sts_xml(action, "STSKEY", "s", "t", LATER))
    });
    let dir = home("");
    let token = dir.join("token");
    std::fs::write(&token, "jwt").unwrap();
    let token = token.to_string_lossy().into_owned();
    let vars = [
        ("HOME", dir.to_str().unwrap()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", &token),
        ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
        ("AWS_ENDPOINT_URL_STS", &sts.url),
        ("HTTP_PROXY", &proxy.url),
    ];
    let c = DefaultChain::new(Env::from_vars(vars), "eu-west-1")
        .unwrap()
        .provide_credentials()
        .unwrap();
    assert_eq!(c.access_key_id(), "STSKEY");
    assert_eq!(proxy.targets(), [sts.url.trim_start_matches("http://")]);

    let portal = FakeServer::start(|_| {
        (
            200,
            r#"{"roleCredentials":{"accessKeyId":"SSOKEY","secretAccessKey":"s","sessionToken":"t","expiration":4102444800000}}"#.into(),
        )
    });
    let dir = home("[default]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n[sso-session s]\nsso_region = eu-west-1\nsso_start_url = https://x.awsapps.com/start\n");
    use sha1::Digest;
    std::fs::write(
        dir.join(".aws/sso/cache")
            .join(format!("{}.json", hex::encode(sha1::Sha1::digest(b"s")))),
        format!(r#"{{"accessToken":"bearer","expiresAt":"{LATER}"}}"#),
    )
    .unwrap();
    let vars = [
        ("HOME", dir.to_str().unwrap()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_ENDPOINT_URL_SSO", &portal.url),
        ("ALL_PROXY", &proxy.url),
    ];
    let c = DefaultChain::new(Env::from_vars(vars), "eu-west-1")
        .unwrap()
        .provide_credentials()
        .unwrap();
    assert_eq!(c.access_key_id(), "SSOKEY");
    assert_eq!(proxy.targets()[1], portal.url.trim_start_matches("http://"));
}

#[test]
fn container_and_instance_metadata_never_go_through_a_proxy() {
    let proxy = Proxy::start();
    let ecs = FakeServer::start(|_| {
        (
            200,
            format!(r#"{{"AccessKeyId":"ECSKEY","SecretAccessKey":"e","Token":"t","Expiration":"{LATER}"}}"#),
        )
    });
    let full = format!("{}/v1/credentials", ecs.url);
    let dir = home("");
    let vars = [
        ("HOME", dir.to_str().unwrap()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "pod-secret"),
        ("HTTP_PROXY", &proxy.url),
        ("ALL_PROXY", &proxy.url),
    ];
    let c = DefaultChain::new(Env::from_vars(vars), "eu-west-1")
        .unwrap()
        .provide_credentials()
        .unwrap();
    assert_eq!(c.access_key_id(), "ECSKEY");
    assert_eq!(ecs.requests()[0].header("authorization"), Some("pod-secret"));
    assert!(
        proxy.connects().is_empty(),
        "the container token went to the proxy"
    );

    let imds = FakeServer::start(|req| match (req.method.as_str(), req.target.as_str()) {
        ("PUT", "/latest/api/token") => (200, "imds-token".into()),
        ("GET", "/latest/meta-data/iam/security-credentials/") => (200, "role\n".into()),
        ("GET", "/latest/meta-data/iam/security-credentials/role") => (
            200,
            format!(
                r#"{{"Code":"Success","AccessKeyId":"IMDSKEY","SecretAccessKey":"i","Token":"it","Expiration":"{LATER}"}}"#
            ),
        ),
        _ => (404, String::new()),
    });
    let vars = [
        ("HOME", dir.to_str().unwrap()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url),
        ("HTTP_PROXY", &proxy.url),
        ("ALL_PROXY", &proxy.url),
    ];
    let c = DefaultChain::new(Env::from_vars(vars), "eu-west-1")
        .unwrap()
        .provide_credentials()
        .unwrap();
    assert_eq!(c.access_key_id(), "IMDSKEY");
    assert_eq!(imds.requests().len(), 4); // token and role list, token and credentials
    assert!(
        proxy.connects().is_empty(),
        "instance metadata went through the proxy"
    );
}

/// A transport that records what it was asked to send, then sends it with ureq.
#[derive(Debug, Clone)]
struct Recording {
    inner: apigwv2::transport::UreqTransport,
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, bool)>>>,
}

impl apigwv2::transport::Transport for Recording {
    fn send(
        &self,
        request: &apigwv2::transport::HttpRequest,
        max: u64,
    ) -> Result<apigwv2::transport::HttpResponse, apigwv2::transport::TransportError> {
        self.seen
            .lock()
            .unwrap()
            .push((request.url.clone(), request.bypass_proxy));
        self.inner.send(request, max)
    }
}

#[test]
fn credential_providers_send_through_the_clients_transport() {
    let gw = gateway();
    let ecs = FakeServer::start(|_| {
        (
            200,
            format!(
                r#"{{"AccessKeyId":"{}","SecretAccessKey":"{}","Expiration":"{LATER}"}}"#,
                "AKIDLOCAL", "local-secret-key"
            ),
        )
    });
    let full = format!("{}/v1/credentials", ecs.url);
    let t = Recording {
        inner: apigwv2::transport::UreqTransport::default(),
        seen: Default::default(),
    };
    let client = Client::builder()
        .env(env(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full)]))
        .region(gw.region())
        .endpoint_url(gw.endpoint_url())
        .transport(t.clone())
        .build()
        .unwrap();
    assert_eq!(client.stages("a").count(), 3);
    let seen = t.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            (full.clone(), true),
            (format!("{}/v2/apis/a/stages", gw.endpoint_url()), false)
        ]
    );
}
