//! Every stage of every API, fetched by several worker threads at once: the same items in
//! the same order as one after the other, the same resume tokens after every item and
//! every failure, a read-ahead of exactly `parallelism` APIs and of one page per API, never
//! more requests in flight than the setting (counted by the service while it holds them),
//! no more workers than APIs nor than 64, and workers that stop and are joined when the
//! listing ends or is dropped.
//!
//! Most tests run against [`Fake`], an in-process service behind the client's `Transport`
//! that counts every request, can hold requests until the test releases them, and knows
//! APIs with thousands of pages. Nothing here orders threads by sleeping: the tests wait
//! for counters under a condition variable, with a deadline far beyond need ([`STUCK`]),
//! and where they must show that a request does *not* come, they watch for [`QUIET`] (a
//! bug shows at once; the watch only bounds how long the test looks).

mod common;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use apigwv2::retry::RetryConfig;
use apigwv2::testing::{Fault, LocalApiGateway, RecordingSleeper};
use apigwv2::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use apigwv2::unversioned::UreqTransport;
use apigwv2::{
    Api, ApiStage, Client, Credentials, Error, ProtocolType, Stage, TransportErrorKind, MAX_PARALLELISM,
};

/// Far beyond anything a test waits for: reached only when something is stuck.
const STUCK: Duration = Duration::from_secs(20);
/// How long a test watches for a request that must not come.
const QUIET: Duration = Duration::from_millis(300);
/// The pages (of one stage each) of a long API: a listing that fetched it whole before
/// yielding would make thousands of requests.
const LONG: usize = 5_000;
/// The name std gives the workers' threads, as Linux keeps it (15 bytes).
const WORKER_COMM: &str = "apigwv2-all-sta";

/// Every test takes this lock: some count the process's worker threads, which another
/// test's listing would add to.
static SERIAL: Mutex<()> = Mutex::new(());

/// Runs a test's body under [`SERIAL`], on a thread of its own, failing it if it has not
/// ended after three times [`STUCK`]: a listing that hangs fails its test, and only its
/// test (the lock is released).
fn bounded(body: impl FnOnce() + Send + 'static) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (tx, rx) = mpsc::channel();
    let test = std::thread::spawn(move || {
        body();
        let _ = tx.send(());
    });
    match rx.recv_timeout(3 * STUCK) {
        Ok(()) => {}
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = test.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the test is stuck"),
    }
}

// ---------------------------------------------------------------------------------------
// The fake service.

/// One request, as the fake understood it: a page of APIs, or a page of one API's stages
/// (pages counted from 0).
#[derive(Debug, Clone, PartialEq)]
enum Call {
    Apis(usize),
    Stages(String, usize),
}

impl Call {
    fn is_stages(&self) -> bool {
        matches!(self, Call::Stages(..))
    }
}

/// What the fake does wrong on purpose.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bad {
    /// 500 `InternalServerException`.
    Status500,
    /// Its `nextToken` is the one of the page before (for a stages page after the first).
    RepeatToken,
    /// No stages, and the request's own token as `nextToken`.
    EmptyRepeat,
    /// The transport panics.
    Panic,
}

type Rule = Arc<dyn Fn(&Call) -> bool + Send + Sync>;
type Faults = Arc<dyn Fn(&Call) -> Option<Bad> + Send + Sync>;

#[derive(Debug, Clone)]
struct FakeApi {
    id: String,
    stages: usize,
    per_page: usize,
}

#[derive(Default)]
struct Counts {
    requests: usize,
    apis_pages: usize,
    stages_pages: HashMap<String, usize>,
    in_flight: usize,
    max_in_flight: usize,
    /// Requests held right now.
    held: usize,
    /// While set, requests it matches wait until it is cleared or changed.
    hold: Option<Rule>,
}

impl Counts {
    fn pages_of(&self, api: &str) -> usize {
        self.stages_pages.get(api).copied().unwrap_or(0)
    }
}

struct FakeInner {
    apis: Vec<FakeApi>,
    apis_per_page: usize,
    faults: Option<Faults>,
    counts: Mutex<Counts>,
    changed: Condvar,
    /// Worker threads alive that sent a request through this fake.
    live_workers: Arc<AtomicUsize>,
}

/// An in-process GetApis and GetStages service behind the client's transport.
#[derive(Clone)]
struct Fake(Arc<FakeInner>);

impl std::fmt::Debug for Fake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fake")
    }
}

thread_local! {
    /// Set on a worker thread's first request; its drop, when the thread exits (before a
    /// join of it returns), counts the worker out.
    static LIVE: RefCell<Option<LiveGuard>> = const { RefCell::new(None) };
}

