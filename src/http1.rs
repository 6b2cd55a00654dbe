//! HTTP/1.1 done here, on ureq's TCP and TLS connectors only, because ureq's HTTP layer (ureq-proto) logs every request and response byte, secrets included, at Trace level.
//!
//! What it does: writes the request head and body; reads the status line and headers
//! (at most [`HEAD_LIMIT`] bytes and [`MAX_HEADERS`] fields, skipping `1xx` interim
//! answers), then a body framed by `Content-Length`, `chunked` or the connection's close,
//! up to the caller's limit. Redirects are answers like any other, never followed; no
//! compression is asked for. Idle connections are kept per target for reuse. A proxy
//! carries `http://` requests in absolute form and `https://` ones through a `CONNECT`
//! tunnel. Every wait (resolve, connect, TLS, the proxy's answer, each read and write) ends
//! by the attempt's deadline, and connecting by the connect timeout as well.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    time as utime, ConnectionDetails, Connector, NextTimeout, RustlsConnector, TcpConnector, Transport as Io,
};
use ureq::Timeout;

use crate::config::proxy::ProxyUrl;
use crate::error::TransportErrorKind as Kind;
use crate::transport::{HttpRequest, HttpResponse, TransportError};
use crate::ureq_transport::Timeouts;

/// The longest wait the crate ever arms: longer settings (`Duration::MAX` for "no limit")
/// are cut to it, so no deadline overflows an `Instant`.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(365 * 86_400);

/// The most bytes a response head (status line and headers) may take.
pub(crate) const HEAD_LIMIT: usize = 64 * 1024;

/// The most header fields (or trailer fields) a response may have.
pub(crate) const MAX_HEADERS: usize = 128;

/// The most `1xx` interim answers read before the final one.
const MAX_INTERIM: usize = 8;

/// The longest chunk-size line of a chunked body.
const LINE_LIMIT: usize = 4096;

/// The most a response's `Content-Length` makes the transport allocate before reading.
const PRESIZE_LIMIT: u64 = 4 * 1024 * 1024;

/// How long a host name's addresses are reused before it is looked up again.
const DNS_TTL: Duration = Duration::from_secs(30);

/// Idle connections kept, in all and per target, and for how long.
const MAX_IDLE: usize = 32;
const MAX_IDLE_PER_TARGET: usize = 16;
const MAX_IDLE_AGE: Duration = Duration::from_secs(15);

const USER_AGENT: &str = concat!("apigwv2/", env!("CARGO_PKG_VERSION"));

/// A point in time every wait of one attempt ends by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Instant);

impl Deadline {
    /// `d` from now, `d` cut to [`MAX_WAIT`].
    pub(crate) fn after(d: Duration) -> Self {
        Self(crate::clock::deadline_after(Instant::now(), d.min(MAX_WAIT)))
    }

    fn min(self, other: Self) -> Self {
        Self(self.0.min(other.0))
    }

    /// The time left, for ureq's I/O, or a timeout error naming `what` was being waited for.
    fn next(self, reason: Timeout, what: &str) -> Result<NextTimeout, TransportError> {
        let left = self.0.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out(what));
        }
        Ok(NextTimeout {
            after: utime::Duration::Exact(left),
            reason,
            per_read: None,
            per_write: None,
        })
    }
}

/// A timeout while doing `what` (shown after "timed out: ").
fn timed_out(what: &str) -> TransportError {
    TransportError::new(Kind::Timeout, what)
}

fn protocol(message: impl Into<String>) -> TransportError {
    TransportError::new(Kind::Protocol, message)
}

/// ureq's errors (from resolving, connecting, TLS and socket I/O) as this crate's.
pub(crate) fn map_ureq_error(e: ureq::Error, what: &str) -> TransportError {
    use ureq::Error as E;
    // A ureq error wrapped in an I/O error (as TLS passes them on) is that error.
    let e = match e {
        E::Io(io) if io.get_ref().is_some_and(|i| i.is::<E>()) => match io.into_inner() {
            Some(inner) => match inner.downcast::<E>() {
                Ok(u) => *u,
                Err(other) => E::Io(io::Error::other(other)),
            },
            None => E::Io(io::Error::other("I/O error")),
        },
        other => other,
    };
    let kind = match &e {
        E::Timeout(_) => return timed_out(what).with_source(e),
        E::HostNotFound | E::ConnectionFailed => Kind::Connect,
        E::Io(io) => match io.kind() {
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::AddrNotAvailable => Kind::Connect,
            // rustls reports a certificate it cannot verify through an I/O error: that is a
            // TLS failure, which no retry will mend.
            io::ErrorKind::InvalidData if io.to_string().contains("certificate") => Kind::Tls,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => return timed_out(what).with_source(e),
            _ => Kind::Io,
        },
        E::Protocol(_) | E::BadUri(_) | E::Http(_) => Kind::Protocol,
        E::Tls(_) | E::Rustls(_) => Kind::Tls,
        _ => Kind::Other,
    };
    TransportError::new(kind, format!("{what}: {e}")).with_source(e)
}

