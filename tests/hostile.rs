//! Hostile servers, proxies, profiles and helpers: what they send must never leak a
//! secret, panic the client or hang it past its own deadline. Each test names the attack
//! and the behaviour that holds against it; all of them run on 127.0.0.1 or in-process.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use apigwv2::retry::{RetryConfig, RetryQuota};
use apigwv2::testing::{Fault, LocalApiGateway, ManualClock, RecordingSleeper};
use apigwv2::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use apigwv2::{Client, Credentials, Error, GetStagesRequest, Stage};
use common::{config_message, credentials_message, numbered};

/// A transport that answers from a script, one response per request, and records the
/// `x-amz-date` of every request it was sent.
#[derive(Debug, Default, Clone)]
struct Scripted {
    answers: Arc<Mutex<Vec<HttpResponse>>>,
    dates: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    fn new(answers: Vec<HttpResponse>) -> Self {
        Self {
            answers: Arc::new(Mutex::new(answers.into_iter().rev().collect())),
            dates: Arc::default(),
        }
    }
    fn dates(&self) -> Vec<String> {
        self.dates.lock().unwrap().clone()
    }
}

impl Transport for Scripted {
    fn send(&self, request: &HttpRequest, _max: u64) -> Result<HttpResponse, TransportError> {
        let date = request.header("x-amz-date").unwrap_or_default().to_owned();
        self.dates.lock().unwrap().push(date);
        let next = self.answers.lock().unwrap().pop();
        Ok(next.expect("the script ran out of answers"))
    }
}

fn json(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut h: Vec<(String, String)> = vec![("content-type".into(), "application/json".into())];
    h.extend(headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
    HttpResponse::new(status, h, body.as_bytes().to_vec())
}

fn skew_error(date: &str) -> HttpResponse {
    json(
        403,
        &[
            ("x-amzn-ErrorType", "InvalidSignatureException"),
            ("x-amzn-RequestId", "r-skew"),
            ("date", date),
        ],
        r#"{"message":"Signature expired: 20250101T000000Z is now earlier than 20250101T001500Z"}"#,
    )
}

fn one_page() -> HttpResponse {
    json(200, &[], r#"{"items":[{"stageName":"prod"}]}"#)
}

fn scripted_client(t: &Scripted, clock: ManualClock) -> Client {
    Client::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKID", "SECRET", None::<String>))
        .endpoint_url("http://127.0.0.1:9")
        .transport(t.clone())
        .clock(clock)
        .sleeper(RecordingSleeper::new())
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

/// Item 2: a `Date` at the very end of year 9999 is learned as the clock skew (it is still
/// a date that can be signed); once the local clock moves on, signing with it would pass
/// year 9999. The skew is then not applied, signing never panics, and every `x-amz-date`
/// is a real date.
#[test]
fn a_date_header_in_year_9999_cannot_break_signing() {
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000); // 2025
    let clock = ManualClock::new(start);
    let t = Scripted::new(vec![
        skew_error("Fri, 31 Dec 9999 23:59:59 GMT"),
        one_page(),
        one_page(),
        one_page(),
    ]);
    let client = scripted_client(&t, clock.clone());
    let names = |page: apigwv2::GetStagesOutput| -> Vec<String> {
        page.items.into_iter().map(|s| s.stage_name).collect()
    };
    let page = client.get_stages(&GetStagesRequest::new("api")).unwrap();
    assert_eq!(names(page), ["prod"]);
    // 2025-06-15T15:06:40Z to 9999-12-31T23:59:59Z.
    assert_eq!(client.clock_skew_ms(), 253_402_300_799_000 - 1_750_000_000_000);
    clock.advance(Duration::from_secs(3600));
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        client.get_stages(&GetStagesRequest::new("api"))
    }));
    let again = again.unwrap_or_else(|_| panic!("signing panicked after a year-9999 Date header"));
    assert_eq!(names(again.unwrap()), ["prod"]);
    // A clone shares the learned state and must work as well.
    let cloned = client.clone().get_stages(&GetStagesRequest::new("api"));
    assert_eq!(names(cloned.unwrap()), ["prod"]);
    // The first request at the local time, its retry at the server's, and once that would
    // pass year 9999, the local time again.
    assert_eq!(
        t.dates(),
        [
            "20250615T150640Z",
            "99991231T235959Z",
            "20250615T160640Z",
            "20250615T160640Z"
        ]
    );
}

/// Item 2, the ordinary case still works: a server 20 minutes ahead is learned and used.
#[test]
fn a_plausible_skew_is_still_learned() {
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000);
    let t = Scripted::new(vec![skew_error("Sun, 15 Jun 2025 15:26:40 GMT"), one_page()]);
    let client = scripted_client(&t, ManualClock::new(start));
    client.get_stages(&GetStagesRequest::new("api")).unwrap();
    assert_eq!(client.clock_skew_ms(), 1_200_000);
    assert_eq!(t.dates(), ["20250615T150640Z", "20250615T152640Z"]);
}

/// Item 9: a retry quota of `u32::MAX` tokens must not overflow when a call succeeds and
/// refills the bucket (a panic in debug builds, retries silently off in release).
#[test]
fn a_huge_retry_quota_does_not_overflow() {
    let gw = LocalApiGateway::builder().api("a", numbered(3)).start().unwrap();
    let client = gw
        .client_builder()
        .retry_config(RetryConfig::default().max_attempts(3).quota(Some(RetryQuota::new(
            u32::MAX,
            u32::MAX,
            u32::MAX,
        ))))
        .sleeper(RecordingSleeper::new())
        .build()
        .unwrap();
    assert_eq!(client.stages("a").count(), 3);
    gw.inject(Fault::ServerError(500));
    assert_eq!(client.stages("a").count(), 3);
    // The retry took every token; the success gave them back, and the next retry works.
    gw.inject(Fault::ServerError(503));
    assert_eq!(client.stages("a").count(), 3);
    assert_eq!(gw.request_count(), 5);
}

