//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod rng;

use apigwv2::testing::LocalApiGateway;
use apigwv2::{Client, Error, Stage};

/// `n` stages named `stage-0000`, `stage-0001`, ...
pub fn numbered(n: usize) -> Vec<Stage> {
    (0..n).map(|i| Stage::new(format!("stage-{i:04}"))).collect()
}

/// A started gateway with one API.
pub fn gateway(api_id: &str, stages: Vec<Stage>) -> LocalApiGateway {
    LocalApiGateway::builder()
        .api(api_id, stages)
        .start()
        .expect("start LocalApiGateway")
}

/// A client for a gateway with retries off (each fault is seen as it is) and short
/// timeouts, so no test can hang.
pub fn client(gw: &LocalApiGateway) -> Client {
    gw.client_builder()
        .timeout(std::time::Duration::from_secs(10))
        .retry_config(apigwv2::retry::RetryConfig::disabled())
        .build()
        .expect("client")
}

/// The message of an [`Error::InvalidCredentials`]; any other error fails the test, so a
/// credential failure reported as the wrong kind of error is caught.
pub fn credentials_message(e: Error) -> String {
    match e {
        Error::InvalidCredentials { message } => message,
        other => panic!("expected Error::InvalidCredentials, got {other:?}"),
    }
}

/// The message of an [`Error::Config`]; any other error fails the test.
pub fn config_message(e: Error) -> String {
    match e {
        Error::Config { message } => message,
        other => panic!("expected Error::Config, got {other:?}"),
    }
}

/// Waits (at most `secs`) for `done` to hold, checking every 10 ms: for an event the test
/// cannot be told of otherwise (a file a helper process writes, a process ending). True
/// once it holds; false when the bound passed first.
pub fn wait_until(secs: u64, mut done: impl FnMut() -> bool) -> bool {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if done() {
            return true;
        }
        if std::time::Instant::now() >= until {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The names of every stage yielded, or the first error.
pub fn names(it: impl Iterator<Item = Result<Stage, Error>>) -> Result<Vec<String>, Error> {
    it.map(|s| s.map(|s| s.stage_name)).collect()
}

pub mod fake;
/// The local endpoint's HTTP/1.1 reader and writer, compiled here as they are.
#[path = "../../src/testing/http.rs"]
pub mod http;
pub mod proxy;

use std::path::PathBuf;

/// The `apigwv2` command, as cargo built it for this test run (the `cli` feature, which
/// the crate's dev-dependency on itself turns on, so cargo builds it before the tests).
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_apigwv2"))
}
