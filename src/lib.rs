//! A blocking, minimal-dependency client for AWS API Gateway V2, for sync programs: no
//! async runtime, a handful of crates, a hand-written SigV4 signer.
//!
//! # Quick start
//!
//! ```no_run
//! # fn main() -> Result<(), apigwv2::Error> {
//! let client = apigwv2::Client::from_env()?; // AWS_REGION, AWS_ACCESS_KEY_ID, ...
//! for stage in client.stages("a1b2c3d4e5") {  // one signed GET per page, on demand
//!     let stage = stage?;
//!     println!("{} {:?}", stage.stage_name, stage.last_updated_date);
//! }
//! # Ok(()) }
//! ```
//!
//! # Recipes
//!
//! Every recipe below runs against `testing::LocalApiGateway` (feature `testing`), the
//! bundled local endpoint; with a real client only the first line changes.
//!
//! One page at a time, with an explicit page size:
//!
//! ```
//! # use apigwv2::{testing::LocalApiGateway, GetStagesRequest, Stage};
//! # let gw = LocalApiGateway::builder().api("a1b2c3", (0..5).map(|i| Stage::new(format!("s{i}"))).collect()).start().unwrap();
//! # let client = gw.client()?;
//! let page = client.get_stages(&GetStagesRequest::new("a1b2c3").max_results(2))?;
//! assert_eq!(page.items.len(), 2);
//! let next = client.get_stages(&GetStagesRequest::new("a1b2c3").next_token(page.next_token.unwrap()))?;
//! assert_eq!(next.items[0].stage_name, "s2");
//! # Ok::<(), apigwv2::Error>(())
//! ```
//!
//! Stop after some items, save where you were, and continue later:
//!
//! ```
//! # use apigwv2::{testing::LocalApiGateway, Stage};
//! # let gw = LocalApiGateway::builder().api("a1b2c3", (0..5).map(|i| Stage::new(format!("s{i}"))).collect()).start().unwrap();
//! # let client = gw.client()?;
//! let mut first = client.stages("a1b2c3").page_size(2).max_items(3);
//! let names: Vec<String> = first.by_ref().map(|s| s.map(|s| s.stage_name)).collect::<Result<_, _>>()?;
//! assert_eq!(names, ["s0", "s1", "s2"]);
//! let token = first.resume_token().unwrap().to_owned();
//! let rest: Vec<String> = client.stages("a1b2c3").starting_token(token)
//!     .map(|s| s.map(|s| s.stage_name)).collect::<Result<_, _>>()?;
//! assert_eq!(rest, ["s3", "s4"]);
//! # Ok::<(), apigwv2::Error>(())
//! ```
//!
//! Whole pages, and telling errors apart:
//!
//! ```
//! # use apigwv2::{testing::LocalApiGateway, Error, Stage};
//! # let gw = LocalApiGateway::builder().api("a1b2c3", vec![Stage::new("prod")]).start().unwrap();
//! # let client = gw.client()?;
//! for page in client.stages("a1b2c3").pages() {
//!     println!("{} stages", page?.items.len());
//! }
//! match client.stages("nope").next() {
//!     Some(Err(Error::NotFound { details, .. })) => {
//!         assert_eq!(details.status, 404);
//!         assert!(details.request_id.is_some());
//!     }
//!     other => panic!("expected NotFound, got {other:?}"),
//! }
//! # Ok::<(), apigwv2::Error>(())
//! ```
//!
//! Every API, one stage by name, and every stage of every API:
//!
//! ```
//! # use apigwv2::{testing::LocalApiGateway, Api, ProtocolType, Stage};
//! # let gw = LocalApiGateway::builder()
//! #     .api_with(Api::new("a1", "orders", ProtocolType::Http), vec![Stage::new("$default"), Stage::new("prod")])
//! #     .api_with(Api::new("b2", "billing", ProtocolType::Http), vec![Stage::new("prod")])
//! #     .start().unwrap();
//! # let client = gw.client()?;
//! let names: Vec<String> = client.apis().map(|a| a.map(|a| a.name)).collect::<Result<_, _>>()?;
//! assert_eq!(names, ["orders", "billing"]);
//! let api = client.api_by_name("orders")?;
//! let stage = client.get_stage(api.api_id.as_deref().unwrap(), "$default")?;
//! assert_eq!(stage.stage_name, "$default");
//! for s in client.all_stages() {
//!     let s = s?;
//!     println!("{} ({}): {}", s.api_name, s.api_id, s.stage.stage_name);
//! }
//! # Ok::<(), apigwv2::Error>(())
//! ```
//!
//! Stages print back to the service's own JSON:
//!
//! ```
//! let stage = apigwv2::Stage::new("prod");
//! assert_eq!(serde_json::to_string(&stage).unwrap(), r#"{"stageName":"prod"}"#);
//! ```
//!
//! # Credentials, region and endpoint
//!
//! [`Client::from_env`] finds what the AWS CLI finds: the profile from `AWS_PROFILE` in
//! `~/.aws/config` and `~/.aws/credentials`; the region from `AWS_REGION`,
//! `AWS_DEFAULT_REGION`, the profile, then EC2 instance metadata; credentials from the
//! default chain ([`credentials::DefaultChain`]: environment, profile with static keys,
//! `credential_process`, SSO, assumed roles or web identity, then web identity from the
//! environment, the container endpoint, instance metadata), cached and refreshed before they
//! expire; the endpoint from `AWS_ENDPOINT_URL_APIGATEWAYV2`, `AWS_ENDPOINT_URL`, the
//! profile, then the service's rules (partitions, FIPS, dual-stack). Settings on
//! [`ClientBuilder`] win over all of it. STS and the SSO portal honour the same endpoint
//! overrides (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL`), checked by
//! the same URL rules; every region that becomes part of a host name (`sso_region`
//! included) must be a valid DNS label.
//!
//! # Proxies
//!
//! `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case) of the client's
//! environment apply to the service, STS and the SSO portal ([`config::ProxyConfig`]);
//! [`ClientBuilder::proxy`] sets or switches them off. The container and instance-metadata
//! credential endpoints are always reached directly, and nothing is read from the process
//! environment that the client was not given ([`Client::from_env`] gives it all of it).
//!
//! # Retries, timeouts and limits
//!
//! Failed requests are retried as the AWS SDKs' standard mode does ([`retry`]): 3 attempts,
//! exponential backoff with full jitter capped at 20 s, `Retry-After` honoured, a retry
//! quota (switchable off), clock-skew correction from the service's `Date`, and an optional
//! adaptive rate limiter. Throttling, 5xx, broken connections, timeouts and cut-short bodies
//! are retried; other 4xx never are. Connect timeout 3.1 s, 30 s per attempt, 90 s per
//! call, response bodies up to 16 MiB; all settable on [`ClientBuilder`]. Bad input (an empty API id, a page size of 0, a control character in
//! a token or a credential, an invalid region) is an error before anything is sent. The
//! call's deadline covers finding credentials too: a slow `credential_process` or a chain
//! of assumed roles cannot hold a call past it.
//!
//! # Pagination
//!
//! [`Client::stages`] returns a lazy [`Paginator`]: it fetches a page only when the previous
//! one is used up, stops when `nextToken` is absent or empty, ends with
//! [`Error::RepeatedToken`] instead of looping when the service repeats a token, is fused
//! after an error, and offers [`Paginator::resume_token`].
//!
//! # Secrets and logging
//!
//! No secret key, session token, bearer token, proxy password or `Authorization` value
//! appears in any `Debug` or `Display` output or error of this crate: `Credentials`,
//! signing keys and signing output, HTTP requests and responses, environment snapshots,
//! proxy settings and parsed profile files all redact them, and URLs in errors lose their
//! user-info. Text from outside (a service error's code, message and request id, a
//! helper's stderr) is shown with control characters escaped, so printing an error cannot
//! drive a terminal.
//!
//! With the `log` feature the crate sends `debug` events to the [`log`](https://docs.rs/log)
//! facade, target `apigwv2`: one per attempt (operation, attempt number, HTTP status,
//! request id, elapsed time, or the host that did not answer), one per retry (its delay and
//! why), and one naming the credential source the default chain chose (with the access key
//! id, which is not a secret). Turn it on in `Cargo.toml` with
//! `apigwv2 = { version = "0.1", features = ["log"] }`, install any logger, and let it pass
//! `apigwv2=debug` (for `env_logger`: `RUST_LOG=apigwv2=debug`). Without the feature, no
//! event is even formatted.
//!
//! # Naming
//!
//! Builders, requests and settings are set with plain names and read back with `get_`
//! names (`GetStagesRequest::max_results` / `get_max_results`, `RetryConfig::max_attempts` /
//! `get_max_attempts`); types without setters are read with plain names
//! (`Client::region`, `Paginator::resume_token`, `Error::request_id`).
//!
//! # Features and MSRV
//!
//! - `testing`: `testing::LocalApiGateway`, the offline fake of the service. Off by default.
//! - `native-roots`: `transport::Trust::Native`, the operating system's certificate store
//!   (ureq's `platform-verifier`). Off by default.
//! - `log`: the debug events above. Off by default.
//!
//! The minimum supported Rust version is 1.85.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod all_stages;
mod builder;
mod client;
pub mod clock;
pub mod config;
pub mod credentials;
mod encode;
mod error;
mod files;
#[doc(hidden)]
pub mod fuzz_entry;
mod json;
mod logging;
mod model;
mod operation;
mod operations;
mod paginator;
mod queue;
mod rate_limiter;
mod redact;
pub mod retry;
pub mod sigv4;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
pub mod transport;

/// The `time` crate, whose `OffsetDateTime` every timestamp is, re-exported so that users
/// need not add it.
pub use time;

pub use all_stages::{AllStages, ApiStage, DEFAULT_PARALLELISM, MAX_PARALLELISM};
pub use builder::ClientBuilder;
pub use client::{Client, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_OPERATION_TIMEOUT};
pub use credentials::Credentials;
pub use error::{Cause, Error, ServiceError, TransportErrorKind};
pub use model::{
    AccessLogSettings, Api, Cors, IpAddressType, LoggingLevel, ProtocolType, RouteSettings, Stage,
};
pub use operation::Page;
pub use operations::get_apis::{GetApisOutput, GetApisRequest, MAX_APIS_SCANNED};
pub use operations::get_stages::{GetStagesOutput, GetStagesRequest};
pub use paginator::{Pages, Paginated, Paginator};

/// The item iterator of [`Client::stages`].
pub type Stages = Paginator<GetStagesRequest>;

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