/// Where a request goes.
struct Target {
    https: bool,
    /// `host:port` (an IPv6 host in brackets), the port always written.
    authority: String,
    /// The `Host` header: the host, with the port when it is not the scheme's default.
    host_header: String,
    /// `scheme://host:port`, for the resolver and TLS.
    uri: Uri,
    /// The path and query (origin form).
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, TransportError> {
        // A URL with user-info is refused, without showing it.
        let shown = crate::redact::url_without_userinfo(url);
        let bad = |why: &str| protocol(format!("the URL {shown:?} {why}"));
        let uri: Uri = url.parse().map_err(|_| bad("is not a valid URL"))?;
        let https = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => true,
            Some(s) if s.eq_ignore_ascii_case("http") => false,
            _ => return Err(bad("is not an http:// or https:// URL")),
        };
        let authority = uri.authority().ok_or_else(|| bad("has no host"))?;
        if authority.as_str().contains('@') || authority.host().is_empty() {
            return Err(bad("has no valid host"));
        }
        // The port as written, never the parser's `port_u16()`: that reads a port out of
        // range (`:65536`), a signed one (`:+80`) or junk after an IPv6 literal as no port,
        // which would go to the scheme's default port.
        let host = authority.host();
        let default = if https { 443 } else { 80 };
        let port = match authority.as_str().get(host.len()..) {
            Some("" | ":") => default,
            Some(p) => p
                .strip_prefix(':')
                .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|d| d.parse::<u16>().ok())
                .filter(|&n| n != 0)
                .ok_or_else(|| bad("has an invalid port"))?,
            None => return Err(bad("has an invalid port")),
        };
        let authority = format!("{host}:{port}");
        let host_header = if port == default {
            host.to_owned()
        } else {
            authority.clone()
        };
        let pq = uri.path_and_query().map_or("/", |p| p.as_str());
        let path = if pq.starts_with('/') {
            pq.to_owned()
        } else {
            format!("/{pq}")
        };
        Ok(Self {
            https,
            uri: hop_uri(https, &authority)?,
            authority,
            host_header,
            path,
        })
    }
}

fn hop_uri(https: bool, authority: &str) -> Result<Uri, TransportError> {
    format!("{}://{authority}/", if https { "https" } else { "http" })
        .parse()
        .map_err(|_| protocol(format!("{authority:?} is not a valid host and port")))
}

/// An open connection: ureq's transport (TCP, maybe TLS), and the bytes read from it that
/// are not used yet.
struct Conn {
    io: Box<dyn Io>,
    buf: Vec<u8>,
    pos: usize,
}

impl Conn {
    fn new(io: Box<dyn Io>) -> Self {
        Self {
            io,
            buf: Vec::new(),
            pos: 0,
        }
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    fn consume(&mut self, n: usize) {
        self.pos += n.min(self.buf.len() - self.pos);
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
    }

    /// Reads what the peer sends next into the pending bytes; `false` at the end of its
    /// stream.
    fn more(&mut self, deadline: Deadline, reason: Timeout, what: &str) -> Result<bool, TransportError> {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let timeout = deadline.next(reason, what)?;
        match self.io.await_input(timeout) {
            Ok(_) => {}
            // A TLS peer that closes without close_notify: the end of its stream.
            Err(ureq::Error::Io(e)) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(map_ureq_error(e, what)),
        }
        let buffers = self.io.buffers();
        let input = buffers.input();
        let n = input.len();
        self.buf.extend_from_slice(input);
        buffers.input_consume(n);
        Ok(n > 0)
    }

    fn write_all(&mut self, mut data: &[u8], deadline: Deadline) -> Result<(), TransportError> {
        const WHAT: &str = "sending the request";
        while !data.is_empty() {
            let output = self.io.buffers().output();
            let n = output.len().min(data.len());
            output[..n].copy_from_slice(&data[..n]);
            let timeout = deadline.next(Timeout::SendRequest, WHAT)?;
            self.io
                .transmit_output(n, timeout)
                .map_err(|e| map_ureq_error(e, WHAT))?;
            data = &data[n..];
        }
        Ok(())
    }
}

/// A CONNECT tunnel: the proxy's connection, which is not TLS to the target even when it
/// is TLS to the proxy, so that TLS to the target is set up inside it.
#[derive(Debug)]
struct Tunnel(Box<dyn Io>);

impl Io for Tunnel {
    fn buffers(&mut self) -> &mut dyn ureq::unversioned::transport::Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        false
    }
}

/// A response head.
#[derive(Debug, PartialEq, Eq)]
struct Head {
    status: u16,
    /// HTTP/1.1 (or later 1.x), rather than 1.0.
    http11: bool,
    headers: Vec<(String, String)>,
}

impl Head {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True when a `Connection` header lists `token`.
    fn connection_has(&self, token: &str) -> bool {
        self.values("connection")
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// True when two framings would end the body in different places: both
    /// `Transfer-Encoding` and `Content-Length` (RFC 9112, 6.3), or a `204` that claims a
    /// body. What follows such an answer on the wire is not known to be the next one.
    fn framing_is_ambiguous(&self) -> bool {
        let coded = self.values("transfer-encoding").next().is_some();
        let mut lengths = self.values("content-length").peekable();
        if coded && lengths.peek().is_some() {
            return true;
        }
        self.status == 204 && (coded || lengths.any(|v| v.trim() != "0"))
    }
}

/// The end of the head in `p` (just past its empty line), looking at line ends from `from`.
fn head_end(p: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(off) = p.get(i..)?.iter().position(|&b| b == b'\n') {
        let nl = i + off;
        match p.get(nl + 1..nl + 3) {
            Some([b'\n', _]) => return Some(nl + 2),
            Some([b'\r', b'\n']) => return Some(nl + 3),
            Some(_) => i = nl + 1,
            // The bytes after this line end have not all arrived yet.
            None if p.get(nl + 1) == Some(&b'\n') => return Some(nl + 2),
            None => return None,
        }
    }
    None
}

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Parses a head (status line, header lines, empty line).
fn parse_head(bytes: &[u8]) -> Result<Head, TransportError> {
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let status_line = lines.next().unwrap_or_default();
    let shown = || crate::error::excerpt(status_line, 60);
    let bad_status = || {
        protocol(format!(
            "the response does not start with a status line: \"{}\"",
            shown()
        ))
    };
    let rest = status_line.strip_prefix(b"HTTP/1.").ok_or_else(bad_status)?;
    let (minor, rest) = rest.split_first().ok_or_else(bad_status)?;
    if !minor.is_ascii_digit() {
        return Err(bad_status());
    }
    let rest = rest.strip_prefix(b" ").ok_or_else(bad_status)?;
    let (code, reason) = rest.split_at(rest.len().min(3));
    if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) || !(reason.is_empty() || reason[0] == b' ') {
        return Err(bad_status());
    }
    let status = code.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    if status < 100 {
        return Err(bad_status());
    }
    if reason.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(bad_status());
    }
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            // The empty line that ends the head (and what follows it is not part of it).
            break;
        }
        if headers.len() == MAX_HEADERS {
            return Err(protocol(format!(
                "the response has more than {MAX_HEADERS} header fields"
            )));
        }
        let bad_line = || {
            protocol(format!(
                "the response has an invalid header line: \"{}\"",
                crate::error::excerpt(line, 60)
            ))
        };
        let colon = line.iter().position(|&b| b == b':').ok_or_else(bad_line)?;
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        // No name, a blank before the colon or a folded line (one starting with a blank).
        if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
            return Err(bad_line());
        }
        if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(bad_line());
        }
        let value = value.trim_ascii();
        headers.push((
            String::from_utf8_lossy(name).into_owned(),
            String::from_utf8_lossy(value).into_owned(),
        ));
    }
    Ok(Head {
        status,
        http11: *minor != b'0',
        headers,
    })
}

