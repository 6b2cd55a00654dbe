//! The default transport's HTTP/1.1 against scripted servers on 127.0.0.1: how responses
//! are framed, what a request carries, keep-alive, redirects (never followed), bodies over
//! the limit, and hostile heads and bodies (malformed, oversized, endless, dripping), each
//! a typed error that comes by the attempt's deadline. Also the "no limit" durations
//! (`Duration::MAX`) of every timeout setting.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apigwv2::config::Env;
use apigwv2::retry::RetryConfig;
use apigwv2::testing::LocalApiGateway;
use apigwv2::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use apigwv2::unversioned::{Timeouts, UreqTransport};
use apigwv2::{Client, Error, TransportErrorKind};

/// What a scripted server does with a request.
#[derive(Clone)]
enum Reply {
    /// Writes these bytes and waits for the next request on the connection.
    Keep(Vec<u8>),
    /// Writes these bytes and closes the connection.
    Close(Vec<u8>),
    /// Writes these bytes one at a time, `every` apart, then closes.
    Drip(Vec<u8>, Duration),
    /// Writes the first bytes, then the second again and again until the client leaves.
    Endless(Vec<u8>, Vec<u8>),
}

/// A server that answers every request (its head; it sends no bodies) with `reply`,
/// counting connections and the bytes of endless answers, and keeping each request head.
struct Scripted {
    url: String,
    accepted: Arc<AtomicUsize>,
    written: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

fn read_request_head(s: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if !matches!(s.read(&mut b), Ok(1)) || head.len() > 65536 {
            return None;
        }
        head.push(b[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn serve(
    mut s: TcpStream,
    reply: &Reply,
    heads: &Mutex<Vec<String>>,
    written: &AtomicUsize,
    stop: &AtomicBool,
) -> Option<()> {
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    loop {
        let head = read_request_head(&mut s)?;
        heads.lock().unwrap().push(head);
        match reply {
            Reply::Keep(bytes) => s.write_all(bytes).ok()?,
            Reply::Close(bytes) => {
                s.write_all(bytes).ok()?;
                let _ = s.shutdown(std::net::Shutdown::Write);
                // Drain, so closing sends no reset before the client read the answer.
                let mut sink = [0u8; 1024];
                while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
                return Some(());
            }
            Reply::Drip(bytes, every) => {
                for b in bytes {
                    if stop.load(Ordering::SeqCst) {
                        return None;
                    }
                    s.write_all(&[*b]).ok()?;
                    std::thread::sleep(*every);
                }
                return Some(());
            }
            Reply::Endless(first, again) => {
                s.write_all(first).ok()?;
                while !stop.load(Ordering::SeqCst) {
                    s.write_all(again).ok()?;
                    written.fetch_add(again.len(), Ordering::SeqCst);
                }
                return None;
            }
        }
    }
}

impl Scripted {
    fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let written = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (a, h, st) = (Arc::clone(&accepted), Arc::clone(&heads), Arc::clone(&stop));
        let w = Arc::clone(&written);
        std::thread::spawn(move || {
            for s in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(s) = s else { continue };
                a.fetch_add(1, Ordering::SeqCst);
                let (reply, h, w, st) = (reply.clone(), Arc::clone(&h), Arc::clone(&w), Arc::clone(&st));
                std::thread::spawn(move || serve(s, &reply, &h, &w, &st));
            }
        });
        Self {
            url,
            accepted,
            written,
            heads,
            stop,
        }
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Bytes of endless answers written so far.
    fn written(&self) -> usize {
        self.written.load(Ordering::SeqCst)
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn get(t: &UreqTransport, url: &str, timeout: Duration, max: u64) -> Result<HttpResponse, TransportError> {
    let mut r = HttpRequest::new("GET", url);
    r.timeout = Some(timeout);
    t.send(&r, max)
}

/// One GET to a server that answers with `reply`, with a 10 s attempt and a 1 MB limit.
fn once(reply: Reply) -> Result<HttpResponse, TransportError> {
    let server = Scripted::start(reply);
    get(
        &UreqTransport::default(),
        &format!("{}/x", server.url),
        Duration::from_secs(10),
        1_000_000,
    )
}

fn keep(text: &str) -> Reply {
    Reply::Keep(text.as_bytes().to_vec())
}

fn close(text: &str) -> Reply {
    Reply::Close(text.as_bytes().to_vec())
}

#[test]
fn bodies_are_framed_by_length_chunks_or_the_close() {
    let cases = [
        (keep("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello"), 200, "hello"),
        (
            keep(
                "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n\
                 5;ext=1\r\nhello\r\nA\r\n, chunked!\r\n0\r\nX-Trailer: t\r\n\r\n",
            ),
            201,
            "hello, chunked!",
        ),
        (
            keep("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 \t; a=\"b c\"\r\nok\r\n0 \r\n\r\n"),
            200,
            "ok",
        ),
        (close("HTTP/1.1 200 OK\r\n\r\nuntil the close"), 200, "until the close"),
        (close("HTTP/1.0 404 Not Found\nServer: old\n\nbare line ends"), 404, "bare line ends"),
        (
            keep("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
            200,
            "ok",
        ),
        (keep("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"), 204, ""),
        (keep("HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n"), 500, ""),
    ];
    for (reply, status, body) in cases {
        let r = once(reply).unwrap();
        assert_eq!(
            (r.status, String::from_utf8(r.body).unwrap().as_str()),
            (status, body)
        );
    }
    let r = once(keep(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b c \r\n\r\nhello",
    ))
    .unwrap();
    assert_eq!(
        r.headers,
        [
            ("Content-Length".to_owned(), "5".to_owned()),
            ("X-A".to_owned(), "b c".to_owned())
        ]
    );
}

#[test]
fn requests_carry_their_headers_the_user_agent_and_a_length_for_bodies() {
    let server = Scripted::start(keep("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    let t = UreqTransport::default();
    let mut r = HttpRequest::new("GET", format!("{}/v2/apis?maxResults=1", server.url));
    r.headers.push(("host".into(), "example.com".into()));
    r.headers.push(("x-amz-date".into(), "20250101T000000Z".into()));
    t.send(&r, 100).unwrap();
    let mut r = HttpRequest::new("PUT", format!("{}/latest/api/token", server.url));
    r.headers
        .push(("x-aws-ec2-metadata-token-ttl-seconds".into(), "21600".into()));
    t.send(&r, 100).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let authority = server.url.trim_start_matches("http://");
    assert_eq!(
        server.heads(),
        [
            format!(
                "GET /v2/apis?maxResults=1 HTTP/1.1\r\nhost: example.com\r\nx-amz-date: 20250101T000000Z\r\n\
                 User-Agent: apigwv2/{version}\r\n\r\n"
            ),
            format!(
                "PUT /latest/api/token HTTP/1.1\r\nx-aws-ec2-metadata-token-ttl-seconds: 21600\r\n\
                 Host: {authority}\r\nUser-Agent: apigwv2/{version}\r\nContent-Length: 0\r\n\r\n"
            ),
        ]
    );
}

#[test]
fn idle_connections_are_reused_unless_the_server_closes_them() {
    for (reply, connections) in [
        (keep("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), 1),
        (
            keep("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
            1,
        ),
        (
            close("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"),
            3,
        ),
        (close("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"), 3),
        (close("HTTP/1.1 200 OK\r\n\r\nok"), 3),
    ] {
        let server = Scripted::start(reply);
        let t = UreqTransport::default();
        for _ in 0..3 {
            let r = get(&t, &server.url, Duration::from_secs(10), 100).unwrap();
            assert_eq!(r.body, b"ok");
        }
        assert_eq!(server.accepted(), connections, "{:?}", server.heads());
    }
}

/// A response whose end two framings would put in different places (both
/// Transfer-Encoding and Content-Length; a 204 that claims a body) is read, but its
/// connection is not reused: what follows it on the wire is not known to be the next
/// answer. Bodiless answers that are framed right (a 204 of length 0, a HEAD's length, a
/// 304's) keep theirs.
#[test]
fn a_response_with_ambiguous_framing_leaves_its_connection_unused() {
    for (method, reply, status, connections) in [
        (
            "GET",
            "HTTP/1.1 200 OK\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            200,
            3,
        ),
        (
            "GET",
            "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
            204,
            3,
        ),
        (
            "GET",
            "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
            204,
            3,
        ),
        (
            "GET",
            "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
            204,
            1,
        ),
        (
            "GET",
            "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n",
            304,
            1,
        ),
        ("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 200, 1),
    ] {
        let server = Scripted::start(keep(reply));
        let t = UreqTransport::default();
        for _ in 0..3 {
            let mut r = HttpRequest::new(method, &server.url);
            r.timeout = Some(Duration::from_secs(10));
            let got = t.send(&r, 100).unwrap();
            assert_eq!(got.status, status, "{reply:?}");
        }
        assert_eq!(server.accepted(), connections, "{method} {reply:?}");
    }
}

/// A request that says `Connection: close` ends its connection, as ureq did: the server
/// closes it after answering, and a later request must not be sent on it.
#[test]
fn a_request_that_says_connection_close_leaves_its_connection_unused() {
    let server = Scripted::start(keep("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    let t = UreqTransport::default();
    for value in ["close", "Keep-Alive, Close", "keep-alive"] {
        let mut r = HttpRequest::new("GET", &server.url);
        r.headers.push(("Connection".into(), value.into()));
        r.timeout = Some(Duration::from_secs(10));
        assert_eq!(t.send(&r, 100).unwrap().body, b"ok");
    }
    // The third request is the first that may reuse a connection, and there is none.
    assert_eq!(server.accepted(), 3);
    let r = get(&t, &server.url, Duration::from_secs(10), 100).unwrap();
    assert_eq!((r.body.as_slice(), server.accepted()), (&b"ok"[..], 3));
}

/// Bytes a server sends past the end of a response, in the same write or later while the
/// connection is idle, are never read as the answer to the next request: that request
/// goes on a new connection.
#[test]
fn bytes_after_a_response_are_never_read_as_the_next_one() {
    let forged = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged";
    let server = Scripted::start(Reply::Keep(
        format!("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok{forged}").into_bytes(),
    ));
    let t = UreqTransport::default();
    for _ in 0..2 {
        assert_eq!(
            get(&t, &server.url, Duration::from_secs(10), 100).unwrap().body,
            b"ok"
        );
    }
    assert_eq!(server.accepted(), 2);

    // Later: the server writes the forged answer once the client has read the real one.
    // On loopback a write has reached the peer's socket when it returns, so the pool's
    // probe finds the bytes when the next request takes the connection.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (read_tx, read_rx) = std::sync::mpsc::channel::<()>();
    let (sent_tx, sent_rx) = std::sync::mpsc::channel::<()>();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for (i, s) in listener.incoming().take(2).enumerate() {
            let mut s = s.unwrap();
            count.fetch_add(1, Ordering::SeqCst);
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            if read_request_head(&mut s).is_none() {
                return;
            }
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")
                .unwrap();
            if i == 0 {
                let _ = read_rx.recv_timeout(Duration::from_secs(10));
                s.write_all(forged.as_bytes()).unwrap();
                let _ = sent_tx.send(());
                // Keep the connection open: only the stray bytes say it is not idle.
                let mut sink = [0u8; 64];
                while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
            }
        }
    });
    assert_eq!(get(&t, &url, Duration::from_secs(10), 100).unwrap().body, b"ok");
    read_tx.send(()).unwrap();
    sent_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(get(&t, &url, Duration::from_secs(10), 100).unwrap().body, b"ok");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

/// A 302 to another server is the answer: the client reports it, and the other server
/// never hears of the request.
#[test]
fn a_redirect_is_returned_never_followed() {
    let elsewhere = Scripted::start(keep("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
    let redirect = format!(
        "HTTP/1.1 302 Found\r\nLocation: {}/v2/apis/a/stages/b\r\nContent-Length: 0\r\n\r\n",
        elsewhere.url
    );
    let server = Scripted::start(Reply::Keep(redirect.into_bytes()));
    let r = get(
        &UreqTransport::default(),
        &server.url,
        Duration::from_secs(10),
        100,
    )
    .unwrap();
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location"),
        Some(&*format!("{}/v2/apis/a/stages/b", elsewhere.url))
    );
    let client = Client::builder()
        .region("eu-west-1")
        .credentials(apigwv2::Credentials::new("AKID", "SECRET", None::<String>))
        .endpoint_url(&server.url)
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap();
    let e = client.get_stage("a", "b").unwrap_err();
    assert!(matches!(e, Error::Service { .. }), "{e:?}");
    assert_eq!((e.status(), e.attempts()), (Some(302), Some(1)));
    assert_eq!(server.accepted(), 2);
    assert_eq!(elsewhere.accepted(), 0);
}

fn protocol_error(reply: Reply) -> String {
    let e = once(reply).unwrap_err();
    assert_eq!(e.kind, TransportErrorKind::Protocol, "{e}");
    e.to_string()
}

#[test]
fn malformed_heads_are_protocol_errors() {
    for (answer, says) in [
        (
            "SSH-2.0-OpenSSH_9.6\r\n\r\n",
            "does not start with a status line: \"SSH-2.0-OpenSSH_9.6\"",
        ),
        ("HTTP/1.1 2OO OK\r\n\r\n", "does not start with a status line"),
        ("HTTP/2 200\r\n\r\n", "does not start with a status line"),
        (
            "HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n",
            "invalid header line: \"Bad Name: v\"",
        ),
        (
            "HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",
            "invalid header line: \" folded\"",
        ),
        (
            "HTTP/1.1 200 OK\r\nA: \u{1b}[2J\r\n\r\n",
            "invalid header line: \"A: \\u{1b}[2J\"",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "invalid Content-Length \"-1\"",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
            "conflicting Content-Length",
        ),
        ("HTTP/1.1 101 Switching Protocols\r\n\r\n", "switched protocols"),
        // No transfer coding is asked for and none but chunked is decoded: another one
        // left the body encoded (returned as if it were the content), and an empty one
        // overrode the Content-Length (the body was read until the close).
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            "unsupported Transfer-Encoding \"gzip, chunked\"",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nok",
            "unsupported Transfer-Encoding \"chunked, gzip\"",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            "unsupported Transfer-Encoding \"chunked, chunked\"",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\nContent-Length: 2\r\n\r\nok",
            "unsupported Transfer-Encoding \"\"",
        ),
    ] {
        let text = protocol_error(close(answer));
        assert!(text.contains(says), "{answer:?}: {text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}

#[test]
fn chunked_bodies_that_lie_are_errors() {
    let chunked = |body: &str| {
        close(&format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{body}"
        ))
    };
    for (body, says) in [
        ("zz\r\nhello\r\n0\r\n\r\n", "invalid chunk size line \"zz\""),
        ("-5\r\nhello\r\n0\r\n\r\n", "invalid chunk size line"),
        ("1ffffffffffffffff\r\nx\r\n0\r\n\r\n", "chunk size is over 2^64"),
        ("3\r\nhello\r\n0\r\n\r\n", "a chunk is longer than its size"),
        // Blanks may come before an extension, nothing else after the size.
        ("2 3\r\nok\r\n0\r\n\r\n", "invalid chunk size line \"2 3\""),
        ("2\t;x\r\nok\r\n0 0\r\n\r\n", "invalid chunk size line \"0 0\""),
        ("2\r\r\nok\r\n0\r\n\r\n", "invalid chunk size line \"2\\r\""),
    ] {
        let text = protocol_error(chunked(body));
        assert!(text.contains(says), "{body:?}: {text}");
    }
    // Cut short: the connection closes inside a chunk.
    let e = once(chunked("10\r\nonly this")).unwrap_err();
    assert_eq!(e.kind, TransportErrorKind::Io, "{e}");
    let e = once(close("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")).unwrap_err();
    assert_eq!(e.kind, TransportErrorKind::Io, "{e}");
}

/// Heads that never end, or are larger than 64 KiB, or have more than 128 fields, or more
/// than 8 interim answers stop there, at once, with a protocol error. An endless head is
/// read no further than the limit: what the server got to write before the client left is
/// the limit plus what the sockets buffer (a few MiB on loopback), not more.
#[test]
fn oversized_and_endless_heads_stop_at_the_limits() {
    let status = b"HTTP/1.1 200 OK\r\n".to_vec();
    let line = b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".to_vec();
    for again in [line, b"a".repeat(1000)] {
        let server = Scripted::start(Reply::Endless(status.clone(), again));
        let started = Instant::now();
        let e = get(
            &UreqTransport::default(),
            &server.url,
            Duration::from_secs(10),
            1000,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "invalid HTTP: the response head is over 64 KiB");
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{:?}",
            started.elapsed()
        );
        assert!(server.written() < 32 << 20, "{} bytes", server.written());
    }
    let mut big = status.clone();
    while big.len() <= 64 * 1024 + 100 {
        big.extend_from_slice(
            b"X: 0123456789012345678901234567890123456789012345678901234567890123456789\r\n",
        );
    }
    big.extend_from_slice(b"\r\n");
    let many: String = (0..129).map(|i| format!("X-{i}: v\r\n")).collect();
    let interim = "HTTP/1.1 100 Continue\r\n\r\n".repeat(9) + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let cases = [
        (Reply::Close(big), "head is over 64 KiB"),
        (
            close(&format!("HTTP/1.1 200 OK\r\n{many}\r\n")),
            "more than 128 header fields",
        ),
        (close(&interim), "more than 8 interim (1xx) responses"),
    ];
    for (reply, says) in cases {
        let text = protocol_error(reply);
        assert!(text.contains(says), "{text}");
    }
    // 128 fields are fine.
    let fields: String = (0..128).map(|i| format!("X-{i}: v\r\n")).collect();
    let r = once(close(&format!(
        "HTTP/1.1 200 OK\r\n{fields}Content-Length: 0\r\n\r\n"
    )));
    assert_eq!(
        r.unwrap_err().to_string(),
        "invalid HTTP: the response has more than 128 header fields"
    );
    let r = once(close(&format!("HTTP/1.1 200 OK\r\n{fields}\r\n"))).unwrap();
    assert_eq!(r.headers.len(), 128);
}

/// A server that sends its head or its body one byte at a time keeps every single read
/// short, but the attempt's deadline still ends the wait.
#[test]
fn a_dripping_head_or_body_ends_at_the_deadline() {
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789".to_vec();
    let mut body = b"HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n".to_vec();
    body.extend(std::iter::repeat_n(b'a', 300));
    // Two minutes of dripping, or more.
    for (bytes, every) in [(head, Duration::from_secs(3)), (body, Duration::from_millis(400))] {
        let server = Scripted::start(Reply::Drip(bytes, every));
        let started = Instant::now();
        let e = get(
            &UreqTransport::default(),
            &server.url,
            Duration::from_secs(2),
            1000,
        )
        .unwrap_err();
        let took = started.elapsed();
        assert_eq!(e.kind, TransportErrorKind::Timeout, "{e}");
        assert!(took < Duration::from_secs(20), "took {took:?}");
    }
}

#[test]
fn bodies_over_the_limit_stop_there() {
    let body = "x".repeat(100);
    let framed = [
        format!("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{body}"),
        format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n{0}\r\n32\r\n{0}\r\n0\r\n\r\n",
            &body[..50]
        ),
        format!("HTTP/1.1 200 OK\r\n\r\n{body}"),
    ];
    for answer in &framed {
        let server = Scripted::start(close(answer));
        let t = UreqTransport::default();
        assert_eq!(
            get(&t, &server.url, Duration::from_secs(10), 100)
                .unwrap()
                .body
                .len(),
            100
        );
        // A transport of its own: the server closes each connection after its answer, and a
        // pooled one could be taken before its close arrives (the client's retries cover
        // that race; this test is about the limit).
        let e = get(
            &UreqTransport::default(),
            &server.url,
            Duration::from_secs(10),
            99,
        )
        .unwrap_err();
        assert_eq!(e.body_limit, Some(99), "{answer}: {e}");
    }
    // Endless bodies, and a length only claimed: the limit ends them without waiting.
    for reply in [
        Reply::Endless(b"HTTP/1.1 200 OK\r\n\r\n".to_vec(), b"a".repeat(4096)),
        Reply::Endless(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            b"400\r\n"
                .iter()
                .chain(&[b'a'; 1024])
                .chain(b"\r\n")
                .copied()
                .collect(),
        ),
        Reply::Keep(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000\r\n\r\n".to_vec()),
    ] {
        let server = Scripted::start(reply);
        let started = Instant::now();
        let e = get(
            &UreqTransport::default(),
            &server.url,
            Duration::from_secs(30),
            100_000,
        )
        .unwrap_err();
        assert_eq!(e.body_limit, Some(100_000), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }
}

/// `Duration::MAX`, the natural "no limit", for every timeout: each call still completes
/// (they overflowed `Instant` arithmetic and panicked).
#[test]
fn timeouts_of_duration_max_do_not_panic() {
    let gw = LocalApiGateway::builder()
        .api("a", common::numbered(2))
        .start()
        .unwrap();
    let builders: [fn(apigwv2::ClientBuilder) -> apigwv2::ClientBuilder; 5] = [
        |b| b.connect_timeout(Duration::MAX),
        |b| b.timeout(Duration::MAX),
        |b| b.operation_timeout(Duration::MAX),
        |b| b.credentials_timeout(Duration::MAX),
        |b| {
            b.connect_timeout(Duration::MAX)
                .timeout(Duration::MAX)
                .operation_timeout(Duration::MAX)
                .credentials_timeout(Duration::MAX)
                .retry_config(RetryConfig::default().max_backoff(Duration::MAX))
        },
    ];
    // Credentials from the container endpoint, so the credentials timeout is used too.
    let ecs = common::fake::FakeServer::start({
        let c = gw.credentials();
        move |_| {
            (
                200,
                format!(
                    r#"{{"AccessKeyId":"{}","SecretAccessKey":"{}","Expiration":"2099-01-01T00:00:00Z"}}"#,
                    c.access_key_id(),
                    c.secret_access_key()
                ),
            )
        }
    });
    let home = std::env::temp_dir().join(format!("apigwv2-max-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    for (i, set) in builders.into_iter().enumerate() {
        let env = Env::from_vars([
            ("HOME".to_owned(), home.to_string_lossy().into_owned()),
            ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI".to_owned(),
                format!("{}/v1/credentials", ecs.url),
            ),
        ]);
        let builder = Client::builder()
            .env(env)
            .region(gw.region())
            .endpoint_url(gw.endpoint_url());
        let client = set(builder).build().unwrap();
        assert_eq!(client.stages("a").count(), 2, "setting {i}");
    }
    // The builder keeps a year, the longest wait the crate arms.
    let shown = format!(
        "{:?}",
        Client::builder()
            .connect_timeout(Duration::MAX)
            .timeout(Duration::MAX)
            .operation_timeout(Duration::MAX)
    );
    assert!(
        shown.contains("timeouts: Timeouts { connect: 31536000s, attempt: 31536000s }, operation_timeout: Some(31536000s)"),
        "{shown}"
    );
    // The transport on its own, and a request's own timeout.
    let mut timeouts = Timeouts::default();
    timeouts.connect = Duration::MAX;
    timeouts.attempt = Duration::MAX;
    let t = UreqTransport::new(timeouts);
    let mut r = HttpRequest::new("GET", format!("{}/v2/apis", gw.endpoint_url()));
    r.timeout = Some(Duration::MAX);
    assert_eq!(t.send(&r, 1000).unwrap().status, 403);
    r.timeout = None;
    assert_eq!(t.send(&r, 1000).unwrap().status, 403);
    let _ = std::fs::remove_dir_all(&home);
}

/// A URL whose port is out of range is refused before any connection: the URL parser
/// reads `:65536` as no port at all, and the request went to port 80 instead.
#[test]
fn a_url_with_a_port_out_of_range_is_refused() {
    for url in ["http://127.0.0.1:65536/x", "http://127.0.0.1:+80/x"] {
        let e = get(&UreqTransport::default(), url, Duration::from_secs(10), 100).unwrap_err();
        assert_eq!(
            (e.kind, e.to_string()),
            (
                TransportErrorKind::Protocol,
                format!("invalid HTTP: the URL \"{url}\" has an invalid port")
            )
        );
    }
}
