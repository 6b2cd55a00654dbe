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
    assert_eq!(pages[2].next_token, None);
    // Each page's token is the one the next request carried.
    let reqs = gw.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].query_param("nextToken"), None);
    for i in 0..2 {
        assert!(pages[i].next_token.is_some(), "page {i}");
        assert_eq!(
            reqs[i + 1].query_param("nextToken"),
            pages[i].next_token,
            "page {i}"
        );
    }
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
            let token = first.resume_token();
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
                let rest = names(c.stages("x").page_size(3).starting_token(token.clone())).unwrap();
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
    assert!(matches!(
        it.next(),
        Some(Err(Error::InvalidInput {
            field: "starting_token",
            ..
        }))
    ));
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

// Resume arithmetic. A resume token `apigwv2:skip=N:TOKEN` may point past the first page
// the service returns (a token saved with a large page size, resumed with a small one), and
// a listing resumed from one may itself stop early and hand out a new token. Each test below
// names the mistake in that arithmetic it exists to catch.

/// The stage names `from..to` of `numbered`.
fn stage_names(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("stage-{i:04}")).collect()
}

#[test]
fn resume_token_skipping_whole_pages_loses_no_items() {
    // Skipping 5 items with pages of 2 passes over two whole pages (4 items), then drops
    // one item of the third: the remaining skip must shrink by each page passed over.
    let gw = gateway("skip", numbered(10));
    let c = client(&gw);
    let got = names(c.stages("skip").page_size(2).starting_token("apigwv2:skip=5:")).unwrap();
    assert_eq!(
        got,
        stage_names(5..10),
        "a skip larger than a page must count down across the pages it passes over"
    );
    assert_eq!(
        gw.request_count(),
        5,
        "pages 1-2 skipped, page 3 cut, pages 4-5 read"
    );
}

#[test]
fn resume_token_with_every_skip_and_page_size_gives_exactly_the_rest() {
    let gw = gateway("grid", numbered(12));
    let c = client(&gw);
    for page_size in [1u32, 2, 3, 5, 11, 12, 13] {
        for skip in 0..=13usize {
            let token = format!("apigwv2:skip={skip}:");
            let got = names(c.stages("grid").page_size(page_size).starting_token(&token)).unwrap();
            assert_eq!(
                got,
                stage_names(skip.min(12)..12),
                "page size {page_size}, resumed from {token}: lost or repeated items"
            );
        }
    }
}

/// Lists `api` as the CLI's documented loop does: `--max-items N`, then again with
/// `--starting-token` set to the token the previous run printed, until no token is left.
/// Returns every name yielded, in order, and the tokens handed out.
fn list_in_runs(
    c: &apigwv2::Client,
    api: &str,
    page_size: u32,
    max_items: usize,
    total: usize,
) -> (Vec<String>, Vec<String>) {
    let mut all = Vec::new();
    let mut tokens: Vec<String> = Vec::new();
    // Each run yields at least one item, so `total + 1` runs are enough; more is a loop.
    for _ in 0..=total {
        let mut run = c.stages(api).page_size(page_size).max_items(max_items);
        if let Some(t) = tokens.last() {
            run = run.starting_token(t.clone());
        }
        all.extend(names(&mut run).unwrap());
        match run.resume_token() {
            Some(t) => tokens.push(t.to_owned()),
            None => return (all, tokens),
        }
    }
    panic!("no end after {} runs; tokens handed out: {tokens:?}", total + 1);
}

#[test]
fn max_items_runs_chained_by_resume_tokens_visit_every_stage_once() {
    // With max_items smaller than what is left of a page, a run that started mid-page stops
    // mid-page again: its token must count the items the starting token skipped too.
    let gw = gateway("runs", numbered(10));
    let c = client(&gw);
    for (page_size, max_items) in [(4u32, 1usize), (5, 2), (3, 2), (10, 3), (4, 4), (1, 1)] {
        let (got, tokens) = list_in_runs(&c, "runs", page_size, max_items, 10);
        assert_eq!(
            got,
            stage_names(0..10),
            "page size {page_size}, max items {max_items}: a resumed run that stops early \
             must resume after its own last item (tokens {tokens:?})"
        );
    }
}

#[test]
fn resumed_listing_stopping_mid_page_hands_out_the_next_position() {
    let gw = gateway("next", numbered(10));
    let c = client(&gw);
    let mut run = c
        .stages("next")
        .page_size(4)
        .max_items(1)
        .starting_token("apigwv2:skip=2:");
    assert_eq!(names(&mut run).unwrap(), ["stage-0002"]);
    assert_eq!(
        run.resume_token().as_deref(),
        Some("apigwv2:skip=3:"),
        "skip 2 from the token plus the 1 item yielded"
    );
}

#[test]
fn resume_token_taken_mid_page_after_a_resume_counts_the_starting_skip() {
    let gw = gateway("mid", numbered(10));
    let c = client(&gw);
    let mut it = c.stages("mid").page_size(4).starting_token("apigwv2:skip=1:");
    assert_eq!(it.next().unwrap().unwrap().stage_name, "stage-0001");
    assert_eq!(
        it.resume_token().as_deref(),
        Some("apigwv2:skip=2:"),
        "the page was fetched with skip 1, and one more item was yielded from it"
    );
    // After every item, the token continues exactly after it.
    let mut seen = vec!["stage-0001".to_owned()];
    loop {
        let token = it.resume_token();
        let rest = match &token {
            Some(t) => names(c.stages("mid").page_size(3).starting_token(t.clone())).unwrap(),
            None => vec![],
        };
        assert_eq!(
            rest,
            stage_names(1 + seen.len()..10),
            "after {seen:?}, token {token:?}: lost or repeated items"
        );
        match it.next() {
            Some(s) => seen.push(s.unwrap().stage_name),
            None => break,
        }
    }
    assert_eq!(seen, stage_names(1..10));
}

