//! Every stage of every API, fetched by several worker threads at once: the same items in
//! the same order as one after the other, exact resume tokens, bounded read-ahead, never
//! more requests in flight than the setting (counted by the server), one API's failure in
//! its place, and throttling that slows the listing without losing or repeating a stage.

mod common;

use std::time::Duration;

use apigwv2::retry::RetryConfig;
use apigwv2::testing::{Fault, LocalApiGateway, RecordingSleeper};
use apigwv2::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use apigwv2::unversioned::UreqTransport;
use apigwv2::{Api, ApiStage, Client, Error, ProtocolType, Stage};

/// APIs `api-00` .. with `i % 4` stages each.
fn gateway(n: usize) -> LocalApiGateway {
    let mut b = LocalApiGateway::builder();
    for i in 0..n {
        let stages = (0..i % 4).map(|s| Stage::new(format!("s{s}"))).collect();
        b = b.api_with(
            Api::new(format!("api-{i:02}"), format!("name-{i}"), ProtocolType::Http),
            stages,
        );
    }
    b.start().unwrap()
}

fn label(s: Result<ApiStage, Error>) -> String {
    match s {
        Ok(s) => format!("{}/{}", s.api_id, s.stage.stage_name),
        Err(Error::InApi { api_id, .. }) => format!("{api_id}/ERROR"),
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn any_parallelism_yields_what_the_sequential_listing_yields() {
    let gw = gateway(13);
    let client = common::client(&gw);
    let sequential: Vec<String> = client
        .all_stages()
        .parallelism(1)
        .page_size(2)
        .map(label)
        .collect();
    assert_eq!(sequential.len(), 18);
    for p in [2, 3, 8, 32] {
        for page_size in [1, 2, 100] {
            let got: Vec<String> = client
                .all_stages()
                .parallelism(p)
                .page_size(page_size)
                .map(label)
                .collect();
            assert_eq!(got, sequential, "parallelism {p}, page size {page_size}");
        }
    }
}

#[test]
fn parallel_resume_tokens_continue_exactly_after_the_last_stage() {
    let gw = gateway(9);
    let client = common::client(&gw);
    let all: Vec<String> = client.all_stages().parallelism(1).map(label).collect();
    for cut in 0..=all.len() {
        let mut it = client.all_stages().parallelism(3).page_size(2);
        let head: Vec<String> = it.by_ref().take(cut).map(label).collect();
        let Some(token) = it.resume_token() else {
            assert!(cut == 0 || cut == all.len(), "no resume token after {cut}");
            continue;
        };
        // Resume with another parallelism: the tokens are the same in both modes.
        for p in [1, 4] {
            let rest: Vec<String> = client
                .all_stages()
                .parallelism(p)
                .page_size(2)
                .starting_token(token.clone())
                .map(label)
                .collect();
            assert_eq!(
                [head.clone(), rest].concat(),
                all,
                "cut after {cut}, resumed with parallelism {p}"
            );
        }
    }
}

/// A transport that answers 500 to every request for one API's stages.
#[derive(Debug)]
struct FailOne {
    inner: UreqTransport,
    path: String,
}

impl Transport for FailOne {
    fn send(&self, request: &HttpRequest, max: u64) -> Result<HttpResponse, TransportError> {
        if request.url.contains(&self.path) {
            return Ok(HttpResponse::new(
                500,
                vec![("x-amzn-ErrorType".into(), "InternalServerException".into())],
                br#"{"message":"boom"}"#.to_vec(),
            ));
        }
        self.inner.send(request, max)
    }
}

#[test]
fn a_failing_api_is_reported_in_its_place_and_the_listing_goes_on() {
    let gw = gateway(9);
    let ok_client = common::client(&gw);
    let failing = gw
        .client_builder()
        .retry_config(RetryConfig::disabled())
        .transport(FailOne {
            inner: UreqTransport::default(),
            path: "/v2/apis/api-02/stages".into(),
        })
        .build()
        .unwrap();
    let want: Vec<String> = ok_client
        .all_stages()
        .parallelism(1)
        .map(label)
        .map(|l| {
            if l.starts_with("api-02/") {
                "api-02/ERROR".to_owned()
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold(Vec::new(), |mut v, l| {
            if v.last() != Some(&l) {
                v.push(l);
            }
            v
        });
    for p in [1, 4] {
        let mut it = failing.all_stages().parallelism(p);
        let mut got = Vec::new();
        let mut resume_after_error = None;
        while let Some(item) = it.next() {
            let is_error = item.is_err();
            got.push(label(item));
            if is_error {
                resume_after_error = it.resume_token();
            }
        }
        assert_eq!(got, want, "parallelism {p}");
        // The token taken right after the error retries that API, with a working client.
        let retried: Vec<String> = ok_client
            .all_stages()
            .parallelism(p)
            .starting_token(resume_after_error.unwrap())
            .map(label)
            .take(2)
            .collect();
        assert_eq!(retried, ["api-02/s0", "api-02/s1"], "parallelism {p}");
    }
}

#[test]
fn never_more_requests_in_flight_than_the_setting() {
    for p in [1, 3, 6] {
        let mut b = LocalApiGateway::builder()
            .latency(Duration::from_millis(15))
            .default_page_size(10);
        for i in 0..30 {
            b = b.api(format!("api-{i:02}"), vec![Stage::new("a"), Stage::new("b")]);
        }
        let gw = b.start().unwrap();
        let client = common::client(&gw);
        assert_eq!(client.all_stages().parallelism(p).count(), 60);
        assert!(
            gw.max_in_flight() <= p,
            "parallelism {p}: {} requests were in flight",
            gw.max_in_flight()
        );
        if p > 1 {
            // (With 15 ms per answer and 30 APIs, the workers do overlap.)
            assert!(
                gw.max_in_flight() > 1,
                "parallelism {p}: no request overlapped another"
            );
        }
    }
}

#[test]
fn read_ahead_is_bounded_by_the_setting() {
    let mut b = LocalApiGateway::builder();
    for i in 0..100 {
        b = b.api(format!("api-{i:03}"), vec![Stage::new("a")]);
    }
    let gw = b.start().unwrap();
    let client = common::client(&gw);
    let mut it = client.all_stages().parallelism(4);
    it.next().unwrap().unwrap();
    // One page of APIs, and the stages of at most 4 APIs.
    assert!(
        gw.request_count() <= 1 + 4,
        "{} requests for the first stage",
        gw.request_count()
    );
    drop(it);
}

#[test]
fn throttling_every_fourth_request_loses_and_repeats_nothing() {
    let gw = gateway(40);
    let want: Vec<String> = common::client(&gw)
        .all_stages()
        .parallelism(1)
        .map(label)
        .collect();
    gw.fail_every(4, Fault::Throttle);
    let sleeper = RecordingSleeper::new();
    // Workers' requests interleave, so a retry can land on another 4th request: allow
    // enough attempts that a call fails only if 12 in a row do (about 4^-12).
    let client: Client = gw
        .client_builder()
        .retry_config(RetryConfig::default().max_attempts(12))
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    let got: Vec<String> = client
        .all_stages()
        .parallelism(8)
        .page_size(2)
        .map(label)
        .collect();
    assert_eq!(got, want);
    assert!(!sleeper.sleeps().is_empty(), "no request was throttled");
}
