//! Lazy pagination against LocalApiGateway: order, completeness, laziness, limits, resume
//! tokens and loop protection.

mod common;

use apigwv2::testing::Fault;
use apigwv2::{Error, GetStagesRequest};
use common::{client, gateway, names, numbered};

#[test]
fn empty_api_yields_nothing_with_one_request() {
    let gw = gateway("empty", vec![]);
    let c = client(&gw);
    let mut it = c.stages("empty");
    assert!(it.next().is_none());
    assert!(it.next().is_none());
    assert_eq!(gw.request_count(), 1);
    assert_eq!(it.resume_token(), None);
}

#[test]
fn one_stage() {
    let gw = gateway("one", numbered(1));
    assert_eq!(names(client(&gw).stages("one")).unwrap(), ["stage-0000"]);
}

#[test]
fn thousand_stages_in_pages_of_seven_arrive_once_in_order() {
    let all = numbered(1000);
    let gw = gateway("big", all.clone());
    let c = client(&gw);
    let mut it = c.stages("big").page_size(7);
    let got = names(&mut it).unwrap();
    let want: Vec<String> = all.iter().map(|s| s.stage_name.clone()).collect();
    assert_eq!(got, want);
    assert_eq!(gw.request_count(), 143);
    assert_eq!(
        gw.connection_count(),
        1,
        "one keep-alive connection for every page"
    );
    assert_eq!(it.pages_fetched(), 143);
    assert_eq!(it.resume_token(), None);
    let reqs = gw.requests();
    assert!(reqs
        .iter()
        .all(|r| r.query_param("maxResults").as_deref() == Some("7")));
    assert_eq!(reqs[0].query_param("nextToken"), None);
    // Every later request carries the previous page's token, percent-encoded on the wire.
    assert!(reqs[1..]
        .iter()
        .all(|r| r.query.contains("nextToken=") && r.query.contains("%2B")));
}

#[test]
fn pages_iterator_yields_whole_pages() {
    let gw = gateway("p", numbered(10));
    let c = client(&gw);
    let pages: Vec<_> = c
        .stages("p")
        .page_size(4)
        .pages()
        .collect::<Result<_, _>>()
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, [4, 4, 2]);
    assert!(pages[0].next_token.is_some() && pages[2].next_token.is_none());
}

#[test]
fn consuming_three_stages_of_a_three_page_listing_makes_one_request() {
    let gw = gateway("lazy", numbered(9));
    let c = client(&gw);
    let mut it = c.stages("lazy").page_size(3);
    assert_eq!(gw.request_count(), 0, "nothing is sent before the first next()");
    let first: Vec<_> = it.by_ref().take(3).collect::<Result<_, _>>().unwrap();
    assert_eq!(first.len(), 3);
    assert_eq!(gw.request_count(), 1);
    it.next().unwrap().unwrap();
    assert_eq!(gw.request_count(), 2);
}

#[test]
fn max_items_stops_early_and_resumes_exactly_mid_page() {
    let all = numbered(20);
    let want: Vec<String> = all.iter().map(|s| s.stage_name.clone()).collect();
    let gw = gateway("r", all);
    let c = client(&gw);
    for page_size in [1u32, 3, 7, 20, 50] {
        for limit in 0..=21usize {
            gw.clear_requests();
            let mut first = c.stages("r").page_size(page_size).max_items(limit);
            let head = names(&mut first).unwrap();
            assert_eq!(head, want[..limit.min(20)], "page {page_size} limit {limit}");
            let pages_needed = limit
                .div_ceil(page_size as usize)
                .max(if limit == 0 { 0 } else { 1 });
            assert_eq!(
                gw.request_count(),
                pages_needed.min(20usize.div_ceil(page_size as usize)),
                "page {page_size} limit {limit}"
            );
            let token = first.resume_token().map(str::to_owned);
            let tail = match token {
                Some(t) => names(c.stages("r").page_size(page_size).starting_token(t)).unwrap(),
                None if limit == 0 => names(c.stages("r").page_size(page_size)).unwrap(),
                None => vec![],
            };
            let mut joined = head.clone();
            joined.extend(tail);
            assert_eq!(
                joined, want,
                "page {page_size} limit {limit}: lost or repeated items"
            );
        }
    }
}

#[test]
fn resume_token_after_each_item_continues_exactly_even_with_another_page_size() {
    let all = numbered(11);
    let want: Vec<String> = all.iter().map(|s| s.stage_name.clone()).collect();
    let gw = gateway("x", all);
    let c = client(&gw);
    let mut it = c.stages("x").page_size(4);
    let mut seen = Vec::new();
    while let Some(stage) = it.next() {
        seen.push(stage.unwrap().stage_name);
        match it.resume_token() {
            Some(token) => {
                let rest = names(c.stages("x").page_size(3).starting_token(token)).unwrap();
                assert_eq!(
                    rest,
                    want[seen.len()..],
                    "after {} items, token {token}",
                    seen.len()
                );
            }
            None => assert_eq!(seen.len(), 11),
        }
    }
    assert_eq!(seen, want);
}