/// Item 4: signing output holds the session token and the signature; its `Debug` shows
/// neither.
#[test]
fn signing_output_debug_hides_the_token_and_the_signature() {
    use apigwv2::unversioned::sigv4::{sign, SignableRequest, SigningParams};
    let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYVALUE", Some("SESSIONTOKENVALUE"));
    let req = SignableRequest {
        method: "GET",
        path: "/v2/apis",
        query: "",
        headers: &[
            ("host", "example.amazonaws.com"),
            ("x-amz-security-token", "SESSIONTOKENVALUE"),
        ],
        body: b"",
    };
    let t = time::macros::datetime!(2015-08-30 12:36:00 UTC);
    let out = sign(&req, &SigningParams::new(&creds, "us-east-1", "service", t));
    let debug = format!("{out:?} {req:?}");
    for secret in ["SESSIONTOKENVALUE", "SECRETKEYVALUE", out.signature()] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert_eq!(
        debug,
        concat!(
            r#"SigningOutput { headers: [("x-amz-date", "20150830T123600Z"), ("x-amz-security-token", "** redacted **"), "#,
            r#"("authorization", "** redacted **")], canonical_request: "GET\n/v2/apis\n\nhost:example.amazonaws.com\n"#,
            r#"x-amz-date:20150830T123600Z\nx-amz-security-token:** redacted **\n\nhost;x-amz-date;x-amz-security-token\n"#,
            r#"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", string_to_sign: "AWS4-HMAC-SHA256\n"#,
            r#"20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"#,
            r#"aab28ad923a5f88b30d03b665cb1c0ac0768e54a158835f22c6dde02f53df674", signature: "** redacted **" } "#,
            r#"SignableRequest { method: "GET", path: "/v2/apis", query: "", headers: [("host", "example.amazonaws.com"), "#,
            r#"("x-amz-security-token", "** redacted **")], body_len: 0 }"#
        )
    );
}

/// Item 5: an endpoint URL with a password is rejected without quoting the password.
#[test]
fn an_endpoint_password_is_never_echoed() {
    for url in [
        "https://user:hunter2@example.com",
        "http://:hunter2@127.0.0.1:80/",
        "https://hunter2@example.com/",
        "https://u:hunter2@[::1",
        "https://admin:hunter2#x@ls.internal:4566",
        "https://admin:hun?ter2@ls.internal:4566",
        "http://bob:hunter2/x@127.0.0.1:1",
    ] {
        let e = Client::builder()
            .region("eu-west-1")
            .credentials(Credentials::new("a", "b", None::<String>))
            .endpoint_url(url)
            .build()
            .unwrap_err();
        let text = format!("{e} {e:?}");
        assert!(!text.contains("hunter2"), "{text}");
        let parsed = config_message(e);
        let e = Client::builder()
            .region("eu-west-1")
            .credentials(Credentials::new("a", "b", None::<String>))
            .env(apigwv2::config::Env::from_vars([
                ("AWS_ENDPOINT_URL", url),
                ("HOME", "/nonexistent"),
            ]))
            .build()
            .unwrap_err();
        let text = format!("{e} {e:?}");
        assert!(!text.contains("hunter2"), "{text}");
        // The same refusal, said of the variable that holds the URL.
        assert_eq!(config_message(e), format!("AWS_ENDPOINT_URL: {parsed}"));
    }
}

const ESCAPES: &str = "\u{1b}[2K\r\u{9b}31m\u{7}\u{202e}";

fn assert_printable(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
        "raw control or bidi character in {text:?}"
    );
}

/// Item 6: a service error whose code, message and request id carry terminal escapes is
/// displayed with them escaped, in one line.
#[test]
fn service_text_is_displayed_with_control_characters_escaped() {
    let body = serde_json::json!({ "message": format!("nope{ESCAPES}fake prompt$ ") }).to_string();
    let t = Scripted::new(vec![json(
        400,
        &[
            ("x-amzn-ErrorType", "Bad\u{1b}]0;titleException"),
            ("x-amzn-RequestId", "r\u{1b}[1m"),
        ],
        &body,
    )]);
    let client = scripted_client(&t, ManualClock::new(SystemTime::now()));
    let e = client.get_stages(&GetStagesRequest::new("api")).unwrap_err();
    let text = e.to_string();
    assert_printable(&text);
    assert_eq!(
        text,
        r"GetStages failed: Bad\u{1b}]0;titleException (HTTP 400): nope\u{1b}[2K\r\u{9b}31m\u{7}\u{202e}fake prompt$  [request id r\u{1b}[1m]"
    );
    // The accessors keep the raw values: they are data, not display.
    assert_eq!(e.message(), Some(format!("nope{ESCAPES}fake prompt$ ").as_str()));
    assert_eq!(e.code(), Some("Bad\u{1b}]0;titleException"));
    assert_eq!(e.request_id(), Some("r\u{1b}[1m"));
    let details = e.service_error().unwrap().to_string();
    assert_eq!(details, text);
    // An undecodable body's reason is escaped too.
    let t = Scripted::new(vec![json(
        200,
        &[],
        &format!("{{\"items\":[{{\"stageName\":1}}], \"x{ESCAPES}\":1"),
    )]);
    let client = scripted_client(&t, ManualClock::new(SystemTime::now()));
    let e = client.get_stages(&GetStagesRequest::new("api")).unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { status: 200, .. }), "{e:?}");
    assert_printable(&e.to_string());
}

