//! [`LocalApiGateway`]: an in-process fake of the service's GetStages on 127.0.0.1.

use std::collections::{BTreeMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

use super::http::{self, Request};
use crate::client::SIGNING_NAME;
use crate::sigv4::{self, percent_decode, SignableRequest, SigningParams};
use crate::transport::find_header;
use crate::{Client, Credentials, Stage};

/// The largest `maxResults` the local endpoint accepts.
pub const MAX_PAGE_SIZE: u32 = 500;
/// The page size the local endpoint uses when a request gives no `maxResults`.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// How far a request's `x-amz-date` may be from the server's clock, as on AWS.
const MAX_SKEW: Duration = Duration::from_secs(5 * 60);
/// How long an idle keep-alive connection is kept open.
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// A failure the local endpoint produces on purpose, for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// No fault: answers normally (a placeholder in a sequence of faults).
    Normal,
    /// 429 `TooManyRequestsException` with `limitType` `"Rate"`.
    Throttle,
    /// 429 `TooManyRequestsException` with a `Retry-After` header of this many seconds.
    ThrottleRetryAfter(u64),
    /// A JSON error with this status (e.g. 500, 503) and code `InternalServerException` (or
    /// `ServiceUnavailableException` for 503).
    ServerError(u16),
    /// An HTML error page with this status and no AWS headers, as a proxy or load balancer
    /// sends.
    HtmlError(u16),
    /// Closes the connection without answering.
    DropConnection,
    /// Answers 200 with the full `Content-Length` but only half the body, then closes.
    TruncateBody,
    /// Answers 200 with a body that is not JSON.
    BadJson,
    /// Answers normally, but with `nextToken` equal to the request's own token, which makes
    /// a naive paginator loop forever.
    RepeatToken,
    /// Answers normally, but with this `nextToken`.
    NextToken(String),
    /// Waits this long before answering normally.
    Delay(Duration),
    /// Answers with this status and JSON body, as if the service had sent it.
    CustomResponse(u16, String),
}

/// One request as the local endpoint received it. Its `Debug` hides the values of
/// `authorization` and of every `*token` header.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The raw (percent-encoded) path.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// The headers as received.
    pub headers: Vec<(String, String)>,
    /// The status the endpoint answered with (0 when it dropped the connection).
    pub status: u16,
}

impl std::fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &crate::redact::RedactedHeaders(&self.headers))
            .field("status", &self.status)
            .finish()
    }
}

impl RecordedRequest {
    /// The value of a query parameter, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        query_param(&self.query, name)
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// The stages of one API: stored, or made on demand (for listings too large to hold).
#[derive(Debug)]
enum ApiStages {
    Stored(Vec<Stage>),
    Generated {
        count: usize,
        generate: fn(usize) -> Stage,
    },
}

impl ApiStages {
    fn len(&self) -> usize {
        match self {
            Self::Stored(v) => v.len(),
            Self::Generated { count, .. } => *count,
        }
    }

    fn page(&self, start: usize, end: usize) -> std::borrow::Cow<'_, [Stage]> {
        match self {
            Self::Stored(v) => std::borrow::Cow::Borrowed(&v[start..end]),
            Self::Generated { generate, .. } => std::borrow::Cow::Owned((start..end).map(generate).collect()),
        }
    }
}

#[derive(Debug)]
struct State {
    apis: BTreeMap<String, ApiStages>,
    credentials: Credentials,
    region: String,
    check_signatures: bool,
    default_page_size: u32,
    clock_offset_secs: i64,
    faults: VecDeque<Fault>,
    fail_every: Option<(usize, Fault)>,
    requests: Vec<RecordedRequest>,
    record_requests: bool,
    request_count: usize,
}

/// Builds a [`LocalApiGateway`].
#[derive(Debug)]
#[must_use]
pub struct LocalApiGatewayBuilder {
    state: State,
}