#[test]
fn a_service_answering_with_the_starting_token_is_a_repeat() {
    let gw = gateway("echo", numbered(6));
    let c = client(&gw);
    let token = c
        .get_stages(&GetStagesRequest::new("echo").max_results(2))
        .unwrap()
        .next_token
        .unwrap();
    for start in [token.clone(), format!("apigwv2:skip=1:{token}")] {
        gw.clear_requests();
        gw.inject(Fault::RepeatToken); // answers the starting token's page with that token
        let mut it = c.stages("echo").page_size(2).starting_token(start.clone());
        let mut yielded = Vec::new();
        let err = loop {
            match it.next() {
                Some(Ok(s)) => yielded.push(s.stage_name),
                Some(Err(e)) => break e,
                None => panic!(
                    "from {start}: a page whose nextToken is the starting token was followed \
                     (the starting token must count as seen); yielded {yielded:?}"
                ),
            }
        };
        assert!(
            matches!(err, Error::RepeatedToken { pages: 1, .. }),
            "from {start}: {err:?}"
        );
        assert_eq!(gw.request_count(), 1, "from {start}");
        assert!(it.next().is_none());
    }
}

#[test]
fn debug_shows_the_listing_progress_and_no_secret() {
    let gw = gateway("dbg", numbered(5));
    let c = client(&gw);
    let mut it = c.stages("dbg").page_size(2).max_items(3);
    assert_eq!(it.by_ref().take(1).count(), 1);
    assert_eq!(
        format!("{it:?}"),
        "Paginator { pages: Pages { page_size: Some(2), max_items: Some(3), pages_fetched: 1, \
         items_yielded: 2, done: false, .. }, buffered: 1 }"
    );
    // The rest: the second page is cut to the one item max_items leaves room for.
    assert_eq!(it.by_ref().count(), 2);
    assert_eq!(
        format!("{:?}", it),
        "Paginator { pages: Pages { page_size: Some(2), max_items: Some(3), pages_fetched: 2, \
         items_yielded: 3, done: true, .. }, buffered: 0 }"
    );
    let secret = gw.credentials().secret_access_key().to_owned();
    assert!(!format!("{it:?}").contains(&secret));
}

#[test]
fn max_items_ending_on_a_page_boundary_hands_out_the_service_token_or_none() {
    let gw = gateway("edge", numbered(4));
    let c = client(&gw);
    // The limit ends exactly with the first page: the token is the service's own.
    let mut it = c.stages("edge").page_size(2).max_items(2);
    assert_eq!(names(&mut it).unwrap(), stage_names(0..2));
    let token = it.resume_token().unwrap().to_owned();
    assert!(
        !token.starts_with("apigwv2:"),
        "a page boundary, not a skip: {token}"
    );
    assert_eq!(
        names(c.stages("edge").starting_token(token)).unwrap(),
        stage_names(2..4)
    );
    // The limit ends exactly with the last page: nothing is left, so there is no token.
    for (page_size, max_items) in [(2u32, 4usize), (4, 4), (3, 4)] {
        let mut it = c.stages("edge").page_size(page_size).max_items(max_items);
        assert_eq!(names(&mut it).unwrap(), stage_names(0..4));
        assert_eq!(
            it.resume_token(),
            None,
            "page size {page_size}, max items {max_items}: the listing is complete"
        );
    }
}

/// One kind of token per place: a page cut by `max_items` carries this crate's resume token
/// in `next_token`, and `get_stages` (like `get_apis`) accepts it, skipping what it says;
/// a skip past the page carries over into the next page's token.
#[test]
fn a_pages_next_token_is_always_accepted_back() {
    let gw = gateway("t", numbered(10));
    let c = client(&gw);
    let page = c
        .stages("t")
        .page_size(4)
        .max_items(2)
        .pages()
        .next()
        .unwrap()
        .unwrap();
    let token = page.next_token.unwrap();
    assert_eq!(token, "apigwv2:skip=2:");
    let rest = c
        .get_stages(
            &apigwv2::GetStagesRequest::new("t")
                .max_results(4)
                .next_token(token),
        )
        .unwrap();
    let names: Vec<String> = rest.items.into_iter().map(|s| s.stage_name).collect();
    assert_eq!(names, ["stage-0002", "stage-0003"]);
    // The service was sent its own token, never ours.
    assert!(gw.requests().iter().all(|r| !r.query.contains("apigwv2")));
    // A skip longer than the page: an empty page whose token skips the rest.
    let far = c
        .get_stages(
            &apigwv2::GetStagesRequest::new("t")
                .max_results(4)
                .next_token("apigwv2:skip=6:"),
        )
        .unwrap();
    assert!(far.items.is_empty());
    let next = far.next_token.unwrap();
    assert!(next.starts_with("apigwv2:skip=2:"), "{next}");
    let after = c
        .get_stages(
            &apigwv2::GetStagesRequest::new("t")
                .max_results(4)
                .next_token(next),
        )
        .unwrap();
    assert_eq!(after.items[0].stage_name, "stage-0006");
}
