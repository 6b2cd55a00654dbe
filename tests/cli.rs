//! The `stages` example as a user runs it: output formats, exit codes, errors on stderr,
//! resume tokens, against LocalApiGateway (and its own `--demo`).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use apigwv2::testing::{demo_stages, Fault, LocalApiGateway};
use apigwv2::Stage;
use common::numbered;

fn binary() -> PathBuf {
    // `cargo test` builds the examples next to the test binaries: target/<profile>/examples.
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let path = dir
        .join("examples")
        .join(format!("stages{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "the stages example was not built at {}",
        path.display()
    );
    path
}

/// Runs the CLI with a clean environment: no real ~/.aws, credentials of the gateway.
fn run(gw: Option<&LocalApiGateway>, args: &[&str]) -> Output {
    let home = std::env::temp_dir().join(format!("apigwv2-cli-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    if let Some(gw) = gw {
        let creds = gw.credentials();
        cmd.env("AWS_ACCESS_KEY_ID", creds.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
            .env("AWS_REGION", gw.region())
            .env("AWS_ENDPOINT_URL", gw.endpoint_url())
            .env("AWS_MAX_ATTEMPTS", "1");
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn help_reads_like_a_synopsis() {
    let o = run(None, &["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for part in [
        "SYNOPSIS",
        "--page-size N",
        "--output table|json|jsonl",
        "EXIT STATUS",
    ] {
        assert!(text.contains(part), "{part} missing from help");
    }
}

#[test]
fn bad_usage_exits_2_with_one_sentence() {
    for args in [
        &[][..],
        &["api", "--page-size", "0"],
        &["api", "--output", "yaml"],
        &["api", "--bogus"],
        &["a", "b"],
        &["api", "--max-items"],
    ] {
        let o = run(None, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).starts_with("stages: "), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
    // No region anywhere: a configuration error that says what to set.
    let o = run(None, &["api"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("AWS_REGION"), "{}", stderr(&o));
}

#[test]
fn jsonl_is_the_wire_format_one_stage_per_line() {
    let stages = numbered(7);
    let gw = LocalApiGateway::builder()
        .api("api", stages.clone())
        .start()
        .unwrap();
    let o = run(Some(&gw), &["api", "--page-size", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want: Vec<String> = stages.iter().map(|s| serde_json::to_string(s).unwrap()).collect();
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), want);
    assert!(o.stderr.is_empty(), "nothing on stderr when it is not a terminal");
    assert_eq!(gw.request_count(), 3);
}

#[test]
fn json_with_max_items_carries_the_resume_token() {
    let gw = LocalApiGateway::builder()
        .api("api", numbered(5))
        .start()
        .unwrap();
    let o = run(
        Some(&gw),
        &["api", "--output", "json", "--max-items", "3", "--page-size", "2"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 3);
    let token = v["nextToken"].as_str().unwrap().to_owned();
    let o = run(
        Some(&gw),
        &["api", "--starting-token", &token, "--output", "jsonl"],
    );
    let names: Vec<String> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<Stage>(l).unwrap().stage_name)
        .collect();
    assert_eq!(names, ["stage-0003", "stage-0004"]);
}

#[test]
fn table_has_the_documented_columns() {
    let o = run(None, &["--demo", "--output", "table"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    for col in [
        "STAGE",
        "DEPLOYMENT",
        "AUTO-DEPLOY",
        "LAST UPDATED",
        "DESCRIPTION",
    ] {
        assert!(header.contains(col), "{header}");
    }
    assert_eq!(lines.count(), demo_stages().len());
    assert!(text.contains("2025-07-31 00:00:00Z"), "{text}");
}

#[test]
fn demo_lists_the_bundled_seed() {
    let o = run(None, &["--demo", "--output", "jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want: Vec<String> = demo_stages()
        .iter()
        .map(|s| serde_json::to_string(s).unwrap())
        .collect();
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), want);
}

#[test]
fn service_errors_exit_1_with_the_request_id_on_stderr() {
    let gw = LocalApiGateway::builder()
        .api("api", numbered(1))
        .start()
        .unwrap();
    let o = run(Some(&gw), &["missing-api"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("NotFoundException (HTTP 404)"), "{err}");
    assert!(err.contains("request id "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(o.stdout.is_empty());
    gw.inject(Fault::ServerError(503));
    let o = run(Some(&gw), &["api"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("HTTP 503"), "{}", stderr(&o));
}
