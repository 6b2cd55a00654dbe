//! Just enough HTTP/1.1 for the local endpoint: read one request with bounded sizes, write
//! one response with a `Content-Length`.

use std::io::{self, BufRead, Write};

use time::OffsetDateTime;

/// Largest request head accepted (request line and headers).
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted.
const MAX_BODY: usize = 1024 * 1024;

/// One parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Request {
    pub method: String,
    /// The raw target's path part, still percent-encoded.
    pub path: String,
    /// The raw query, without `?`, still percent-encoded.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        crate::transport::find_header(&self.headers, name)
    }
}

fn read_line<R: BufRead>(r: &mut R, budget: &mut usize) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = io::Read::take(&mut *r, *budget as u64 + 1).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget || !buf.ends_with(b"\n") {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "request head too large or cut short",
        ));
    }
    *budget -= n;
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "request head is not UTF-8"))
}

/// Reads one request; `Ok(None)` when the peer closed the connection cleanly between
/// requests.
pub(crate) fn read_request(r: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut budget = MAX_HEAD;
    let line = loop {
        match read_line(r, &mut budget)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_owned());
    let mut parts = line.splitn(3, ' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().ok_or_else(|| bad("no request target"))?;
    if !parts.next().is_some_and(|v| v.starts_with("HTTP/1.")) {
        return Err(bad("not HTTP/1.x"));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = Vec::new();
    loop {
        let line = read_line(r, &mut budget)?.ok_or_else(|| bad("connection closed in the head"))?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| bad("header without a colon"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let mut req = Request {
        method,
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body: Vec::new(),
    };
    if let Some(len) = req.header("content-length") {
        let len: usize = len.parse().map_err(|_| bad("bad content-length"))?;
        if len > MAX_BODY {
            return Err(bad("body too large"));
        }
        req.body = vec![0; len];
        r.read_exact(&mut req.body)?;
    } else if req.header("transfer-encoding").is_some() {
        return Err(bad("chunked request bodies are not supported"));
    }
    Ok(Some(req))
}

/// Writes the status line and headers, with the given content length.
pub(crate) fn write_head(
    w: &mut impl Write,
    status: u16,
    headers: &[(String, String)],
    content_length: usize,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (n, v) in headers {
        head.push_str(n);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {content_length}\r\n\r\n"));
    w.write_all(head.as_bytes())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
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
    fn parses_a_request_and_stops_at_eof() {
        let raw = b"GET /v2/apis/a%20b/stages?maxResults=5 HTTP/1.1\r\nHost: x:1\r\nX-A:  v \r\n\r\nGET / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
        let mut r = io::BufReader::new(&raw[..]);
        let a = read_request(&mut r).unwrap().unwrap();
        assert_eq!(
            (a.method.as_str(), a.path.as_str(), a.query.as_str()),
            ("GET", "/v2/apis/a%20b/stages", "maxResults=5")
        );
        assert_eq!(a.header("x-a"), Some("v"));
        let b = read_request(&mut r).unwrap().unwrap();
        assert_eq!(b.body, b"hi");
        assert!(read_request(&mut r).unwrap().is_none());
    }

    #[test]
    fn rejects_garbage_and_oversized_heads() {
        for raw in [
            &b"GARBAGE\r\n\r\n"[..],
            b"GET / SPDY\r\n\r\n",
            b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x",
        ] {
            assert!(read_request(&mut io::BufReader::new(raw)).is_err());
        }
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(read_request(&mut io::BufReader::new(big.as_bytes())).is_err());
    }

    #[test]
    fn a_head_of_the_bound_is_read_and_one_byte_more_is_not() {
        let head = |len: usize| {
            let fixed = "GET / HTTP/1.1\r\nX: \r\n\r\n".len();
            format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(len - fixed))
        };
        assert_eq!(head(MAX_HEAD).len(), MAX_HEAD);
        let req = read_request(&mut io::BufReader::new(head(MAX_HEAD).as_bytes()))
            .unwrap()
            .unwrap();
        assert_eq!(req.header("x").map(str::len), Some(MAX_HEAD - 23));
        let e = read_request(&mut io::BufReader::new(head(MAX_HEAD + 1).as_bytes())).unwrap_err();
        assert_eq!(e.to_string(), "request head too large or cut short");
        // Blank lines before the request line count against the bound too.
        let padded = format!("{}{}", "\r\n".repeat(10), head(MAX_HEAD - 19));
        assert_eq!(padded.len(), MAX_HEAD + 1);
        let e = read_request(&mut io::BufReader::new(padded.as_bytes())).unwrap_err();
        assert_eq!(e.to_string(), "request head too large or cut short");
        assert_eq!(MAX_HEAD, 64 * 1024);
    }
}

#[cfg(test)]
mod date_tests {
    #[test]
    fn http_dates() {
        let t = time::macros::datetime!(1994-11-06 08:49:37 UTC);
        assert_eq!(super::http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
