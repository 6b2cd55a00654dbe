//! A small HTTP CONNECT proxy on 127.0.0.1 for the proxy tests: it records the target and
//! the `Proxy-Authorization` header of every CONNECT, then tunnels bytes both ways. Reads
//! are bounded by timeouts; it stops when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One CONNECT the proxy received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    /// `host:port` as asked for.
    pub target: String,
    /// The `Proxy-Authorization` header, if sent.
    pub authorization: Option<String>,
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

fn serve(client: TcpStream, seen: &Mutex<Vec<Connect>>) -> Option<()> {
    client.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(client.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut authorization = None;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            if n.trim().eq_ignore_ascii_case("proxy-authorization") {
                authorization = Some(v.trim().to_owned());
            }
        }
    }
    seen.lock().unwrap().push(Connect {
        target: target.clone(),
        authorization,
    });
    let mut client = client;
    if method != "CONNECT" {
        let _ = client.write_all(b"HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\n\r\n");
        return None;
    }
    let Ok(upstream) = TcpStream::connect_timeout(&target.parse().ok()?, Duration::from_secs(2)) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return None;
    };
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .ok()?;
    upstream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    client.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
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
    Some(())
}

impl Proxy {
    pub fn start() -> Self {
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
                let seen = Arc::clone(&seen2);
                std::thread::spawn(move || {
                    let _ = serve(stream, &seen);
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

    /// Every CONNECT received so far.
    pub fn connects(&self) -> Vec<Connect> {
        self.seen.lock().unwrap().clone()
    }

    /// The targets of every CONNECT received so far.
    pub fn targets(&self) -> Vec<String> {
        self.connects().into_iter().map(|c| c.target).collect()
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
