//! The tests of `http.rs`, which the integration tests compile too (so its own tests would
//! run in every test binary).

use std::io;

use super::http::*;

#[test]
fn parses_a_request_and_stops_at_eof() {
    let raw = b"GET /v2/apis/a%20b/stages?maxResults=5 HTTP/1.1\r\nHost: x:1\r\nX-A:  v \r\n\r\nGET / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
    let mut r = io::BufReader::new(&raw[..]);
    let a = read_request(&mut r).unwrap().unwrap();
    assert_eq!(
        (a.method.as_str(), a.path(), a.query()),
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

#[test]
fn a_target_splits_at_its_first_question_mark() {
    let req = |target: &str| Request {
        method: "GET".into(),
        target: target.into(),
        headers: vec![],
        body: vec![],
    };
    for (target, path, query) in [
        ("/v2/apis", "/v2/apis", ""),
        ("/v2/apis?", "/v2/apis", ""),
        ("/a?b=1?c=2", "/a", "b=1?c=2"),
        ("?x", "", "x"),
        ("127.0.0.1:80", "127.0.0.1:80", ""),
        ("http://h:1/p?q", "http://h:1/p", "q"),
    ] {
        assert_eq!(
            (req(target).path(), req(target).query()),
            (path, query),
            "{target}"
        );
    }
    let raw = b"GET /p?q=1 HTTP/1.1\r\nx-Up: 1\r\nX-UP: 2\r\n\r\n";
    let parsed = read_request(&mut io::BufReader::new(&raw[..])).unwrap().unwrap();
    assert_eq!(parsed.target, "/p?q=1");
    // The first of two headers of one name, whatever their case.
    assert_eq!(parsed.header("X-up"), Some("1"));
    assert_eq!(parsed.header("x-down"), None);
}

#[test]
fn a_response_head_names_its_status_and_length() {
    let mut out = Vec::new();
    let headers = [("Connection".to_owned(), "close".to_owned())];
    write_head(&mut out, 404, &headers, 12).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 12\r\n\r\n"
    );
    let mut out = Vec::new();
    write_head(&mut out, 418, &[], 0).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "HTTP/1.1 418 Status\r\nContent-Length: 0\r\n\r\n"
    );
}
