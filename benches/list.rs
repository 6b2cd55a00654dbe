//! Listing 10,000 stages in pages of 100 from LocalApiGateway over one keep-alive
//! connection, through `client.stages(..)`, against the floor: plain ureq GETs of the same
//! 100 pages from the same server, bodies read and not parsed. Signature checks are off in
//! the server for both, so its cost is the same. Judged by list / floor (target <= 1.25).

mod support;

use std::hint::black_box;
use std::io::Read;
use std::time::Duration;

use apigwv2::testing::LocalApiGateway;
use apigwv2::{Client, GetStagesRequest};
use criterion::{criterion_group, Criterion, Throughput};

const STAGES: usize = 10_000;
const PAGE: u32 = 100;

struct Setup {
    _gw: LocalApiGateway,
    client: Client,
    agent: ureq::Agent,
    urls: Vec<String>,
}

fn setup() -> Setup {
    let gw = LocalApiGateway::builder()
        .generated_api("a1b2c3d4e5", STAGES, support::full_stage)
        .check_signatures(false)
        .record_requests(false)
        .start()
        .unwrap();
    let client = gw.client().unwrap();
    // The URLs of the 100 pages, for the floor.
    let mut urls = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = GetStagesRequest::new("a1b2c3d4e5").max_results(PAGE);
        let mut url = format!(
            "{}/v2/apis/a1b2c3d4e5/stages?maxResults={PAGE}",
            gw.endpoint_url()
        );
        if let Some(t) = &token {
            req = req.next_token(t.clone());
            url.push_str("&nextToken=");
            url.push_str(&apigwv2::sigv4::uri_encode(t));
        }
        urls.push(url);
        let page = client.get_stages(&req).unwrap();
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(urls.len(), STAGES / PAGE as usize);
    let agent =
        ureq::Agent::new_with_config(ureq::Agent::config_builder().http_status_as_error(false).build());
    Setup {
        _gw: gw,
        client,
        agent,
        urls,
    }
}

fn list(s: &Setup) -> usize {
    let mut n = 0;
    for stage in s.client.stages("a1b2c3d4e5").page_size(PAGE) {
        black_box(stage.unwrap());
        n += 1;
    }
    n
}

fn floor(s: &Setup) -> usize {
    let mut total = 0;
    for url in &s.urls {
        let resp = s.agent.get(url).call().unwrap();
        let mut body = Vec::new();
        resp.into_body().into_reader().read_to_end(&mut body).unwrap();
        total += body.len();
    }
    total
}

fn bench(c: &mut Criterion) {
    let s = setup();
    assert_eq!(list(&s), STAGES);
    let mut g = c.benchmark_group("list");
    g.throughput(Throughput::Elements(STAGES as u64));
    g.sample_size(10);
    g.bench_function("client_stages_10k", |b| b.iter(|| black_box(list(&s))));
    g.bench_function("floor_plain_gets", |b| b.iter(|| black_box(floor(&s))));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = bench
}

fn main() {
    benches();
    if support::benchmarking() {
        let s = setup();
        support::print_ratio(
            "list client_stages_10k/floor",
            1.25,
            Duration::from_secs(6),
            || {
                black_box(list(&s));
            },
            || {
                black_box(floor(&s));
            },
        );
    }
    Criterion::default().configure_from_args().final_summary();
}