/// How a response body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Length(u64),
    Chunked,
    Close,
}

fn framing(method: &str, head: &Head) -> Result<Framing, TransportError> {
    if method.eq_ignore_ascii_case("HEAD") || matches!(head.status, 204 | 304) {
        return Ok(Framing::Length(0));
    }
    if head.values("transfer-encoding").next().is_some() {
        // No transfer coding is asked for, and only chunked is decoded: any other (or a
        // second chunked) would leave the body encoded, and an empty field says nothing
        // about where the body ends.
        let mut codings = head
            .values("transfer-encoding")
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|c| !c.is_empty());
        return match (codings.next(), codings.next()) {
            (Some(c), None) if c.eq_ignore_ascii_case("chunked") => Ok(Framing::Chunked),
            _ => {
                let all: Vec<&str> = head.values("transfer-encoding").collect();
                Err(protocol(format!(
                    "unsupported Transfer-Encoding \"{}\"",
                    crate::error::excerpt(all.join(", ").as_bytes(), 40)
                )))
            }
        };
    }
    let mut length = None;
    for v in head.values("content-length").flat_map(|v| v.split(',')) {
        let v = v.trim();
        let n = (!v.is_empty() && v.len() <= 19 && v.bytes().all(|b| b.is_ascii_digit()))
            .then(|| v.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| {
                protocol(format!(
                    "invalid Content-Length \"{}\"",
                    crate::error::excerpt(v.as_bytes(), 40)
                ))
            })?;
        if length.is_some_and(|l| l != n) {
            return Err(protocol("the response has conflicting Content-Length values"));
        }
        length = Some(n);
    }
    Ok(length.map_or(Framing::Close, Framing::Length))
}

fn too_large(max: u64) -> TransportError {
    let mut e = TransportError::new(Kind::Other, format!("response body over {max} bytes"));
    e.body_limit = Some(max);
    e
}

/// Reads a head, skipping interim (`1xx`) answers.
fn read_head(conn: &mut Conn, deadline: Deadline, what: &str) -> Result<Head, TransportError> {
    let mut total = 0usize;
    for _ in 0..=MAX_INTERIM {
        let mut from = 0;
        let end = loop {
            let p = conn.pending();
            if let Some(end) = head_end(p, from) {
                break end;
            }
            if total + p.len() > HEAD_LIMIT {
                return Err(protocol(format!(
                    "the response head is over {} KiB",
                    HEAD_LIMIT / 1024
                )));
            }
            from = p.len().saturating_sub(2);
            if !conn.more(deadline, Timeout::RecvResponse, what)? {
                return Err(TransportError::new(
                    Kind::Io,
                    if conn.pending().is_empty() {
                        "the connection closed before a response arrived".to_owned()
                    } else {
                        "the connection closed in the middle of the response head".to_owned()
                    },
                ));
            }
        };
        total += end;
        if total > HEAD_LIMIT {
            return Err(protocol(format!(
                "the response head is over {} KiB",
                HEAD_LIMIT / 1024
            )));
        }
        let head = parse_head(&conn.pending()[..end])?;
        conn.consume(end);
        match head.status {
            101 => return Err(protocol("the server switched protocols (HTTP 101)")),
            100..=199 => continue,
            _ => return Ok(head),
        }
    }
    Err(protocol(format!(
        "more than {MAX_INTERIM} interim (1xx) responses"
    )))
}

/// Reads one line (without its line end); `None` when it is longer than `limit` bytes.
fn read_line(conn: &mut Conn, deadline: Deadline, limit: usize) -> Result<Option<Vec<u8>>, TransportError> {
    loop {
        let p = conn.pending();
        if let Some(nl) = p.iter().position(|&b| b == b'\n') {
            let line = p[..nl].strip_suffix(b"\r").unwrap_or(&p[..nl]);
            if line.len() > limit {
                return Ok(None);
            }
            let line = line.to_vec();
            conn.consume(nl + 1);
            return Ok(Some(line));
        }
        if p.len() > limit + 1 {
            return Ok(None);
        }
        if !conn.more(deadline, Timeout::RecvBody, "reading the response body")? {
            return Err(cut_short());
        }
    }
}

fn cut_short() -> TransportError {
    TransportError::new(
        Kind::Io,
        "the connection closed before the end of the response body",
    )
}

/// Moves pending bytes into `body`, until it is `end` bytes long at most, reading when
/// none are pending; `false` at the end of the stream.
fn take_some(
    conn: &mut Conn,
    body: &mut Vec<u8>,
    end: u64,
    deadline: Deadline,
) -> Result<bool, TransportError> {
    let n = end.saturating_sub(body.len() as u64);
    if conn.pending().is_empty() && !conn.more(deadline, Timeout::RecvBody, "reading the response body")? {
        return Ok(false);
    }
    let p = conn.pending();
    let k = p.len().min(usize::try_from(n).unwrap_or(usize::MAX));
    body.extend_from_slice(&p[..k]);
    conn.consume(k);
    Ok(true)
}

