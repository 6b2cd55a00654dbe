//! [`LocalApiGateway`]: an in-process fake of the service on 127.0.0.1: its state, the
//! listener and connections, and what each request gets (fault, signature check, route).

use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use time::OffsetDateTime;

use super::faults::{canned, Action, Fault};
use super::http::{self, Request, Response};
use super::state::{ApiEntry, ApiStages, RecordedRequest, State, MAX_PAGE_SIZE};
use super::wire::query_param;
use super::{auth, routes};
use crate::{Api, Client, Credentials, Stage};

/// The most connections served at once, unless [`LocalApiGatewayBuilder::max_connections`]
/// says otherwise: each has a thread and a socket of its own.
pub const MAX_CONNECTIONS: usize = 64;
/// How long a connection may wait for a request, and a request take to arrive, unless
/// [`LocalApiGatewayBuilder::idle_timeout`] says otherwise.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// Builds a [`LocalApiGateway`].
#[derive(Debug)]
#[must_use]
pub struct LocalApiGatewayBuilder {
    state: State,
    limits: Limits,
}

/// The bounds on what clients may hold of the server.
#[derive(Debug, Clone, Copy)]
struct Limits {
    max_connections: usize,
    idle_timeout: Duration,
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
    pub fn api(mut self, api_id: impl Into<String>, stages: Vec<Stage>) -> Self {
        self.state.put_http_api(api_id.into(), ApiStages::Stored(stages));
        self
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
        self.state
            .put_http_api(api_id.into(), ApiStages::Generated { count, generate });
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

    /// The most connections served at once (at least 1). Defaults to [`MAX_CONNECTIONS`].
    /// Each has a thread of its own; when all are taken, a new connection closes the one
    /// that has waited longest for its next request, or, when every one is busy with a
    /// request, waits (in the listen backlog) until one is done.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.limits.max_connections = n.max(1);
        self
    }

    /// How long a connection may wait for its next request (a client that connects and
    /// sends nothing, or keeps an idle connection open), and how long a request may take to
    /// arrive once it began (a client that sends a byte now and then), before the server
    /// closes it. Defaults to [`IDLE_TIMEOUT`]; a zero duration counts as 1 ms.
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.limits.idle_timeout = d.max(Duration::from_millis(1));
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
            limits: self.limits,
            connections: Mutex::new(Vec::new()),
            connection_ended: Condvar::new(),
            next_connection_id: AtomicU64::new(0),
            max_live: AtomicUsize::new(0),
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
    limits: Limits,
    /// The connections being served: each thread removes its own entry as it ends.
    connections: Mutex<Vec<Connection>>,
    /// Signalled when a connection ends (a slot is free) or the server stops.
    connection_ended: Condvar,
    next_connection_id: AtomicU64,
    /// The most connections served at once, so far.
    max_live: AtomicUsize,
    next_request_id: AtomicU64,
    received: AtomicU64,
    /// Requests being answered now, and the most at once.
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    accepted: AtomicU64,
}

