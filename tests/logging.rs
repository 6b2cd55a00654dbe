//! The `log` feature: one debug event per attempt (operation, attempt, status, request id,
//! elapsed), one per retry, one naming the credential source; never a secret.
#![cfg(feature = "log")]

mod common;

use std::sync::Mutex;

use apigwv2::config::Env;
use apigwv2::retry::RetryConfig;
use apigwv2::testing::{Fault, LocalApiGateway, RecordingSleeper};
use apigwv2::Client;

static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Collect;

impl log::Log for Collect {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.target() == "apigwv2"
    }
    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            RECORDS
                .lock()
                .unwrap()
                .push(format!("{} {}", r.level(), r.args()));
        }
    }
    fn flush(&self) {}
}

#[test]
fn attempts_retries_and_the_credential_source_are_logged_without_secrets() {
    log::set_logger(&Collect).unwrap();
    log::set_max_level(log::LevelFilter::Debug);
    let gw = LocalApiGateway::builder()
        .api("a1", common::numbered(2))
        .credentials(apigwv2::Credentials::new(
            "AKIDLOG",
            "SECRETLOGKEY",
            Some("SESSIONLOGTOKEN"),
        ))
        .start()
        .unwrap();
    let home = std::env::temp_dir().join(format!("apigwv2-log-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let env = Env::from_vars([
        ("HOME", home.to_string_lossy().as_ref()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_ACCESS_KEY_ID", "AKIDLOG"),
        ("AWS_SECRET_ACCESS_KEY", "SECRETLOGKEY"),
        ("AWS_SESSION_TOKEN", "SESSIONLOGTOKEN"),
    ]);
    let client = Client::builder()
        .env(env)
        .region(gw.region())
        .endpoint_url(gw.endpoint_url())
        .retry_config(RetryConfig::default())
        .sleeper(RecordingSleeper::new())
        .build()
        .unwrap();
    gw.inject(Fault::Throttle);
    assert_eq!(client.stages("a1").count(), 2);
    let records = RECORDS.lock().unwrap().clone();
    let text = records.join("\n");
    assert!(
        text.contains("DEBUG GetStages attempt 1: HTTP 429 [request id "),
        "{text}"
    );
    assert!(text.contains("DEBUG GetStages retrying after "), "{text}");
    assert!(text.contains("TooManyRequestsException"), "{text}");
    assert!(
        text.contains("DEBUG GetStages attempt 2: HTTP 200 [request id "),
        "{text}"
    );
    for secret in ["SECRETLOGKEY", "SESSIONLOGTOKEN", "Signature="] {
        assert!(!text.contains(secret), "{secret} logged: {text}");
    }
    // Environment credentials go straight into the client; the chain logs its own choice.
    let chain = apigwv2::credentials::DefaultChain::new(
        Env::from_vars([
            ("HOME", home.to_string_lossy().as_ref()),
            ("AWS_ACCESS_KEY_ID", "AKIDLOG"),
            ("AWS_SECRET_ACCESS_KEY", "SECRETLOGKEY"),
        ]),
        "eu-west-1",
    )
    .unwrap();
    apigwv2::credentials::ProvideCredentials::provide_credentials(&chain).unwrap();
    let text = RECORDS.lock().unwrap().join("\n");
    assert!(
        text.contains("DEBUG credentials from the environment (access key id AKIDLOG, long-term)"),
        "{text}"
    );
    assert!(!text.contains("SECRETLOGKEY"), "{text}");
}
