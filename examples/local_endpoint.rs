//! A `LocalApiGateway` for other programs: the AWS CLI, a script, a tool in another
//! language. It serves a fixed seed of APIs and stages on 127.0.0.1, prints how to reach it,
//! and stops when its standard input closes (or after `--seconds N`, 300 by default).
//!
//! ```text
//! cargo run --example local_endpoint --features testing
//! AWS_ENDPOINT_URL=http://127.0.0.1:PORT
//! AWS_REGION=us-east-1
//! AWS_ACCESS_KEY_ID=...
//! AWS_SECRET_ACCESS_KEY=...
//! ready
//! ```
//!
//! The seed: the demo API `a1b2c3d4e5` (8 stages), `f0f1f2f3f4` (250 stages with every
//! field set, some text non-ASCII, quoted or with a tab), `e0e1e2e3e4` (no stages) and a
//! WebSocket API `w0w1w2w3w4` with CORS and tags, so `get-apis` lists four APIs.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::Duration;

use apigwv2::testing::{demo_stages, LocalApiGateway, DEMO_API_ID};
use apigwv2::{AccessLogSettings, Api, Cors, LoggingLevel, ProtocolType, RouteSettings, Stage};

/// A stage with every field set; a few have descriptions that need escaping in JSON.
fn full_stage(i: usize) -> Stage {
    let mut route = RouteSettings::default();
    route.data_trace_enabled = Some(i % 2 == 0);
    route.detailed_metrics_enabled = Some(true);
    route.logging_level = Some(if i % 2 == 0 {
        LoggingLevel::Info
    } else {
        LoggingLevel::Error
    });
    route.throttling_burst_limit = Some(5000);
    route.throttling_rate_limit = Some(if i % 3 == 0 { 10000.0 } else { 12.5 });
    let mut s = Stage::new(format!("stage-{i:04}"));
    s.access_log_settings = Some(AccessLogSettings::new(
        format!("arn:aws:logs:us-east-1:123456789012:log-group:orders-{i}"),
        "$context.requestId $context.status",
    ));
    s.api_gateway_managed = Some(false);
    s.auto_deploy = Some(i % 3 == 0);
    s.client_certificate_id = Some(format!("cc{i:06x}"));
    s.created_date =
        Some(time::OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(1_700_000_000 + i as i64));
    s.default_route_settings = Some(route.clone());
    s.deployment_id = Some(format!("d{i:05x}"));
    s.description = Some(match i % 5 {
        0 => format!("Stage {i}: caf\u{e9} \u{2192} \u{1f680}"),
        1 => format!("Stage {i} says \"hi\"\tand\\or"),
        _ => format!("Stage {i} of the orders API"),
    });
    s.last_deployment_status_message = Some("Deployed".into());
    s.last_updated_date = Some(
        time::OffsetDateTime::UNIX_EPOCH
            + time::Duration::seconds(1_710_000_000 + i as i64)
            + time::Duration::milliseconds(if i % 4 == 0 { 250 } else { 0 }),
    );
    s.route_settings = Some(BTreeMap::from([("GET /orders/{id}".to_owned(), route)]));
    s.stage_variables = Some(BTreeMap::from([
        ("lambdaAlias".to_owned(), "live".to_owned()),
        ("Region".to_owned(), "us-east-1".to_owned()),
    ]));
    s.tags = Some(BTreeMap::from([
        ("team".to_owned(), "payments".to_owned()),
        ("cost-center".to_owned(), format!("{}", 1000 + i)),
    ]));
    s
}

fn websocket_api() -> Api {
    let mut api = Api::new("w0w1w2w3w4", "chat", ProtocolType::Websocket);
    api.api_endpoint = Some("wss://w0w1w2w3w4.execute-api.us-east-1.amazonaws.com".into());
    api.api_key_selection_expression = Some("$request.header.x-api-key".into());
    api.route_selection_expression = "$request.body.action".into();
    api.created_date = Some(time::OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(1_690_000_000));
    api.description = Some("Chat \u{fc}ber WebSocket".into());
    api.disable_execute_api_endpoint = Some(false);
    api.disable_schema_validation = Some(true);
    api.tags = Some(BTreeMap::from([("team".to_owned(), "chat".to_owned())]));
    api.version = Some("2024-01".into());
    api.warnings = Some(vec!["a warning".into()]);
    let mut cors = Cors::default();
    cors.allow_credentials = Some(true);
    cors.allow_headers = Some(vec!["content-type".into(), "x-api-key".into()]);
    cors.allow_methods = Some(vec!["GET".into(), "POST".into()]);
    cors.allow_origins = Some(vec!["https://example.com".into()]);
    cors.expose_headers = Some(vec![]);
    cors.max_age = Some(600);
    api.cors_configuration = Some(cors);
    api
}

fn main() -> Result<(), apigwv2::Error> {
    let mut seconds = 300u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next().and_then(|v| v.parse().ok())) {
            ("--seconds", Some(n)) => seconds = n,
            _ => {
                eprintln!("usage: local_endpoint [--seconds N]");
                std::process::exit(2);
            }
        }
    }
    let gw = LocalApiGateway::builder()
        .region("us-east-1")
        .api(DEMO_API_ID, demo_stages())
        .api("f0f1f2f3f4", (0..250).map(full_stage).collect())
        .api("e0e1e2e3e4", Vec::new())
        .api_with(websocket_api(), Vec::new())
        .start()?;
    let creds = gw.credentials();
    let mut out = std::io::stdout().lock();
    let printed = writeln!(
        out,
        "AWS_ENDPOINT_URL={}\nAWS_REGION={}\nAWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={}\nready",
        gw.endpoint_url(),
        gw.region(),
        creds.access_key_id(),
        creds.secret_access_key()
    )
    .and_then(|_| out.flush());
    drop(out);
    if printed.is_err() {
        std::process::exit(1);
    }
    // Serve until standard input closes, or the time is up.
    let (done, wait) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        let _ = done.send(());
    });
    let _ = wait.recv_timeout(Duration::from_secs(seconds));
    Ok(())
}
