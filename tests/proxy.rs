//! Proxies and the one transport: settings come from the client's own `Env` or builder,
//! `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case) apply to the
//! service, STS and the SSO portal, the container and instance-metadata endpoints never go
//! through a proxy, and every call the client makes (credential providers' included) goes
//! through the client's transport. The tests run a small CONNECT proxy on 127.0.0.1 and
//! check what reached it.

mod common;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use apigwv2::config::{Env, ProxyConfig};
use apigwv2::credentials::{DefaultChain, ProvideCredentials};
use apigwv2::retry::RetryConfig;
use apigwv2::testing::LocalApiGateway;
use apigwv2::{Client, ClientBuilder, Credentials, Error, TransportErrorKind};
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
        // An http:// endpoint is asked for in absolute form, not through a tunnel.
        assert_eq!(proxy.methods(), ["GET", "GET"], "{var}");
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
    inner: apigwv2::unversioned::UreqTransport,
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
        inner: apigwv2::unversioned::UreqTransport::default(),
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

/// A client for an https:// endpoint nothing listens on, through `proxy_url`: every call
/// needs a CONNECT tunnel first. Retries off, so one call is one attempt.
fn tunnelling_client(proxy_url: &str, attempt: Duration, operation: Duration) -> Client {
    Client::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKID", "SECRET", None::<String>))
        .endpoint_url("https://127.0.0.1:9")
        .proxy(ProxyConfig::all(proxy_url).unwrap())
        .timeout(attempt)
        .operation_timeout(operation)
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

/// A proxy that sends its `200 Connection established` one byte every half second (two
/// minutes for the whole answer) cannot hold a call past its attempt's deadline: ureq read
/// the CONNECT answer with a timeout per read, which each byte renewed.
#[test]
fn a_slow_connect_proxy_cannot_hold_a_call_past_its_deadline() {
    let proxy = Proxy::start_dripping(Duration::from_millis(500), 240);
    let client = tunnelling_client(&proxy.url, Duration::from_secs(3), Duration::from_secs(10));
    let started = Instant::now();
    let e = client.get_stage("a", "b").unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "the call took {took:?}");
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                attempts: 1,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(proxy.targets(), ["127.0.0.1:9"]);
    assert_eq!(proxy.methods(), ["CONNECT"]);
}

/// Opening the tunnel is part of connecting: the connect timeout ends it even when the
/// attempt may last much longer.
#[test]
fn the_connect_timeout_bounds_the_connect_exchange() {
    let proxy = Proxy::start_dripping(Duration::from_millis(500), 240);
    let client = Client::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKID", "SECRET", None::<String>))
        .endpoint_url("https://127.0.0.1:9")
        .proxy(ProxyConfig::all(&proxy.url).unwrap())
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(300))
        .operation_timeout(Duration::from_secs(300))
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let e = client.get_stage("a", "b").unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "the call took {took:?}");
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("to open a tunnel to 127.0.0.1:9"), "{e}");
}

/// A one-connection proxy that reads a CONNECT head and answers with `answer`, then waits
/// for the client to close. Returns its URL.
fn answering_proxy(answer: Vec<u8>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut s, _)) = listener.accept() else { return };
        let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && matches!(s.read(&mut b), Ok(1)) {
            head.push(b[0]);
        }
        let _ = s.write_all(&answer);
        let _ = s.read(&mut b);
    });
    url
}

/// A proxy that refuses the tunnel, or answers it with a head that is not HTTP or never
/// ends, gives a typed error at once, which names the proxy but never its password.
#[test]
fn a_refusing_or_broken_connect_proxy_is_a_typed_error() {
    let endless_head = {
        let mut a = b"HTTP/1.1 200 Connection established\r\n".to_vec();
        while a.len() < 70 * 1024 {
            a.extend_from_slice(b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        }
        a
    };
    let cases: [(Vec<u8>, TransportErrorKind, &str); 4] = [
        (
            b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n".to_vec(),
            TransportErrorKind::Connect,
            "refused a tunnel to 127.0.0.1:9: HTTP 407",
        ),
        (
            b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec(),
            TransportErrorKind::Protocol,
            "does not start with a status line",
        ),
        (
            endless_head,
            TransportErrorKind::Protocol,
            "response head is over 64 KiB",
        ),
        (
            b"HTTP/1.1 200 Connection established\r\n\r\nearly bytes".to_vec(),
            TransportErrorKind::Protocol,
            "sent bytes after its CONNECT answer",
        ),
    ];
    for (answer, kind, says) in cases {
        let url = answering_proxy(answer);
        let with_password = url.replace("http://", "http://u:hunter2@");
        let client = tunnelling_client(&with_password, Duration::from_secs(10), Duration::from_secs(10));
        let started = Instant::now();
        let e = client.get_stage("a", "b").unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{says}: {:?}",
            started.elapsed()
        );
        let text = e.to_string();
        match &e {
            Error::Transport { kind: k, .. } => assert_eq!(*k, kind, "{text}"),
            other => panic!("{other:?}"),
        }
        assert!(text.contains(says), "{text}");
        assert!(
            !text.contains("hunter2") && !format!("{e:?}").contains("hunter2"),
            "{text}"
        );
    }
}