impl LocalApiGatewayBuilder {
    /// The credentials requests must be signed with. Defaults to
    /// `AKIDLOCAL` / `local-secret-key`, no session token.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.state.credentials = credentials;
        self
    }

    /// The region requests must be signed for. Defaults to `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.state.region = region.into();
        self
    }

    /// Adds an API with these stages (in this order).
    pub fn api(mut self, api_id: impl Into<String>, stages: Vec<Stage>) -> Self {
        self.state.apis.insert(api_id.into(), ApiStages::Stored(stages));
        self
    }

    /// Adds an API of `count` stages that are made on demand by `generate(index)`, so that
    /// listings of millions of stages need no memory in the server.
    pub fn generated_api(
        mut self,
        api_id: impl Into<String>,
        count: usize,
        generate: fn(usize) -> Stage,
    ) -> Self {
        self.state
            .apis
            .insert(api_id.into(), ApiStages::Generated { count, generate });
        self
    }

    /// Whether to check every request's SigV4 signature (403 on mismatch). Defaults to
    /// `true`.
    pub fn check_signatures(mut self, on: bool) -> Self {
        self.state.check_signatures = on;
        self
    }

    /// The page size when a request has no `maxResults`. Defaults to 100.
    pub fn default_page_size(mut self, n: u32) -> Self {
        self.state.default_page_size = n.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// Whether to keep a copy of every request for [`LocalApiGateway::requests`]. Defaults
    /// to `true`; turn it off for long benchmarks.
    pub fn record_requests(mut self, on: bool) -> Self {
        self.state.record_requests = on;
        self
    }

    /// Starts the server on 127.0.0.1, on a port the OS picks.
    pub fn start(self) -> io::Result<LocalApiGateway> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(self.state),
            stop: AtomicBool::new(false),
            connections: Mutex::new(Vec::new()),
            next_request_id: AtomicU64::new(1),
            received: AtomicU64::new(0),
            accepted: AtomicU64::new(0),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("local-apigw-accept".into())
            .spawn(move || accept_loop(listener, accept_shared))?;
        Ok(LocalApiGateway {
            addr,
            shared,
            accept: Some(accept),
        })
    }
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    stop: AtomicBool,
    connections: Mutex<Vec<(TcpStream, JoinHandle<()>)>>,
    next_request_id: AtomicU64,
    received: AtomicU64,
    accepted: AtomicU64,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An in-process HTTP/1.1 server on 127.0.0.1 that serves GetStages as the service does:
/// wire names, opaque page tokens, `maxResults` checks, JSON errors with
/// `x-amzn-ErrorType` and `x-amzn-RequestId`, and a SigV4 check of every request. It can be
/// told to fail on purpose ([`Fault`]). It stops when dropped.
///
/// ```
/// use apigwv2::testing::LocalApiGateway;
/// use apigwv2::Stage;
///
/// let gw = LocalApiGateway::builder()
///     .api("a1b2c3", vec![Stage::new("dev"), Stage::new("prod")])
///     .start()
///     .unwrap();
/// let client = gw.client().unwrap();
/// let names: Vec<String> = client
///     .stages("a1b2c3")
///     .map(|s| s.map(|s| s.stage_name))
///     .collect::<Result<_, _>>()
///     .unwrap();
/// assert_eq!(names, ["dev", "prod"]);
/// ```
pub struct LocalApiGateway {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for LocalApiGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.shared.state();
        f.debug_struct("LocalApiGateway")
            .field("addr", &self.addr)
            .field("region", &state.region)
            .field("credentials", &state.credentials)
            .field("apis", &state.apis.len())
            .field("requests", &self.shared.received.load(Ordering::SeqCst))
            .finish()
    }
}

