//! LocalApiGateway under clients that hold connections without using them: a bounded
//! number of connections (each a thread and a socket), idle and half-open connections
//! closed, a request that trickles in cut off at its deadline, and every slot given back
//! when the clients leave.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use apigwv2::testing::{LocalApiGateway, MAX_CONNECTIONS};
use common::{names, numbered};

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

fn connect(gw: &LocalApiGateway) -> TcpStream {
    TcpStream::connect_timeout(&gw.addr(), Duration::from_secs(20)).unwrap()
}

/// Whether the server has closed this connection: a read sees the end of the stream
/// (within 20 s). Data instead is a failure: the server answers nothing to no request.
fn closed_by_server(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut buf = [0u8; 64];
    match s.read(&mut buf) {
        Ok(0) => true,
        Ok(n) => panic!("the server sent {:?}", String::from_utf8_lossy(&buf[..n])),
        Err(_) => false,
    }
}

/// Whether the connection is still open: a short read finds nothing yet.
fn still_open(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    matches!(s.read(&mut [0u8; 1]), Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
}

#[test]
fn idle_connections_never_hold_more_than_the_cap_and_clients_still_get_through() {
    let gw = LocalApiGateway::builder()
        .api("a1", numbered(3))
        // Long enough that no connection of this test times out: the cap alone acts.
        .idle_timeout(Duration::from_secs(600))
        .start()
        .unwrap();
    let mut idle: Vec<TcpStream> = (0..200).map(|_| connect(&gw)).collect();
    // Every one is accepted: each beyond the cap closes the one idle longest.
    assert!(
        eventually(|| gw.connection_count() == 200),
        "{}",
        gw.connection_count()
    );
    assert!(eventually(|| gw.live_connections() == MAX_CONNECTIONS));
    assert_eq!(gw.max_live_connections(), MAX_CONNECTIONS);
    // A client still gets its answer, on a connection of its own.
    let client = common::client(&gw);
    assert_eq!(
        names(client.stages("a1")).unwrap(),
        ["stage-0000", "stage-0001", "stage-0002"]
    );
    assert_eq!(gw.max_live_connections(), MAX_CONNECTIONS);
    assert_eq!(gw.live_connections(), MAX_CONNECTIONS);
    // The oldest idle connections were the ones closed (the last made room for the
    // client); the newest are still served.
    let closed = 200 - MAX_CONNECTIONS + 1;
    assert!(closed_by_server(&mut idle[0]));
    assert!(closed_by_server(&mut idle[closed - 1]));
    assert!(still_open(&mut idle[closed]));
    assert!(still_open(&mut idle[199]));
    // When the clients leave, every slot is given back.
    drop(client);
    drop(idle);
    assert!(
        eventually(|| gw.live_connections() == 0),
        "{}",
        gw.live_connections()
    );
    assert_eq!(gw.max_live_connections(), MAX_CONNECTIONS);
    // And the server serves as before.
    let client = common::client(&gw);
    assert_eq!(names(client.stages("a1")).unwrap().len(), 3);
}

#[test]
fn a_cap_of_its_own_is_kept_too() {
    let gw = LocalApiGateway::builder()
        .api("a1", numbered(1))
        .max_connections(3)
        .idle_timeout(Duration::from_secs(600))
        .start()
        .unwrap();
    let mut idle: Vec<TcpStream> = (0..10).map(|_| connect(&gw)).collect();
    assert!(eventually(|| gw.connection_count() == 10));
    assert!(eventually(|| gw.live_connections() == 3));
    assert_eq!(gw.max_live_connections(), 3);
    assert!(closed_by_server(&mut idle[6]));
    assert!(still_open(&mut idle[7]));
    let client = common::client(&gw);
    assert_eq!(names(client.stages("a1")).unwrap(), ["stage-0000"]);
    assert_eq!(gw.max_live_connections(), 3);
}

#[test]
fn a_connection_that_sends_nothing_is_closed_after_the_idle_timeout() {
    let gw = LocalApiGateway::builder()
        .api("a1", numbered(1))
        .idle_timeout(Duration::from_millis(200))
        .start()
        .unwrap();
    let mut half_open: Vec<TcpStream> = (0..5).map(|_| connect(&gw)).collect();
    for s in &mut half_open {
        assert!(closed_by_server(s), "the server kept a silent connection open");
    }
    assert!(
        eventually(|| gw.live_connections() == 0),
        "{}",
        gw.live_connections()
    );
    // A keep-alive connection left idle is closed the same way; the client reconnects.
    let client = common::client(&gw);
    assert_eq!(names(client.stages("a1")).unwrap(), ["stage-0000"]);
    assert!(
        eventually(|| gw.live_connections() == 0),
        "{}",
        gw.live_connections()
    );
    assert_eq!(names(client.stages("a1")).unwrap(), ["stage-0000"]);
    drop(half_open);
}

#[test]
fn a_request_that_trickles_in_is_cut_off_at_its_deadline() {
    let gw = LocalApiGateway::builder()
        .api("a1", numbered(1))
        .idle_timeout(Duration::from_secs(1))
        .start()
        .unwrap();
    let mut s = connect(&gw);
    s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    // A byte every 20 ms: each read of the server finds one well within its timeout, so
    // only a deadline on the whole request ends this.
    let head = b"GET /v2/apis/a1/stages HTTP/1.1\r\nX-Slow: ";
    let started = Instant::now();
    let mut sent = 0usize;
    let closed = loop {
        if started.elapsed() > Duration::from_secs(20) {
            break false;
        }
        let byte = head.get(sent).copied().unwrap_or(b'a');
        if s.write_all(&[byte]).is_err() {
            break true;
        }
        sent += 1;
        match s.read(&mut [0u8; 256]) {
            Ok(0) => break true,
            Ok(n) => panic!("the server answered {n} bytes to half a request"),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break true,
        }
    };
    assert!(closed, "still open after {sent} bytes in {:?}", started.elapsed());
    assert!(
        eventually(|| gw.live_connections() == 0),
        "{}",
        gw.live_connections()
    );
    assert_eq!(gw.request_count(), 0);
}