/// Item 6: a `nextToken` with control characters is not a token this client will carry
/// back to the service or print: the page is an invalid response.
#[test]
fn a_next_token_with_control_characters_is_an_invalid_response() {
    for token in ["abc\u{1b}[2K", "a\nb", "a\u{0}b", "x\u{9b}y"] {
        let body = serde_json::json!({ "items": [{ "stageName": "s" }], "nextToken": token }).to_string();
        let t = Scripted::new(vec![json(200, &[("x-amzn-RequestId", "r-1")], &body)]);
        let client = scripted_client(&t, ManualClock::new(SystemTime::now()));
        let e = client.get_stages(&GetStagesRequest::new("api")).unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }), "{token:?}: {e:?}");
        assert!(e.to_string().contains("nextToken"), "{e}");
        assert_printable(&e.to_string());
    }
}

/// Item 7: what the model decodes it can encode again. A timestamp outside the years that
/// RFC 3339 can write is an invalid response, never a stage that fails to serialize.
#[test]
fn timestamps_that_cannot_be_written_back_are_invalid_responses() {
    for bad in [
        "-99999999999",
        "253402300800",
        "-62167219201",
        "\"+10000-01-01T00:00:00Z\"",
        "1e300",
        "\"9999-12-31T23:59:59-01:00\"",
        "\"0000-01-01T00:00:00+01:00\"",
    ] {
        let body = format!(r#"{{"items":[{{"stageName":"s","lastUpdatedDate":{bad}}}]}}"#);
        let t = Scripted::new(vec![json(200, &[], &body)]);
        let client = scripted_client(&t, ManualClock::new(SystemTime::now()));
        let e = client.get_stages(&GetStagesRequest::new("api")).unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }), "{bad}: {e:?}");
    }
    // The edges of the range decode and encode.
    for (good, wire) in [
        ("253402300799", "9999-12-31T23:59:59Z"),
        ("-62167219200", "0000-01-01T00:00:00Z"),
        ("\"0000-01-01T01:00:00+01:00\"", "0000-01-01T01:00:00+01:00"),
        ("\"9999-12-31T22:59:59-01:00\"", "9999-12-31T22:59:59-01:00"),
    ] {
        let body = format!(r#"{{"items":[{{"stageName":"s","createdDate":{good}}}]}}"#);
        let t = Scripted::new(vec![json(200, &[], &body)]);
        let client = scripted_client(&t, ManualClock::new(SystemTime::now()));
        let page = client.get_stages(&GetStagesRequest::new("api")).unwrap();
        let text = serde_json::to_string(&page.items[0]).unwrap();
        assert!(text.contains(&format!("\"createdDate\":\"{wire}\"")), "{text}");
    }
}

/// Item 7, broadly: random stages with random timestamps either fail to decode or encode.
#[test]
fn every_decoded_stage_encodes() {
    let mut rng = common::rng::Rng(0x9e37_79b9_7f4a_7c15);
    let mut next = move || rng.next();
    let mut decoded = 0;
    for _ in 0..5000 {
        let n = next();
        let v: serde_json::Value = match n % 4 {
            0 => ((next() as i64) >> (next() % 64)).into(),
            1 => (f64::from_bits(next()) / 1e3).into(),
            2 => format!(
                "{:04}-01-01T00:00:00{}",
                next() % 12000,
                ["Z", "+23:59", "-23:59"][(n % 3) as usize]
            )
            .into(),
            _ => format!("{}-12-31T23:59:59.999999999-01:00", 9999 + (next() % 3)).into(),
        };
        let body = serde_json::json!({ "stageName": "s", "createdDate": v }).to_string();
        if let Ok(stage) = serde_json::from_str::<Stage>(&body) {
            decoded += 1;
            // Converting to UTC, as a program printing it would, must not panic either.
            let utc = stage.created_date.map(|t| t.to_offset(time::UtcOffset::UTC));
            assert!(utc.is_none_or(|t| (0..=9999).contains(&t.year())), "{body}");
            serde_json::to_string(&stage)
                .unwrap_or_else(|e| panic!("{body} decoded but does not encode: {e}"));
        }
    }
    assert!(
        decoded > 500,
        "too few cases decoded ({decoded}) to mean anything"
    );
}

static UNIQUE: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty directory under the temp dir.
#[allow(dead_code)]
fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "apigwv2-hostile-{tag}-{}-{}",
        std::process::id(),
        UNIQUE.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

use common::binary;

