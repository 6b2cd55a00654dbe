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

    // Each other source the chain can take names itself (names only, never values).
    let ecs = common::fake::FakeServer::start(|_| {
        (
            200,
            r#"{"AccessKeyId":"AKIDECS","SecretAccessKey":"SECRETECS","Token":"TOKENECS","Expiration":"2099-01-01T00:00:00Z"}"#.into(),
        )
    });
    // (config file, extra variables, the event expected)
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = SECRETFILE\n",
            vec![],
            "credentials from profile \"default\" (static keys) (access key id AKIDFILE, long-term)",
        ),
        (
            "[profile p]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKIDPROC\",\"SecretAccessKey\":\"SECRETPROC\"}'\n",
            vec![("AWS_PROFILE", "p".into())],
            "credentials from profile \"p\" (credential_process) (access key id AKIDPROC, long-term)",
        ),
        (
            "",
            vec![("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url.clone())],
            "credentials from the container endpoint (access key id AKIDECS, temporary)",
        ),
    ];
    for (i, (config, vars, want)) in cases.into_iter().enumerate() {
        let home = std::env::temp_dir().join(format!("apigwv2-log-{}-{i}", std::process::id()));
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        std::fs::write(home.join(".aws/config"), config).unwrap();
        let mut all = vec![
            ("HOME", home.to_string_lossy().into_owned()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ];
        all.extend(vars);
        let chain = apigwv2::credentials::DefaultChain::new(Env::from_vars(all), "eu-west-1").unwrap();
        apigwv2::credentials::ProvideCredentials::provide_credentials(&chain).unwrap();
        let text = RECORDS.lock().unwrap().join("\n");
        assert!(text.contains(want), "{want}: {text}");
        for secret in ["SECRETFILE", "SECRETPROC", "SECRETECS", "TOKENECS"] {
            assert!(!text.contains(secret), "{secret} logged: {text}");
        }
        let _ = std::fs::remove_dir_all(&home);
    }
}