impl LocalApiGateway {
    /// A builder with no APIs, the default credentials and signature checks on.
    pub fn builder() -> LocalApiGatewayBuilder {
        LocalApiGatewayBuilder {
            state: State {
                apis: BTreeMap::new(),
                credentials: Credentials::new("AKIDLOCAL", "local-secret-key", None::<String>),
                region: "us-east-1".into(),
                check_signatures: true,
                default_page_size: DEFAULT_PAGE_SIZE,
                clock_offset_secs: 0,
                faults: VecDeque::new(),
                fail_every: None,
                requests: Vec::new(),
                record_requests: true,
                request_count: 0,
            },
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The credentials the endpoint expects.
    pub fn credentials(&self) -> Credentials {
        self.shared.state().credentials.clone()
    }

    /// The region the endpoint expects.
    pub fn region(&self) -> String {
        self.shared.state().region.clone()
    }

    /// A client builder set up for this endpoint: its URL, region and credentials.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        let state = self.shared.state();
        Client::builder()
            .endpoint_url(self.endpoint_url())
            .region(state.region.clone())
            .credentials(state.credentials.clone())
    }

    /// A client for this endpoint.
    pub fn client(&self) -> Result<Client, crate::Error> {
        self.client_builder().build()
    }

    /// Adds (or replaces) an API with these stages.
    pub fn put_api(&self, api_id: impl Into<String>, stages: Vec<Stage>) {
        self.shared
            .state()
            .apis
            .insert(api_id.into(), ApiStages::Stored(stages));
    }

    /// Queues a fault for the next request that has none queued before it.
    pub fn inject(&self, fault: Fault) {
        self.shared.state().faults.push_back(fault);
    }

    /// Makes every `k`-th request (counting all requests from now on, 1-based) fail with
    /// `fault`; `k = 0` turns it off. Queued faults from [`LocalApiGateway::inject`] go first.
    pub fn fail_every(&self, k: usize, fault: Fault) {
        let mut s = self.shared.state();
        s.fail_every = (k > 0).then_some((k, fault));
        s.request_count = 0;
    }

    /// Shifts the server's clock (for signature time checks and the `Date` header).
    pub fn set_clock_offset(&self, offset_secs: i64) {
        self.shared.state().clock_offset_secs = offset_secs;
    }

    /// Every request received so far (when recording is on).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }

    /// How many requests were received so far (recorded or not).
    pub fn request_count(&self) -> usize {
        self.shared.received.load(Ordering::SeqCst) as usize
    }

    /// How many TCP connections were accepted so far: with keep-alive, one client listing
    /// many pages uses one.
    pub fn connection_count(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst) as usize
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.state().requests.clear();
        self.shared.received.store(0, Ordering::SeqCst);
    }
}

impl Drop for LocalApiGateway {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        let conns = std::mem::take(&mut *self.shared.connections.lock().unwrap_or_else(|p| p.into_inner()));
        for (stream, _) in &conns {
            let _ = stream.shutdown(Shutdown::Both);
        }
        for (_, handle) in conns {
            let _ = handle.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IDLE_TIMEOUT));
        let Ok(clone) = stream.try_clone() else { continue };
        let conn_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("local-apigw-conn".into())
            .spawn(move || serve_connection(stream, conn_shared));
        if let Ok(handle) = spawned {
            let mut conns = shared.connections.lock().unwrap_or_else(|p| p.into_inner());
            conns.retain(|(_, h)| !h.is_finished());
            conns.push((clone, handle));
        }
    }
}

/// What to do with one request.
enum Action {
    Respond(Response),
    Drop,
    Truncate(Response),
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut writer = io::BufWriter::new(write_half);
    loop {
        let req = match http::read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(_) => {
                let _ = http::write_head(&mut writer, 400, &[("Connection".into(), "close".into())], 0);
                let _ = writer.flush();
                break;
            }
        };
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let (action, delay) = handle(&shared, &req);
        if let Some(d) = delay {
            std::thread::sleep(d);
        }
        let ok = match action {
            Action::Respond(r) => http::write_head(&mut writer, r.status, &r.headers, r.body.len())
                .and_then(|_| writer.write_all(&r.body))
                .and_then(|_| writer.flush())
                .is_ok(),
            Action::Drop => false,
            Action::Truncate(r) => {
                let _ = http::write_head(&mut writer, r.status, &r.headers, r.body.len())
                    .and_then(|_| writer.write_all(&r.body[..r.body.len() / 2]))
                    .and_then(|_| writer.flush());
                false
            }
        };
        if !ok || close {
            break;
        }
    }
    let _ = reader.get_ref().shutdown(Shutdown::Both);
}