/// Runs the CLI against a gateway with a clean environment: its own HOME, no instance
/// metadata, no proxy, and the gateway's credentials and endpoint.
fn run_cli(gw: &LocalApiGateway, args: &[&str], extra_env: &[(&str, &str)]) -> std::process::Output {
    let home = temp_dir("cli-home");
    let creds = gw.credentials();
    let mut cmd = std::process::Command::new(binary());
    cmd.args(args)
        .env_clear()
        .env("HOME", &home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", creds.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
        .env("AWS_REGION", gw.region())
        .env("AWS_ENDPOINT_URL", gw.endpoint_url())
        .env("AWS_MAX_ATTEMPTS", "1");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Items 5 and 6 in the CLI: the resume hint is shell-quoted so that pasting it runs no
/// command, service text with terminal escapes reaches the terminal escaped, and a
/// password in `--endpoint-url` is not echoed.
#[test]
fn the_cli_quotes_tokens_and_escapes_service_text() {
    let token = "x'; touch pwned; echo '$(id)`id`\"";
    let gw = LocalApiGateway::builder().api("a", numbered(4)).start().unwrap();
    gw.inject(Fault::NextToken(token.into()));
    let o = run_cli(
        &gw,
        &["a", "--page-size", "2", "--max-items", "2", "--output", "jsonl"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8(o.stderr).unwrap();
    let quoted = err
        .trim_end()
        .strip_prefix("apigwv2: more stages; continue with --starting-token ")
        .unwrap_or_else(|| panic!("no resume hint in {err:?}"));
    // The shell reads the quoted word back as exactly the token, and runs nothing.
    let dir = temp_dir("shell");
    let echoed = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf %s {quoted}"))
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(echoed.stdout).unwrap(), token);
    assert!(!dir.join("pwned").exists());

    let message = format!("denied{ESCAPES}");
    let body = serde_json::json!({ "message": message }).to_string();
    gw.inject(Fault::CustomResponse(403, body));
    let o = run_cli(&gw, &["a"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("denied\\u{1b}[2K\\r"), "{err}");
    assert_printable(err.trim_end());

    let o = run_cli(
        &gw,
        &["a", "--endpoint-url", "http://user:hunter2@127.0.0.1:1"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("user name or password") && !err.contains("hunter2"),
        "{err}"
    );
}

/// Items 6 and 7 in the CLI: stage text with escapes is escaped in the table and in JSON
/// (as `\uXXXX`, still the same JSON value); nothing in the output panics.
#[test]
fn the_cli_prints_hostile_stage_text_safely() {
    let mut s = Stage::new(format!("evil{ESCAPES}\u{7f}"));
    s.description = Some(format!("d{ESCAPES}"));
    s.deployment_id = Some("dep\u{1b}[31m".into());
    let gw = LocalApiGateway::builder()
        .api("a", vec![s.clone()])
        .start()
        .unwrap();
    for format in ["table", "jsonl", "json"] {
        let o = run_cli(&gw, &["a", "--output", format], &[]);
        assert_eq!(o.status.code(), Some(0), "{format}");
        let out = String::from_utf8(o.stdout).unwrap();
        for line in out.lines() {
            assert_printable(line);
        }
        if format == "jsonl" {
            let back: Stage = serde_json::from_str(out.trim_end()).unwrap();
            assert_eq!(back, s);
        }
    }
}

/// A HOME with `~/.aws/config` holding `config`.
fn home_with_config(config: &str) -> std::path::PathBuf {
    let home = temp_dir("home");
    std::fs::create_dir_all(home.join(".aws/sso/cache")).unwrap();
    std::fs::write(home.join(".aws/config"), config).unwrap();
    home
}

fn chain_env(home: &std::path::Path, vars: &[(&str, &str)]) -> apigwv2::config::Env {
    let mut all: Vec<(String, String)> = vec![
        ("HOME".into(), home.to_string_lossy().into_owned()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
    ];
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    apigwv2::config::Env::from_vars(all)
}

/// Item 8: `sso_region` goes into the portal's host name. `x@127.0.0.1:PORT/` would send
/// the SSO bearer token to that host; it is refused as a region, and nothing is sent.
#[test]
fn a_region_in_disguise_never_becomes_a_host() {
    use apigwv2::credentials::{DefaultChain, ProvideCredentials};
    use sha1::Digest;
    let listener = common::fake::FakeServer::start(|_| (200, "{}".into()));
    let port = listener.url.rsplit(':').next().unwrap().to_owned();
    let start_url = "https://example.awsapps.com/start";
    let home = home_with_config(&format!(
        "[default]\nsso_start_url = {start_url}\nsso_region = x@127.0.0.1:{port}/\n\
         sso_account_id = 111122223333\nsso_role_name = Admin\n"
    ));
    let cache = home.join(".aws/sso/cache").join(format!(
        "{}.json",
        hex::encode(sha1::Sha1::digest(start_url.as_bytes()))
    ));
    std::fs::write(
        &cache,
        r#"{"accessToken":"BEARERSECRET","expiresAt":"2999-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let chain = DefaultChain::new(chain_env(&home, &[]), "eu-west-1").unwrap();
    let e = chain.provide_credentials().unwrap_err();
    assert!(!format!("{e:?}").contains("BEARERSECRET"), "{e:?}");
    assert_eq!(
        credentials_message(e),
        format!(
            "profile \"default\" (SSO): sso_region: \"x@127.0.0.1:{port}/\" is not a valid region \
             name (expected something like \"eu-west-1\")"
        )
    );
    assert!(
        listener.requests().is_empty(),
        "the bearer token went to the disguised host"
    );

    // The chain's own region, and the region of the client's endpoint, likewise.
    let e = DefaultChain::new(chain_env(&home, &[]), format!("x@127.0.0.1:{port}/")).unwrap_err();
    assert_eq!(
        config_message(e),
        format!("\"x@127.0.0.1:{port}/\" is not a valid region name (expected something like \"eu-west-1\")")
    );
    let e = Client::builder()
        .region("us-east-1.evil.example")
        .credentials(Credentials::new("a", "b", None::<String>))
        .build()
        .unwrap_err();
    assert_eq!(
        config_message(e),
        "\"us-east-1.evil.example\" is not a valid region name (expected something like \"eu-west-1\")"
    );
    assert!(listener.requests().is_empty());
}

/// Item 8: STS and SSO overrides go through the service's URL rules, so a password in
/// them is refused without being echoed, and the error names the variable.
#[test]
fn sts_and_sso_overrides_follow_the_endpoint_rules() {
    use apigwv2::credentials::{DefaultChain, ProvideCredentials};
    let home = home_with_config("");
    let token = home.join("token");
    std::fs::write(&token, "WEBIDENTITYTOKEN").unwrap();
    let token = token.to_string_lossy().into_owned();
    for (var, url, want) in [
        ("AWS_ENDPOINT_URL_STS", "http://user:hunter2@127.0.0.1:1", "AWS_ENDPOINT_URL_STS: endpoint URL \"http://***@127.0.0.1:1\" must not contain a user name or password"),
        ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1/?x=1", "AWS_ENDPOINT_URL_STS: endpoint URL \"http://127.0.0.1:1/?x=1\" must not have a query or fragment"),
        ("AWS_ENDPOINT_URL", "ftp://127.0.0.1:1", "AWS_ENDPOINT_URL: endpoint URL \"ftp://127.0.0.1:1\" must start with http:// or https://"),
    ] {
        let env = chain_env(
            &home,
            &[
                ("AWS_WEB_IDENTITY_TOKEN_FILE", &token),
                ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
                (var, url),
            ],
        );
        let e = DefaultChain::new(env, "eu-west-1")
            .unwrap()
            .provide_credentials()
            .unwrap_err();
        let text = format!("{e} {e:?}");
        assert!(!text.contains("hunter2") && !text.contains("WEBIDENTITYTOKEN"), "{text}");
        assert_eq!(config_message(e), want, "{var}={url}");
    }
    let env = chain_env(
        &home,
        &[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://user:hunter2@127.0.0.1:1/creds",
        )],
    );
    let e = DefaultChain::new(env, "eu-west-1")
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
    assert_eq!(
        credentials_message(e),
        "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI must not contain a user name or password"
    );
}

/// True when the process is gone (or a zombie waiting for its new parent to reap it).
#[cfg(unix)]
fn process_is_gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Waits (at most 30 s, a bound only a process that was never killed reaches) for a
/// process to be gone.
#[cfg(unix)]
fn wait_gone(pid: &str) -> bool {
    common::wait_until(30, || process_is_gone(pid))
}

/// A profile whose `credential_process` runs `script`, and the chain over it.
#[cfg(unix)]
fn process_chain(
    script: &str,
    timeout: Duration,
) -> (apigwv2::credentials::DefaultChain, std::path::PathBuf) {
    let home = home_with_config("");
    let path = home.join("helper.sh");
    std::fs::write(&path, script.replace("$DIR", &home.to_string_lossy())).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        format!("[default]\ncredential_process = sh {}\n", path.display()),
    )
    .unwrap();
    let chain = apigwv2::credentials::DefaultChain::new(chain_env(&home, &[]), "eu-west-1")
        .unwrap()
        .with_timeout(timeout);
    (chain, home)
}

/// Item 3: a helper that prints its answer and leaves a background child holding stdout
/// (for 300 s). The answer is used as soon as the helper exits, far inside the provider
/// timeout (60 s), and the child it left (in the helper's process group) does not live on.
#[cfg(unix)]
#[test]
fn credential_process_answers_without_waiting_for_a_lingering_child() {
    use apigwv2::credentials::ProvideCredentials;
    let (chain, home) = process_chain(
        "sleep 300 &\necho $! > $DIR/child.pid\n\
         printf '%s\\n' '{\"Version\":1,\"AccessKeyId\":\"AKIDPROC\",\"SecretAccessKey\":\"s\"}'\n",
        Duration::from_secs(60),
    );
    let started = std::time::Instant::now();
    let creds = chain.provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "AKIDPROC");
    // The bound that matters: the call ended long before its own timeout (60 s), which
    // is when a reader waiting for the child to close the pipe would have been stopped.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let pid = std::fs::read_to_string(home.join("child.pid")).unwrap();
    assert!(
        wait_gone(pid.trim()),
        "the helper's background child {pid} lives on"
    );
}

/// Item 3: at the timeout the whole process group is killed, not only `sh`. (The timeout
/// is 3 s so that even a slow machine has started the helper and its child by then.)
#[cfg(unix)]
#[test]
fn credential_process_timeout_kills_the_whole_group() {
    use apigwv2::credentials::ProvideCredentials;
    let (chain, home) = process_chain(
        "sleep 300 &\necho $! > $DIR/child.pid\nwait\n",
        Duration::from_secs(3),
    );
    let e = chain.provide_credentials().unwrap_err();
    assert_eq!(
        credentials_message(e),
        "credential_process: did not finish within 3s; it and its children were stopped"
    );
    let pid = std::fs::read_to_string(home.join("child.pid")).unwrap();
    assert!(
        wait_gone(pid.trim()),
        "the helper's child {pid} outlived the timeout"
    );
}

/// Item 3: stderr of a failing helper is reported escaped, on one line.
#[cfg(unix)]
#[test]
fn credential_process_errors_are_printable() {
    use apigwv2::credentials::ProvideCredentials;
    let (chain, _home) = process_chain(
        "printf 'bad\\033[2K\\rthing\\n' >&2\nexit 3\n",
        Duration::from_secs(30),
    );
    let e = chain.provide_credentials().unwrap_err();
    assert_printable(&e.to_string());
    assert_eq!(
        credentials_message(e),
        r"credential_process: exited with exit status: 3: bad\u{1b}[2K\rthing"
    );
}

/// A client for `gw` whose credentials come from the default chain over `env`, with this
/// call deadline, and a provider timeout (300 s) that no test reaches: only the deadline
/// can end a slow provider step in time.
fn chain_client(gw: &LocalApiGateway, env: apigwv2::config::Env, deadline: Duration) -> Client {
    Client::builder()
        .env(env)
        .region(gw.region())
        .endpoint_url(gw.endpoint_url())
        .operation_timeout(deadline)
        .credentials_timeout(Duration::from_secs(300))
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

/// Item 10: the call's deadline covers finding credentials. A `credential_process` that
/// would take 300 s, within its own 300 s provider timeout, cannot hold a 2 s call: the
/// call ends far sooner (the 30 s bound is generous, for a loaded machine).
#[cfg(unix)]
#[test]
fn the_call_deadline_bounds_a_slow_credential_process() {
    let gw = LocalApiGateway::builder().api("a", numbered(1)).start().unwrap();
    let home = home_with_config("");
    std::fs::write(
        home.join(".aws/config"),
        "[default]\ncredential_process = sh -c 'sleep 300 && echo {}'\n",
    )
    .unwrap();
    let client = chain_client(&gw, chain_env(&home, &[]), Duration::from_secs(2));
    let (e, elapsed) = within(60, move || {
        let started = std::time::Instant::now();
        let e = client.get_stages(&GetStagesRequest::new("a")).unwrap_err();
        (e, started.elapsed())
    });
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    // The helper was given what was left of the 2 s, not its own 300 s.
    let e = credentials_message(e);
    let given = e
        .strip_prefix("credential_process: did not finish within ")
        .and_then(|rest| rest.strip_suffix("; it and its children were stopped"))
        .unwrap_or_else(|| panic!("{e}"));
    let given = debug_duration_secs(given).unwrap_or_else(|| panic!("{e}"));
    assert!(given > 0.0 && given <= 2.0, "{e}");
    assert_eq!(gw.request_count(), 0);
}

/// The seconds in a `Duration`'s `Debug` text ("1.5s", "999.2ms", "20µs").
fn debug_duration_secs(text: &str) -> Option<f64> {
    for (unit, scale) in [("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9), ("s", 1.0)] {
        if let Some(n) = text.strip_suffix(unit) {
            return n.parse::<f64>().ok().map(|n| n * scale);
        }
    }
    None
}

/// A fake STS whose every call reports itself on the returned receiver and then never
/// answers (until the returned sender is dropped, or 120 s).
fn silent_sts() -> (
    common::fake::FakeServer,
    std::sync::mpsc::Receiver<()>,
    std::sync::mpsc::Sender<()>,
) {
    let (arrived_tx, arrived) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = Mutex::new(release_rx);
    let sts = common::fake::FakeServer::start(move |_| {
        let _ = arrived_tx.send(());
        let _ = release_rx.lock().unwrap().recv_timeout(Duration::from_secs(120));
        (500, String::new())
    });
    (sts, arrived, release)
}

/// Item 10: a chain of three assumed roles whose STS never answers cannot hold a 2 s call
/// for the 300 s provider timeout: each step gets only what is left of the deadline, so
/// the first STS call is given up at the deadline and no later step runs.
#[test]
fn the_call_deadline_bounds_a_chain_of_assumed_roles() {
    let gw = LocalApiGateway::builder().api("a", numbered(1)).start().unwrap();
    let (sts, arrived, release) = silent_sts();
    let home = home_with_config(
        "[default]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = mid\n\
         [profile mid]\nrole_arn = arn:aws:iam::1:role/mid\nsource_profile = base\n\
         [profile base]\nrole_arn = arn:aws:iam::1:role/base\nsource_profile = keys\n\
         [profile keys]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n",
    );
    let env = chain_env(&home, &[("AWS_ENDPOINT_URL_STS", &sts.url)]);
    let client = chain_client(&gw, env, Duration::from_secs(2));
    let (e, elapsed) = within(60, move || {
        let started = std::time::Instant::now();
        let e = client.get_stages(&GetStagesRequest::new("a")).unwrap_err();
        (e, started.elapsed())
    });
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    // The first step's STS call, given up when the deadline came: a timeout.
    let e = credentials_message(e);
    let prefix = format!("STS AssumeRole: {}/: timed out: ", sts.url);
    assert!(e.starts_with(&prefix), "{e}");
    // Exactly one STS call arrived (the first, which never answered).
    arrived
        .recv_timeout(Duration::from_secs(30))
        .expect("the first STS call arrived");
    assert_eq!(
        arrived.try_recv(),
        Err(std::sync::mpsc::TryRecvError::Empty),
        "a second STS call after the deadline"
    );
    drop(release);
    assert_eq!(gw.request_count(), 0);
}

/// Item 10: while one thread refreshes slowly, another thread's call waits for it only
/// until its own deadline, instead of blocking on the cache for the whole refresh. The
/// helper announces itself with a file and then waits for the test's go-ahead (another
/// file), so the refresh is under way exactly as long as the test says.
#[cfg(unix)]
#[test]
fn a_waiting_thread_keeps_its_own_deadline() {
    use apigwv2::credentials::ProvideCredentials;
    let (chain, home) = process_chain(
        "touch $DIR/started\n\
         while [ ! -e $DIR/go ]; do sleep 0.05; done\n\
         printf '%s\\n' '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}'\n",
        Duration::from_secs(60),
    );
    let chain = Arc::new(chain);
    let slow = {
        let chain = Arc::clone(&chain);
        std::thread::spawn(move || chain.provide_credentials())
    };
    assert!(
        common::wait_until(30, || home.join("started").exists()),
        "the helper never started"
    );
    // The refresh is under way and cannot end before the go-ahead below.
    let started = std::time::Instant::now();
    let e = chain
        .provide_credentials_until(started + Duration::from_millis(300))
        .unwrap_err();
    // Its own 300 ms, not the refresh's 60 s timeout.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        credentials_message(e),
        "the call's deadline passed while another thread was fetching credentials"
    );
    std::fs::write(home.join("go"), "").unwrap();
    // The refresh itself completes, and later callers get its result from the cache.
    assert_eq!(slow.join().unwrap().unwrap().access_key_id(), "A");
    assert_eq!(chain.provide_credentials().unwrap().access_key_id(), "A");
}

/// Item 1, as the review found it: a program whose process environment names a proxy
/// (the `stages` CLI, reading it through `Client::from_env`) sends the container
/// credentials request, with its authorization token, straight to the container endpoint;
/// only the service call goes through the proxy.
#[test]
fn the_container_token_never_reaches_a_proxy_from_the_process_environment() {
    let proxy = common::proxy::Proxy::start();
    let gw = LocalApiGateway::builder()
        .api("a", numbered(2))
        .credentials(Credentials::new("ECSKEY", "ecs-secret", Some("ecs-token")))
        .start()
        .unwrap();
    let ecs = common::fake::FakeServer::start(|_| {
        (
            200,
            r#"{"AccessKeyId":"ECSKEY","SecretAccessKey":"ecs-secret","Token":"ecs-token","Expiration":"2099-01-01T00:00:00Z"}"#.into(),
        )
    });
    let full = format!("{}/v1/credentials", ecs.url);
    let home = temp_dir("cli-home");
    let o = std::process::Command::new(binary())
        .args(["a", "--output", "jsonl"])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", gw.region())
        .env("AWS_ENDPOINT_URL", gw.endpoint_url())
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", "pod-secret")
        .env("HTTP_PROXY", &proxy.url)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 2);
    assert_eq!(ecs.requests().len(), 1);
    assert_eq!(ecs.requests()[0].header("authorization"), Some("pod-secret"));
    assert_eq!(proxy.targets(), [gw.addr().to_string()]);
    assert!(proxy.connects().iter().all(|c| c.authorization.is_none()));
}

/// Item 4, all together: every public type that can hold a secret, with the secret in it,
/// prints none of it in `Debug`. Exact output where the type is small. (The parsed profile
/// files, no longer public, are checked by a unit test in `src/config/profile_file.rs`.)
#[test]
fn every_public_type_that_holds_a_secret_has_a_redacting_debug() {
    use apigwv2::config::{Env, ProxyConfig};
    use apigwv2::credentials::DefaultChain;
    use apigwv2::unversioned::sigv4::{derive_signing_key, CanonicalQuery, RequestSigner, SigningParams};
    const SECRETS: [&str; 4] = ["SECRETKEYVALUE", "SESSIONTOKENVALUE", "hunter2", "BEARERSECRET"];
    let check = |what: &str, debug: String| {
        for s in SECRETS {
            assert!(!debug.contains(s), "{what} shows {s}: {debug}");
        }
    };
    let creds = Credentials::new("AKID", "SECRETKEYVALUE", Some("SESSIONTOKENVALUE"));
    assert_eq!(
        format!("{creds:?}"),
        r#"Credentials { access_key_id: "AKID", secret_access_key: "** redacted **", session_token: Some("** redacted **"), expiry: None }"#
    );
    let key = derive_signing_key("SECRETKEYVALUE", "20250101", "eu-west-1", "apigateway");
    assert_eq!(format!("{key:?}"), "SigningKey(** redacted **)");
    let t = time::macros::datetime!(2025-01-01 00:00:00 UTC);
    let headers = RequestSigner::new("eu-west-1", "apigateway").sign_get(
        &creds,
        t,
        "h",
        "/",
        &CanonicalQuery::default(),
    );
    assert_eq!(
        format!("{headers:?}"),
        r#"SignedHeaders { amz_date: "20250101T000000Z", authorization: "** redacted **" }"#
    );
    check(
        "SigningParams",
        format!("{:?}", SigningParams::new(&creds, "eu-west-1", "apigateway", t)),
    );
    let env = Env::from_vars([
        ("AWS_SECRET_ACCESS_KEY", "SECRETKEYVALUE"),
        ("HTTPS_PROXY", "http://u:hunter2@proxy:3128"),
    ]);
    assert_eq!(
        format!("{env:?}"),
        r#"Env { names: ["AWS_SECRET_ACCESS_KEY", "HTTPS_PROXY"] }"#
    );
    let proxy = ProxyConfig::from_env(&env).unwrap();
    assert_eq!(
        format!("{proxy:?}"),
        r#"ProxyConfig { http: None, https: Some(ProxyUrl { url: "http://proxy:3128", user: Some("u"), password: Some("** redacted **") }), no_proxy: [] }"#
    );
    let home =
        home_with_config("[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRETKEYVALUE\n");
    let chain = DefaultChain::new(
        chain_env(&home, &[("HTTPS_PROXY", "http://u:hunter2@proxy:3128")]),
        "eu-west-1",
    )
    .unwrap();
    use apigwv2::credentials::ProvideCredentials;
    chain.provide_credentials().unwrap(); // now cached inside
    check("DefaultChain", format!("{chain:?}"));
    let gw = LocalApiGateway::builder()
        .credentials(Credentials::new(
            "AKID",
            "SECRETKEYVALUE",
            Some("SESSIONTOKENVALUE"),
        ))
        .start()
        .unwrap();
    check("LocalApiGateway", format!("{gw:?}"));
    let client = gw.client_builder().proxy(proxy).build().unwrap();
    check("Client", format!("{client:?}"));
}

/// Runs `f` on a thread and waits for it at most `secs`: a test of "this cannot hang"
/// must fail, not hang, when it regresses.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("still blocked after {secs} s"))
}

/// Token files, the SSO cache and the shared config files are read only when they are
/// regular files of a bounded size: a FIFO (or `/dev/stdin`) never blocks a call, and
/// `/dev/zero` never fills memory.
#[cfg(unix)]
#[test]
fn special_and_huge_files_are_refused_not_read() {
    use apigwv2::credentials::{DefaultChain, ProvideCredentials};
    let home = home_with_config("");
    let fifo = home.join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let big = home.join("big");
    std::fs::write(&big, vec![b'a'; 100 * 1024]).unwrap();
    let fifo_s = fifo.to_string_lossy().into_owned();
    let big_s = big.to_string_lossy().into_owned();
    for (file, why) in [
        (&fifo_s, "not a regular file"),
        (&"/dev/zero".to_owned(), "not a regular file"),
        (&big_s, "larger than"),
    ] {
        for vars in [
            vec![
                ("AWS_WEB_IDENTITY_TOKEN_FILE", file.clone()),
                ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r".into()),
            ],
            vec![
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "http://127.0.0.1:1/creds".into(),
                ),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.clone()),
            ],
        ] {
            let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let env = chain_env(&home, &vars);
            let e = within(30, move || {
                DefaultChain::new(env, "eu-west-1")
                    .unwrap()
                    .provide_credentials()
                    .unwrap_err()
            });
            let e = credentials_message(e);
            assert!(e.contains(why), "{e}");
        }
        if file != &big_s {
            // (A config file may be up to 16 MiB.)
            let env = chain_env(&home, &[("AWS_CONFIG_FILE", file)]);
            let e = within(30, move || {
                Client::builder()
                    .env(env)
                    .region("eu-west-1")
                    .build()
                    .unwrap_err()
            });
            let e = config_message(e);
            assert!(e.contains(why), "{e}");
        }
    }
}