struct LiveGuard(Arc<AtomicUsize>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn count_in_worker(counter: &Arc<AtomicUsize>) {
    let is_worker = std::thread::current()
        .name()
        .is_some_and(|n| n.starts_with("apigwv2-all-stages"));
    if !is_worker {
        return;
    }
    LIVE.with(|l| {
        let mut l = l.borrow_mut();
        if l.is_none() {
            counter.fetch_add(1, Ordering::SeqCst);
            *l = Some(LiveGuard(Arc::clone(counter)));
        }
    });
}

impl Fake {
    /// APIs `(id, stages, stages per page)`, `apis_per_page` to a GetApis page.
    fn new(apis: &[(&str, usize, usize)], apis_per_page: usize) -> Self {
        Self::build(apis, apis_per_page, None)
    }

    fn with_faults(
        apis: &[(&str, usize, usize)],
        apis_per_page: usize,
        faults: impl Fn(&Call) -> Option<Bad> + Send + Sync + 'static,
    ) -> Self {
        Self::build(apis, apis_per_page, Some(Arc::new(faults)))
    }

    fn build(apis: &[(&str, usize, usize)], apis_per_page: usize, faults: Option<Faults>) -> Self {
        Self(Arc::new(FakeInner {
            apis: apis
                .iter()
                .map(|&(id, stages, per_page)| FakeApi {
                    id: id.to_owned(),
                    stages,
                    per_page,
                })
                .collect(),
            apis_per_page,
            faults,
            counts: Mutex::default(),
            changed: Condvar::new(),
            live_workers: Arc::default(),
        }))
    }

    /// `n` APIs `api-00` .. with `stages` stages each, `per_page` to a page; every API in
    /// one GetApis page.
    fn uniform(n: usize, stages: usize, per_page: usize) -> Self {
        let ids: Vec<String> = (0..n).map(|i| format!("api-{i:02}")).collect();
        let apis: Vec<(&str, usize, usize)> = ids.iter().map(|id| (id.as_str(), stages, per_page)).collect();
        Self::new(&apis, n.max(1))
    }

    fn client(&self) -> Client {
        Client::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKIDFAKE", "fake-secret", None::<String>))
            .endpoint_url("http://127.0.0.1:9")
            .retry_config(RetryConfig::disabled())
            .transport(self.clone())
            .build()
            .unwrap()
    }

    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.0.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn live_workers(&self) -> usize {
        self.0.live_workers.load(Ordering::SeqCst)
    }

    /// Holds every request `rule` matches until [`Fake::release`].
    fn hold(&self, rule: impl Fn(&Call) -> bool + Send + Sync + 'static) {
        self.counts().hold = Some(Arc::new(rule));
        self.0.changed.notify_all();
    }

    fn release(&self) {
        self.counts().hold = None;
        self.0.changed.notify_all();
    }

    /// Waits until `done` holds of the counts (failing after [`STUCK`]).
    fn until(&self, what: &str, done: impl Fn(&Counts) -> bool) {
        let c = self.counts();
        let (c, _) = self
            .0
            .changed
            .wait_timeout_while(c, STUCK, |c| !done(c))
            .unwrap_or_else(|p| p.into_inner());
        assert!(done(&c), "never: {what} ({} requests)", c.requests);
    }

    /// Watches for [`QUIET`] that no request arrives; the request count.
    fn no_request_for_a_while(&self, why: &str) -> usize {
        let c = self.counts();
        let n = c.requests;
        let (c, _) = self
            .0
            .changed
            .wait_timeout_while(c, QUIET, |c| c.requests == n)
            .unwrap_or_else(|p| p.into_inner());
        assert_eq!(c.requests, n, "a request came: {why}");
        n
    }

    fn answer(&self, call: &Call, bad: Option<Bad>) -> HttpResponse {
        if bad == Some(Bad::Status500) {
            return HttpResponse::new(
                500,
                vec![("x-amzn-ErrorType".into(), "InternalServerException".into())],
                br#"{"message":"boom"}"#.to_vec(),
            );
        }
        let (items, next) = match call {
            Call::Apis(page) => {
                let per = self.0.apis_per_page;
                let start = (page * per).min(self.0.apis.len());
                let end = (start + per).min(self.0.apis.len());
                let items: Vec<String> = self.0.apis[start..end]
                    .iter()
                    .map(|a| {
                        format!(
                            r#"{{"apiId":"{0}","name":"name-{0}","protocolType":"HTTP","routeSelectionExpression":"$request.method $request.path"}}"#,
                            a.id
                        )
                    })
                    .collect();
                let next = (end < self.0.apis.len()).then(|| format!("a{}", page + 1));
                (items, next)
            }
            Call::Stages(api, page) => {
                let Some(api) = self.0.apis.iter().find(|a| &a.id == api) else {
                    return HttpResponse::new(
                        404,
                        vec![("x-amzn-ErrorType".into(), "NotFoundException".into())],
                        br#"{"message":"no such API"}"#.to_vec(),
                    );
                };
                let start = (page * api.per_page).min(api.stages);
                let end = (start + api.per_page).min(api.stages);
                let items = (start..end)
                    .map(|i| format!(r#"{{"stageName":"s{i}"}}"#))
                    .collect();
                let next = match bad {
                    Some(Bad::RepeatToken) => Some(format!("s{page}")),
                    Some(Bad::EmptyRepeat) => {
                        let next = format!(r#","nextToken":"s{page}""#);
                        return HttpResponse::new(
                            200,
                            vec![("content-type".into(), "application/json".into())],
                            format!(r#"{{"items":[]{next}}}"#).into_bytes(),
                        );
                    }
                    _ => (end < api.stages).then(|| format!("s{}", page + 1)),
                };
                (items, next)
            }
        };
        let next = next.map_or(String::new(), |t| format!(r#","nextToken":"{t}""#));
        let body = format!(r#"{{"items":[{}]{next}}}"#, items.join(","));
        HttpResponse::new(
            200,
            vec![("content-type".into(), "application/json".into())],
            body.into_bytes(),
        )
    }
}

fn parse_call(url: &str) -> Call {
    let at = url.find("/v2/apis").expect("a /v2/apis URL");
    let rest = &url[at + "/v2/apis".len()..];
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let page = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("nextToken="))
        .map_or(0, |t| t[1..].parse::<usize>().expect("a token of this fake"));
    if path.is_empty() {
        return Call::Apis(page);
    }
    let api = path
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix("/stages"))
        .expect("a GetStages path");
    Call::Stages(api.to_owned(), page)
}

impl Transport for Fake {
    fn send(&self, request: &HttpRequest, _max: u64) -> Result<HttpResponse, TransportError> {
        count_in_worker(&self.0.live_workers);
        let call = parse_call(&request.url);
        let mut c = self.counts();
        c.requests += 1;
        match &call {
            Call::Apis(_) => c.apis_pages += 1,
            Call::Stages(api, _) => *c.stages_pages.entry(api.clone()).or_default() += 1,
        }
        c.in_flight += 1;
        c.max_in_flight = c.max_in_flight.max(c.in_flight);
        self.0.changed.notify_all();
        while c.hold.as_ref().is_some_and(|h| h(&call)) {
            c.held += 1;
            self.0.changed.notify_all();
            c = self.0.changed.wait(c).unwrap_or_else(|p| p.into_inner());
            c.held -= 1;
        }
        drop(c);
        let bad = self.0.faults.as_ref().and_then(|f| f(&call));
        let response = (bad != Some(Bad::Panic)).then(|| self.answer(&call, bad));
        self.counts().in_flight -= 1;
        self.0.changed.notify_all();
        match response {
            Some(r) => Ok(r),
            None => panic!("the fake transport panics on {call:?}, on purpose"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Helpers.

/// The worker threads of this process, by the name Linux keeps.
#[cfg(target_os = "linux")]
fn worker_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(Result::ok)
        .filter(|t| std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.trim_end() == WORKER_COMM))
        .count()
}

/// The ids of this process's threads.
#[cfg(target_os = "linux")]
fn thread_ids() -> std::collections::HashSet<String> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(Result::ok)
        .map(|t| t.file_name().to_string_lossy().into_owned())
        .collect()
}

/// The threads started since `before` by this thread (still carrying its name, as a new
/// thread does until it first runs) or named as workers: the workers this thread started,
/// whether the scheduler ran them yet or not.
#[cfg(target_os = "linux")]
fn workers_started_since(before: &std::collections::HashSet<String>) -> usize {
    let comm = |id: &str| {
        std::fs::read_to_string(format!("/proc/self/task/{id}/comm"))
            .map(|c| c.trim_end().to_owned())
            .unwrap_or_default()
    };
    let mine = std::fs::read_to_string("/proc/thread-self/comm").expect("/proc/thread-self/comm");
    let mine = mine.trim_end();
    thread_ids()
        .difference(before)
        .filter(|id| {
            let c = comm(id);
            c == WORKER_COMM || c == mine
        })
        .count()
}

/// Waits until no worker thread is left. A joined thread leaves `/proc` a moment after
/// its join returns, so this waits (yielding, up to [`STUCK`]).
#[cfg(target_os = "linux")]
fn until_no_worker_thread() {
    let until = Instant::now() + STUCK;
    while worker_threads() != 0 {
        assert!(Instant::now() < until, "{} worker threads left", worker_threads());
        std::thread::yield_now();
    }
}

/// Runs `f` on a thread; its result comes through the channel.
fn on_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> mpsc::Receiver<R> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx
}

fn label(s: Result<ApiStage, Error>) -> String {
    match s {
        Ok(s) => format!("{}/{}", s.api_id, s.stage.stage_name),
        Err(Error::InApi { api_id, source }) => {
            let why = match *source {
                Error::Service { details } => format!("HTTP {}", details.status),
                Error::RepeatedToken { .. } => "repeated token".into(),
                Error::Transport {
                    kind: TransportErrorKind::Other,
                    message,
                    ..
                } => message,
                other => panic!("{other:?}"),
            };
            format!("{api_id}/ERROR {why}")
        }
        Err(Error::Service { details }) => format!("LISTING FAILED {}", details.status),
        Err(e) => panic!("{e:?}"),
    }
}

/// Every item's label with the resume token right after it; the token before the first
/// and after the end too.
fn walk(client: &Client, p: usize) -> Vec<(String, Option<String>)> {
    walk_from(client, p, None)
}

/// As [`walk`], from a starting token.
fn walk_from(client: &Client, p: usize, token: Option<&str>) -> Vec<(String, Option<String>)> {
    let mut it = client.all_stages().parallelism(p);
    if let Some(t) = token {
        it = it.starting_token(t);
    }
    let mut out = vec![("(start)".to_owned(), it.resume_token())];
    while let Some(item) = it.next() {
        out.push((label(item), it.resume_token()));
    }
    out.push(("(end)".to_owned(), it.resume_token()));
    out
}

fn labels(it: impl Iterator<Item = Result<ApiStage, Error>>) -> Vec<String> {
    it.map(label).collect()
}

/// APIs `api-00` .. with `i % 4` stages each, on LocalApiGateway.
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

// ---------------------------------------------------------------------------------------
// Order, resume tokens, failures.

#[test]
fn any_parallelism_yields_what_the_sequential_listing_yields() {
    bounded(|| {
        let gw = gateway(13);
        let client = common::client(&gw);
        let sequential = labels(client.all_stages().parallelism(1).page_size(2));
        assert_eq!(sequential.len(), 18);
        for p in [2, 3, 8, 32, 30_000] {
            for page_size in [1, 2, 100] {
                let got = labels(client.all_stages().parallelism(p).page_size(page_size));
                assert_eq!(got, sequential, "parallelism {p}, page size {page_size}");
            }
        }
    });
}

#[test]
fn parallel_resume_tokens_are_the_sequential_ones_and_continue_exactly() {
    bounded(|| {
        let gw = gateway(9);
        let client = common::client(&gw);
        for page_size in [1, 2, 3] {
            let all = labels(client.all_stages().parallelism(1).page_size(page_size));
            assert_eq!(all.len(), 12);
            for cut in 0..=all.len() {
                let token_after = |p: usize| {
                    let mut it = client.all_stages().parallelism(p).page_size(page_size);
                    let head = labels(it.by_ref().take(cut));
                    assert_eq!(head, all[..cut], "parallelism {p}");
                    it.resume_token()
                };
                let token = token_after(1);
                for p in [2, 3, 8] {
                    assert_eq!(
                        token_after(p),
                        token,
                        "page size {page_size}, cut {cut}, parallelism {p}"
                    );
                }
                // Only a listing that has not begun has no token (after the last stage, it
                // points at api-08, which has none).
                let Some(token) = token else {
                    assert_eq!(cut, 0, "page size {page_size}: no token after {cut} stages");
                    continue;
                };
                assert_ne!(cut, 0, "a token before anything was consumed");
                for p in [1, 4] {
                    let rest = labels(
                        client
                            .all_stages()
                            .parallelism(p)
                            .page_size(page_size)
                            .starting_token(token.clone()),
                    );
                    assert_eq!(
                        rest,
                        all[cut..],
                        "page size {page_size}, cut {cut}, resumed with {p}"
                    );
                }
            }
        }
    });
}

/// APIs for the failure walks: pages of 2, 1 and 3; a failure on a later page, one at
/// the first page, a repeated token after items, then one on an empty page, an API
/// without stages; GetApis pages of 2 APIs.
const FAILING: &[(&str, usize, usize)] = &[
    ("a", 3, 2),
    ("b", 5, 2),
    ("c", 0, 1),
    ("d", 4, 1),
    ("e", 2, 2),
    ("f", 7, 3),
    ("g", 1, 1),
    ("h", 6, 2),
];

fn failing_faults(call: &Call) -> Option<Bad> {
    match call {
        Call::Stages(api, 1) if api == "b" => Some(Bad::Status500),
        Call::Stages(api, 0) if api == "e" => Some(Bad::Status500),
        Call::Stages(api, 1) if api == "d" => Some(Bad::RepeatToken),
        Call::Stages(api, 2) if api == "h" => Some(Bad::EmptyRepeat),
        _ => None,
    }
}

#[test]
fn failures_come_in_their_place_with_the_sequential_resume_tokens() {
    bounded(|| {
        let fake = Fake::with_faults(FAILING, 2, failing_faults);
        let sequential = walk(&fake.client(), 1);
        let got: Vec<&str> = sequential.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            got,
            [
                "(start)",
                "a/s0",
                "a/s1",
                "a/s2",
                "b/s0",
                "b/s1",
                "b/ERROR HTTP 500",
                "d/s0",
                "d/s1",
                "d/ERROR repeated token",
                "e/ERROR HTTP 500",
                "f/s0",
                "f/s1",
                "f/s2",
                "f/s3",
                "f/s4",
                "f/s5",
                "f/s6",
                "g/s0",
                "h/s0",
                "h/s1",
                "h/s2",
                "h/s3",
                "h/ERROR repeated token",
                "(end)"
            ]
        );
        for p in [2, 3, 8] {
            assert_eq!(walk(&fake.client(), p), sequential, "parallelism {p}");
        }
        // From every token of the walk, both modes walk alike too.
        for (after, token) in &sequential {
            let Some(token) = token.as_deref() else {
                continue;
            };
            let from = walk_from(&fake.client(), 1, Some(token));
            for p in [2, 3] {
                assert_eq!(
                    walk_from(&fake.client(), p, Some(token)),
                    from,
                    "from after {after}, parallelism {p}"
                );
            }
        }
        // From h's third page (empty, and its token repeated): the failure at once, then the
        // end, since h had begun.
        let after_h3 = &sequential.iter().find(|(l, _)| l == "h/s3").unwrap().1;
        let from = walk_from(&fake.client(), 1, after_h3.as_deref());
        let got: Vec<&str> = from.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(got, ["(start)", "h/ERROR repeated token", "(end)"]);
        assert_eq!(from[1].1, None);
        // After b's failure: b's second page; after d's repeated token: the next API (no
        // page to retry); after e's failure at its start: e's start.
        let clean = Fake::new(FAILING, 2);
        let all = labels(clean.client().all_stages().parallelism(1));
        for (after, resumes_at) in [
            ("b/ERROR HTTP 500", "b/s2"),
            ("d/ERROR repeated token", "e/s0"),
            ("e/ERROR HTTP 500", "e/s0"),
        ] {
            let token = sequential
                .iter()
                .find(|(l, _)| l == after)
                .unwrap()
                .1
                .clone()
                .unwrap();
            let from = all.iter().position(|l| l == resumes_at).unwrap();
            for p in [1, 3] {
                let rest = labels(
                    clean
                        .client()
                        .all_stages()
                        .parallelism(p)
                        .starting_token(token.clone()),
                );
                assert_eq!(rest, all[from..], "after {after}, parallelism {p}");
            }
        }
    });
}

#[test]
fn a_failure_to_list_the_apis_comes_after_the_apis_before_it_and_resumes_there() {
    bounded(|| {
        // The second GetApis page (APIs c and d) fails.
        let fake = Fake::with_faults(FAILING, 2, |call| {
            (*call == Call::Apis(1)).then_some(Bad::Status500)
        });
        let sequential = walk(&fake.client(), 1);
        let got: Vec<&str> = sequential.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            got,
            [
                "(start)",
                "a/s0",
                "a/s1",
                "a/s2",
                "b/s0",
                "b/s1",
                "b/s2",
                "b/s3",
                "b/s4",
                "LISTING FAILED 500",
                "(end)"
            ]
        );
        for p in [2, 3, 8] {
            assert_eq!(walk(&fake.client(), p), sequential, "parallelism {p}");
        }
        // The token after the failure is the failed page's: a working service continues there.
        let token = sequential[9].1.clone().expect("a token at the failed page");
        let clean = Fake::new(FAILING, 2);
        let all = labels(clean.client().all_stages().parallelism(1));
        for p in [1, 3] {
            let rest = labels(
                clean
                    .client()
                    .all_stages()
                    .parallelism(p)
                    .starting_token(token.clone()),
            );
            assert_eq!(rest, all[8..], "parallelism {p}");
        }
    });
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
    bounded(|| {
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
        let mut want = labels(ok_client.all_stages().parallelism(1));
        want.retain(|l| !l.starts_with("api-02/s1"));
        let i = want.iter().position(|l| l == "api-02/s0").unwrap();
        want[i] = "api-02/ERROR HTTP 500".into();
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
            let retried = labels(
                ok_client
                    .all_stages()
                    .parallelism(p)
                    .starting_token(resume_after_error.unwrap())
                    .take(2),
            );
            assert_eq!(retried, ["api-02/s0", "api-02/s1"], "parallelism {p}");
        }
    });
}

#[test]
fn a_worker_that_panics_fails_its_api_in_place_and_the_others_go_on() {
    bounded(|| {
        let apis = &[("a", 2, 1), ("b", 6, 2), ("c", 3, 1)];
        // b's second page panics the transport, in the worker that prefetches it.
        let fake = Fake::with_faults(apis, 3, |call| {
            (*call == Call::Stages("b".into(), 1)).then_some(Bad::Panic)
        });
        let client = fake.client();
        let listing = on_thread(move || {
            let mut it = client.all_stages().parallelism(3);
            let mut got = Vec::new();
            let mut token = None;
            while let Some(item) = it.next() {
                let failed = item.is_err();
                got.push(label(item));
                if failed {
                    token = it.resume_token();
                }
            }
            (got, token)
        });
        let (got, token) = listing.recv_timeout(STUCK).expect("the listing never ended");
        assert_eq!(
            got,
            [
                "a/s0",
                "a/s1",
                "b/s0",
                "b/s1",
                "b/ERROR the worker thread listing this API stopped",
                "c/s0",
                "c/s1",
                "c/s2"
            ]
        );
        // The token after the failure points after the last page handed over: b's second.
        let clean = Fake::new(apis, 3);
        let rest = labels(
            clean
                .client()
                .all_stages()
                .parallelism(1)
                .starting_token(token.unwrap()),
        );
        assert_eq!(rest, ["b/s2", "b/s3", "b/s4", "b/s5", "c/s0", "c/s1", "c/s2"]);
        assert_eq!(fake.live_workers(), 0);
    });
}

// ---------------------------------------------------------------------------------------
// Bounds: read-ahead, in flight, threads.

#[test]
fn exactly_parallelism_apis_are_dispatched_ahead_of_the_one_being_yielded() {
    bounded(|| {
        // One API per GetApis page: the listing's GetApis requests count the APIs it has
        // sent to the workers, on the calling thread, so they are exact after each item.
        let ids: Vec<String> = (0..12).map(|i| format!("api-{i:02}")).collect();
        let apis: Vec<(&str, usize, usize)> = ids.iter().map(|id| (id.as_str(), 1, 1)).collect();
        for p in [2, 3, 5] {
            let fake = Fake::new(&apis, 1);
            let client = fake.client();
            #[cfg(target_os = "linux")]
            let before = thread_ids();
            let mut it = client.all_stages().parallelism(p);
            for c in 1..=12 {
                assert_eq!(label(it.next().unwrap()), format!("api-{:02}/s0", c - 1));
                // While the c-th API is yielded, the p - 1 after it are fetched too.
                assert_eq!(
                    fake.counts().apis_pages,
                    (c + p - 1).min(12),
                    "parallelism {p}, item {c}"
                );
            }
            // Twelve APIs dispatched, p workers (some may not have run yet).
            #[cfg(target_os = "linux")]
            assert_eq!(workers_started_since(&before), p, "parallelism {p}");
            assert!(it.next().is_none());
            assert_eq!(fake.counts().apis_pages, 12);
            assert_eq!(fake.counts().requests, 24);
        }
        // Parallelism 1 is the calling thread's own work: no worker at all.
        let fake = Fake::new(&apis, 1);
        let client = fake.client();
        #[cfg(target_os = "linux")]
        let before = thread_ids();
        let mut it = client.all_stages().parallelism(1);
        assert_eq!(label(it.next().unwrap()), "api-00/s0");
        assert_eq!(fake.counts().apis_pages, 1);
        #[cfg(target_os = "linux")]
        assert_eq!(workers_started_since(&before), 0);
        assert_eq!(it.count(), 11);
    });
}

#[test]
fn a_long_api_yields_its_first_stage_after_a_page_and_is_fetched_one_page_ahead() {
    bounded(|| {
        let fake = Fake::new(
            &[("long-0", LONG, 1), ("long-1", LONG, 1), ("long-2", LONG, 1)],
            3,
        );
        let client = fake.client();
        let mut it = client.all_stages().parallelism(8);
        assert_eq!(label(it.next().unwrap()), "long-0/s0");
        // One GetApis page, and at most two pages of each API (its first and the next).
        {
            let c = fake.counts();
            assert!(
                c.pages_of("long-0") <= 2,
                "{} pages for the first stage",
                c.pages_of("long-0")
            );
            assert!(
                c.requests <= 1 + 2 + 1 + 1,
                "{} requests for the first stage",
                c.requests
            );
        }
        // The API being yielded is fetched one page ahead, the others wait with one page.
        fake.until("the first page of every API and long-0's second", |c| {
            c.pages_of("long-0") == 2 && c.pages_of("long-1") == 1 && c.pages_of("long-2") == 1
        });
        assert_eq!(fake.no_request_for_a_while("every worker has its page"), 5);
        for k in 2..=40 {
            assert_eq!(label(it.next().unwrap()), format!("long-0/s{}", k - 1));
            fake.until("the next page of long-0", |c| c.pages_of("long-0") == k + 1);
            let c = fake.counts();
            assert_eq!(
                (c.pages_of("long-1"), c.pages_of("long-2")),
                (1, 1),
                "after {k} stages"
            );
        }
        assert_eq!(fake.no_request_for_a_while("long-0 is one page ahead"), 44);
        // Dropped: the workers are joined, and no request comes after.
        on_thread(move || drop(it))
            .recv_timeout(STUCK)
            .expect("the drop never returned");
        assert_eq!(fake.live_workers(), 0);
        assert_eq!(fake.no_request_for_a_while("the listing was dropped"), 44);
    });
}

#[test]
fn the_first_stage_with_a_limit_of_one_returns_at_once_and_resumes_exactly() {
    bounded(|| {
        // What `apigwv2 --all-apis --max-items 1` does, against endless-looking APIs.
        let fake = Fake::new(&[("long-0", LONG, 1), ("long-1", LONG, 1)], 2);
        let client = fake.client();
        let done = on_thread(move || {
            let mut it = client.all_stages();
            let first = it.next().map(label);
            (first, it.resume_token())
        });
        let (first, token) = done.recv_timeout(STUCK).expect("the listing never returned");
        assert_eq!(first.as_deref(), Some("long-0/s0"));
        assert!(
            fake.counts().requests <= 1 + 2 + 1,
            "{} requests",
            fake.counts().requests
        );
        assert_eq!(fake.live_workers(), 0);
        let next = labels(fake.client().all_stages().starting_token(token.unwrap()).take(2));
        assert_eq!(next, ["long-0/s1", "long-0/s2"]);
    });
}

#[test]
fn dropping_the_listing_waits_for_a_request_in_flight_then_nothing_is_sent() {
    bounded(|| {
        let fake = Fake::new(&[("short", 2, 2), ("long-1", LONG, 1), ("long-2", LONG, 1)], 3);
        fake.hold(|call| *call == Call::Stages("long-1".into(), 0));
        let client = fake.client();
        let mut it = client.all_stages().parallelism(4);
        assert_eq!(label(it.next().unwrap()), "short/s0");
        fake.until("long-1's first page held and long-2's answered", |c| {
            c.held == 1 && c.pages_of("long-2") == 1 && c.in_flight == 1
        });
        let dropped = on_thread(move || drop(it));
        // The drop waits for the held request...
        assert_eq!(
            dropped.recv_timeout(QUIET),
            Err(mpsc::RecvTimeoutError::Timeout),
            "the drop returned while a worker was in a request"
        );
        fake.release();
        dropped.recv_timeout(STUCK).expect("the drop never returned");
        // ... and then no worker is left, and that worker sent nothing more.
        assert_eq!(fake.live_workers(), 0);
        let c = fake.counts();
        assert_eq!(
            (
                c.apis_pages,
                c.pages_of("short"),
                c.pages_of("long-1"),
                c.pages_of("long-2")
            ),
            (1, 1, 1, 1)
        );
        drop(c);
        assert_eq!(fake.no_request_for_a_while("after the drop"), 4);
    });
}

#[test]
fn take_one_then_drop_costs_a_bounded_number_of_requests_each_time() {
    bounded(|| {
        let mut b = LocalApiGateway::builder();
        for i in 0..20 {
            b = b.api(format!("api-{i:02}"), common::numbered(30));
        }
        let gw = b.start().unwrap();
        let client = common::client(&gw);
        for round in 0..30 {
            let before = gw.request_count();
            let mut it = client.all_stages().parallelism(8).page_size(1);
            assert_eq!(label(it.next().unwrap()), "api-00/stage-0000");
            drop(it);
            // At most: 8 GetApis pages of one API, the first API's first two pages, and the
            // first page of the 7 others.
            let cost = gw.request_count() - before;
            assert!(cost <= 8 + 2 + 7, "round {round}: {cost} requests");
        }
        #[cfg(target_os = "linux")]
        until_no_worker_thread();
    });
}

#[test]
fn never_more_requests_in_flight_than_the_setting_and_exactly_that_many_when_held() {
    bounded(|| {
        for p in [2, 4] {
            let fake = Fake::uniform(10, 3, 1);
            let want = labels(fake.client().all_stages().parallelism(1));
            let baseline = fake.counts().requests;
            fake.hold(Call::is_stages);
            let client = fake.client();
            let listing = on_thread(move || labels(client.all_stages().parallelism(p)));
            fake.until("every permit in a held request", |c| c.held == p);
            fake.no_request_for_a_while("all permits are taken");
            #[cfg(target_os = "linux")]
            assert_eq!(worker_threads(), p, "parallelism {p}");
            fake.release();
            let got = listing.recv_timeout(STUCK).expect("the listing never ended");
            assert_eq!(got, want, "parallelism {p}");
            let c = fake.counts();
            assert_eq!(c.max_in_flight, p, "parallelism {p}");
            assert_eq!(c.requests, 2 * baseline, "parallelism {p}");
            drop(c);
            assert_eq!(fake.live_workers(), 0);
        }
    });
}

#[test]
fn parallelism_is_capped_and_no_more_workers_start_than_there_are_apis() {
    bounded(|| {
        assert_eq!(MAX_PARALLELISM, 64);
        // Three APIs: three workers, however large the setting.
        let fake = Fake::uniform(3, 2, 1);
        fake.hold(Call::is_stages);
        let client = fake.client();
        let listing = on_thread(move || labels(client.all_stages().parallelism(30_000)));
        fake.until("one held request per API", |c| c.held == 3);
        fake.no_request_for_a_while("one worker per API");
        #[cfg(target_os = "linux")]
        assert_eq!(worker_threads(), 3);
        fake.release();
        assert_eq!(listing.recv_timeout(STUCK).expect("never ended").len(), 6);
        assert_eq!(fake.counts().max_in_flight, 3);
        // A hundred APIs: 64 workers and requests in flight at most.
        let fake = Fake::uniform(100, 1, 1);
        fake.hold(Call::is_stages);
        let client = fake.client();
        let listing = on_thread(move || labels(client.all_stages().parallelism(usize::MAX)));
        fake.until("64 held requests", |c| c.held == 64);
        fake.no_request_for_a_while("64 is the cap");
        #[cfg(target_os = "linux")]
        assert_eq!(worker_threads(), 64);
        fake.release();
        assert_eq!(listing.recv_timeout(STUCK).expect("never ended").len(), 100);
        assert_eq!(fake.counts().max_in_flight, 64);
        assert_eq!(fake.live_workers(), 0);
    });
}

#[test]
fn no_worker_is_left_once_the_listing_ends() {
    bounded(|| {
        for p in [2, 4, 8] {
            // More APIs than workers, and an idle worker for each API at the end.
            let fake = Fake::uniform(12, 2, 1);
            let client = fake.client();
            let listing = on_thread(move || {
                let mut it = client.all_stages().parallelism(p);
                let n = it.by_ref().count();
                // Ended, not dropped: the workers must be gone already.
                (n, it)
            });
            let (n, it) = listing.recv_timeout(STUCK).expect("the listing never ended");
            assert_eq!(n, 24);
            assert_eq!(fake.live_workers(), 0, "parallelism {p}");
            #[cfg(target_os = "linux")]
            until_no_worker_thread();
            drop(it);
        }
        // A failure to list the APIs ends the listing too.
        let fake = Fake::with_faults(FAILING, 2, |call| {
            (*call == Call::Apis(2)).then_some(Bad::Status500)
        });
        let client = fake.client();
        let listing = on_thread(move || {
            let mut it = client.all_stages().parallelism(3);
            let got = labels(it.by_ref());
            (got, it)
        });
        let (got, it) = listing.recv_timeout(STUCK).expect("the listing never ended");
        assert_eq!(got.last().map(String::as_str), Some("LISTING FAILED 500"));
        assert_eq!(fake.live_workers(), 0);
        #[cfg(target_os = "linux")]
        until_no_worker_thread();
        drop(it);
    });
}

#[test]
fn throttling_every_fourth_request_loses_and_repeats_nothing() {
    bounded(|| {
        let gw = gateway(40);
        let want = labels(common::client(&gw).all_stages().parallelism(1));
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
        let got = labels(client.all_stages().parallelism(8).page_size(2));
        assert_eq!(got, want);
        assert!(!sleeper.sleeps().is_empty(), "no request was throttled");
    });
}
