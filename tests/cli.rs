//! The `apigwv2` command as a user runs it: output formats, exit codes, errors on stderr,
//! resume tokens, against LocalApiGateway (and its own `--demo`).

mod common;

use std::ffi::OsString;
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use apigwv2::testing::{demo_stages, Fault, LocalApiGateway};
use apigwv2::Stage;
use common::numbered;

use common::binary;

static RUNS: AtomicUsize = AtomicUsize::new(0);

/// A listener on a loopback port that the CLI is told is the instance metadata service: a
/// run that ever tried IMDS (which, on an EC2 machine, would find real credentials at
/// 169.254.169.254) leaves a connection in its queue.
struct ImdsTrap(TcpListener);

impl ImdsTrap {
    fn new() -> Self {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        Self(l)
    }

    fn url(&self) -> String {
        format!("http://{}", self.0.local_addr().unwrap())
    }

    fn was_contacted(&self) -> bool {
        self.0.accept().is_ok()
    }
}

/// Runs the CLI in an empty environment of its own: a new HOME with no ~/.aws, instance
/// metadata disabled (and, should that be ignored, moved to a loopback trap that must stay
/// untouched), and the gateway's credentials, region and endpoint when there is one.
fn run(gw: Option<&LocalApiGateway>, args: &[&str]) -> Output {
    run_os(gw, &args.iter().map(OsString::from).collect::<Vec<_>>(), &[])
}