fn read_body(
    conn: &mut Conn,
    framing: Framing,
    max: u64,
    deadline: Deadline,
) -> Result<Vec<u8>, TransportError> {
    match framing {
        Framing::Length(n) => {
            if n > max {
                return Err(too_large(max));
            }
            // Sized from Content-Length, so a page is read without the copies of growing
            // the buffer from empty; capped, so a length the server only claims costs little.
            let mut body = Vec::with_capacity(n.min(PRESIZE_LIMIT) as usize);
            while (body.len() as u64) < n {
                if !take_some(conn, &mut body, n, deadline)? {
                    return Err(cut_short());
                }
            }
            Ok(body)
        }
        Framing::Close => {
            let mut body = Vec::new();
            loop {
                if !take_some(conn, &mut body, max.saturating_add(1), deadline)? {
                    return Ok(body);
                }
                if body.len() as u64 > max {
                    return Err(too_large(max));
                }
            }
        }
        Framing::Chunked => {
            let mut body = Vec::new();
            loop {
                let line = read_line(conn, deadline, LINE_LIMIT)?
                    .ok_or_else(|| protocol(format!("a chunk size line is over {LINE_LIMIT} bytes")))?;
                let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
                // Blanks may come before an extension (`;name=value`), nothing else.
                let blanks = line[digits..]
                    .iter()
                    .take_while(|&&b| b == b' ' || b == b'\t')
                    .count();
                let rest = &line[digits + blanks..];
                if digits == 0 || !(rest.is_empty() || rest[0] == b';') {
                    return Err(protocol(format!(
                        "invalid chunk size line \"{}\"",
                        crate::error::excerpt(&line, 40)
                    )));
                }
                let size = line[..digits]
                    .iter()
                    .try_fold(0u64, |n, &d| {
                        let v = (d as char).to_digit(16).map_or(0, u64::from);
                        n.checked_mul(16)?.checked_add(v)
                    })
                    .ok_or_else(|| protocol("a chunk size is over 2^64"))?;
                if size == 0 {
                    // Trailer fields, read and dropped, up to the empty line.
                    let (mut fields, mut bytes) = (0usize, 0usize);
                    loop {
                        let t = read_line(conn, deadline, HEAD_LIMIT)?;
                        match t {
                            Some(t) if t.is_empty() => return Ok(body),
                            Some(t) if fields < MAX_HEADERS && bytes + t.len() <= HEAD_LIMIT => {
                                fields += 1;
                                bytes += t.len();
                            }
                            _ => return Err(protocol("the chunked body's trailer is too large")),
                        }
                    }
                }
                if size > max - body.len() as u64 {
                    return Err(too_large(max));
                }
                let end = body.len() as u64 + size;
                while (body.len() as u64) < end {
                    if !take_some(conn, &mut body, end, deadline)? {
                        return Err(cut_short());
                    }
                }
                if read_line(conn, deadline, 0)? != Some(Vec::new()) {
                    return Err(protocol("a chunk is longer than its size"));
                }
            }
        }
    }
}

/// `Basic` credentials for a proxy.
fn basic_auth(user: &str, password: &str) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let mut out = String::from("Basic ");
    for c in input.as_bytes().chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= c.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn proxy_auth(p: &ProxyUrl) -> Option<String> {
    (p.user.is_some() || p.password.is_some()).then(|| {
        basic_auth(
            p.user.as_deref().unwrap_or(""),
            p.password.as_deref().unwrap_or(""),
        )
    })
}

/// True for a header value that can be written as is: no line break or other control
/// character but tab.
fn valid_value(v: &str) -> bool {
    !v.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
}

fn is_bodyless(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "DELETE" | "OPTIONS")
}

/// The request head. Through an HTTP proxy (`absolute`), the target is the whole URL and
/// the proxy's credentials go along.
fn request_head(
    request: &HttpRequest,
    target: &Target,
    absolute: Option<&ProxyUrl>,
) -> Result<Vec<u8>, TransportError> {
    let method = request.method;
    if method.is_empty() || !method.bytes().all(is_token) {
        return Err(protocol(format!("invalid method {method:?}")));
    }
    let mut out = Vec::with_capacity(512);
    let push = |out: &mut Vec<u8>, parts: &[&str]| {
        for p in parts {
            out.extend_from_slice(p.as_bytes());
        }
    };
    match absolute {
        Some(_) => push(
            &mut out,
            &[
                method,
                " http://",
                &target.authority,
                &target.path,
                " HTTP/1.1\r\n",
            ],
        ),
        None => push(&mut out, &[method, " ", &target.path, " HTTP/1.1\r\n"]),
    }
    let (mut host, mut agent, mut length) = (false, false, false);
    for (name, value) in &request.headers {
        if name.is_empty() || !name.bytes().all(is_token) || !valid_value(value) {
            // The value may be a secret: only the name is shown, escaped.
            return Err(protocol(format!(
                "the request header {:?} cannot be sent",
                crate::redact::Escaped(name).to_string()
            )));
        }
        if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(protocol(
                "a request body is always sent with its length, never chunked",
            ));
        }
        if name.eq_ignore_ascii_case("content-length") {
            if value.trim() != request.body.len().to_string() {
                return Err(protocol("the request's Content-Length is not its body's length"));
            }
            length = true;
        }
        host |= name.eq_ignore_ascii_case("host");
        agent |= name.eq_ignore_ascii_case("user-agent");
        push(&mut out, &[name, ": ", value, "\r\n"]);
    }
    if !host {
        push(&mut out, &["Host: ", &target.host_header, "\r\n"]);
    }
    if !agent {
        push(&mut out, &["User-Agent: ", USER_AGENT, "\r\n"]);
    }
    // A body-less PUT or POST still says its length is 0: some endpoints (instance
    // metadata among them) do not take a request without one.
    let needs_length = !request.body.is_empty() || !is_bodyless(method);
    if needs_length && !length {
        push(
            &mut out,
            &["Content-Length: ", &request.body.len().to_string(), "\r\n"],
        );
    }
    if let Some(auth) = absolute.and_then(proxy_auth) {
        push(&mut out, &["Proxy-Authorization: ", &auth, "\r\n"]);
    }
    out.extend_from_slice(b"\r\n");
    Ok(out)
}

