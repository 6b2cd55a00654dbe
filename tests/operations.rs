//! GetApis, GetStage, every stage of every API, and finding an API by name: pagination,
//! errors, retries and faults, as for GetStages, against LocalApiGateway (which checks
//! every request's SigV4 signature).

mod common;

use apigwv2::retry::RetryConfig;
use apigwv2::testing::{Fault, LocalApiGateway, RecordingSleeper};
use apigwv2::{Api, Client, Error, GetApisRequest, ProtocolType, Stage};
use common::numbered;

/// A gateway with APIs `api-0` .. `api-{n-1}`, named `name-i`, each with `i % 3` stages.
fn gateway_with_apis(n: usize) -> LocalApiGateway {
    let mut b = LocalApiGateway::builder();
    for i in 0..n {
        let stages = (0..i % 3).map(|s| Stage::new(format!("s{s}"))).collect();
        b = b.api_with(
            Api::new(format!("api-{i}"), format!("name-{i}"), ProtocolType::Http),
            stages,
        );
    }
    b.start().unwrap()
}

fn no_retries(gw: &LocalApiGateway) -> Client {
    common::client(gw)
}

fn with_retries(gw: &LocalApiGateway) -> (Client, RecordingSleeper) {
    let sleeper = RecordingSleeper::new();
    let client = gw
        .client_builder()
        .retry_config(RetryConfig::default().max_attempts(3).quota(None))
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    (client, sleeper)
}

fn ids(apis: impl Iterator<Item = Result<Api, Error>>) -> Vec<String> {
    apis.map(|a| a.unwrap().api_id.unwrap()).collect()
}

#[test]
fn apis_paginate_lazily_and_resume_like_stages() {
    let gw = gateway_with_apis(7);
    let client = no_retries(&gw);
    let all: Vec<String> = (0..7).map(|i| format!("api-{i}")).collect();
    assert_eq!(ids(client.apis().page_size(3)), all);
    assert_eq!(gw.request_count(), 3);
    let sizes: Vec<usize> = client
        .apis()
        .page_size(3)
        .pages()
        .map(|p| p.unwrap().items.len())
        .collect();
    assert_eq!(sizes, [3, 3, 1]);
    // Lazy: the first API costs one request.
    gw.clear_requests();
    let first = client.apis().page_size(3).next().unwrap().unwrap();
    assert_eq!((first.name.as_str(), gw.request_count()), ("name-0", 1));
    // Stop in the middle of a page, resume exactly after the last API yielded.
    let mut head = client.apis().page_size(3).max_items(4);
    let got = ids(head.by_ref());
    let token = head.resume_token().unwrap().to_owned();
    let rest = ids(client.apis().page_size(3).starting_token(token));
    assert_eq!([got, rest].concat(), all);
    // One page by hand.
    let page = client.get_apis(&GetApisRequest::new().max_results(2)).unwrap();
    assert_eq!(page.items.len(), 2);
    let next = client
        .get_apis(&GetApisRequest::new().next_token(page.next_token.unwrap()))
        .unwrap();
    assert_eq!(next.items[0].api_id.as_deref(), Some("api-2"));
}

#[test]
fn a_repeated_apis_token_ends_the_listing() {
    let gw = gateway_with_apis(5);
    let client = no_retries(&gw);
    gw.inject(Fault::Normal);
    gw.inject(Fault::RepeatToken);
    let results: Vec<Result<Api, Error>> = client.apis().page_size(2).collect();
    assert_eq!(results.len(), 5, "{results:?}");
    assert!(matches!(
        results[4],
        Err(Error::RepeatedToken {
            operation: "GetApis",
            ..
        })
    ));
    assert_eq!(gw.request_count(), 2);
}

#[test]
fn get_stage_encodes_any_name_in_path_and_signature() {
    let names = ["$default", "prod", "a b/c?d=e&f", "ünï", "%41", "x+y"];
    let gw = LocalApiGateway::builder()
        .api("a1", names.iter().map(|n| Stage::new(*n)).collect())
        .start()
        .unwrap();
    let client = no_retries(&gw);
    for name in names {
        let stage = client
            .get_stage("a1", name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(stage.stage_name, name);
    }
    let paths: Vec<String> = gw.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths[0], "/v2/apis/a1/stages/%24default");
    assert_eq!(paths[2], "/v2/apis/a1/stages/a%20b%2Fc%3Fd%3De%26f");
}

