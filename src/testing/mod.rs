//! Offline testing support (cargo feature `testing`): [`LocalApiGateway`], a
//! signature-checking fake of the service on 127.0.0.1, for this crate's tests and for
//! users who test their own tools without AWS.
//!
//! Its behaviour follows the service where the service's is known, and these documented
//! choices where it is not: a page holds [`DEFAULT_PAGE_SIZE`] stages unless `maxResults`
//! says otherwise, `maxResults` must be 1 to [`MAX_PAGE_SIZE`], and an unknown or foreign
//! `nextToken` is a 400 `BadRequestException`.
//!
//! What a client can hold of it is bounded, so that a test of hostile or careless clients
//! cannot exhaust the process: at most [`MAX_CONNECTIONS`] connections are served at once
//! (each with a thread), a connection that sends nothing for [`IDLE_TIMEOUT`] or whose
//! request has not arrived within it is closed, and a request head is at most 64 KiB.

// The modules use each other one way only, from the bottom up (`scripts/module_graph.py`
// fails on a circle): `http` (std alone; the integration tests' fake servers compile it
// too), `wire` (the service's JSON conventions), `faults`, `state`, then `auth` and
// `routes`, and `server` on top. `demo` and `tools` stand alone.
mod auth;
mod demo;
mod faults;
mod http;
#[cfg(test)]
mod http_tests;
mod routes;
mod server;
mod state;
mod tools;
mod wire;

pub use demo::{demo_stages, DEMO_API_ID};
pub use faults::Fault;
pub use server::{LocalApiGateway, LocalApiGatewayBuilder, IDLE_TIMEOUT, MAX_CONNECTIONS};
pub use state::{RecordedRequest, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use tools::{ManualClock, RecordingSleeper, SteppingClock};