fn handle(shared: &Shared, req: &Request) -> (Action, Option<Duration>) {
    let id = shared.next_request_id.fetch_add(1, Ordering::SeqCst);
    shared.received.fetch_add(1, Ordering::SeqCst);
    let request_id = format!("{:08x}-0000-4000-8000-{:012x}", id, id.wrapping_mul(0x9e37_79b9));
    let mut state = shared.state();
    state.request_count += 1;
    let fault = state.faults.pop_front().or_else(|| match &state.fail_every {
        Some((k, f)) if state.request_count % k == 0 => Some(f.clone()),
        _ => None,
    });
    let now = SystemTime::now() + Duration::from_secs(state.clock_offset_secs.max(0) as u64)
        - Duration::from_secs((-state.clock_offset_secs).max(0) as u64);
    let mut delay = None;
    let mut token_override: Option<Option<String>> = None;
    let action = match fault {
        Some(Fault::Throttle) => Action::Respond(error_response(
            429,
            "TooManyRequestsException",
            serde_json::json!({"message": "Too Many Requests", "limitType": "Rate"}),
        )),
        Some(Fault::ThrottleRetryAfter(secs)) => {
            let mut r = error_response(
                429,
                "TooManyRequestsException",
                serde_json::json!({"message": "Too Many Requests", "limitType": "Rate"}),
            );
            r.headers.push(("Retry-After".into(), secs.to_string()));
            Action::Respond(r)
        }
        Some(Fault::ServerError(status)) => Action::Respond(error_response(
            status,
            if status == 503 {
                "ServiceUnavailableException"
            } else {
                "InternalServerException"
            },
            serde_json::json!({"message": "Internal server error"}),
        )),
        Some(Fault::HtmlError(status)) => Action::Respond(Response {
            status,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: format!(
                "<html><head><title>{status}</title></head><body><h1>{status} Bad Gateway</h1></body></html>"
            )
            .into_bytes(),
        }),
        Some(Fault::DropConnection) => Action::Drop,
        Some(Fault::CustomResponse(status, body)) => Action::Respond(Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into_bytes(),
        }),
        Some(Fault::BadJson) => Action::Respond(Response {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: b"{\"items\": [{\"stageName\": \"a\"},, oops".to_vec(),
        }),
        other => {
            match &other {
                Some(Fault::Delay(d)) => delay = Some(*d),
                Some(Fault::RepeatToken) => {
                    token_override = Some(query_param(&req.query, "nextToken"));
                }
                Some(Fault::NextToken(t)) => token_override = Some(Some(t.clone())),
                _ => {}
            }
            let mut resp = route(&state, req, now, token_override);
            if matches!(other, Some(Fault::TruncateBody)) && resp.status == 200 {
                add_common_headers(&mut resp, &request_id, now);
                if state.record_requests {
                    record(&mut state, req, 200);
                }
                return (Action::Truncate(resp), None);
            }
            Action::Respond(resp)
        }
    };
    let action = match action {
        Action::Respond(mut r) => {
            add_common_headers(&mut r, &request_id, now);
            if state.record_requests {
                record(&mut state, req, r.status);
            }
            Action::Respond(r)
        }
        other => {
            if state.record_requests {
                record(&mut state, req, 0);
            }
            other
        }
    };
    (action, delay)
}

fn record(state: &mut State, req: &Request, status: u16) {
    state.requests.push(RecordedRequest {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req.headers.clone(),
        status,
    });
}

