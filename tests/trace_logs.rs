//! No secret reaches any log, whatever the level and whichever crate logs: with a logger
//! that takes every record of every target at Trace, a call that fetches container
//! credentials (with the container's authorization token), signs with their session token
//! and goes through a proxy with a password logs none of them. ureq's HTTP layer logged
//! every byte it sent and received as hex rows at Trace (target `ureq_proto::util`), so the
//! test also decodes every row that looks like one back to bytes and searches those.
//!
//! It runs with and without the `log` feature: the records it looks for come from the
//! dependencies as much as from this crate.

mod common;

use std::sync::Mutex;

use apigwv2::config::Env;
use apigwv2::retry::RetryConfig;
use apigwv2::testing::LocalApiGateway;
use apigwv2::{Client, Credentials};
use common::fake::FakeServer;
use common::proxy::Proxy;

/// (target, message) of every record logged.
static RECORDS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

struct Everything;

impl log::Log for Everything {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, r: &log::Record<'_>) {
        RECORDS
            .lock()
            .unwrap()
            .push((r.target().to_owned(), r.args().to_string()));
    }
    fn flush(&self) {}
}

/// The bytes of a hex row as ureq-proto's `log_data` writes it: 16 bytes as eight groups
/// of two hex pairs (`--` where the row is short), each group followed by a blank, then
/// the bytes as text. `None` for any other message.
fn hex_row(message: &str) -> Option<Vec<u8>> {
    let groups = message.get(..40)?;
    let mut bytes = Vec::new();
    for group in groups.split_terminator(' ') {
        if group.len() != 4 {
            return None;
        }
        for pair in [&group[..2], &group[2..]] {
            if pair != "--" {
                bytes.push(u8::from_str_radix(pair, 16).ok()?);
            }
        }
    }
    (groups.split_terminator(' ').count() == 8).then_some(bytes)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

const SECRET_KEY: &str = "TRACESECRETKEY0a1b2c3d4e5f";
const SESSION_TOKEN: &str = "TRACESESSIONTOKEN6a7b8c9d";
const CONTAINER_TOKEN: &str = "TRACECONTAINERTOKEN1f2e3d";
const PROXY_PASSWORD: &str = "TRACEPROXYPASSWORD4c5b6a";

#[test]
fn no_secret_reaches_any_log_target_at_trace() {
    // The decoder reads ureq-proto's rows: "HTTP/1.1 200 OK\r\n" in two rows.
    assert_eq!(
        hex_row("4854 5450 2f31 2e31 2032 3030 204f 4b0d  HTTP/1.1.200.OK.").as_deref(),
        Some(&b"HTTP/1.1 200 OK\r"[..])
    );
    assert_eq!(
        hex_row("0a-- ---- ---- ---- ---- ---- ---- ----  ................").as_deref(),
        Some(&b"\n"[..])
    );
    assert_eq!(hex_row("Resolved: [127.0.0.1:80]"), None);

    log::set_logger(&Everything).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let gw = LocalApiGateway::builder()
        .api("a", common::numbered(2))
        .credentials(Credentials::new("AKIDTRACE", SECRET_KEY, Some(SESSION_TOKEN)))
        .record_requests(true)
        .start()
        .unwrap();
    let ecs = FakeServer::start(|_| {
        (
            200,
            format!(
                r#"{{"AccessKeyId":"AKIDTRACE","SecretAccessKey":"{SECRET_KEY}","Token":"{SESSION_TOKEN}","Expiration":"2099-01-01T00:00:00Z"}}"#
            ),
        )
    });
    let proxy = Proxy::start();
    let home = std::env::temp_dir().join(format!("apigwv2-trace-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let env = Env::from_vars([
        ("HOME".to_owned(), home.to_string_lossy().into_owned()),
        ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI".to_owned(),
            format!("{}/v1/credentials", ecs.url),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN".to_owned(),
            CONTAINER_TOKEN.to_owned(),
        ),
        (
            "HTTP_PROXY".to_owned(),
            format!("http://tracer:{PROXY_PASSWORD}@{}", proxy.authority()),
        ),
    ]);
    let client = Client::builder()
        .env(env)
        .region(gw.region())
        .endpoint_url(gw.endpoint_url())
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap();
    assert_eq!(client.stages("a").count(), 2);

    // Every secret went where it belongs.
    assert_eq!(ecs.requests()[0].header("authorization"), Some(CONTAINER_TOKEN));
    let sent = gw.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("x-amz-security-token"), Some(SESSION_TOKEN));
    let authorization = sent[0].header("authorization").unwrap().to_owned();
    let signature = authorization.rsplit("Signature=").next().unwrap().to_owned();
    assert_eq!(signature.len(), 64, "{authorization}");
    // "tracer:<password>" in base64.
    let basic = "dHJhY2VyOlRSQUNFUFJPWFlQQVNTV09SRDRjNWI2YQ==";
    let proxied = proxy.connects();
    assert_eq!(proxied.len(), 1);
    assert_eq!(
        proxied[0].authorization.as_deref(),
        Some(&*format!("Basic {basic}"))
    );

    let records = std::mem::take(&mut *RECORDS.lock().unwrap());
    // The logger was on: the connectors log at Debug and Trace.
    assert!(
        records.iter().any(|(target, _)| target.starts_with("ureq")),
        "{records:?}"
    );
    let mut decoded = Vec::new();
    for (_, message) in &records {
        decoded.extend(hex_row(message).unwrap_or_default());
    }
    for secret in [
        SECRET_KEY,
        SESSION_TOKEN,
        CONTAINER_TOKEN,
        PROXY_PASSWORD,
        basic,
        &signature,
        &authorization,
    ] {
        for (target, message) in &records {
            assert!(!message.contains(secret), "{target} logged {secret}: {message}");
        }
        assert!(
            !contains(&decoded, secret),
            "{secret} logged as hex rows: {}",
            String::from_utf8_lossy(&decoded)
        );
    }
    let _ = std::fs::remove_dir_all(&home);
}