/// As [`run`], with arguments and more environment variables that need not be UTF-8.
fn run_os(gw: Option<&LocalApiGateway>, args: &[OsString], vars: &[(&str, OsString)]) -> Output {
    let home = std::env::temp_dir().join(format!(
        "apigwv2-cli-home-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&home).unwrap();
    let trap = ImdsTrap::new();
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .env_clear()
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", trap.url())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    if let Some(gw) = gw {
        let creds = gw.credentials();
        cmd.env("AWS_ACCESS_KEY_ID", creds.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
            .env("AWS_REGION", gw.region())
            .env("AWS_ENDPOINT_URL", gw.endpoint_url())
            .env("AWS_MAX_ATTEMPTS", "1");
    }
    cmd.envs(vars.iter().map(|(k, v)| (*k, v)));
    let output = cmd.output().unwrap();
    std::fs::remove_dir_all(&home).unwrap();
    assert!(
        !trap.was_contacted(),
        "stages {args:?} asked instance metadata despite AWS_EC2_METADATA_DISABLED"
    );
    output
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
        assert!(stderr(&o).starts_with("apigwv2: "), "{args:?}: {}", stderr(&o));
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

fn gateway_with_named_apis() -> LocalApiGateway {
    use apigwv2::{Api, ProtocolType};
    LocalApiGateway::builder()
        .api_with(
            Api::new("a1", "orders", ProtocolType::Http),
            vec![Stage::new("$default"), Stage::new("prod")],
        )
        .api_with(Api::new("b2", "billing", ProtocolType::Websocket), vec![])
        .api_with(
            Api::new("c3", "payments", ProtocolType::Http),
            vec![Stage::new("dev")],
        )
        .api_with(Api::new("d4", "payments", ProtocolType::Http), vec![])
        .start()
        .unwrap()
}

#[test]
fn api_name_all_apis_apis_and_one_stage() {
    let gw = gateway_with_named_apis();
    let o = run(Some(&gw), &["--api-name", "orders", "--output", "jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"stageName\":\"$default\"}\n{\"stageName\":\"prod\"}\n"
    );

    let o = run(
        Some(&gw),
        &["--all-apis", "--output", "jsonl", "--page-size", "1"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"apiId\":\"a1\",\"apiName\":\"orders\",\"stage\":{\"stageName\":\"$default\"}}\n\
         {\"apiId\":\"a1\",\"apiName\":\"orders\",\"stage\":{\"stageName\":\"prod\"}}\n\
         {\"apiId\":\"c3\",\"apiName\":\"payments\",\"stage\":{\"stageName\":\"dev\"}}\n"
    );
    let o = run(Some(&gw), &["--all-apis", "--output", "table"]);
    assert!(
        stdout(&o).starts_with("API-ID  API-NAME  STAGE"),
        "{}",
        stdout(&o)
    );

    let o = run(Some(&gw), &["--apis", "--output", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let names: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["orders", "billing", "payments", "payments"]);

    let o = run(Some(&gw), &["a1", "--stage", "$default", "--output", "json"]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "{\"stageName\":\"$default\"}\n")
    );
    let o = run(Some(&gw), &["a1", "--stage", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("NotFoundException"), "{}", stderr(&o));
}

#[test]
fn an_ambiguous_or_unknown_api_name_says_which_ids_exist() {
    let gw = gateway_with_named_apis();
    let o = run(Some(&gw), &["--api-name", "payments"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("2 APIs are named \"payments\" (c3, d4)"),
        "{}",
        stderr(&o)
    );
    let o = run(Some(&gw), &["--api-name", "nothing"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no API is named \"nothing\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn all_apis_reports_one_failing_api_and_goes_on() {
    let gw = gateway_with_named_apis();
    // Request 1 lists the APIs, request 2 is a1's stages, request 3 b2's.
    gw.inject(Fault::Normal);
    gw.inject(Fault::ServerError(500));
    let o = run(
        Some(&gw),
        &["--all-apis", "--parallelism", "1", "--output", "jsonl"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("API a1: GetStages failed: InternalServerException"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
}

#[test]
fn mode_conflicts_are_usage_errors() {
    for args in [
        &["a1", "--api-name", "x"][..],
        &["--all-apis", "a1"],
        &["--apis", "--stage", "s"],
        &["a1", "--stage", "s", "--max-items", "2"],
        &["--all-apis", "--api-name", "x"],
        &["a1", "--parallelism", "2"],
        &["--all-apis", "--parallelism", "0"],
    ] {
        let o = run(None, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn what_the_user_typed_wrong_exits_2_and_says_what_to_type() {
    let gw = common::gateway("a1", numbered(3));
    for (args, says) in [
        (&["", "--output", "jsonl"][..], "API_ID must not be empty"),
        (
            &["a1", "--starting-token", "apigwv2:skip=x:"],
            "malformed apigwv2 resume token",
        ),
        (
            &["a1", "--max-items", "0"],
            "--max-items must be a whole number of at least 1",
        ),
        (
            &["a1", "--page-size", "0"],
            "--page-size must be a whole number of at least 1",
        ),
    ] {
        let o = run(Some(&gw), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    // A profile that does not exist is named by its option, and not hidden behind the
    // missing region.
    let o = run(None, &["a1", "--profile", "nosuch"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the profile \"nosuch\" (--profile)"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("AWS_PROFILE"), "{}", stderr(&o));
    let o = run(None, &["a1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--region"), "{}", stderr(&o));
}

#[test]
fn a_token_the_service_rejects_is_not_suggested_again() {
    let gw = common::gateway("a1", numbered(3));
    let o = run(Some(&gw), &["a1", "--starting-token", "not-a-real-token"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("BadRequestException"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("continue with"), "{}", stderr(&o));
}

// ---- the AWS CLI's read commands ----

/// Base64 as the AWS CLI writes its tokens (standard alphabet, padded), for the test's own
/// expectations.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            out.push(if i <= c.len() {
                char::from(A[(n >> (18 - 6 * i) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

#[test]
fn get_stages_prints_what_the_aws_cli_prints() {
    let mut stage = Stage::new("prod");
    stage.description = Some("caf\u{e9} \"q\"".into());
    stage.stage_variables = Some([("lambdaAlias".to_owned(), "live".to_owned())].into());
    stage.auto_deploy = Some(true);
    let gw = LocalApiGateway::builder()
        .api("api", vec![stage, Stage::new("dev")])
        .start()
        .unwrap();
    let o = run(Some(&gw), &["get-stages", "--api-id", "api", "--page-size", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // PascalCase members in the model's order, map keys as they are, four-space indents,
    // non-ASCII as it is, both pages in one Items list, no NextToken without --max-items.
    assert_eq!(
        stdout(&o),
        r#"{
    "Items": [
        {
            "AutoDeploy": true,
            "Description": "café \"q\"",
            "StageName": "prod",
            "StageVariables": {
                "lambdaAlias": "live"
            }
        },
        {
            "StageName": "dev"
        }
    ]
}
"#
    );
    assert_eq!(gw.request_count(), 2);
    // An API with no stages: an empty list, as the AWS CLI prints it.
    let gw = LocalApiGateway::builder().api("none", vec![]).start().unwrap();
    let o = run(Some(&gw), &["get-stages", "--api-id", "none", "--output", "json"]);
    assert_eq!(stdout(&o), "{\n    \"Items\": []\n}\n");
}

#[test]
fn get_stages_max_items_prints_the_aws_cli_token_and_takes_it_back() {
    let gw = LocalApiGateway::builder()
        .api("api", numbered(7))
        .start()
        .unwrap();
    let names = |o: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
        v["Items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["StageName"].as_str().unwrap().to_owned())
            .collect()
    };
    let token = |o: &Output| -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
        v["NextToken"].as_str().map(str::to_owned)
    };
    // Cut in the first page: no service token yet, so NextToken is null in the AWS CLI's
    // form, with the items to skip.
    let o = run(Some(&gw), &["get-stages", "--api-id", "api", "--max-items", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(names(&o), ["stage-0000", "stage-0001"]);
    assert_eq!(
        token(&o).unwrap(),
        base64(br#"{"NextToken": null, "boto_truncate_amount": 2}"#)
    );
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    // Cut in the second page of 3: the service's token of that page and the skip.
    let o = run(
        Some(&gw),
        &[
            "get-stages",
            "--api-id",
            "api",
            "--page-size",
            "3",
            "--max-items",
            "4",
        ],
    );
    let cut = token(&o).unwrap();
    let page_token = gw.requests()[gw.requests().len() - 1]
        .query_param("nextToken")
        .unwrap();
    assert_eq!(
        cut,
        base64(format!(r#"{{"NextToken": "{page_token}", "boto_truncate_amount": 1}}"#).as_bytes())
    );
    // The token continues exactly after the last item; the last step has no NextToken.
    let o = run(
        Some(&gw),
        &[
            "get-stages",
            "--api-id",
            "api",
            "--starting-token",
            &cut,
            "--page-size",
            "3",
        ],
    );
    assert_eq!(names(&o), ["stage-0004", "stage-0005", "stage-0006"]);
    assert_eq!(token(&o), None);
    // A token of the listing command works here too, and a service token as it is.
    let o = run(
        Some(&gw),
        &[
            "get-stages",
            "--api-id",
            "api",
            "--starting-token",
            "apigwv2:skip=6:",
        ],
    );
    assert_eq!(names(&o), ["stage-0006"]);
}

#[test]
fn get_stage_and_get_apis_print_what_the_aws_cli_prints() {
    let gw = LocalApiGateway::builder()
        .api_with(
            apigwv2::Api::new("a1", "orders", apigwv2::ProtocolType::Http),
            vec![Stage::new("prod")],
        )
        .start()
        .unwrap();
    let o = run(
        Some(&gw),
        &["get-stage", "--api-id", "a1", "--stage-name", "prod"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\n    \"StageName\": \"prod\"\n}\n");
    let o = run(Some(&gw), &["get-apis", "--output", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        r#"{
    "Items": [
        {
            "ApiId": "a1",
            "Name": "orders",
            "ProtocolType": "HTTP",
            "RouteSelectionExpression": "$request.method $request.path"
        }
    ]
}
"#
    );
    // --no-paginate: one page, with the service's own token.
    let gw = LocalApiGateway::builder()
        .api("api", numbered(3))
        .default_page_size(2)
        .start()
        .unwrap();
    let o = run(Some(&gw), &["get-stages", "--api-id", "api", "--no-paginate"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["Items"].as_array().unwrap().len(), 2);
    assert_eq!(gw.request_count(), 1);
    let service_token = v["NextToken"].as_str().unwrap();
    let o = run(
        Some(&gw),
        &["get-stages", "--api-id", "api", "--starting-token", service_token],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["Items"][0]["StageName"], "stage-0002");
}

#[test]
fn aws_commands_errors_read_like_the_aws_cli_and_usage_errors_exit_2() {
    let gw = LocalApiGateway::builder()
        .api("api", numbered(1))
        .start()
        .unwrap();
    let o = run(Some(&gw), &["get-stages", "--api-id", "nosuch"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("An error occurred (NotFoundException) when calling the GetStages operation: "),
        "{err}"
    );
    assert!(err.contains("[request id "), "{err}");
    assert!(o.stdout.is_empty());
    let sent = gw.request_count();
    for (args, says) in [
        (&["get-stages"][..], "get-stages needs --api-id"),
        (&["get-stages", "--api-id", ""], "--api-id must not be empty"),
        (
            &["get-stages", "--api-id", "api", "--max-items", "0"],
            "leave --max-items out",
        ),
        (
            &["get-stages", "--api-id", "api", "--page-size", "0"],
            "from 1 to 4294967295",
        ),
        (
            &["get-stages", "--api-id", "api", "--output", "table"],
            "JSON only",
        ),
        (
            &[
                "get-stages",
                "--api-id",
                "api",
                "--no-paginate",
                "--page-size",
                "2",
            ],
            "--no-paginate",
        ),
        (&["get-stage", "--api-id", "api"], "--stage-name"),
        (&["get-apis", "--api-id", "api"], "takes no"),
    ] {
        let o = run(Some(&gw), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(gw.request_count(), sent, "a usage error sends nothing");
}

// ---- arguments and environment variables that are not UTF-8 ----

#[cfg(unix)]
fn raw(bytes: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(bytes).to_owned()
}

const USAGE_LINE: &str = "usage: apigwv2 <API_ID> [options]   (apigwv2 --help for more)\n";

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error_that_shows_it_escaped() {
    for (args, says) in [
        (vec![raw(b"\xff")], "argument 1 is not valid UTF-8: \"\\xff\""),
        (
            vec!["a1".into(), "--region".into(), raw(b"eu\x1b[2K\xc3")],
            "argument 3 is not valid UTF-8: \"eu\\u{1b}[2K\\xc3\"",
        ),
        (
            vec![
                "get-stages".into(),
                "--api-id".into(),
                raw(b"\"x\xfe\\\xe2\x80\xaeok"),
            ],
            "argument 3 is not valid UTF-8: \"\\\"x\\xfe\\\\\\u{202e}ok\"",
        ),
    ] {
        let o = run_os(None, &args, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), format!("apigwv2: {says}\n{USAGE_LINE}"), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn an_environment_variable_that_is_not_utf8_is_named_and_never_passed_over() {
    // Each of these, read as unset, would have let the call go on (to the default profile,
    // a direct connection, the bundled roots, ...): the gateway would have been asked.
    let gw = common::gateway("a1", numbered(2));
    for name in [
        "AWS_PROFILE",
        "AWS_REGION",
        "HTTPS_PROXY",
        "AWS_CA_BUNDLE",
        "AWS_ACCESS_KEY_ID",
        "AWS_ENDPOINT_URL_APIGATEWAYV2",
        "AWS_MAX_ATTEMPTS",
    ] {
        let o = run_os(Some(&gw), &["a1".into()], &[(name, raw(b"x\xff"))]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            format!("apigwv2: configuration error: the environment variable {name} is not valid UTF-8\n")
        );
        assert!(o.stdout.is_empty(), "{name}");
    }
    // The AWS CLI commands say it the same way.
    let o = run_os(
        Some(&gw),
        &["get-stages".into(), "--api-id".into(), "a1".into()],
        &[("AWS_PROFILE", raw(b"\xff"))],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "apigwv2: configuration error: the environment variable AWS_PROFILE is not valid UTF-8\n"
    );
    assert_eq!(gw.request_count(), 0);
    // The same environment with the variable readable lists the stages.
    let o = run(Some(&gw), &["a1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn all_apis_max_items_prints_exactly_that_many_and_resumes_after_them() {
    let gw = LocalApiGateway::builder()
        .api("a1", numbered(3))
        .api("b2", numbered(3))
        .api("c3", numbered(3))
        .start()
        .unwrap();
    let row = |api: &str, i: usize| {
        format!("{{\"apiId\":\"{api}\",\"apiName\":\"{api}\",\"stage\":{{\"stageName\":\"stage-{i:04}\"}}}}")
    };
    let all: Vec<String> = ["a1", "b2", "c3"]
        .iter()
        .flat_map(|api| (0..3).map(move |i| row(api, i)))
        .collect();
    for max in [1usize, 2, 4] {
        let o = run(
            Some(&gw),
            &["--all-apis", "--max-items", &max.to_string(), "--output", "jsonl"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            stdout(&o).lines().collect::<Vec<_>>(),
            all[..max],
            "--max-items {max}"
        );
        let err = stderr(&o);
        let token = err
            .strip_prefix("apigwv2: more stages; continue with --starting-token '")
            .and_then(|t| t.strip_suffix("'\n"))
            .unwrap_or_else(|| panic!("--max-items {max}: {err}"));
        let o = run(
            Some(&gw),
            &["--all-apis", "--starting-token", token, "--output", "jsonl"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), all[max..], "after {max}");
    }
    let o = run(Some(&gw), &["--all-apis", "--max-items", "2", "--output", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 2, "{v}");
    assert!(v["nextToken"].is_string(), "{v}");
    let o = run(
        Some(&gw),
        &["--all-apis", "--max-items", "2", "--output", "table"],
    );
    assert_eq!(
        stdout(&o).lines().count(),
        3,
        "a header and two rows: {}",
        stdout(&o)
    );
}

#[test]
fn where_to_continue_is_said_once_where_it_belongs() {
    let gw = LocalApiGateway::builder().api("a1", numbered(5)).start().unwrap();
    // JSON carries the token in the document: nothing on stderr.
    let o = run(Some(&gw), &["a1", "--output", "json", "--max-items", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let token = v["nextToken"].as_str().unwrap().to_owned();
    assert_eq!(stderr(&o), "");
    // The other formats say it on stderr, in the listing's own words.
    for format in ["table", "jsonl"] {
        let o = run(Some(&gw), &["a1", "--output", format, "--max-items", "2"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            stderr(&o),
            format!("apigwv2: more stages; continue with --starting-token '{token}'\n")
        );
    }
    let apis = gateway_with_named_apis();
    let o = run(Some(&apis), &["--apis", "--output", "jsonl", "--max-items", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
    assert!(
        stderr(&o).starts_with("apigwv2: more APIs; continue with --starting-token '"),
        "{}",
        stderr(&o)
    );
    // The whole listing: no hint.
    let o = run(Some(&gw), &["a1", "--output", "jsonl", "--max-items", "9"]);
    assert_eq!((stdout(&o).lines().count(), stderr(&o)), (5, String::new()));
}

#[test]
fn a_failure_in_the_middle_says_where_to_continue() {
    let gw = LocalApiGateway::builder().api("a1", numbered(5)).start().unwrap();
    gw.inject(Fault::Normal);
    gw.inject(Fault::ServerError(500));
    let o = run(Some(&gw), &["a1", "--page-size", "2", "--output", "jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("apigwv2: GetStages failed: InternalServerException (HTTP 500)"),
        "{err}"
    );
    let token = lines[1]
        .strip_prefix("apigwv2: continue with --starting-token '")
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{err}"));
    let o = run(Some(&gw), &["a1", "--starting-token", token, "--output", "jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let names: Vec<String> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<Stage>(l).unwrap().stage_name)
        .collect();
    assert_eq!(names, ["stage-0002", "stage-0003", "stage-0004"]);
}

#[test]
fn a_table_is_cut_to_the_terminal_width() {
    let gw = LocalApiGateway::builder().api("a1", numbered(2)).start().unwrap();
    let table = |columns: &str| {
        let o = run_os(
            Some(&gw),
            &["a1".into(), "--output".into(), "table".into()],
            &[("COLUMNS", columns.into())],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let full = table("200");
    assert_eq!(
        full,
        "STAGE       DEPLOYMENT  AUTO-DEPLOY  LAST UPDATED  DESCRIPTION\n\
         stage-0000  -           -            -\n\
         stage-0001  -           -            -\n"
    );
    assert_eq!(
        table("21"),
        "STAGE       DEPLOYME…\nstage-0000  -       …\nstage-0001  -       …\n"
    );
    // 20 columns or fewer is no width a table fits in: not cut.
    assert_eq!(table("20"), full);
    assert_eq!(table("wide"), full);
}