fn add_common_headers(r: &mut Response, request_id: &str, now: SystemTime) {
    // A proxy's HTML page carries no AWS request id.
    if !r
        .headers
        .iter()
        .any(|(n, v)| n == "Content-Type" && v == "text/html")
    {
        r.headers.push(("x-amzn-RequestId".into(), request_id.to_owned()));
    }
    r.headers
        .push(("Date".into(), http_date(OffsetDateTime::from(now))));
}

fn error_response(status: u16, code: &str, body: serde_json::Value) -> Response {
    Response {
        status,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("x-amzn-ErrorType".into(), code.to_owned()),
        ],
        body: body.to_string().into_bytes(),
    }
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}

fn api_hash(api_id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    api_id.hash(&mut h);
    h.finish() & 0xffff_ffff
}

/// Opaque page tokens that need URL encoding (`/`, `+`, `=`), tied to one API.
fn make_token(api_id: &str, offset: usize) -> String {
    format!("{offset}/{:x}+page==", api_hash(api_id))
}

fn parse_token(api_id: &str, token: &str) -> Option<usize> {
    let rest = token.strip_suffix("+page==")?;
    let (offset, hash) = rest.split_once('/')?;
    (u64::from_str_radix(hash, 16).ok()? == api_hash(api_id)).then_some(())?;
    offset.parse().ok()
}

fn route(state: &State, req: &Request, now: SystemTime, token_override: Option<Option<String>>) -> Response {
    if state.check_signatures {
        if let Err(resp) = verify_signature(state, req, now) {
            return resp;
        }
    }
    let api_id = req
        .path
        .strip_prefix("/v2/apis/")
        .and_then(|r| r.strip_suffix("/stages"))
        .filter(|id| !id.contains('/'));
    let (Some(api_id), "GET") = (api_id, req.method.as_str()) else {
        return error_response(
            404,
            "UnknownOperationException",
            serde_json::json!({"message": format!("No operation matches {} {}", req.method, req.path)}),
        );
    };
    let api_id = percent_decode(api_id);
    let Some(stages) = state.apis.get(&api_id) else {
        return error_response(
            404,
            "NotFoundException",
            serde_json::json!({"message": format!("Invalid API identifier specified 123456789012:{api_id}"), "resourceType": "Api"}),
        );
    };
    let page_size = match query_param(&req.query, "maxResults") {
        None => state.default_page_size as usize,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n as usize,
            _ => {
                return error_response(
                    400,
                    "BadRequestException",
                    serde_json::json!({"message": format!("maxResults must be an integer between 1 and {MAX_PAGE_SIZE}")}),
                )
            }
        },
    };
    let start = match query_param(&req.query, "nextToken").filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => match parse_token(&api_id, &t).filter(|o| *o <= stages.len()) {
            Some(o) => o,
            None => {
                return error_response(
                    400,
                    "BadRequestException",
                    serde_json::json!({"message": "The nextToken is invalid or expired"}),
                )
            }
        },
    };
    let end = (start + page_size).min(stages.len());
    let next = match token_override {
        Some(t) => t,
        None => (end < stages.len()).then(|| make_token(&api_id, end)),
    };
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Page<'a> {
        items: &'a [Stage],
        #[serde(skip_serializing_if = "Option::is_none")]
        next_token: Option<String>,
    }
    let items = stages.page(start, end);
    let body = serde_json::to_vec(&Page {
        items: &items,
        next_token: next,
    })
    .unwrap_or_default();
    Response {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body,
    }
}

fn forbidden(code: &str, message: String) -> Response {
    error_response(403, code, serde_json::json!({ "message": message }))
}

fn parse_amz_date(s: &str) -> Option<OffsetDateTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let date = time::Date::from_calendar_date(
        n(0..4)? as i32,
        time::Month::try_from(n(4..6)? as u8).ok()?,
        n(6..8)? as u8,
    )
    .ok()?;
    let t = time::Time::from_hms(n(9..11)? as u8, n(11..13)? as u8, n(13..15)? as u8).ok()?;
    Some(date.with_time(t).assume_utc())
}

