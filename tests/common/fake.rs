//! A tiny HTTP/1.1 server on 127.0.0.1 for the credential tests: fake STS, SSO portal,
//! container endpoint and instance metadata. It answers each request with a handler and
//! records what it received. Connections are closed after each answer; it stops when
//! dropped.
#![allow(dead_code)]

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::http::{find_header, read_request, write_head};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

type Handler = dyn Fn(&Req) -> (u16, String) + Send + Sync;

pub struct FakeServer {
    pub url: String,
    requests: Arc<Mutex<Vec<Req>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// One request, read as the local endpoint reads them; `None` when none came in 5 s or it
/// was not HTTP/1.x.
fn read_req(stream: &TcpStream) -> Option<Req> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let req = read_request(&mut BufReader::new(stream)).ok()??;
    Some(Req {
        method: req.method,
        target: req.target,
        headers: req.headers,
        body: String::from_utf8_lossy(&req.body).into_owned(),
    })
}

impl FakeServer {
    pub fn start(handler: impl Fn(&Req) -> (u16, String) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, stop2) = (Arc::clone(&requests), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let (reqs, handler) = (Arc::clone(&reqs), Arc::clone(&handler));
                std::thread::spawn(move || {
                    let Some(req) = read_req(&stream) else { return };
                    let (status, body) = handler(&req);
                    reqs.lock().unwrap().push(req);
                    let close = [("Connection".to_owned(), "close".to_owned())];
                    let _ = write_head(&mut stream, status, &close, body.len())
                        .and_then(|_| stream.write_all(body.as_bytes()));
                    // Close gracefully: stop writing, then drain what the client may still
                    // send (a chunked terminator, say). Closing a socket with unread input
                    // makes the kernel send a reset, which the client may see before the answer.
                    let _ = stream.shutdown(std::net::Shutdown::Write);
                    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                    let mut sink = [0u8; 1024];
                    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
                });
            }
        });
        Self {
            url,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An STS XML answer with these credentials, expiring at `expiration` (RFC 3339).
pub fn sts_xml(action: &str, id: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result><Credentials>\
         <AccessKeyId>{id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
         <SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
         </{action}Result></{action}Response>"
    )
}
