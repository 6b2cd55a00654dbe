//! Listing 10,000 stages (100 pages of 100) from LocalApiGateway over one keep-alive
//! connection through `client.stages(..)`, against the floor: the same 100 GETs with plain
//! ureq, each body read and decoded with plain serde_json into equivalent owned types
//! (`support::plain`: derived `Deserialize`, one UTF-8 check of the body, then the `&str`
//! reader). What is left between the two is the crate's own overhead: signing, its
//! transport layer, retry bookkeeping, pagination, and its decoding beyond plain serde.
//!
//! Both sides are served the same pre-rendered pages (`Fault::CustomResponse`, queued before
//! each listing), so the server's own work, making and serializing 10,000 stages, is in
//! neither. It is measured apart: plain GETs from the generating server against plain GETs
//! of the pre-rendered pages. Judged by list / floor (target <= 1.15).
//!
//! `APIGWV2_LIST_PROFILE=client` (or `floor`, or `gets` for plain GETs) runs three
//! listings of that side only and exits, for a profiler:
//! `valgrind --tool=callgrind --separate-threads=yes target/release/deps/list-*`.

mod support;

use std::hint::black_box;
use std::io::Read;
use std::time::Duration;

use apigwv2::testing::{Fault, LocalApiGateway};
use apigwv2::{Client, GetStagesOutput};
use criterion::{criterion_group, Criterion, Throughput};

const STAGES: usize = 10_000;
const PAGE: u32 = 100;

struct Setup {
    gw: LocalApiGateway,
    client: Client,
    agent: ureq::Agent,
    /// The URL of each page, as the client asks for it.
    urls: Vec<String>,
    /// The body the generating server answers each URL with.
    bodies: Vec<String>,
}

fn setup() -> Setup {
    let gw = LocalApiGateway::builder()
        .generated_api("a1b2c3d4e5", STAGES, support::full_stage)
        .check_signatures(false)
        .record_requests(false)
        .start()
        .unwrap();
    let client = gw.client().unwrap();
    let new_agent =
        || ureq::Agent::new_with_config(ureq::Agent::config_builder().http_status_as_error(false).build());
    // Fetching the pages here uses an agent of its own: the floor's agent then starts on a
    // fresh connection, served by a fresh server thread, as the client's does (a thread
    // that generated the pages keeps a grown allocator arena, which changes its cost).
    let setup_agent = new_agent();
    let mut urls = Vec::new();
    let mut bodies = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut url = format!(
            "{}/v2/apis/a1b2c3d4e5/stages?maxResults={PAGE}",
            gw.endpoint_url()
        );
        if let Some(t) = &token {
            url.push_str("&nextToken=");
            url.push_str(&apigwv2::unversioned::sigv4::uri_encode(t));
        }
        let body = get(&setup_agent, &url);
        let page: GetStagesOutput = serde_json::from_slice(&body).unwrap();
        urls.push(url);
        bodies.push(String::from_utf8(body).unwrap());
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(urls.len(), STAGES / PAGE as usize);
    drop(setup_agent);
    let agent = new_agent();
    Setup {
        gw,
        client,
        agent,
        urls,
        bodies,
    }
}

fn get(agent: &ureq::Agent, url: &str) -> Vec<u8> {
    let resp = agent.get(url).call().unwrap();
    assert_eq!(resp.status(), 200);
    let mut body = Vec::new();
    resp.into_body().into_reader().read_to_end(&mut body).unwrap();
    body
}

/// Queues the pre-rendered pages for the next 100 requests, whoever sends them.
fn serve_prerendered(s: &Setup) {
    for body in &s.bodies {
        s.gw.inject(Fault::CustomResponse(200, body.clone()));
    }
}

/// The candidate: the whole listing through the client.
fn list(s: &Setup) -> usize {
    serve_prerendered(s);
    let mut n = 0;
    for stage in s.client.stages("a1b2c3d4e5").page_size(PAGE) {
        black_box(stage.unwrap());
        n += 1;
    }
    assert_eq!(n, STAGES);
    n
}

/// The floor: the same GETs, each page decoded with plain serde into equivalent types.
fn floor(s: &Setup) -> usize {
    serve_prerendered(s);
    let mut n = 0;
    for url in &s.urls {
        let body = get(&s.agent, url);
        n += black_box(support::plain::decode(&body)).items.len();
    }
    assert_eq!(n, STAGES);
    n
}

/// Plain GETs, bodies read and not decoded, from the pre-rendered pages or from the
/// generating server: the difference is the server's own work.
fn plain_gets(s: &Setup, prerendered: bool) -> usize {
    if prerendered {
        serve_prerendered(s);
    }
    s.urls.iter().map(|url| get(&s.agent, url).len()).sum()
}

fn bench(c: &mut Criterion) {
    let s = setup();
    let mut g = c.benchmark_group("list");
    g.throughput(Throughput::Elements(STAGES as u64));
    g.sample_size(10);
    g.bench_function("client_stages_10k", |b| b.iter(|| black_box(list(&s))));
    g.bench_function("floor_gets_and_decode", |b| b.iter(|| black_box(floor(&s))));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = bench
}

fn main() {
    // For a profiler (valgrind --tool=callgrind, perf): one side only, a few listings.
    if let Ok(side) = std::env::var("APIGWV2_LIST_PROFILE") {
        let s = setup();
        for _ in 0..3 {
            match side.as_str() {
                "client" => black_box(list(&s)),
                "floor" => black_box(floor(&s)),
                _ => black_box(plain_gets(&s, true)),
            };
        }
        return;
    }
    benches();
    if support::benchmarking() {
        let s = setup();
        support::print_ratio(
            "list client_stages_10k/floor",
            1.15,
            Duration::from_secs(6),
            || {
                black_box(list(&s));
            },
            || {
                black_box(floor(&s));
            },
        );
        // Not judged: how much of the floor is decoding (the rest is HTTP).
        support::print_ratio(
            "list floor: GETs and plain decode / plain GETs, both of pre-rendered pages",
            f64::INFINITY,
            Duration::from_secs(4),
            || {
                black_box(floor(&s));
            },
            || {
                black_box(plain_gets(&s, true));
            },
        );
        // Not judged: how much of a listing the in-process server itself costs.
        support::print_ratio(
            "list server: plain GETs from the generating server / of pre-rendered pages",
            f64::INFINITY,
            Duration::from_secs(4),
            || {
                black_box(plain_gets(&s, false));
            },
            || {
                black_box(plain_gets(&s, true));
            },
        );
    }
    Criterion::default().configure_from_args().final_summary();
}
