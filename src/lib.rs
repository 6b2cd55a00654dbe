//! A blocking, minimal-dependency client for AWS API Gateway V2, for sync programs: no
//! async runtime, a handful of crates, a hand-written SigV4 signer.
//!
//! This page is the reference. The README (on [crates.io](https://crates.io/crates/apigwv2))
//! is the guide: the `Cargo.toml` line, a quick start, and complete programs for a client
//! from your profile with another endpoint, one stage, an API by name, every stage of every
//! API, errors, and testing your own tools with `LocalApiGateway`.
//!
//! # Operations
//!
//! | operation | one request | every item, lazily |
//! | --- | --- | --- |
//! | GetStages | [`Client::get_stages`] with a [`GetStagesRequest`]: one page | [`Client::stages`]: a [`Paginator`] of [`Stage`]s |
//! | GetApis | [`Client::get_apis`] with a [`GetApisRequest`]: one page | [`Client::apis`]: a [`Paginator`] of [`Api`]s |
//! | GetStage | [`Client::get_stage`]`(api_id, stage_name)`: one [`Stage`] | |
//! | an API by its name | [`Client::api_by_name`]: no API or several is [`Error::ApiName`], which lists the ids | |
//! | every stage of every API | | [`Client::all_stages`]: [`AllStages`], of [`ApiStage`]s |
//!
//! - Any API id or stage name is percent-encoded in the path and the signature; bad input
//!   (an empty API id, a page size of 0, a control character in a token or a credential, an
//!   invalid region) is [`Error::InvalidInput`] or [`Error::Config`] before anything is sent.
//! - [`Client::all_stages`] yields APIs in the service's order, each API's stages in order,
//!   fetched by up to [`AllStages::parallelism`] worker threads ([`DEFAULT_PARALLELISM`]).
//!   One API's failure is [`Error::InApi`] with its id (the accessors and `source()` reach
//!   the cause) and the next call goes on with the next API; [`AllStages::resume_token`]
//!   continues exactly after the last stage yielded, or retries the page that just failed.
//! - The model has every member of the service's, snake_case in Rust and camelCase on the
//!   wire; timestamps are [`time::OffsetDateTime`]. Unknown fields are ignored and unknown
//!   enum values kept ([`LoggingLevel::Unknown`]), and a stage serializes back to the
//!   service's own JSON:
//!
//! ```
//! let stage = apigwv2::Stage::new("prod");
//! assert_eq!(serde_json::to_string(&stage).unwrap(), r#"{"stageName":"prod"}"#);
//! ```
//!
//! # Paging
//!
//! [`Client::stages`] and [`Client::apis`] return a lazy [`Paginator`]: it fetches a page
//! only when the previous one is used up, stops when `nextToken` is absent or empty, ends
//! with [`Error::RepeatedToken`] instead of looping when the service repeats a token (A,A or
//! A,B,A) and with [`Error::EmptyPages`] after too many empty pages, and is fused after an
//! error. [`Paginator::page_size`], [`Paginator::max_items`] and
//! [`Paginator::starting_token`] set it up; [`Paginator::resume_token`] continues exactly
//! after the last item yielded (the service's own token at a page boundary, this crate's
//! form in the middle of a page); [`Paginator::pages`] yields whole pages. Every recipe
//! below runs against `testing::LocalApiGateway` (feature `testing`); with a real client
//! only the first line changes.
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
//! Whole pages:
//!
//! ```
//! # use apigwv2::{testing::LocalApiGateway, Stage};
//! # let gw = LocalApiGateway::builder().api("a1b2c3", (0..3).map(|i| Stage::new(format!("s{i}"))).collect()).start().unwrap();
//! # let client = gw.client()?;
//! let sizes: Vec<usize> = client.stages("a1b2c3").page_size(2).pages()
//!     .map(|p| p.map(|p| p.items.len())).collect::<Result<_, _>>()?;
//! assert_eq!(sizes, [2, 1]);
//! # Ok::<(), apigwv2::Error>(())
//! ```
//!
//! # Configuration
//!
//! [`ClientBuilder::from_env`] starts from what the AWS CLI would find, in the same places;
//! settings made on the builder win over all of it, and [`Client::from_env`] is
//! `ClientBuilder::from_env().build()`. [`Client::builder`] is hermetic: it reads no
//! variable and no file, for tests and embedded configuration. Where each setting comes
//! from, first source first:
//!
//! | setting | sources, first wins |
//! | --- | --- |
//! | profile | [`ClientBuilder::profile`], `AWS_PROFILE`, else `default` (`[profile name]` in `~/.aws/config`, `[name]` in `~/.aws/credentials`; the credentials file wins for keys; paths from `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`) |
//! | region | [`ClientBuilder::region`], `AWS_REGION`, `AWS_DEFAULT_REGION`, profile `region`, EC2 instance metadata |
//! | endpoint | [`ClientBuilder::endpoint_url`], `AWS_ENDPOINT_URL_APIGATEWAYV2`, `AWS_ENDPOINT_URL`, profile `services` section (`apigatewayv2 =` / `endpoint_url =`), profile `endpoint_url` (all but the first skipped with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` or profile `ignore_configured_endpoint_urls`), then the endpoint rules: `https://apigateway[-fips].{region}.{suffix}` for the partitions `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`, with `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint` and `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint` |
//! | retries | [`ClientBuilder::retry_config`], `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE`, profile `max_attempts` / `retry_mode` |
//! | TLS trust | [`ClientBuilder::trust`], `AWS_CA_BUNDLE`, the profile's `ca_bundle`: a PEM file whose certificates replace the bundled Mozilla roots, as the AWS CLI reads it (a corporate proxy's CA); `Trust::Native` (feature `native-roots`, ureq's `platform-verifier`) uses the operating system's store. A certificate that does not verify is a [`TransportErrorKind::Tls`] error, never retried |
//! | proxy | [`ClientBuilder::proxy`] ([`config::ProxyConfig::all`], [`config::ProxyConfig::none`]), else the client's environment: `HTTPS_PROXY` for https endpoints, `HTTP_PROXY` for http ones, `ALL_PROXY` for either, `NO_PROXY` (host, `.domain`, IP, CIDR, `*`); lower case wins over upper case. Applies to the service, STS and the SSO portal; the container and instance-metadata endpoints never use a proxy |
//!
//! Nothing is read from the process environment unless the client was given it
//! ([`ClientBuilder::from_env`] gives it all of it; [`ClientBuilder::env`] a snapshot of your
//! choice, [`config::Env`]).
//!
//! Credentials come from the first source in this order that has them (the default chain,
//! [`credentials::DefaultChain`]):
//!
//! | # | source | what it reads |
//! | --- | --- | --- |
//! | 1 | environment | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` |
//! | 2 | profile: static keys | `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` |
//! | 2 | profile: process | `credential_process` (run with `sh -c` in a process group of its own, JSON version 1 on stdout, `Expiration` honoured; its answer is used as soon as it exits, and at the timeout the whole group is killed) |
//! | 2 | profile: IAM Identity Center | `sso_session` + `[sso-session name]` (`sso_start_url`, `sso_region`), or legacy `sso_start_url` + `sso_region`; `sso_account_id`, `sso_role_name`; the token the AWS CLI cached in `~/.aws/sso/cache/<sha1>.json`, exchanged at the SSO portal (an expired or missing token says to run `aws sso login`) |
//! | 2 | profile: assume role | `role_arn` with `source_profile` (chains of profiles; a cycle is an error) or `credential_source` (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`); `external_id`, `role_session_name`, `duration_seconds`; STS AssumeRole |
//! | 2 | profile: web identity | `role_arn` with `web_identity_token_file`; STS AssumeRoleWithWebIdentity |
//! | 3 | web identity (EKS IRSA, GitHub Actions OIDC) | `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME` |
//! | 4 | container (ECS, EKS Pod Identity) | `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, or `AWS_CONTAINER_CREDENTIALS_FULL_URI` (over http only to loopback, 169.254.170.2 or 169.254.170.23) with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `AWS_CONTAINER_AUTHORIZATION_TOKEN` |
//! | 5 | EC2 instance metadata (IMDSv2) | token, role, credentials; 1 s timeouts; `AWS_EC2_METADATA_DISABLED`, `AWS_EC2_METADATA_SERVICE_ENDPOINT` |
//!
//! Credentials are looked for on the first request, cached, and refreshed 5 minutes before
//! they expire, by one thread while the others wait for it (and a failed refresh keeps
//! using credentials that have not expired yet). When no source has credentials, the error
//! lists what each source looked at and why it passed. STS and the SSO portal honour the
//! same overrides as every AWS endpoint: `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL_SSO`,
//! then `AWS_ENDPOINT_URL`, then the profile's `services` section and `endpoint_url`;
//! otherwise `https://sts.{region}.amazonaws.com` and
//! `https://portal.sso.{sso_region}.amazonaws.com`. Every region that becomes part of a
//! host name (`sso_region` too) must be a DNS label, and STS, SSO and instance-metadata
//! overrides are checked by the same URL rules as the service's.
//!
//! # Retries, timeouts and clock skew
//!
//! Retries follow the AWS SDKs' *standard* mode ([`retry`]):
//!
//! | what | default | set with |
//! | --- | --- | --- |
//! | attempts per call (first included) | 3 | [`retry::RetryConfig::max_attempts`], `AWS_MAX_ATTEMPTS` |
//! | mode | `standard` | [`retry::RetryConfig::mode`], `AWS_RETRY_MODE` (`standard`, `adaptive`, `legacy` = standard) |
//! | backoff before retry *n* | random in `[0, min(1 s × 2^(n-1), 20 s)]` (full jitter) | `initial_backoff`, `max_backoff` |
//! | `Retry-After` (seconds) | used instead of the backoff, capped at 20 s | `max_backoff` |
//! | retry quota | 500 tokens; a retry costs 5 (10 after a timeout); a call that succeeds gives back what its retries took, or 1 | `RetryConfig::quota(Some(RetryQuota::new(..)))`, or `quota(None)` to switch it off |
//! | connect / attempt / call timeout | 3.1 s / 30 s / 90 s | [`ClientBuilder::connect_timeout`], [`ClientBuilder::timeout`], [`ClientBuilder::operation_timeout`] |
//! | credential provider call or process | 30 s | [`ClientBuilder::credentials_timeout`] |
//! | response body | up to 16 MiB ([`Error::ResponseTooLarge`] beyond) | [`ClientBuilder::max_response_bytes`] |
//!
//! - Retried: 429 and the throttling error codes, 500/502/503/504, broken or refused
//!   connections, timeouts, and a 200 whose body is cut short or not valid JSON (GET is
//!   idempotent). Never retried: 400, 403, 404 and other client errors. Every attempt is
//!   signed again with a fresh `x-amz-date`.
//! - The retry quota is shared by all calls of a client: when the service keeps failing,
//!   calls stop retrying instead of multiplying the load. It surprises people when a burst
//!   of failures makes later calls fail after one attempt; switch it off with
//!   `RetryConfig::quota(None)`.
//! - `adaptive` mode adds the SDKs' client-side rate limiter: after the first throttle,
//!   requests wait for tokens from a bucket whose rate is cut to 70 % of the measured rate
//!   on each throttle and grows back along a cubic curve.
//! - The call's deadline covers all attempts, backoff and finding credentials: no retry
//!   starts whose backoff would cross it, each attempt and each credential provider step
//!   gets at most what is left of it, and a thread waiting for another's refresh waits only
//!   that long, so no call can hang.
//! - Clock skew: when the service answers that the signature expired or is not yet current
//!   (`InvalidSignatureException` with that message, `RequestTimeTooSkewed`, ...), the
//!   client estimates the offset from the response's `Date` header against the midpoint of
//!   sending and receiving, signs with the corrected time and retries at once (one extra
//!   attempt, even with retries off). The offset is kept for every later request of that
//!   client ([`Client::clock_skew_ms`]).
//!
//! # Errors
//!
//! [`Error`] tells apart what a program acts on: [`Error::NotFound`],
//! [`Error::TooManyRequests`] (with `limit_type`), [`Error::BadRequest`], any other service
//! error with its code ([`Error::Service`]), transport failures with their
//! [`TransportErrorKind`], an invalid response (with a body excerpt), a response too large,
//! invalid input, configuration and credentials errors. Each service error carries the
//! status, code, message and `x-amzn-RequestId` ([`ServiceError`]); `Display` is one
//! sentence. [`Error::attempts`] counts the attempts, [`Error::request_ids`] lists the
//! request id of every attempt, and [`Error::is_retryable`] tells transient failures apart.
//!
//! # Secrets and hostile input
//!
//! No secret key, session token, bearer token, proxy password or `Authorization` value
//! appears in any `Debug` or `Display` output or error of this crate: `Credentials`,
//! signing keys and signing output, HTTP requests and responses, environment snapshots,
//! proxy settings and parsed profile files all redact them, and URLs in errors lose their
//! user-info. Text from outside (a service error's code, message and request id, a
//! helper's stderr) is shown with control characters escaped, so printing an error cannot
//! drive a terminal. A `nextToken` with control characters and a timestamp outside the
//! years 0000-9999 (which RFC 3339 cannot write back) are [`Error::InvalidResponse`], and no
//! `Date` header can make signing panic (a skew that would leave the signable years is not
//! applied).
//!
//! # Logging
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
//! # Naming and stability
//!
//! Builders, requests and settings are set with plain names and read back with `get_`
//! names (`GetStagesRequest::max_results` / `get_max_results`, `RetryConfig::max_attempts` /
//! `get_max_attempts`); types without setters are read with plain names
//! (`Client::region`, `Paginator::resume_token`, `Error::request_id`).
//!
//! The stable API, under semantic versioning, is the crate root (the client, its builder,
//! errors, the model, requests, outputs and paginators) and the modules [`config`] (what a
//! client reads from its environment), [`credentials`] (credentials, the default chain and
//! the providers to compose), [`retry`] (retry settings and the sleeper), [`transport`]
//! (the transport trait, its requests, responses and errors, TLS trust), [`clock`] and,
//! with its feature, `testing`. The module [`unversioned`] is outside semver and may change
//! in any release, as ureq's module of that name: the SigV4 signer's stages, the default
//! transport's type, the fuzz targets' entry points and the fast page reader, public for
//! this crate's own tests, benches and fuzz targets. A client needs none of it.
//!
//! # Features and MSRV
//!
//! - `testing`: `testing::LocalApiGateway`, the offline fake of the service, and
//!   deterministic clocks and sleepers for tests (`ManualClock`, `SteppingClock`,
//!   `RecordingSleeper`). Off by default.
//! - `native-roots`: `transport::Trust::Native`, the operating system's certificate store
//!   (ureq's `platform-verifier`). Off by default.
//! - `log`: the debug events above. Off by default.
//! - `cli`: the `apigwv2` command (`cargo install apigwv2 --features cli`); no extra
//!   dependency, nothing added to the library. Off by default.
//!
//! The minimum supported Rust version is 1.85.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(unreachable_pub)]

mod all_stages;
mod builder;
mod client;
pub mod clock;
pub mod config;
pub mod credentials;
mod encode;
mod error;
mod escape;
mod files;
mod generated;
mod http1;
mod http_date;
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
mod rng;
mod sigv4;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
pub mod transport;
pub mod unversioned;
mod ureq_transport;

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