#[test]
fn get_stage_errors_are_typed_and_bad_input_sends_nothing() {
    let gw = LocalApiGateway::builder().api("a1", numbered(2)).start().unwrap();
    let client = no_retries(&gw);
    match client.get_stage("a1", "nope") {
        Err(Error::NotFound {
            resource_type,
            details,
        }) => {
            assert_eq!(resource_type.as_deref(), Some("Stage"));
            assert_eq!((details.operation, details.status), ("GetStage", 404));
            assert!(details.request_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    match client.get_stage("zz", "stage-0000") {
        Err(Error::NotFound { resource_type, .. }) => assert_eq!(resource_type.as_deref(), Some("Api")),
        other => panic!("{other:?}"),
    }
    gw.clear_requests();
    for (api, stage, field) in [
        ("", "s", "api_id"),
        ("a1", "", "stage_name"),
        ("a1", "..", "stage_name"),
        ("a\n", "s", "api_id"),
    ] {
        match client.get_stage(api, stage) {
            Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(gw.request_count(), 0);
}

#[test]
fn get_stage_and_get_apis_retry_faults_like_get_stages() {
    let gw = gateway_with_apis(3);
    gw.put_api("a1", numbered(1));
    let (client, sleeper) = with_retries(&gw);
    for fault in [
        Fault::Throttle,
        Fault::ServerError(503),
        Fault::HtmlError(502),
        Fault::DropConnection,
        Fault::TruncateBody,
        Fault::BadJson,
    ] {
        gw.clear_requests();
        gw.inject(fault.clone());
        assert_eq!(
            client.get_stage("a1", "stage-0000").unwrap().stage_name,
            "stage-0000",
            "{fault:?}"
        );
        assert_eq!(gw.request_count(), 2, "{fault:?}");
        gw.clear_requests();
        gw.inject(fault.clone());
        assert_eq!(client.apis().count(), 4, "{fault:?}");
        assert_eq!(gw.request_count(), 2, "{fault:?}");
    }
    assert_eq!(sleeper.sleeps().len(), 12);
    // Client errors are not retried.
    gw.clear_requests();
    gw.inject(Fault::CustomResponse(400, r#"{"message":"bad"}"#.into()));
    let e = client.get_stage("a1", "stage-0000").unwrap_err();
    assert_eq!(
        (e.status(), e.attempts(), gw.request_count()),
        (Some(400), Some(1), 1)
    );
}

#[test]
fn all_stages_lists_every_stage_of_every_api_in_order() {
    let gw = gateway_with_apis(5);
    let client = no_retries(&gw);
    let want: Vec<(String, String, String)> = (0..5)
        .flat_map(|i| (0..i % 3).map(move |s| (format!("api-{i}"), format!("name-{i}"), format!("s{s}"))))
        .collect();
    let got: Vec<(String, String, String)> = client
        .all_stages()
        .parallelism(1)
        .page_size(2)
        .map(|s| {
            let s = s.unwrap();
            (s.api_id, s.api_name, s.stage.stage_name)
        })
        .collect();
    assert_eq!(got, want);
    // Pages: 3 of GetApis, then one GetStages per API (none has more than 2 stages).
    assert_eq!(gw.request_count(), 3 + 5);
    // Lazy: the first stage costs the first page of APIs and the stages of two APIs
    // (api-0 has none).
    gw.clear_requests();
    client
        .all_stages()
        .parallelism(1)
        .page_size(2)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(gw.request_count(), 3);
}

#[test]
fn all_stages_resumes_exactly_after_the_last_stage_yielded() {
    let gw = gateway_with_apis(8);
    let client = no_retries(&gw);
    let names = |it: &mut dyn Iterator<Item = Result<apigwv2::ApiStage, Error>>| -> Vec<String> {
        it.map(|s| {
            let s = s.unwrap();
            format!("{}/{}", s.api_id, s.stage.stage_name)
        })
        .collect()
    };
    let all = names(&mut client.all_stages().page_size(2));
    assert_eq!(all.len(), 7);
    for cut in 0..=all.len() {
        // Sequential and parallel give the same token.
        let mut tokens = Vec::new();
        for p in [1, 8] {
            let mut it = client.all_stages().parallelism(p).page_size(2);
            let head = names(&mut it.by_ref().take(cut));
            assert_eq!(head, all[..cut], "parallelism {p}");
            tokens.push(it.resume_token());
        }
        assert_eq!(tokens[0], tokens[1], "cut after {cut}");
        let token = tokens.swap_remove(0);
        if cut == 0 || cut == all.len() {
            // Nothing consumed yet; or the last stage of the last API (api-7) was.
            assert_eq!(token, None, "cut after {cut}");
            continue;
        }
        let token = token.unwrap_or_else(|| panic!("no resume token after {cut}"));
        let rest = names(&mut client.all_stages().page_size(2).starting_token(token));
        assert_eq!(rest, all[cut..], "cut after {cut}");
    }
    let e = client
        .all_stages()
        .starting_token("junk")
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

#[test]
fn one_apis_failure_is_reported_with_its_id_and_the_listing_goes_on() {
    let gw = gateway_with_apis(6);
    let client = no_retries(&gw);
    // Request 1 lists the APIs; request 2 lists api-0's stages, request 3 api-1's.
    gw.inject(Fault::Normal);
    gw.inject(Fault::Normal);
    gw.inject(Fault::ServerError(500));
    let mut it = client.all_stages().parallelism(1);
    let mut seen = Vec::new();
    for item in it.by_ref() {
        match item {
            Ok(s) => seen.push(format!("{}/{}", s.api_id, s.stage.stage_name)),
            Err(e) => {
                assert!(
                    matches!(&e, Error::InApi { api_id, .. } if api_id == "api-1"),
                    "{e:?}"
                );
                assert_eq!(e.status(), Some(500));
                assert!(e.to_string().starts_with("API api-1: GetStages failed"), "{e}");
                assert!(std::error::Error::source(&e).is_some());
                seen.push("error".into());
                break;
            }
        }
    }
    let resume = it.resume_token().unwrap();
    let rest: Vec<String> = it
        .map(|s| {
            let s = s.unwrap();
            format!("{}/{}", s.api_id, s.stage.stage_name)
        })
        .collect();
    assert_eq!(seen, ["error"]);
    assert_eq!(rest, ["api-2/s0", "api-2/s1", "api-4/s0", "api-5/s0", "api-5/s1"]);
    // The token taken right after the error retries the API that failed.
    let retried: Vec<String> = client
        .all_stages()
        .parallelism(1)
        .starting_token(resume)
        .map(|s| s.unwrap().api_id)
        .collect();
    assert_eq!(retried[..3], ["api-1", "api-2", "api-2"]);
}

#[test]
fn a_failure_to_list_the_apis_ends_the_listing() {
    let gw = gateway_with_apis(3);
    let client = no_retries(&gw);
    gw.inject(Fault::ServerError(500));
    let results: Vec<_> = client.all_stages().collect();
    assert_eq!(results.len(), 1);
    assert!(matches!(&results[0], Err(e) if e.status() == Some(500)));
}

#[test]
fn api_by_name_finds_one_or_says_why_not() {
    let gw = LocalApiGateway::builder()
        .api_with(Api::new("a1", "orders", ProtocolType::Http), vec![])
        .api_with(Api::new("b2", "billing", ProtocolType::Websocket), vec![])
        .api_with(Api::new("c3", "billing", ProtocolType::Http), vec![])
        .default_page_size(1)
        .start()
        .unwrap();
    let client = no_retries(&gw);
    let api = client.api_by_name("orders").unwrap();
    assert_eq!(api.api_id.as_deref(), Some("a1"));
    match client.api_by_name("billing") {
        Err(Error::ApiName { name, api_ids }) => assert_eq!(
            (name.as_str(), api_ids),
            ("billing", vec!["b2".to_owned(), "c3".to_owned()])
        ),
        other => panic!("{other:?}"),
    }
    let e = client.api_by_name("payments").unwrap_err();
    assert_eq!(e.to_string(), "no API is named \"payments\"");
    let e = client.api_by_name("billing").unwrap_err();
    assert_eq!(
        e.to_string(),
        "2 APIs are named \"billing\" (b2, c3): name one by its id instead"
    );
    gw.inject(Fault::Throttle);
    assert!(matches!(
        client.api_by_name("orders"),
        Err(Error::TooManyRequests { .. })
    ));
}

/// An in-process GetApis: pages of `per_page` APIs, the `i`-th (from 0) `id-{i}` named
/// `name_of(i)`, with a `nextToken` for `pages` pages; it counts the requests. With many
/// pages, a listing that looks endless.
#[derive(Debug, Clone)]
struct EndlessApis {
    per_page: usize,
    pages: usize,
    /// The name of the `i`-th API of the listing (0-based).
    name_of: fn(usize) -> String,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl EndlessApis {
    fn named(per_page: usize, pages: usize, name_of: fn(usize) -> String) -> Self {
        Self {
            per_page,
            pages,
            name_of,
            requests: Default::default(),
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn client(&self) -> Client {
        Client::builder()
            .region("us-east-1")
            .credentials(apigwv2::Credentials::new(
                "AKIDFAKE",
                "fake-secret",
                None::<String>,
            ))
            .endpoint_url("http://127.0.0.1:9")
            .retry_config(RetryConfig::disabled())
            .transport(self.clone())
            .build()
            .unwrap()
    }
}

impl apigwv2::transport::Transport for EndlessApis {
    fn send(
        &self,
        request: &apigwv2::transport::HttpRequest,
        _max: u64,
    ) -> Result<apigwv2::transport::HttpResponse, apigwv2::transport::TransportError> {
        self.requests.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let page: usize = request
            .url
            .split_once("nextToken=p")
            .map_or(0, |(_, n)| n.parse().unwrap());
        let items: Vec<String> = (page * self.per_page..(page + 1) * self.per_page)
            .map(|i| {
                format!(
                    r#"{{"apiId":"id-{i}","name":"{}","protocolType":"HTTP","routeSelectionExpression":"$request.method $request.path"}}"#,
                    (self.name_of)(i)
                )
            })
            .collect();
        let next = if page + 1 < self.pages {
            format!(r#","nextToken":"p{}""#, page + 1)
        } else {
            String::new()
        };
        Ok(apigwv2::transport::HttpResponse::new(
            200,
            vec![("content-type".into(), "application/json".into())],
            format!(r#"{{"items":[{}]{next}}}"#, items.join(",")).into_bytes(),
        ))
    }
}

#[test]
fn api_by_name_stops_at_its_limit_on_an_endless_listing_of_alike_apis() {
    assert_eq!(apigwv2::MAX_APIS_SCANNED, 10_000);
    // 1,000 pages of 100 APIs all named alike: the limit is reached after 100 pages, and
    // the 101st is never asked for.
    let fake = EndlessApis::named(100, 1_000, |_| "twin".into());
    let e = fake.client().api_by_name("twin").unwrap_err();
    assert_eq!(
        e,
        Error::ListingTooLong {
            operation: "GetApis",
            limit: 10_000
        }
    );
    assert_eq!(
        e.to_string(),
        "GetApis pagination stopped: the listing went past 10000 items, the most this call reads"
    );
    assert_eq!(fake.requests(), 100);
    // The same without any match.
    let fake = EndlessApis::named(100, 1_000, |i| format!("name-{i}"));
    let e = fake.client().api_by_name("twin").unwrap_err();
    assert!(matches!(e, Error::ListingTooLong { limit: 10_000, .. }), "{e:?}");
    assert_eq!(fake.requests(), 100);
    // The limit falls in the middle of a page: it still stops there.
    let fake = EndlessApis::named(300, 1_000, |i| format!("name-{i}"));
    let e = fake.client().api_by_name("name-3").unwrap_err();
    assert!(matches!(e, Error::ListingTooLong { limit: 10_000, .. }), "{e:?}");
    assert_eq!(fake.requests(), 34);
}

#[test]
fn api_by_name_reads_a_listing_of_exactly_its_limit_to_the_end() {
    // 100 full pages and no more: the one match, the very last API, is found.
    let fake = EndlessApis::named(100, 100, |i| {
        if i == 9_999 {
            "last".into()
        } else {
            format!("name-{i}")
        }
    });
    let api = fake.client().api_by_name("last").unwrap();
    assert_eq!(api.api_id.as_deref(), Some("id-9999"));
    assert_eq!(fake.requests(), 100);
    // One API more: past the limit, and the page that holds it is not fetched.
    let fake = EndlessApis::named(100, 101, |i| {
        if i == 9_999 {
            "last".into()
        } else {
            format!("name-{i}")
        }
    });
    let e = fake.client().api_by_name("last").unwrap_err();
    assert!(matches!(e, Error::ListingTooLong { limit: 10_000, .. }), "{e:?}");
    assert_eq!(fake.requests(), 100);
}

#[test]
fn api_by_name_lists_every_id_of_an_ambiguous_name_across_pages() {
    // Three APIs named alike, on three pages; every other name is unique.
    let fake = EndlessApis::named(10, 5, |i| {
        if [3, 17, 42].contains(&i) {
            "twin".into()
        } else {
            format!("name-{i}")
        }
    });
    match fake.client().api_by_name("twin") {
        Err(Error::ApiName { name, api_ids }) => {
            assert_eq!(
                (name.as_str(), api_ids),
                ("twin", vec!["id-3".to_owned(), "id-17".into(), "id-42".into()])
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.requests(), 5);
    let api = fake.client().api_by_name("name-41").unwrap();
    assert_eq!(api.api_id.as_deref(), Some("id-41"));
    match fake.client().api_by_name("nobody") {
        Err(Error::ApiName { name, api_ids }) => assert_eq!((name.as_str(), api_ids.len()), ("nobody", 0)),
        other => panic!("{other:?}"),
    }
}
