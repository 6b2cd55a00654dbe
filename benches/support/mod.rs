//! Shared by the benches: realistic stages, and the ratio each bench is judged by, measured
//! by running the candidate and its floor interleaved in the same process, so that noise
//! from the shared machine hits both alike.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use apigwv2::{AccessLogSettings, LoggingLevel, RouteSettings, Stage};

/// A stage with every field set, about 600 bytes of JSON (a page of 100 is about 60 KB).
pub fn full_stage(i: usize) -> Stage {
    let mut route = RouteSettings::default();
    route.data_trace_enabled = Some(i % 2 == 0);
    route.detailed_metrics_enabled = Some(true);
    route.logging_level = Some(LoggingLevel::Info);
    route.throttling_burst_limit = Some(5000);
    route.throttling_rate_limit = Some(10000.0);
    let mut s = Stage::new(format!("stage-{i:05}"));
    s.access_log_settings = Some(AccessLogSettings::new(
        format!("arn:aws:logs:eu-west-1:123456789012:log-group:orders-{i}"),
        "$context.requestId $context.status",
    ));
    s.api_gateway_managed = Some(false);
    s.auto_deploy = Some(i % 3 == 0);
    s.client_certificate_id = Some(format!("cc{i:08x}"));
    s.created_date =
        Some(time::OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(1_700_000_000 + i as i64));
    s.default_route_settings = Some(route.clone());
    s.deployment_id = Some(format!("d{i:05x}"));
    s.description = Some(format!(
        "Stage {i} of the orders API, deployed by the release pipeline"
    ));
    s.last_deployment_status_message = Some("Deployed".into());
    s.last_updated_date =
        Some(time::OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(1_710_000_000 + i as i64));
    s.route_settings = Some(BTreeMap::from([("GET /orders".to_owned(), route)]));
    s.stage_variables = Some(BTreeMap::from([("lambdaAlias".to_owned(), "live".to_owned())]));
    s.tags = Some(BTreeMap::from([
        ("team".to_owned(), "payments".to_owned()),
        ("env".to_owned(), "production".to_owned()),
    ]));
    s
}

/// True when run by `cargo bench` (not by `cargo test --benches` or `--no-run`).
pub fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Runs `candidate` and `floor` alternately in batches for about `budget`, and prints the
/// ratio of their median batch times: the figure the bench is judged by.
pub fn print_ratio(
    name: &str,
    target: f64,
    budget: Duration,
    mut candidate: impl FnMut(),
    mut floor: impl FnMut(),
) -> f64 {
    // Size batches to roughly 5 ms of the slower side.
    let t = Instant::now();
    candidate();
    floor();
    let one = t.elapsed().max(Duration::from_nanos(50));
    let batch = ((Duration::from_millis(5).as_nanos() / one.as_nanos()).max(1)) as usize;
    let mut a = Vec::new();
    let mut b = Vec::new();
    let started = Instant::now();
    while started.elapsed() < budget || a.len() < 5 {
        let t = Instant::now();
        for _ in 0..batch {
            candidate();
        }
        a.push(t.elapsed().as_secs_f64() / batch as f64);
        let t = Instant::now();
        for _ in 0..batch {
            floor();
        }
        b.push(t.elapsed().as_secs_f64() / batch as f64);
    }
    report(name, target, a, b)
}

/// Like [`print_ratio`], but each call is timed on its own and what it returns is dropped
/// after its timing: for a decoder, whose output's drop (freeing every string) is the
/// caller's cost, not the decoding's. The floor's output is treated alike.
pub fn print_ratio_dropped_apart<A, B>(
    name: &str,
    target: f64,
    budget: Duration,
    mut candidate: impl FnMut() -> A,
    mut floor: impl FnMut() -> B,
) -> f64 {
    const ROUND: usize = 20;
    let mut a = Vec::new();
    let mut b = Vec::new();
    let started = Instant::now();
    while started.elapsed() < budget || a.len() < 5 {
        let mut spent = Duration::ZERO;
        for _ in 0..ROUND {
            let t = Instant::now();
            let out = candidate();
            spent += t.elapsed();
            drop(std::hint::black_box(out));
        }
        a.push(spent.as_secs_f64() / ROUND as f64);
        let mut spent = Duration::ZERO;
        for _ in 0..ROUND {
            let t = Instant::now();
            let out = floor();
            spent += t.elapsed();
            drop(std::hint::black_box(out));
        }
        b.push(spent.as_secs_f64() / ROUND as f64);
    }
    report(name, target, a, b)
}

