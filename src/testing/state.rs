//! What [`LocalApiGateway`](super::LocalApiGateway) holds: the APIs and stages it serves,
//! the settings that shape its answers, the faults queued, and the requests it received.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use super::faults::Fault;
use super::http::{find_header, Request};
use super::wire::query_param;
use crate::{Api, Credentials, ProtocolType, Stage};

/// The largest `maxResults` the local endpoint accepts.
pub const MAX_PAGE_SIZE: u32 = 500;
/// The page size the local endpoint uses when a request gives no `maxResults`.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// One request as the local endpoint received it. Its `Debug` hides the values of
/// `authorization` and of every `*token` header.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The raw (percent-encoded) path.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// The headers as received.
    pub headers: Vec<(String, String)>,
    /// The status the endpoint answered with (0 when it dropped the connection).
    pub status: u16,
}

impl std::fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &crate::redact::RedactedHeaders(&self.headers))
            .field("status", &self.status)
            .finish()
    }
}

impl RecordedRequest {
    /// The value of a query parameter, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        query_param(&self.query, name)
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// The stages of one API: stored, or made on demand (for listings too large to hold).
#[derive(Debug)]
pub(crate) enum ApiStages {
    Stored(Vec<Stage>),
    Generated {
        count: usize,
        generate: fn(usize) -> Stage,
    },
}

/// One API the endpoint serves: its record for GetApis, and its stages.
#[derive(Debug)]
pub(crate) struct ApiEntry {
    pub(crate) api: Api,
    pub(crate) stages: ApiStages,
}

impl ApiStages {
    /// The stage of that name.
    pub(crate) fn find(&self, name: &str) -> Option<Stage> {
        match self {
            Self::Stored(v) => v.iter().find(|s| s.stage_name == name).cloned(),
            Self::Generated { count, generate } => (0..*count).map(generate).find(|s| s.stage_name == name),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Stored(v) => v.len(),
            Self::Generated { count, .. } => *count,
        }
    }

    pub(crate) fn page(&self, start: usize, end: usize) -> std::borrow::Cow<'_, [Stage]> {
        match self {
            Self::Stored(v) => std::borrow::Cow::Borrowed(&v[start..end]),
            Self::Generated { generate, .. } => std::borrow::Cow::Owned((start..end).map(generate).collect()),
        }
    }
}

/// What the endpoint holds: its APIs, the settings that shape its answers, the faults to
/// come and the requests received.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) apis: BTreeMap<String, ApiEntry>,
    pub(crate) credentials: Credentials,
    pub(crate) region: String,
    pub(crate) check_signatures: bool,
    pub(crate) default_page_size: u32,
    pub(crate) latency: Option<Duration>,
    pub(crate) clock_offset_secs: i64,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) fail_every: Option<(usize, Fault)>,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) record_requests: bool,
    pub(crate) request_count: usize,
}

impl State {
    /// No APIs, the default credentials, signature checks on, requests recorded.
    pub(crate) fn new() -> Self {
        Self {
            apis: BTreeMap::new(),
            credentials: Credentials::new("AKIDLOCAL", "local-secret-key", None::<String>),
            region: "us-east-1".into(),
            check_signatures: true,
            default_page_size: DEFAULT_PAGE_SIZE,
            latency: None,
            clock_offset_secs: 0,
            faults: VecDeque::new(),
            fail_every: None,
            requests: Vec::new(),
            record_requests: true,
            request_count: 0,
        }
    }

    /// Adds (or replaces) an HTTP API named as its id, with these stages.
    pub(crate) fn put_http_api(&mut self, api_id: String, stages: ApiStages) {
        self.apis.insert(
            api_id.clone(),
            ApiEntry {
                api: Api::new(api_id.clone(), api_id, ProtocolType::Http),
                stages,
            },
        );
    }

    /// Keeps a copy of a request and the status it was answered with (0: dropped), when
    /// recording is on.
    pub(crate) fn record(&mut self, req: &Request, status: u16) {
        if !self.record_requests {
            return;
        }
        self.requests.push(RecordedRequest {
            method: req.method.clone(),
            path: req.path().to_owned(),
            query: req.query().to_owned(),
            headers: req.headers.clone(),
            status,
        });
    }
}