#[test]
fn pages_with_max_items_cut_the_last_page_and_carry_the_resume_token() {
    let gw = gateway("m", numbered(10));
    let c = client(&gw);
    let pages: Vec<_> = c
        .stages("m")
        .page_size(4)
        .max_items(6)
        .pages()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [4, 2]);
    let token = pages[1].next_token.clone().unwrap();
    assert!(token.starts_with("apigwv2:skip=2:"), "{token}");
    let rest = names(c.stages("m").starting_token(token)).unwrap();
    assert_eq!(rest, ["stage-0006", "stage-0007", "stage-0008", "stage-0009"]);
}

#[test]
fn starting_token_from_a_service_page() {
    let gw = gateway("s", numbered(5));
    let c = client(&gw);
    let page = c.get_stages(&GetStagesRequest::new("s").max_results(2)).unwrap();
    let token = page.next_token.unwrap();
    let rest = names(c.stages("s").starting_token(token)).unwrap();
    assert_eq!(rest, ["stage-0002", "stage-0003", "stage-0004"]);
}

#[test]
fn repeated_token_a_a_is_an_error_not_a_loop() {
    let gw = gateway("loop", numbered(10));
    let c = client(&gw);
    gw.inject(Fault::Normal); // page 1
    gw.inject(Fault::RepeatToken); // page 2 answers with its own token again
    let mut it = c.stages("loop").page_size(2);
    let mut yielded = Vec::new();
    let err = loop {
        match it.next() {
            Some(Ok(s)) => yielded.push(s.stage_name),
            Some(Err(e)) => break e,
            None => panic!("listing ended without an error"),
        }
    };
    assert!(matches!(err, Error::RepeatedToken { pages: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("already returned"), "{err}");
    assert_eq!(yielded.len(), 4, "the items of both pages are still yielded once");
    assert!(it.next().is_none(), "fused after the error");
    assert_eq!(gw.request_count(), 2);
}

#[test]
fn repeated_token_a_b_a_is_an_error_not_a_loop() {
    let gw = gateway("aba", numbered(10));
    let c = client(&gw);
    let first = c
        .get_stages(&GetStagesRequest::new("aba").max_results(2))
        .unwrap();
    let token_a = first.next_token.unwrap();
    gw.clear_requests();
    gw.inject(Fault::Normal);
    gw.inject(Fault::Normal);
    gw.inject(Fault::NextToken(token_a));
    let mut it = c.stages("aba").page_size(2);
    let result = names(&mut it);
    assert!(
        matches!(result, Err(Error::RepeatedToken { pages: 3, .. })),
        "{result:?}"
    );
    assert_eq!(gw.request_count(), 3);
    assert!(it.next().is_none());
}

#[test]
fn empty_next_token_ends_the_listing() {
    let gw = gateway("e", numbered(6));
    let c = client(&gw);
    gw.inject(Fault::NextToken(String::new()));
    assert_eq!(names(c.stages("e").page_size(2)).unwrap().len(), 2);
    assert_eq!(gw.request_count(), 1);
}

#[test]
fn a_page_with_no_items_but_a_token_is_followed() {
    let gw = gateway("hole", numbered(4));
    let c = client(&gw);
    let token = c
        .get_stages(&GetStagesRequest::new("hole").max_results(2))
        .unwrap()
        .next_token
        .unwrap();
    gw.clear_requests();
    gw.inject(Fault::CustomResponse(
        200,
        format!(
            r#"{{"items":[],"nextToken":{}}}"#,
            serde_json::to_string(&token).unwrap()
        ),
    ));
    let got = names(c.stages("hole").page_size(2)).unwrap();
    assert_eq!(got, ["stage-0002", "stage-0003"]);
    assert_eq!(gw.request_count(), 2);
}

#[test]
fn page_size_zero_and_bad_tokens_fail_before_sending() {
    let gw = gateway("v", numbered(3));
    let c = client(&gw);
    let mut it = c.stages("v").page_size(0);
    assert!(matches!(
        it.next(),
        Some(Err(Error::InvalidInput {
            field: "page_size",
            ..
        }))
    ));
    assert!(it.next().is_none());
    let mut it = c.stages("v").starting_token("apigwv2:skip=x:abc");
    assert!(matches!(
        it.next(),
        Some(Err(Error::InvalidInput {
            field: "starting_token",
            ..
        }))
    ));
    let mut it = c.stages("v").starting_token("tok\u{7}");
    assert!(matches!(it.next(), Some(Err(Error::InvalidInput { .. }))));
    assert_eq!(gw.request_count(), 0);
}

#[test]
fn failed_page_fuses_and_offers_its_token_to_resume() {
    let gw = gateway("f", numbered(6));
    let c = client(&gw);
    let mut it = c.stages("f").page_size(2);
    assert_eq!(it.by_ref().take(2).count(), 2);
    gw.inject(Fault::ServerError(500));
    let err = it.next().unwrap().unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(it.next().is_none());
    let token = it.resume_token().unwrap().to_owned();
    assert_eq!(
        names(c.stages("f").page_size(2).starting_token(token)).unwrap(),
        ["stage-0002", "stage-0003", "stage-0004", "stage-0005"]
    );
}

#[test]
fn clones_share_one_client_across_threads() {
    let gw = gateway("t", numbered(30));
    let c = client(&gw);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || names(c.stages("t").page_size(4)).unwrap())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().len(), 30);
    }
    assert_eq!(gw.request_count(), 4 * 8);
    assert!(
        gw.connection_count() <= 4,
        "connections are pooled, not opened per request"
    );
}
