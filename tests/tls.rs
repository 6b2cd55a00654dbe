//! Trust behind a corporate network: `AWS_CA_BUNDLE`, the profile's `ca_bundle` and
//! `Trust::CaBundle` replace the bundled roots with a PEM file, as the AWS CLI does. The test
//! makes a CA and a server certificate for 127.0.0.1 with `openssl` and serves TLS with
//! `openssl s_server -www` (an HTML page: a handshake that verified ends in an unreadable
//! response, one that did not ends in a TLS error).

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use apigwv2::config::{Env, ProxyConfig};
use apigwv2::retry::RetryConfig;
use apigwv2::testing::RecordingSleeper;
use apigwv2::transport::Trust;
use apigwv2::{Client, Credentials, Error, TransportErrorKind};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("openssl is needed for this test (CI installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, and a certificate for 127.0.0.1 that it signed; made once for all the tests.
fn certificates() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(make_certificates).clone()
}

fn make_certificates() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apigwv2-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let quiet = ["-nodes", "-newkey", "rsa:2048"];
    openssl(
        &dir,
        &[
            &[
                "req",
                "-x509",
                "-days",
                "2",
                "-subj",
                "/CN=apigwv2 test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
            ][..],
            &quiet,
            &[
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ],
        ]
        .concat(),
    );
    openssl(
        &dir,
        &[
            &[
                "req",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ][..],
            &quiet,
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
            "-out",
            "server.pem",
        ],
    );
    dir
}

/// `openssl s_server` on a free loopback port, stopped when dropped.
struct Server(Child, u16);

impl Server {
    fn start(dir: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("openssl")
            .args([
                "s_server",
                "-quiet",
                "-www",
                "-cert",
                "server.pem",
                "-key",
                "server.key",
            ])
            .args(["-accept", &format!("127.0.0.1:{port}")])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let until = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "s_server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self(child, port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn builder(port: u16) -> apigwv2::ClientBuilder {
    Client::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKID", "SECRET", None::<String>))
        .endpoint_url(format!("https://127.0.0.1:{port}"))
        .retry_config(RetryConfig::disabled())
}

/// Verified: the HTML status page arrives, whole, and cannot be read as a response. Not
/// verified: a TLS error about the certificate, after one attempt.
fn verified(client: &Client) -> bool {
    match client.get_stage("a", "b") {
        Err(Error::InvalidResponse {
            operation: "GetStage",
            status: 200,
            request_id: None,
            reason,
            excerpt,
            attempts: 1,
        }) => {
            assert!(
                reason.starts_with("the body is not a valid GetStage response: "),
                "{reason}"
            );
            assert!(
                excerpt.starts_with("<HTML><BODY BGCOLOR=\\\"#ffffff\\\">\\n<pre>\\n"),
                "{excerpt}"
            );
            true
        }
        Err(Error::Transport {
            kind: TransportErrorKind::Tls,
            message,
            attempts: 1,
            ..
        }) => {
            assert!(message.contains("certificate"), "{message}");
            false
        }
        other => panic!("{other:?}"),
    }
}

fn env(home: &Path, vars: &[(&str, &str)]) -> Env {
    let mut all = vec![
        ("HOME".to_owned(), home.to_string_lossy().into_owned()),
        ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
    ];
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Env::from_vars(all)
}

#[test]
fn a_ca_bundle_is_trusted_and_the_bundled_roots_are_not_enough() {
    let dir = certificates();
    let server = Server::start(&dir);
    let ca = dir.join("ca.pem");
    let ca_s = ca.to_string_lossy().into_owned();
    // The bundled roots do not know the test CA.
    assert!(!verified(&builder(server.1).build().unwrap()));
    // The builder's setting, AWS_CA_BUNDLE, and the profile's ca_bundle.
    assert!(verified(
        &builder(server.1)
            .trust(Trust::CaBundle(ca.clone()))
            .build()
            .unwrap()
    ));
    let home = dir.join("home");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    assert!(verified(
        &builder(server.1)
            .env(env(&home, &[("AWS_CA_BUNDLE", &ca_s)]))
            .build()
            .unwrap()
    ));
    std::fs::write(
        home.join(".aws/config"),
        format!("[default]\nca_bundle = {ca_s}\n"),
    )
    .unwrap();
    assert!(verified(&builder(server.1).env(env(&home, &[])).build().unwrap()));
    // The builder's setting wins over the environment.
    let c = builder(server.1)
        .env(env(&home, &[("AWS_CA_BUNDLE", &ca_s)]))
        .trust(Trust::Bundled)
        .build()
        .unwrap();
    assert!(!verified(&c));
    // A file with no certificate, or none at all, fails at build and names the file.
    std::fs::write(dir.join("empty.pem"), "no certificate here\n").unwrap();
    for bad in [dir.join("empty.pem"), dir.join("missing.pem")] {
        let e = builder(server.1)
            .trust(Trust::CaBundle(bad.clone()))
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config { .. }), "{e:?}");
        assert!(e.to_string().contains("CA bundle"), "{e}");
    }
}

/// A TCP relay to `port` on 127.0.0.1 that counts the connections it accepts.
struct CountingRelay {
    port: u16,
    accepted: Arc<AtomicUsize>,
}

fn relay(to: u16) -> CountingRelay {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            count.fetch_add(1, Ordering::SeqCst);
            let Ok(server) = TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            for (mut from, mut into) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                from.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut into);
                    let _ = into.shutdown(std::net::Shutdown::Write);
                });
            }
        }
    });
    CountingRelay { port, accepted }
}

/// A certificate that fails to verify is not a transient failure: one connection per call,
/// even with retries on, and a TLS error. (A connection that breaks is retried, on the
/// same client: retries are on.)
#[test]
fn a_certificate_failure_is_not_retried() {
    let dir = certificates();
    let server = Server::start(&dir);
    let relay = relay(server.1);
    let client = builder(relay.port)
        .retry_config(RetryConfig::default())
        .sleeper(RecordingSleeper::new())
        .build()
        .unwrap();
    assert!(!verified(&client));
    assert_eq!(relay.accepted.load(Ordering::SeqCst), 1);
    assert!(!verified(&client));
    assert_eq!(relay.accepted.load(Ordering::SeqCst), 2);
    drop(server);
    let e = client.get_stage("a", "b").unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportErrorKind::Io,
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(relay.accepted.load(Ordering::SeqCst), 5);
}

/// An https:// endpoint behind a proxy is reached through a CONNECT tunnel, with TLS to the
/// endpoint inside it: its certificate is checked as on a direct connection.
#[test]
fn an_https_endpoint_is_reached_through_a_connect_tunnel() {
    let dir = certificates();
    let server = Server::start(&dir);
    let proxy = common::proxy::Proxy::start();
    let through = |trust: Trust| {
        builder(server.1)
            .trust(trust)
            .proxy(ProxyConfig::all(&proxy.url).unwrap())
            .build()
            .unwrap()
    };
    assert!(verified(&through(Trust::CaBundle(dir.join("ca.pem")))));
    assert!(!verified(&through(Trust::Bundled)));
    let target = format!("127.0.0.1:{}", server.1);
    assert_eq!(proxy.targets(), [target.clone(), target]);
    assert_eq!(proxy.methods(), ["CONNECT", "CONNECT"]);
}