fn verify_signature(state: &State, req: &Request, now: SystemTime) -> Result<(), Response> {
    let Some(auth) = req.header("authorization") else {
        return Err(forbidden(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token".into(),
        ));
    };
    let malformed = || {
        forbidden(
            "IncompleteSignatureException",
            "Authorization header is malformed".into(),
        )
    };
    let fields = auth.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(malformed)?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in fields.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or_else(malformed)?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => return Err(malformed()),
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) = (credential, signed_headers, signature)
    else {
        return Err(malformed());
    };
    let scope: Vec<&str> = credential.split('/').collect();
    if scope.len() != 5 || scope[4] != "aws4_request" {
        return Err(malformed());
    }
    if scope[0] != state.credentials.access_key_id() {
        return Err(forbidden(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.".into(),
        ));
    }
    if scope[2] != state.region || scope[3] != SIGNING_NAME {
        return Err(forbidden(
            "InvalidSignatureException",
            format!(
                "Credential should be scoped to a valid region and service ('{}', '{}')",
                state.region, SIGNING_NAME
            ),
        ));
    }
    let amz_date = req.header("x-amz-date").unwrap_or_default();
    let Some(time) = parse_amz_date(amz_date) else {
        return Err(forbidden(
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".into(),
        ));
    };
    if !amz_date.starts_with(scope[1]) {
        return Err(forbidden(
            "InvalidSignatureException",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP".into(),
        ));
    }
    let server_now = OffsetDateTime::from(now);
    let skew = MAX_SKEW.as_secs() as i64;
    let diff = (time - server_now).whole_seconds();
    if diff < -skew || diff > skew {
        let fmt = |t: OffsetDateTime| sigv4::format_amz_date(t);
        let message = if diff < 0 {
            format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
                fmt(server_now - MAX_SKEW),
                fmt(server_now)
            )
        } else {
            format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
                fmt(server_now + MAX_SKEW),
                fmt(server_now)
            )
        };
        return Err(forbidden("InvalidSignatureException", message));
    }
    if let Some(expected) = state.credentials.session_token() {
        if req.header("x-amz-security-token") != Some(expected) {
            return Err(forbidden(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.".into(),
            ));
        }
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    if !names.contains(&"host") || !names.contains(&"x-amz-date") {
        return Err(malformed());
    }
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter(|(n, _)| names.iter().any(|s| s.eq_ignore_ascii_case(n)))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest {
        method: &req.method,
        path: &req.path,
        query: &req.query,
        headers: &headers,
        body: &req.body,
    };
    let creds_for_check = if names.contains(&"x-amz-security-token") {
        state.credentials.clone()
    } else {
        Credentials::new(
            state.credentials.access_key_id(),
            state.credentials.secret_access_key(),
            None::<String>,
        )
    };
    let params = SigningParams::new(&creds_for_check, &state.region, SIGNING_NAME, time);
    let expected = sigv4::sign(&signable, &params);
    if expected.signature() != signature || expected.canonical_request().signed_headers() != signed_headers {
        return Err(forbidden(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
                .into(),
        ));
    }
    Ok(())
}

/// An RFC 7231 date: `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(t: OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[u8::from(t.month()) as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_opaque_and_tied_to_the_api() {
        let t = make_token("abc", 7);
        assert!(t.contains('/') && t.contains('+') && t.contains('='));
        assert_eq!(parse_token("abc", &t), Some(7));
        assert_eq!(parse_token("abd", &t), None);
        assert_eq!(parse_token("abc", "junk"), None);
    }

    #[test]
    fn dates() {
        let t = time::macros::datetime!(1994-11-06 08:49:37 UTC);
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_amz_date("19941106T084937Z"), Some(t));
        assert_eq!(parse_amz_date("19941306T084937Z"), None);
        assert_eq!(parse_amz_date("1994110"), None);
    }
}
