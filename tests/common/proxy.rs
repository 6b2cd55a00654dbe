//! A small HTTP proxy on 127.0.0.1 for the proxy tests. It records the method, the target
//! (`host:port`) and the `Proxy-Authorization` header of every request it gets; a CONNECT
//! opens a tunnel, a request in absolute form (`GET http://host:port/path`) is forwarded
//! and its answer relayed. A dripping proxy answers every request one byte at a time
//! instead. Reads are bounded by timeouts; it stops when dropped.
#![allow(dead_code)]

use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::http::{find_header, read_request, Request};

/// One request the proxy received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    /// `CONNECT`, or the method of a request in absolute form.
    pub method: String,
    /// `host:port` as asked for.
    pub target: String,
    /// The `Proxy-Authorization` header, if sent.
    pub authorization: Option<String>,
}

/// What the proxy does with a request.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Tunnel CONNECTs and forward requests in absolute form.
    Forward,
    /// Answer with `bytes` bytes of a `200` head, one byte every `every`.
    Drip { every: Duration, bytes: usize },
}

pub struct Proxy {
    pub url: String,
    seen: Arc<Mutex<Vec<Connect>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 8192];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// The answer of a dripping proxy: a `200` head of exactly `bytes` bytes (at least 40).
pub fn drip_answer(bytes: usize) -> Vec<u8> {
    let start = "HTTP/1.1 200 Connection established\r\nX-Drip: ";
    let end = "\r\n\r\n";
    let fill = bytes.saturating_sub(start.len() + end.len());
    format!("{start}{}{end}", "a".repeat(fill)).into_bytes()
}

fn serve(client: TcpStream, seen: &Mutex<Vec<Connect>>, mode: Mode, stop: &AtomicBool) -> Option<()> {
    client.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(client.try_clone().ok()?);
    let mut client = client;
    loop {
        // A CONNECT has no body: what follows its head stays in the reader, for the tunnel.
        let Request {
            method,
            target,
            headers,
            body,
        } = read_request(&mut reader).ok()??;
        let authority = if method == "CONNECT" {
            target.clone()
        } else {
            let rest = target.strip_prefix("http://")?;
            rest.split('/').next()?.to_owned()
        };
        seen.lock().unwrap().push(Connect {
            method: method.clone(),
            target: authority.clone(),
            authorization: find_header(&headers, "proxy-authorization").map(str::to_owned),
        });
        if let Mode::Drip { every, bytes } = mode {
            for b in drip_answer(bytes) {
                if stop.load(Ordering::SeqCst) || client.write_all(&[b]).is_err() {
                    return None;
                }
                std::thread::sleep(every);
            }
            return None;
        }
        let Ok(upstream) = TcpStream::connect_timeout(&authority.parse().ok()?, Duration::from_secs(2))
        else {
            let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            return None;
        };
        upstream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        client.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        if method == "CONNECT" {
            client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .ok()?;
            // Bytes the reader already buffered past the head belong to the tunnel.
            let early = reader.buffer().to_vec();
            let mut up = upstream.try_clone().ok()?;
            up.write_all(&early).ok()?;
            let down = std::thread::spawn({
                let (u, c) = (upstream.try_clone().ok()?, client.try_clone().ok()?);
                move || pipe(u, c)
            });
            pipe(client, upstream);
            let _ = down.join();
            return Some(());
        }
        // Absolute form: the request goes on in origin form, asking the server to close
        // after answering, and the answer comes back until the server closes.
        let rest = target.strip_prefix("http://")?;
        let path = rest.find('/').map_or("/", |i| &rest[i..]);
        let mut out = format!("{method} {path} HTTP/1.1\r\n");
        for (n, v) in &headers {
            if !n.eq_ignore_ascii_case("proxy-authorization") && !n.eq_ignore_ascii_case("connection") {
                out.push_str(&format!("{n}: {v}\r\n"));
            }
        }
        out.push_str("Connection: close\r\n\r\n");
        let mut up = upstream.try_clone().ok()?;
        up.write_all(out.as_bytes()).ok()?;
        up.write_all(&body).ok()?;
        let mut answer = Vec::new();
        let mut upstream = upstream;
        upstream.read_to_end(&mut answer).ok()?;
        client.write_all(&answer).ok()?;
    }
}

impl Proxy {
    /// A proxy that tunnels and forwards.
    pub fn start() -> Self {
        Self::start_mode(Mode::Forward)
    }

    /// A proxy that answers every request with a `200` head of `bytes` bytes, sent one byte
    /// every `every` (so it takes `bytes * every` to arrive).
    pub fn start_dripping(every: Duration, bytes: usize) -> Self {
        Self::start_mode(Mode::Drip { every, bytes })
    }

    fn start_mode(mode: Mode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, stop2) = (Arc::clone(&seen), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (seen, stop) = (Arc::clone(&seen2), Arc::clone(&stop2));
                std::thread::spawn(move || {
                    let _ = serve(stream, &seen, mode, &stop);
                });
            }
        });
        Self {
            url,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// `host:port` of the proxy, for `HTTP_PROXY` without a scheme.
    pub fn authority(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Every request received so far.
    pub fn connects(&self) -> Vec<Connect> {
        self.seen.lock().unwrap().clone()
    }

    /// The targets of every request received so far.
    pub fn targets(&self) -> Vec<String> {
        self.connects().into_iter().map(|c| c.target).collect()
    }

    /// The methods of every request received so far (`CONNECT` for tunnels).
    pub fn methods(&self) -> Vec<String> {
        self.connects().into_iter().map(|c| c.method).collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.authority());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