/// Resolves host names once per [`DNS_TTL`] and IP literals at once, so a reused
/// connection costs no lookup.
#[derive(Debug, Default)]
struct CachingResolver {
    inner: DefaultResolver,
    cache: Mutex<Vec<(String, Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(authority), Some(scheme)) = (uri.authority(), uri.scheme_str()) else {
            return self.inner.resolve(uri, config, timeout);
        };
        let port = authority
            .port_u16()
            .unwrap_or(if scheme.eq_ignore_ascii_case("https") {
                443
            } else {
                80
            });
        let host = authority.host();
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<std::net::IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(std::net::SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = format!("{host}:{port}");
        let now = Instant::now();
        {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((_, _, addrs)) = cache
                .iter()
                .find(|(k, at, _)| *k == key && now.duration_since(*at) < DNS_TTL)
            {
                return Ok(addrs.clone());
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|(k, at, _)| *k != key && now.duration_since(*at) < DNS_TTL);
        cache.push((key, now, addrs.clone()));
        Ok(addrs)
    }
}

/// Idle connections, newest last.
#[derive(Default)]
struct Pool(Mutex<Vec<(String, Instant, Conn)>>);

impl Pool {
    /// The newest idle connection to `key` that is still open.
    fn take(&self, key: &str) -> Option<Conn> {
        loop {
            let mut conn = {
                let mut idle = self.0.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                idle.retain(|(_, since, _)| now.duration_since(*since) < MAX_IDLE_AGE);
                let i = idle.iter().rposition(|(k, _, _)| k == key)?;
                idle.remove(i).2
            };
            if conn.io.is_open() {
                return Some(conn);
            }
        }
    }

    fn put(&self, key: String, conn: Conn) {
        let mut idle = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if idle.iter().filter(|(k, _, _)| *k == key).count() >= MAX_IDLE_PER_TARGET {
            if let Some(i) = idle.iter().position(|(k, _, _)| *k == key) {
                idle.remove(i);
            }
        }
        if idle.len() >= MAX_IDLE {
            idle.remove(0);
        }
        idle.push((key, Instant::now(), conn));
    }
}

/// The HTTP/1.1 client behind [`UreqTransport`](crate::ureq_transport::UreqTransport).
pub(crate) struct Http1 {
    config: ureq::config::Config,
    timeouts: Timeouts,
    resolver: CachingResolver,
    tcp: TcpConnector,
    tls: RustlsConnector,
    pool: Pool,
    proxy: Option<crate::config::ProxyConfig>,
}

type RunConnector = dyn Fn(&ConnectionDetails<'_>) -> Result<Box<dyn Io>, ureq::Error> + Send + Sync;
type RegisterShutdown = dyn Fn(std::sync::Weak<dyn ureq::unversioned::transport::ShutdownHandle>) -> Result<(), ureq::Error>
    + Send
    + Sync;

impl Http1 {
    pub(crate) fn new(
        timeouts: Timeouts,
        roots: ureq::tls::RootCerts,
        proxy: Option<crate::config::ProxyConfig>,
    ) -> Self {
        let config = ureq::Agent::config_builder()
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
            .proxy(None)
            .build();
        Self {
            config,
            timeouts,
            resolver: CachingResolver::default(),
            tcp: TcpConnector::default(),
            tls: RustlsConnector::default(),
            pool: Pool::default(),
            proxy,
        }
    }

    fn details<'a>(
        &'a self,
        uri: &'a Uri,
        addrs: ResolvedSocketAddrs,
        timeout: NextTimeout,
    ) -> ConnectionDetails<'a> {
        // Neither is used: the configuration names no proxy, and nothing shuts the
        // connections down from another thread.
        let run: Arc<RunConnector> = Arc::new(|_| Err(ureq::Error::ConnectionFailed));
        let register: Arc<RegisterShutdown> = Arc::new(|_| Ok(()));
        ConnectionDetails {
            uri,
            addrs,
            config: &self.config,
            request_level: false,
            resolver: &self.resolver,
            now: utime::Instant::now(),
            timeout,
            current_time: Arc::new(utime::Instant::now),
            run_connector: run,
            register_shutdown: register,
        }
    }

    /// TLS over `io` to the host of `uri`.
    fn tls(
        &self,
        io: Box<dyn Io>,
        uri: &Uri,
        deadline: Deadline,
        what: &str,
    ) -> Result<Box<dyn Io>, TransportError> {
        let details = self.details(uri, self.resolver.empty(), deadline.next(Timeout::Connect, what)?);
        match self.tls.connect(&details, Some(io)) {
            Ok(Some(t)) => Ok(Box::new(t)),
            Ok(None) => Err(TransportError::new(Kind::Tls, format!("{what}: no TLS"))),
            Err(e) => Err(map_ureq_error(e, what)),
        }
    }