/// One connection being served: a handle on its socket (to close it), whether it waits for
/// a request (so that it may be closed to make room), and its thread.
#[derive(Debug)]
struct Connection {
    id: u64,
    stream: TcpStream,
    idle: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn connections(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.connections.lock().unwrap_or_else(|p| p.into_inner())
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
            state: State::new(),
            limits: Limits {
                max_connections: MAX_CONNECTIONS,
                idle_timeout: IDLE_TIMEOUT,
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
        self.shared
            .state()
            .put_http_api(api_id.into(), ApiStages::Stored(stages));
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

    /// How many connections are being served now (each with a thread of its own): never
    /// more than [`LocalApiGatewayBuilder::max_connections`]. Zero once every client has
    /// closed its connections, or left them idle past the idle timeout.
    pub fn live_connections(&self) -> usize {
        self.shared.connections().len()
    }

    /// The most connections that were being served at the same moment, so far.
    pub fn max_live_connections(&self) -> usize {
        self.shared.max_live.load(Ordering::SeqCst)
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
        // Wake the accept loop, whether it waits for a connection or for a free slot.
        self.shared.connection_ended.notify_all();
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        let conns = std::mem::take(&mut *self.shared.connections());
        for c in &conns {
            let _ = c.stream.shutdown(Shutdown::Both);
        }
        for c in conns {
            let _ = c.thread.join();
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
        let _ = stream.set_write_timeout(Some(shared.limits.idle_timeout));
        let Ok(clone) = stream.try_clone() else { continue };
        let Some(mut conns) = free_slot(&shared) else {
            break;
        };
        let id = shared.next_connection_id.fetch_add(1, Ordering::SeqCst);
        let idle = Arc::new(AtomicBool::new(true));
        let conn_shared = Arc::clone(&shared);
        let conn_idle = Arc::clone(&idle);
        // Registered under the lock the thread takes to remove itself: it cannot end first.
        let spawned = std::thread::Builder::new()
            .name("local-apigw-conn".into())
            .spawn(move || {
                serve_connection(stream, &conn_shared, &conn_idle);
                conn_shared.connections().retain(|c| c.id != id);
                conn_shared.connection_ended.notify_all();
            });
        if let Ok(thread) = spawned {
            conns.push(Connection {
                id,
                stream: clone,
                idle,
                thread,
            });
            shared.max_live.fetch_max(conns.len(), Ordering::SeqCst);
        }
    }
}

/// Waits until fewer than the most connections are served, closing the connection that
/// has waited longest for a request if every slot is taken; returns the registry locked,
/// or `None` when the server stops.
fn free_slot(shared: &Shared) -> Option<MutexGuard<'_, Vec<Connection>>> {
    let mut conns = shared.connections();
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return None;
        }
        if conns.len() < shared.limits.max_connections {
            return Some(conns);
        }
        if let Some(oldest_idle) = conns
            .iter()
            .filter(|c| c.idle.load(Ordering::SeqCst))
            .min_by_key(|c| c.id)
        {
            // Its thread sees the end of the stream and removes itself.
            let _ = oldest_idle.stream.shutdown(Shutdown::Both);
        }
        // (Timed: a stop between the check above and the wait is seen at the next turn.)
        conns = shared
            .connection_ended
            .wait_timeout(conns, Duration::from_millis(100))
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
}

/// A connection's socket, read within a deadline: each read may wait only for what is left
/// of it, so a request that arrives a byte at a time cannot hold the connection forever.
struct Deadline {
    stream: TcpStream,
    until: Instant,
}

impl io::Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the connection's deadline passed",
            ));
        }
        self.stream.set_read_timeout(Some(left))?;
        io::Read::read(&mut self.stream, buf)
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared, idle: &AtomicBool) {
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let timeout = shared.limits.idle_timeout;
    let mut reader = BufReader::new(Deadline {
        stream,
        until: Instant::now() + timeout,
    });
    let mut writer = io::BufWriter::new(write_half);
    loop {
        // Wait for the next request's first byte, then give the whole request one deadline.
        idle.store(true, Ordering::SeqCst);
        reader.get_mut().until = Instant::now() + timeout;
        match io::BufRead::fill_buf(&mut reader) {
            Ok([]) | Err(_) => break,
            Ok(_) => {}
        }
        idle.store(false, Ordering::SeqCst);
        reader.get_mut().until = Instant::now() + timeout;
        let req = match http::read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => break,
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
        let (action, delay) = handle(shared, &req);
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
    let _ = reader.get_ref().stream.shutdown(Shutdown::Both);
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
                    token_override = Some(query_param(req.query(), "nextToken"));
                }
                Some(Fault::NextToken(t)) => token_override = Some(Some(t.clone())),
                _ => {}
            }
            let checked = if state.check_signatures {
                auth::verify_signature(&state.credentials, &state.region, req, now)
            } else {
                Ok(())
            };
            let mut resp = match checked {
                Ok(()) => routes::route(&state, req, token_override),
                Err(denied) => denied,
            };
            if matches!(fault, Some(Fault::TruncateBody)) && resp.status == 200 {
                add_common_headers(&mut resp, &request_id, now);
                state.record(req, 200);
                return (Action::Truncate(resp), None);
            }
            Action::Respond(resp)
        }
    };
    let action = match action {
        Action::Respond(mut r) => {
            add_common_headers(&mut r, &request_id, now);
            state.record(req, r.status);
            Action::Respond(r)
        }
        other => {
            state.record(req, 0);
            other
        }
    };
    (action, delay)
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
    r.headers.push(("Date".into(), crate::http_date::format(now)));
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// Polls `done` until it holds, for at most 20 s (a bound, not an ordering).
    fn eventually(mut done: impl FnMut() -> bool) -> bool {
        let until = Instant::now() + Duration::from_secs(20);
        while Instant::now() < until {
            if done() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        done()
    }

    fn still_open(s: &mut TcpStream) -> bool {
        s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        matches!(s.read(&mut [0u8; 1]), Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut))
    }

    /// Connects and sends the start of a request, never its end: a busy connection.
    fn half_a_request(gw: &LocalApiGateway) -> TcpStream {
        let mut s = TcpStream::connect(gw.addr()).unwrap();
        s.write_all(b"GET /v2/apis/a1/stages HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        s
    }

    fn busy(gw: &LocalApiGateway) -> usize {
        let conns = gw.shared.connections();
        conns.iter().filter(|c| !c.idle.load(Ordering::SeqCst)).count()
    }

    #[test]
    fn a_full_server_waits_for_a_busy_connection_and_never_closes_one() {
        let gw = LocalApiGateway::builder()
            .api("a1", vec![Stage::new("s")])
            .max_connections(2)
            .idle_timeout(Duration::from_secs(600))
            .start()
            .unwrap();
        let mut first = half_a_request(&gw);
        let mut second = half_a_request(&gw);
        assert!(eventually(|| busy(&gw) == 2));
        // A third client is accepted and waits for a slot.
        let client = gw
            .client_builder()
            .retry_config(crate::retry::RetryConfig::disabled())
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let third = std::thread::spawn(move || {
            client
                .stages("a1")
                .map(|s| s.map(|s| s.stage_name))
                .collect::<Result<Vec<_>, _>>()
        });
        assert!(eventually(|| gw.connection_count() == 3));
        assert!(still_open(&mut first) && still_open(&mut second));
        assert!(!third.is_finished(), "served while both slots were busy");
        // The first request ends (unsigned: a 403), its connection is idle, and the
        // waiting client takes its slot.
        first.write_all(b"\r\n").unwrap();
        first.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut answer = Vec::new();
        let _ = first.read_to_end(&mut answer);
        assert!(
            answer.starts_with(b"HTTP/1.1 403 Forbidden\r\n"),
            "{:?}",
            String::from_utf8_lossy(&answer)
        );
        assert_eq!(third.join().unwrap().unwrap(), ["s"]);
        // The other busy connection was never closed to make room.
        assert!(still_open(&mut second));
        assert_eq!(gw.max_live_connections(), 2);
    }

    #[test]
    fn dropping_a_full_server_ends_its_threads() {
        let gw = LocalApiGateway::builder()
            .api("a1", vec![Stage::new("s")])
            .max_connections(1)
            .idle_timeout(Duration::from_secs(600))
            .start()
            .unwrap();
        let mut busy_one = half_a_request(&gw);
        assert!(eventually(|| busy(&gw) == 1));
        let mut waiting = TcpStream::connect(gw.addr()).unwrap();
        assert!(eventually(|| gw.connection_count() == 2));
        let (done, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            drop(gw);
            let _ = done.send(());
        });
        ended
            .recv_timeout(Duration::from_secs(20))
            .expect("the drop returned");
        busy_one.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        assert_eq!(busy_one.read(&mut [0u8; 16]).unwrap(), 0);
        waiting.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        assert_eq!(waiting.read(&mut [0u8; 16]).unwrap(), 0);
    }
}
