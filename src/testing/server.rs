//! [`LocalApiGateway`]: an in-process fake of the service on 127.0.0.1: its state, the
//! listener and connections, and what each request gets (fault, signature check, route).

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

use super::faults::{canned, Action, Fault};
use super::http::{self, Request};
use super::routes::{self, query_param, Response};
use crate::transport::find_header;
use crate::{Api, Client, Credentials, ProtocolType, Stage};

/// The largest `maxResults` the local endpoint accepts.
pub const MAX_PAGE_SIZE: u32 = 500;
/// The page size the local endpoint uses when a request gives no `maxResults`.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// How long an idle keep-alive connection is kept open.
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

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
pub(crate) enum ApiStages {
    Stored(Vec<Stage>),
    Generated {
        count: usize,
        generate: fn(usize) -> Stage,
    },
}

/// One API the endpoint serves: its record for GetApis, and its stages.
#[derive(Debug)]
pub(crate) struct ApiEntry {
    pub(crate) api: Api,
    pub(crate) stages: ApiStages,
}

impl ApiStages {
    /// The stage of that name.
    pub(crate) fn find(&self, name: &str) -> Option<Stage> {
        match self {
            Self::Stored(v) => v.iter().find(|s| s.stage_name == name).cloned(),
            Self::Generated { count, generate } => (0..*count).map(generate).find(|s| s.stage_name == name),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Stored(v) => v.len(),
            Self::Generated { count, .. } => *count,
        }
    }

    pub(crate) fn page(&self, start: usize, end: usize) -> std::borrow::Cow<'_, [Stage]> {
        match self {
            Self::Stored(v) => std::borrow::Cow::Borrowed(&v[start..end]),
            Self::Generated { generate, .. } => std::borrow::Cow::Owned((start..end).map(generate).collect()),
        }
    }
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) apis: BTreeMap<String, ApiEntry>,
    credentials: Credentials,
    region: String,
    check_signatures: bool,
    pub(crate) default_page_size: u32,
    latency: Option<Duration>,
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

    /// Adds an HTTP API named as its id, with these stages (in this order).
    pub fn api(self, api_id: impl Into<String>, stages: Vec<Stage>) -> Self {
        let api_id = api_id.into();
        self.api_with(Api::new(api_id.clone(), api_id, ProtocolType::Http), stages)
    }

    /// Adds an API (its record as GetApis lists it; its `api_id` is its key) with these
    /// stages. APIs are listed in the order of their ids.
    pub fn api_with(mut self, api: Api, stages: Vec<Stage>) -> Self {
        let id = api.api_id.clone().unwrap_or_default();
        self.state.apis.insert(
            id,
            ApiEntry {
                api,
                stages: ApiStages::Stored(stages),
            },
        );
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
        let api_id = api_id.into();
        self.state.apis.insert(
            api_id.clone(),
            ApiEntry {
                api: Api::new(api_id.clone(), api_id, ProtocolType::Http),
                stages: ApiStages::Generated { count, generate },
            },
        );
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

    /// A delay before every answer, as a real network's round trip (a [`Fault::Delay`]
    /// replaces it for its request). Defaults to none.
    pub fn latency(mut self, d: Duration) -> Self {
        self.state.latency = Some(d);
        self
    }

    /// Whether to keep a copy of every request for [`LocalApiGateway::requests`]. Defaults
    /// to `true`; turn it off for long benchmarks.
    pub fn record_requests(mut self, on: bool) -> Self {
        self.state.record_requests = on;
        self
    }

    /// Starts the server on 127.0.0.1, on a port the OS picks. A failure to listen is an
    /// [`Error::Config`](crate::Error::Config), so `?` works in a function that returns
    /// [`apigwv2::Error`](crate::Error).
    pub fn start(self) -> Result<LocalApiGateway, crate::Error> {
        self.listen().map_err(|e| crate::Error::Config {
            message: format!("the local endpoint could not listen on 127.0.0.1: {e}"),
        })
    }

    fn listen(self) -> io::Result<LocalApiGateway> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(self.state),
            stop: AtomicBool::new(false),
            connections: Mutex::new(Vec::new()),
            next_request_id: AtomicU64::new(1),
            received: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            max_in_flight: AtomicU64::new(0),
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
    /// Requests being answered now, and the most at once.
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
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
                latency: None,
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

    /// Adds (or replaces) an HTTP API named as its id, with these stages.
    pub fn put_api(&self, api_id: impl Into<String>, stages: Vec<Stage>) {
        let api_id = api_id.into();
        self.shared.state().apis.insert(
            api_id.clone(),
            ApiEntry {
                api: Api::new(api_id.clone(), api_id, ProtocolType::Http),
                stages: ApiStages::Stored(stages),
            },
        );
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

    /// The most requests that were being answered at the same moment, so far.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst) as usize
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
        let in_flight = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(in_flight, Ordering::SeqCst);
        let (action, delay) = handle(&shared, &req);
        // (Read in a statement of its own: a guard in the `if let` would be held while
        // sleeping, and stall every other connection.)
        let latency = shared.state().latency;
        if let Some(d) = delay.or(latency) {
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
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
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
    // The server's clock, shifted by the test's offset (checked: any offset is safe).
    let now = crate::clock::offset_by_ms(SystemTime::now(), state.clock_offset_secs.saturating_mul(1000))
        .and_then(crate::clock::to_datetime)
        .unwrap_or_else(OffsetDateTime::now_utc);
    let mut delay = None;
    let mut token_override: Option<Option<String>> = None;
    let action = match fault.as_ref().and_then(canned) {
        Some(action) => action,
        None => {
            match &fault {
                Some(Fault::Delay(d)) => delay = Some(*d),
                Some(Fault::RepeatToken) => {
                    token_override = Some(query_param(&req.query, "nextToken"));
                }
                Some(Fault::NextToken(t)) => token_override = Some(Some(t.clone())),
                _ => {}
            }
            let checked = if state.check_signatures {
                super::auth::verify_signature(&state.credentials, &state.region, req, now)
            } else {
                Ok(())
            };
            let mut resp = match checked {
                Ok(()) => routes::route(&state, req, token_override),
                Err(denied) => denied,
            };
            if matches!(fault, Some(Fault::TruncateBody)) && resp.status == 200 {
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

fn add_common_headers(r: &mut Response, request_id: &str, now: OffsetDateTime) {
    // A proxy's HTML page carries no AWS request id.
    if !r
        .headers
        .iter()
        .any(|(n, v)| n == "Content-Type" && v == "text/html")
    {
        r.headers.push(("x-amzn-RequestId".into(), request_id.to_owned()));
    }
    r.headers.push(("Date".into(), http::http_date(now)));
}