    /// A new connection to `target`, through `proxy` when given.
    fn open(
        &self,
        target: &Target,
        proxy: Option<&ProxyUrl>,
        deadline: Deadline,
    ) -> Result<Conn, TransportError> {
        let deadline = deadline.min(Deadline::after(self.timeouts.connect));
        let (hop, hop_https, what) = match proxy {
            Some(p) => (
                hop_uri(p.https, &format!("{}:{}", p.host, p.port))?,
                p.https,
                format!("connecting to the proxy {}", p.display()),
            ),
            None => (
                target.uri.clone(),
                target.https,
                format!("connecting to {}", target.authority),
            ),
        };
        let addrs = self
            .resolver
            .resolve(&hop, &self.config, deadline.next(Timeout::Resolve, &what)?)
            .map_err(|e| map_ureq_error(e, &what))?;
        let details = self.details(&hop, addrs, deadline.next(Timeout::Connect, &what)?);
        let mut io: Box<dyn Io> = match Connector::<()>::connect(&self.tcp, &details, None) {
            Ok(Some(t)) => Box::new(t),
            Ok(None) => return Err(TransportError::new(Kind::Connect, what)),
            Err(e) => return Err(map_ureq_error(e, &what)),
        };
        if hop_https {
            io = self.tls(io, &hop, deadline, &what)?;
        }
        if let (Some(p), true) = (proxy, target.https) {
            let mut conn = Conn::new(io);
            self.tunnel(&mut conn, target, p, deadline)?;
            let what = format!(
                "connecting to {} through the proxy {}",
                target.authority,
                p.display()
            );
            io = self.tls(Box::new(Tunnel(conn.io)), &target.uri, deadline, &what)?;
        }
        Ok(Conn::new(io))
    }

    /// Asks the proxy for a tunnel to `target` and reads its answer, by the deadline.
    fn tunnel(
        &self,
        conn: &mut Conn,
        target: &Target,
        p: &ProxyUrl,
        deadline: Deadline,
    ) -> Result<(), TransportError> {
        let what = format!(
            "waiting for the proxy {} to open a tunnel to {}",
            p.display(),
            target.authority
        );
        let mut head = format!(
            "CONNECT {0} HTTP/1.1\r\nHost: {0}\r\nUser-Agent: {USER_AGENT}\r\n",
            target.authority
        );
        if let Some(auth) = proxy_auth(p) {
            head.push_str("Proxy-Authorization: ");
            head.push_str(&auth);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        conn.write_all(head.as_bytes(), deadline)?;
        let answer = read_head(conn, deadline, &what)?;
        if !(200..300).contains(&answer.status) {
            return Err(TransportError::new(
                Kind::Connect,
                format!(
                    "the proxy {} refused a tunnel to {}: HTTP {}",
                    p.display(),
                    target.authority,
                    answer.status
                ),
            ));
        }
        // Anything the proxy sent past its answer would be taken as the target's.
        if !conn.pending().is_empty() {
            return Err(protocol(format!(
                "the proxy {} sent bytes after its CONNECT answer",
                p.display()
            )));
        }
        Ok(())
    }

    /// Sends one request on `conn` and reads the answer; the connection goes back to the
    /// pool when it may carry another.
    fn exchange(
        &self,
        mut conn: Conn,
        key: String,
        head: &[u8],
        request: &HttpRequest,
        max_body_bytes: u64,
        deadline: Deadline,
    ) -> Result<HttpResponse, TransportError> {
        conn.write_all(head, deadline)?;
        conn.write_all(&request.body, deadline)?;
        let head = read_head(&mut conn, deadline, "waiting for the response")?;
        let framing = framing(request.method, &head)?;
        let body = read_body(&mut conn, framing, max_body_bytes, deadline)?;
        // A request that says `Connection: close` is the connection's last (RFC 9112, 9.6).
        let asked_close = request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case("close"));
        let reusable = head.http11
            && !asked_close
            && !head.connection_has("close")
            && framing != Framing::Close
            && !head.framing_is_ambiguous();
        if reusable && conn.pending().is_empty() {
            self.pool.put(key, conn);
        }
        Ok(HttpResponse::new(head.status, head.headers, body))
    }

