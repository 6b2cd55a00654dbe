//! Trust behind a corporate network: `AWS_CA_BUNDLE`, the profile's `ca_bundle` and
//! `Trust::CaBundle` replace the bundled roots with a PEM file, as the AWS CLI does. The test
//! makes a CA and a server certificate for 127.0.0.1 with `openssl` and serves TLS with
//! `openssl s_server -www` (an HTML page: a handshake that verified ends in an unreadable
//! response, one that did not ends in a TLS error).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use apigwv2::config::Env;
use apigwv2::retry::RetryConfig;
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

/// A CA, and a certificate for 127.0.0.1 that it signed.
fn certificates() -> PathBuf {
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

/// Verified: the HTML status page arrives and cannot be read as a response.
fn verified(client: &Client) -> bool {
    match client.get_stage("a", "b") {
        Err(Error::InvalidResponse { .. }) => true,
        Err(Error::Transport {
            kind: TransportErrorKind::Tls,
            ..
        }) => false,
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