/// A hostile STS answer nested 140,000 deep (it fits the 1 MiB body cap) is refused by
/// depth, instead of building a tree whose drop overflows the stack.
#[test]
fn a_deeply_nested_sts_answer_is_refused() {
    use apigwv2::credentials::{DefaultChain, ProvideCredentials};
    let sts = common::fake::FakeServer::start(|_| {
        (
            200,
            format!("{}{}", "<a>".repeat(140_000), "</a>".repeat(140_000)),
        )
    });
    let home = home_with_config("");
    let token = home.join("token");
    std::fs::write(&token, "jwt").unwrap();
    let token = token.to_string_lossy().into_owned();
    let env = chain_env(
        &home,
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", &token),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
            ("AWS_ENDPOINT_URL_STS", &sts.url),
        ],
    );
    let e = DefaultChain::new(env, "eu-west-1")
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert_eq!(
        credentials_message(e),
        "STS AssumeRoleWithWebIdentity arn:aws:iam::1:role/r: HTTP 200: unreadable XML \
         (elements nested deeper than 32)"
    );
}

/// A service that answers every page with no items and a new token would hold one `next`
/// forever: the listing stops after 100 such pages with `Error::EmptyPages`. A forged
/// resume token cannot ask to skip more than any listing could need.
#[test]
fn endless_empty_pages_and_huge_skips_are_bounded() {
    let answers: Vec<HttpResponse> = (0..150)
        .map(|i| json(200, &[], &format!(r#"{{"items":[],"nextToken":"t{i}"}}"#)))
        .collect();
    let t = Scripted::new(answers);
    let client = scripted_client(&t, ManualClock::new(SystemTime::now()));
    let mut stages = client.stages("api");
    let e = stages.next().unwrap().unwrap_err();
    assert!(matches!(e, Error::EmptyPages { pages: 100, .. }), "{e:?}");
    assert!(e.to_string().contains("100 pages in a row had no items"), "{e}");
    assert_eq!(t.dates().len(), 100);
    assert!(stages.next().is_none());
    // 99 empty pages, then items: a slow start is not an error.
    let mut answers: Vec<HttpResponse> = (0..99)
        .map(|i| json(200, &[], &format!(r#"{{"items":[],"nextToken":"t{i}"}}"#)))
        .collect();
    answers.push(one_page());
    let client = scripted_client(&Scripted::new(answers), ManualClock::new(SystemTime::now()));
    assert_eq!(client.stages("api").map(Result::unwrap).count(), 1);

    let client = scripted_client(&Scripted::new(vec![]), ManualClock::new(SystemTime::now()));
    let e = client
        .stages("api")
        .starting_token("apigwv2:skip=18446744073709551615:")
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidInput {
                field: "starting_token",
                ..
            }
        ),
        "{e:?}"
    );
}

/// A `source_profile` chain longer than any real one is refused by length (the visited set
/// only stops loops), before any network call.
#[test]
fn an_absurdly_long_source_profile_chain_is_refused() {
    use apigwv2::credentials::{DefaultChain, ProvideCredentials};
    let mut config = String::new();
    for i in 0..40 {
        let name = if i == 0 {
            "[default]".to_owned()
        } else {
            format!("[profile p{i}]")
        };
        config.push_str(&format!(
            "{name}\nrole_arn = arn:aws:iam::1:role/r{i}\nsource_profile = p{}\n",
            i + 1
        ));
    }
    config.push_str("[profile p40]\naws_access_key_id = A\naws_secret_access_key = s\n");
    let home = home_with_config(&config);
    let e = DefaultChain::new(chain_env(&home, &[]), "eu-west-1")
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert_eq!(
        credentials_message(e),
        "profile \"p32\": source_profile chain is longer than 32 profiles"
    );
}

/// An `Expiration` long before the Unix epoch (before 1601 panics `SystemTime` on Windows)
/// reads as expired credentials, never a panic; server enum text displays escaped; the
/// builder's `Debug` hides an endpoint password.
#[cfg(unix)]
#[test]
fn odd_expirations_enum_text_and_builder_debug() {
    use apigwv2::credentials::ProvideCredentials;
    let (chain, _home) = process_chain(
        "printf '%s\\n' '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"Expiration\":\"1600-01-01T00:00:00Z\"}'\n",
        Duration::from_secs(10),
    );
    let creds = chain.provide_credentials().unwrap();
    // 1600-01-01T00:00:00Z is 11,676,096,000 s before the epoch (135,140 days).
    assert_eq!(
        creds.expiry(),
        SystemTime::UNIX_EPOCH.checked_sub(Duration::from_secs(11_676_096_000))
    );
    let level = apigwv2::LoggingLevel::from("\u{1b}]52;c;aGk=\u{7}");
    assert_printable(&level.to_string());
    let b = Client::builder().endpoint_url("http://user:hunter2@127.0.0.1:1");
    assert!(!format!("{b:?}").contains("hunter2"), "{b:?}");
}

/// The CLI echoes an unknown option escaped.
#[test]
fn the_cli_echoes_arguments_escaped() {
    let gw = LocalApiGateway::builder().api("a", numbered(1)).start().unwrap();
    let o = run_cli(&gw, &["a", "--\u{1b}[2J"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("unknown option"), "{err}");
    for line in err.lines() {
        assert_printable(line);
    }
}