    pub(crate) fn send(
        &self,
        request: &HttpRequest,
        max_body_bytes: u64,
    ) -> Result<HttpResponse, TransportError> {
        let deadline = Deadline::after(request.timeout.unwrap_or(self.timeouts.attempt));
        let target = Target::parse(&request.url)?;
        let proxy = match &self.proxy {
            Some(p) if !request.bypass_proxy => p.proxy_url_for(&request.url),
            _ => None,
        };
        let head = request_head(request, &target, proxy.filter(|_| !target.https))?;
        let key = format!(
            "{}://{} via {}",
            if target.https { "https" } else { "http" },
            target.authority,
            proxy.map_or("-", ProxyUrl::display)
        );
        // A pooled connection the server has closed since is found by the pool's probe; one
        // it closes just as the request goes out fails this attempt, which the client's
        // retries cover (as with ureq's own pool).
        let conn = match self.pool.take(&key) {
            Some(c) => c,
            None => self.open(&target, proxy, deadline)?,
        };
        self.exchange(conn, key, &head, request, max_body_bytes, deadline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ureq_errors_map_to_the_kinds_retries_decide_on() {
        use ureq::Error as E;
        let kind = |e: E| map_ureq_error(e, "connecting to h:1").kind;
        let io = |k: io::ErrorKind, m: &str| E::Io(io::Error::new(k, m.to_owned()));
        assert_eq!(kind(E::HostNotFound), Kind::Connect);
        assert_eq!(kind(E::ConnectionFailed), Kind::Connect);
        for k in [
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::HostUnreachable,
            io::ErrorKind::NetworkUnreachable,
            io::ErrorKind::AddrNotAvailable,
        ] {
            assert_eq!(kind(io(k, "no")), Kind::Connect, "{k:?}");
        }
        assert_eq!(
            kind(io(
                io::ErrorKind::InvalidData,
                "invalid peer certificate: UnknownIssuer"
            )),
            Kind::Tls
        );
        assert_eq!(kind(io(io::ErrorKind::InvalidData, "corrupt message")), Kind::Io);
        assert_eq!(kind(io(io::ErrorKind::TimedOut, "slow")), Kind::Timeout);
        assert_eq!(kind(io(io::ErrorKind::WouldBlock, "slow")), Kind::Timeout);
        assert_eq!(kind(io(io::ErrorKind::ConnectionReset, "reset")), Kind::Io);
        assert_eq!(kind(E::Timeout(ureq::Timeout::Connect)), Kind::Timeout);
        assert_eq!(kind(E::BadUri("x".into())), Kind::Protocol);
        assert_eq!(kind(E::Tls("handshake")), Kind::Tls);
        assert_eq!(kind(E::BodyExceedsLimit(1)), Kind::Other);
        // A ureq error that TLS passed on inside an I/O error is that error.
        let wrapped = E::Io(io::Error::other(E::Tls("inner")));
        assert_eq!(kind(wrapped), Kind::Tls);
        let wrapped = E::Io(io::Error::other(E::HostNotFound));
        assert_eq!(kind(wrapped), Kind::Connect);
        let e = map_ureq_error(E::HostNotFound, "connecting to h:1");
        assert_eq!(e.message, format!("connecting to h:1: {}", E::HostNotFound));
    }

    fn head(text: &str) -> Result<Head, TransportError> {
        parse_head(text.as_bytes())
    }

    #[test]
    fn heads_parse_and_malformed_ones_are_protocol_errors() {
        let h = head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b c \t\r\n\r\n").unwrap();
        assert_eq!(
            h,
            Head {
                status: 200,
                http11: true,
                headers: vec![
                    ("Content-Length".into(), "5".into()),
                    ("X-A".into(), "b c".into())
                ],
            }
        );
        let h = head("HTTP/1.0 404\n\n").unwrap();
        assert_eq!((h.status, h.http11, h.headers.len()), (404, false, 0));
        for bad in [
            "",
            "HTTP/1.1\r\n\r\n",
            "HTTP/1.1 20\r\n\r\n",
            "HTTP/1.1 2000 OK\r\n\r\n",
            "HTTP/1.1 099 OK\r\n\r\n",
            "HTTP/2 200 OK\r\n\r\n",
            "HTTP/1.x 200 OK\r\n\r\n",
            "ICY 200 OK\r\n\r\n",
            "HTTP/1.1 200 O\x00K\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
            "HTTP/1.1 200 OK\r\nName : blank before the colon\r\n\r\n",
            "HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",
            "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",
            "HTTP/1.1 200 OK\r\nA: \x1b[31m\r\n\r\n",
        ] {
            let e = head(bad).unwrap_err();
            assert_eq!(e.kind, Kind::Protocol, "{bad:?}");
            assert!(!e.to_string().contains('\x1b'), "{e}");
        }
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: v\r\n")).collect();
        let e = head(&format!("HTTP/1.1 200 OK\r\n{many}\r\n")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("invalid HTTP: the response has more than {MAX_HEADERS} header fields")
        );
        let just_enough: String = (0..MAX_HEADERS).map(|i| format!("X-{i}: v\r\n")).collect();
        assert_eq!(
            head(&format!("HTTP/1.1 200 OK\r\n{just_enough}\r\n"))
                .unwrap()
                .headers
                .len(),
            MAX_HEADERS
        );
    }

    #[test]
    fn the_head_ends_at_the_first_empty_line() {
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\n\r\nbody", 0), Some(19));
        assert_eq!(head_end(b"HTTP/1.1 200 OK\n\nbody", 0), Some(17));
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n\r", 0), None);
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n", 0), None);
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\nA: b\n\n", 0), Some(23));
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\n\n", 15), Some(18));
    }

    #[test]
    fn framing_follows_rfc_9112() {
        let h = |headers: &[(&str, &str)], status| Head {
            status,
            http11: true,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        };
        assert_eq!(
            framing("GET", &h(&[("content-length", "12")], 200)).unwrap(),
            Framing::Length(12)
        );
        assert_eq!(
            framing("GET", &h(&[("Content-Length", "7, 7")], 200)).unwrap(),
            Framing::Length(7)
        );
        assert_eq!(
            framing("HEAD", &h(&[("content-length", "12")], 200)).unwrap(),
            Framing::Length(0)
        );
        assert_eq!(
            framing("GET", &h(&[("content-length", "12")], 304)).unwrap(),
            Framing::Length(0)
        );
        assert_eq!(framing("GET", &h(&[], 204)).unwrap(), Framing::Length(0));
        assert_eq!(framing("GET", &h(&[], 200)).unwrap(), Framing::Close);
        assert_eq!(
            framing(
                "GET",
                &h(&[("Transfer-Encoding", "Chunked"), ("content-length", "3")], 200)
            )
            .unwrap(),
            Framing::Chunked
        );
        assert_eq!(
            framing("GET", &h(&[("transfer-encoding", " , chunked ,")], 200)).unwrap(),
            Framing::Chunked
        );
        for bad in [
            &[("Transfer-Encoding", "gzip, chunked")][..],
            &[("transfer-encoding", "chunked, gzip")],
            &[("transfer-encoding", "identity")],
            &[("transfer-encoding", "chunked;x=1")],
            &[("transfer-encoding", "chunked"), ("transfer-encoding", "chunked")],
            &[("transfer-encoding", ""), ("content-length", "2")],
        ] {
            let e = framing("GET", &h(bad, 200)).unwrap_err();
            assert_eq!(e.kind, Kind::Protocol, "{bad:?}");
            assert!(e.message.starts_with("unsupported Transfer-Encoding"), "{e}");
        }
        for bad in ["-1", "1e3", "", "5, 6", "+5", "99999999999999999999", "0x10"] {
            let e = framing("GET", &h(&[("content-length", bad)], 200)).unwrap_err();
            assert_eq!(e.kind, Kind::Protocol, "{bad:?}");
        }
        let e = framing(
            "GET",
            &h(&[("content-length", "5"), ("content-length", "6")], 200),
        )
        .unwrap_err();
        assert_eq!(e.kind, Kind::Protocol);
    }

    #[test]
    fn basic_auth_is_base64() {
        assert_eq!(basic_auth("us@er", "hunter2"), "Basic dXNAZXI6aHVudGVyMg==");
        assert_eq!(basic_auth("a", ""), "Basic YTo=");
        assert_eq!(basic_auth("ab", "c"), "Basic YWI6Yw==");
        assert_eq!(basic_auth("ab", "cd"), "Basic YWI6Y2Q=");
    }

    #[test]
    fn request_heads_are_written_and_unsafe_headers_refused() {
        let t = Target::parse("http://[::1]:9000/v2/apis?x=1").unwrap();
        assert_eq!(
            (t.authority.as_str(), t.path.as_str(), t.https),
            ("[::1]:9000", "/v2/apis?x=1", false)
        );
        let t = Target::parse("https://example.com").unwrap();
        assert_eq!(
            (t.authority.as_str(), t.path.as_str(), t.https),
            ("example.com:443", "/", true)
        );
        for bad in [
            "ftp://h/",
            "http:///x",
            "http://u:p@h/",
            "not a url",
            "http://h/\n",
        ] {
            assert_eq!(
                Target::parse(bad).err().map(|e| e.kind),
                Some(Kind::Protocol),
                "{bad}"
            );
        }
        let mut r = HttpRequest::new("GET", "http://h:1/p");
        r.headers.push(("host".into(), "h:1".into()));
        let t = Target::parse(&r.url).unwrap();
        let text = String::from_utf8(request_head(&r, &t, None).unwrap()).unwrap();
        assert_eq!(
            text,
            format!("GET /p HTTP/1.1\r\nhost: h:1\r\nUser-Agent: {USER_AGENT}\r\n\r\n")
        );
        let mut r = HttpRequest::new("PUT", "http://h:1/p");
        r.headers.push(("User-Agent".into(), "mine".into()));
        let text = String::from_utf8(request_head(&r, &t, None).unwrap()).unwrap();
        assert_eq!(
            text,
            "PUT /p HTTP/1.1\r\nUser-Agent: mine\r\nHost: h:1\r\nContent-Length: 0\r\n\r\n"
        );
        let proxy = crate::config::ProxyConfig::all("http://u:pw@p:3").unwrap();
        let p = proxy.proxy_url_for("http://h:1/p").unwrap();
        let mut r = HttpRequest::new("POST", "http://h:1/p");
        r.body = b"abc".to_vec();
        let text = String::from_utf8(request_head(&r, &t, Some(p)).unwrap()).unwrap();
        assert_eq!(
            text,
            format!("POST http://h:1/p HTTP/1.1\r\nHost: h:1\r\nUser-Agent: {USER_AGENT}\r\nContent-Length: 3\r\nProxy-Authorization: Basic dTpwdw==\r\n\r\n")
        );
        for (n, v) in [
            ("x-amz-security-token", "SECRETVALUE\r\nX-Injected: 1"),
            ("bad name", "v"),
            ("", "v"),
            ("transfer-encoding", "chunked"),
            ("content-length", "4"),
        ] {
            let mut r = HttpRequest::new("POST", "http://h:1/p");
            r.body = b"abc".to_vec();
            r.headers.push((n.into(), v.into()));
            let e = request_head(&r, &t, None).unwrap_err();
            assert_eq!(e.kind, Kind::Protocol, "{n}");
            assert!(!e.to_string().contains("SECRETVALUE"), "{e}");
        }
        // The Host header has the port only when it is not the scheme's default (as ureq
        // and the crate's endpoints write it).
        for (url, host) in [
            ("https://example.com/p", "example.com"),
            ("http://example.com:80/p", "example.com"),
            ("https://example.com:80/p", "example.com:80"),
            ("http://[::1]/p", "[::1]"),
            ("http://[::1]:8080/p", "[::1]:8080"),
        ] {
            let t = Target::parse(url).unwrap();
            let text =
                String::from_utf8(request_head(&HttpRequest::new("GET", url), &t, None).unwrap()).unwrap();
            assert_eq!(
                text,
                format!("GET /p HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n\r\n"),
                "{url}"
            );
        }
        let r = HttpRequest::new("G T", "http://h:1/p");
        assert_eq!(request_head(&r, &t, None).unwrap_err().kind, Kind::Protocol);
    }

    /// A port out of range, signed, zero, or junk after an IPv6 literal is refused: the
    /// URL parser reads each as "no port", which went to the scheme's default port (a
    /// container endpoint `http://127.0.0.1:65536/` got its token sent to port 80).
    #[test]
    fn urls_with_invalid_ports_are_refused() {
        for bad in [
            "http://127.0.0.1:65536/",
            "http://127.0.0.1:99999999999/",
            "http://127.0.0.1:+80/",
            "http://127.0.0.1:-1/",
            "http://127.0.0.1:0/",
            "http://[::1]:65537/",
            "http://[::1]x/",
            "https://h:65979/",
        ] {
            let e = Target::parse(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad} was taken"));
            assert_eq!(
                e.to_string(),
                format!("invalid HTTP: the URL \"{bad}\" has an invalid port"),
                "{bad}"
            );
        }
        for (url, authority) in [
            ("http://h:/", "h:80"),
            ("https://h/", "h:443"),
            ("http://h:0080/", "h:80"),
            ("http://h:65535/", "h:65535"),
            ("https://[::1]/", "[::1]:443"),
            ("http://[::1]:1/", "[::1]:1"),
        ] {
            assert_eq!(Target::parse(url).unwrap().authority, authority, "{url}");
        }
    }

    #[test]
    fn deadlines_cap_any_duration() {
        let d = Deadline::after(Duration::MAX);
        assert!(d.0 > Instant::now() + MAX_WAIT - Duration::from_secs(60));
        assert!(d.0 <= Instant::now() + MAX_WAIT);
        let past = Deadline::after(Duration::ZERO);
        assert_eq!(
            past.next(Timeout::Global, "testing").unwrap_err().kind,
            Kind::Timeout
        );
    }
}