/// Prints the ratio of the median times: the figure a bench is judged by.
fn report(name: &str, target: f64, mut a: Vec<f64>, mut b: Vec<f64>) -> f64 {
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|x, y| x.total_cmp(y));
        v[v.len() / 2]
    };
    let (ma, mb) = (median(&mut a), median(&mut b));
    let ratio = ma / mb;
    println!(
        "RATIO {name}: {:.3} (candidate {} / floor {}; target <= {target}) {}",
        ratio,
        human(ma),
        human(mb),
        if ratio <= target { "MET" } else { "NOT MET" }
    );
    ratio
}

fn human(secs: f64) -> String {
    if secs < 1e-6 {
        format!("{:.0} ns", secs * 1e9)
    } else if secs < 1e-3 {
        format!("{:.2} µs", secs * 1e6)
    } else {
        format!("{:.2} ms", secs * 1e3)
    }
}

/// The honest decoding floor: plain `#[derive(Deserialize)]` types with the same fields as
/// a GetStages page, owned like the crate's, read the plain serde way (timestamps through
/// `time`'s general RFC 3339 parser, the logging level as a derived enum). What the crate
/// spends beyond decoding into these is its own.
pub mod plain {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer};
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Page {
        #[serde(default)]
        pub items: Vec<Stage>,
        #[serde(default)]
        pub next_token: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Stage {
        #[serde(default)]
        pub access_log_settings: Option<AccessLogSettings>,
        #[serde(default)]
        pub api_gateway_managed: Option<bool>,
        #[serde(default)]
        pub auto_deploy: Option<bool>,
        #[serde(default)]
        pub client_certificate_id: Option<String>,
        #[serde(default, deserialize_with = "timestamp")]
        pub created_date: Option<OffsetDateTime>,
        #[serde(default)]
        pub default_route_settings: Option<RouteSettings>,
        #[serde(default)]
        pub deployment_id: Option<String>,
        #[serde(default)]
        pub description: Option<String>,
        #[serde(default)]
        pub last_deployment_status_message: Option<String>,
        #[serde(default, deserialize_with = "timestamp")]
        pub last_updated_date: Option<OffsetDateTime>,
        #[serde(default)]
        pub route_settings: Option<BTreeMap<String, RouteSettings>>,
        pub stage_name: String,
        #[serde(default)]
        pub stage_variables: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub tags: Option<BTreeMap<String, String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AccessLogSettings {
        #[serde(default)]
        pub destination_arn: Option<String>,
        #[serde(default)]
        pub format: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct RouteSettings {
        #[serde(default)]
        pub data_trace_enabled: Option<bool>,
        #[serde(default)]
        pub detailed_metrics_enabled: Option<bool>,
        #[serde(default)]
        pub logging_level: Option<LoggingLevel>,
        #[serde(default)]
        pub throttling_burst_limit: Option<i32>,
        #[serde(default)]
        pub throttling_rate_limit: Option<f64>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "UPPERCASE")]
    pub enum LoggingLevel {
        Error,
        Info,
        Off,
        #[serde(other)]
        Unknown,
    }

    fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
        match Option::<&'de str>::deserialize(d)? {
            Some(s) => OffsetDateTime::parse(s, &Rfc3339)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }

    /// Decodes a page the plain way: one UTF-8 check, then serde_json's `&str` reader.
    pub fn decode(body: &[u8]) -> Page {
        serde_json::from_str(std::str::from_utf8(body).unwrap()).unwrap()
    }
}
