//! Every stage of every API: [`Client::all_stages`] walks GetApis and, for each API,
//! GetStages, lazily and in a stable order (the service's order of APIs, then of each
//! API's stages). One API's failure is reported with its id and the listing goes on; the
//! resume token says where to continue, down to the stage.
//!
//! A resume token has the form `apigwv2:all:N:APISSTAGES`: the first `N` bytes are the
//! APIs listing's own resume token pointing at the API in progress (empty at the start),
//! the rest that API's stages resume token (empty at its start).
//!
//! With [`AllStages::parallelism`] above 1, a small pool of plain threads lists several
//! APIs' stages at once, while results are still yielded in the sequential order: at most
//! `parallelism` APIs are fetched ahead of the one being yielded (memory stays flat however
//! many APIs there are), and every request of the listing, the APIs pages included, takes
//! one of `parallelism` permits, so no more requests than that are ever in flight. The
//! client's retry quota and rate limiter are shared by all of them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex};

use crate::error::Error;
use crate::model::Stage;
use crate::operations::get_apis::GetApisRequest;
use crate::operations::get_stages::GetStagesRequest;
use crate::paginator::Paginator;
use crate::queue::{queue, Receiver, Sender};
use crate::Client;

const PREFIX: &str = "apigwv2:all:";
/// Requests in flight at once, by default.
pub const DEFAULT_PARALLELISM: usize = 8;

/// One stage, with the API it belongs to, as [`Client::all_stages`] yields it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiStage {
    /// The API's id.
    pub api_id: String,
    /// The API's name.
    pub api_name: String,
    /// The stage.
    pub stage: Stage,
}

/// The API being listed.
#[derive(Debug)]
struct Current {
    api_id: String,
    api_name: String,
    /// The APIs listing's resume token that points at this API.
    at: Option<String>,
    stages: Paginator<GetStagesRequest>,
    /// A stage was yielded or a starting token given: its stages listing has begun, so
    /// no resume token from it means it is complete (not that it is at its start).
    begun: bool,
    failed: bool,
}

/// Every stage of every API: `Iterator<Item = Result<ApiStage, Error>>`, made by
/// [`Client::all_stages`].
///
/// A failure to list the APIs ends the iteration. A failure to list one API's stages is
/// yielded as [`Error::InApi`] (with the API's id), and the next call goes on with the next
/// API; [`AllStages::resume_token`] taken right after such an error points at the page that
/// failed, so that a later run can retry it.
///
/// ```
/// # use apigwv2::{testing::LocalApiGateway, Stage};
/// # let gw = LocalApiGateway::builder()
/// #     .api("a1", vec![Stage::new("dev"), Stage::new("prod")])
/// #     .api("b2", vec![Stage::new("prod")])
/// #     .start().unwrap();
/// # let client = gw.client()?;
/// let all: Vec<(String, String)> = client
///     .all_stages()
///     .map(|s| s.map(|s| (s.api_id, s.stage.stage_name)))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(all, [("a1".into(), "dev".into()), ("a1".into(), "prod".into()), ("b2".into(), "prod".into())]);
/// # Ok::<(), apigwv2::Error>(())
/// ```
#[must_use = "iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct AllStages {
    client: Client,
    page_size: Option<u32>,
    parallelism: usize,
    parallel: Option<Parallel>,
    starting_token: Option<String>,
    apis: Option<Paginator<GetApisRequest>>,
    /// The stages part of the starting token, for the first API.
    first_stages_token: Option<String>,
    current: Option<Current>,
    done: bool,
}

impl AllStages {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            page_size: None,
            parallelism: DEFAULT_PARALLELISM,
            parallel: None,
            starting_token: None,
            apis: None,
            first_stages_token: None,
            current: None,
            done: false,
        }
    }

    /// The page size to ask for, of GetApis and of every GetStages. Defaults to the
    /// service's own.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
        self
    }

    /// How many requests may be in flight at once (several APIs' stages are then fetched
    /// by that many worker threads). `1` lists one API after the other on the calling
    /// thread; 0 counts as 1. Defaults to [`DEFAULT_PARALLELISM`] (8).
    pub fn parallelism(mut self, n: usize) -> Self {
        self.parallelism = n.max(1);
        self
    }

    /// Starts from a token saved from [`AllStages::resume_token`]. Defaults to the start.
    pub fn starting_token(mut self, token: impl Into<String>) -> Self {
        self.starting_token = Some(token.into());
        self
    }

    /// Where to continue later (pass it to `starting_token`): exactly after the last stage
    /// yielded, or at the page that just failed. `None` when the listing is complete, or
    /// nothing was consumed yet and no starting token was given.
    pub fn resume_token(&self) -> Option<String> {
        let Some(apis) = &self.apis else {
            return self.starting_token.clone();
        };
        if let Some(p) = &self.parallel {
            return p.resume_token(apis, self.done);
        }
        if let Some(cur) = &self.current {
            match cur.stages.resume_token() {
                Some(stages) => return Some(encode(cur.at.as_deref(), Some(&stages))),
                None if !cur.begun => return Some(encode(cur.at.as_deref(), None)),
                // This API is done: continue at the next one.
                None => {}
            }
        }
        if self.done {
            return None;
        }
        apis.resume_token().map(|at| encode(Some(&at), None))
    }

    fn start(&mut self) -> Result<(), Error> {
        let mut apis = self.client.apis();
        if let Some(n) = self.page_size {
            apis = apis.page_size(n);
        }
        if let Some(token) = &self.starting_token {
            let (at, stages) = decode(token)?;
            if let Some(at) = at {
                apis = apis.starting_token(at);
            }
            self.first_stages_token = stages;
        }
        self.apis = Some(apis);
        if self.parallelism > 1 {
            self.parallel = Some(Parallel::start(
                &self.client,
                self.parallelism,
                self.page_size,
                self.first_stages_token.take(),
            ));
        }
        Ok(())
    }
}

fn encode(at: Option<&str>, stages: Option<&str>) -> String {
    let at = at.unwrap_or("");
    format!("{PREFIX}{}:{at}{}", at.len(), stages.unwrap_or(""))
}

fn decode(token: &str) -> Result<(Option<String>, Option<String>), Error> {
    let bad = || Error::InvalidInput {
        field: "starting_token",
        reason: "is not an apigwv2 all-stages resume token".into(),
    };
    let rest = token.strip_prefix(PREFIX).ok_or_else(bad)?;
    let (n, rest) = rest.split_once(':').ok_or_else(bad)?;
    let n: usize = n.parse().map_err(|_| bad())?;
    let (at, stages) = (rest.get(..n).ok_or_else(bad)?, rest.get(n..).ok_or_else(bad)?);
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Ok((some(at), some(stages)))
}

impl Iterator for AllStages {
    type Item = Result<ApiStage, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.apis.is_none() {
            if let Err(e) = self.start() {
                self.done = true;
                return Some(Err(e));
            }
        }
        if let (Some(p), Some(apis)) = (&mut self.parallel, &mut self.apis) {
            let item = p.next(apis);
            if item.is_none() {
                self.done = true;
            }
            return item;
        }
        loop {
            if let Some(cur) = &mut self.current {
                if !cur.failed {
                    match cur.stages.next() {
                        Some(Ok(stage)) => {
                            cur.begun = true;
                            return Some(Ok(ApiStage {
                                api_id: cur.api_id.clone(),
                                api_name: cur.api_name.clone(),
                                stage,
                            }));
                        }
                        Some(Err(e)) => {
                            cur.failed = true;
                            return Some(Err(Error::InApi {
                                api_id: cur.api_id.clone(),
                                source: Box::new(e),
                            }));
                        }
                        None => {}
                    }
                }
                self.current = None;
            }
            let apis = self.apis.as_mut()?;
            let at = apis.resume_token();
            match apis.next() {
                None => {
                    self.done = true;
                    return None;
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Some(Ok(api)) => {
                    let api_id = api.api_id.unwrap_or_default();
                    let mut stages = self.client.stages(api_id.clone());
                    if let Some(n) = self.page_size {
                        stages = stages.page_size(n);
                    }
                    let begun = self.first_stages_token.is_some();
                    if let Some(t) = self.first_stages_token.take() {
                        stages = stages.starting_token(t);
                    }
                    self.current = Some(Current {
                        api_id,
                        api_name: api.name,
                        at,
                        stages,
                        begun,
                        failed: false,
                    });
                }
            }
        }
    }
}

impl std::iter::FusedIterator for AllStages {}

/// A counting semaphore: the requests of one listing that may be in flight at once.
#[derive(Debug)]
struct Permits {
    free: Mutex<usize>,
    freed: Condvar,
}

/// One permit, given back when dropped.
struct Permit<'a>(&'a Permits);

impl Permits {
    fn new(n: usize) -> Self {
        Self {
            free: Mutex::new(n),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// One API to list, for a worker.
struct Job {
    index: u64,
    api_id: String,
    starting_token: Option<String>,
}

/// What a worker found: every stage with the resume token that follows it, and the error
/// that stopped the listing (with the resume token of the page that failed), if any.
#[derive(Debug)]
struct Done {
    index: u64,
    stages: Vec<(Stage, Option<String>)>,
    error: Option<(Error, Option<String>)>,
}

/// An API sent to the workers, in the order it will be yielded.
#[derive(Debug)]
struct Meta {
    index: u64,
    api_id: String,
    api_name: String,
    /// The APIs listing's resume token that points at this API.
    at: Option<String>,
    /// The token its stages listing starts from (when resuming in its middle).
    start: Option<String>,
}

/// The API being yielded in parallel mode.
#[derive(Debug)]
struct Yielding {
    meta: Meta,
    stages: std::vec::IntoIter<(Stage, Option<String>)>,
    error: Option<(Error, Option<String>)>,
    /// The resume token after the last stage (or error) yielded; `None` before any.
    last: Option<Option<String>>,
}

/// The parallel side of [`AllStages`].
#[derive(Debug)]
struct Parallel {
    parallelism: usize,
    permits: Arc<Permits>,
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    next_index: u64,
    pending: VecDeque<Meta>,
    finished: HashMap<u64, Done>,
    current: Option<Yielding>,
    apis_done: bool,
    /// A failure to list the APIs, yielded once the APIs before it are.
    fatal: Option<Error>,
    first_stages_token: Option<String>,
}

impl Parallel {
    fn start(
        client: &Client,
        parallelism: usize,
        page_size: Option<u32>,
        first_stages_token: Option<String>,
    ) -> Self {
        let permits = Arc::new(Permits::new(parallelism));
        let (jobs_tx, jobs_rx) = queue::<Job>();
        let (done_tx, done_rx) = queue::<Done>();
        for _ in 0..parallelism {
            let (client, jobs, done, permits) = (
                client.clone(),
                jobs_rx.clone(),
                done_tx.clone(),
                Arc::clone(&permits),
            );
            // A worker that cannot start leaves the others to do the work.
            let _ = std::thread::Builder::new()
                .name("apigwv2-all-stages".into())
                .spawn(move || worker(&client, page_size, &jobs, &done, &permits));
        }
        Self {
            parallelism,
            permits,
            jobs: Some(jobs_tx),
            done: done_rx,
            next_index: 0,
            pending: VecDeque::new(),
            finished: HashMap::new(),
            current: None,
            apis_done: false,
            fatal: None,
            first_stages_token,
        }
    }

    fn next(&mut self, apis: &mut Paginator<GetApisRequest>) -> Option<Result<ApiStage, Error>> {
        loop {
            if let Some(cur) = &mut self.current {
                if let Some((stage, resume)) = cur.stages.next() {
                    cur.last = Some(resume);
                    return Some(Ok(ApiStage {
                        api_id: cur.meta.api_id.clone(),
                        api_name: cur.meta.api_name.clone(),
                        stage,
                    }));
                }
                if let Some((error, resume)) = cur.error.take() {
                    // No token after a failure means it failed at its start: resume there
                    // (not "complete", as no token after a stage would mean).
                    cur.last = resume.map(Some);
                    return Some(Err(Error::InApi {
                        api_id: cur.meta.api_id.clone(),
                        source: Box::new(error),
                    }));
                }
                self.current = None;
            }
            self.dispatch(apis);
            let Some(meta) = self.pending.pop_front() else {
                self.jobs = None;
                return self.fatal.take().map(Err);
            };
            let done = self.wait_for(meta.index);
            self.current = Some(Yielding {
                meta,
                stages: done.stages.into_iter(),
                error: done.error,
                last: None,
            });
        }
    }

    /// Sends APIs to the workers until `parallelism` are ahead of the one being yielded.
    fn dispatch(&mut self, apis: &mut Paginator<GetApisRequest>) {
        while self.pending.len() < self.parallelism && !self.apis_done {
            let at = apis.resume_token();
            let next = {
                let _permit = self.permits.acquire();
                apis.next()
            };
            match next {
                None => self.apis_done = true,
                Some(Err(e)) => {
                    self.apis_done = true;
                    self.fatal = Some(e);
                }
                Some(Ok(api)) => {
                    let index = self.next_index;
                    self.next_index += 1;
                    let api_id = api.api_id.unwrap_or_default();
                    let starting_token = self.first_stages_token.take();
                    let meta = Meta {
                        index,
                        api_id: api_id.clone(),
                        api_name: api.name,
                        at,
                        start: starting_token.clone(),
                    };
                    let job = Job {
                        index,
                        api_id,
                        starting_token,
                    };
                    if let Some(jobs) = &self.jobs {
                        if jobs.send(job).is_err() {
                            self.finished.insert(index, lost(index));
                        }
                    }
                    self.pending.push_back(meta);
                }
            }
        }
    }

    fn wait_for(&mut self, index: u64) -> Done {
        loop {
            if let Some(done) = self.finished.remove(&index) {
                return done;
            }
            match self.done.recv() {
                Ok(done) => {
                    self.finished.insert(done.index, done);
                }
                Err(_) => return lost(index),
            }
        }
    }

    fn resume_token(&self, apis: &Paginator<GetApisRequest>, done: bool) -> Option<String> {
        if let Some(cur) = &self.current {
            match &cur.last {
                // Nothing of it yielded yet: where its listing starts.
                None => return Some(encode(cur.meta.at.as_deref(), cur.meta.start.as_deref())),
                Some(Some(stages)) => return Some(encode(cur.meta.at.as_deref(), Some(stages))),
                // This API is done: continue at the next one.
                Some(None) => {}
            }
        }
        if let Some(next) = self.pending.front() {
            return Some(encode(next.at.as_deref(), next.start.as_deref()));
        }
        if done {
            return None;
        }
        apis.resume_token().map(|at| encode(Some(&at), None))
    }
}

/// The result for an API whose worker is gone (it cannot happen but for a thread that
/// failed to start or died): an error for that API, so the listing goes on.
fn lost(index: u64) -> Done {
    Done {
        index,
        stages: Vec::new(),
        error: Some((
            Error::Transport {
                operation: "GetStages",
                kind: crate::error::TransportErrorKind::Other,
                message: "the worker thread listing this API stopped".into(),
                attempts: 0,
                source: None,
            },
            None,
        )),
    }
}

/// A worker: lists one API's stages at a time, every page under a permit, until the
/// listing is dropped.
fn worker(
    client: &Client,
    page_size: Option<u32>,
    jobs: &Receiver<Job>,
    done: &Sender<Done>,
    permits: &Permits,
) {
    loop {
        let Ok(job) = jobs.recv() else {
            return;
        };
        let index = job.index;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            list_one(client, page_size, job, permits)
        }))
        .unwrap_or_else(|_| lost(index));
        if done.send(result).is_err() {
            return;
        }
    }
}

fn list_one(client: &Client, page_size: Option<u32>, job: Job, permits: &Permits) -> Done {
    let mut stages = client.stages(job.api_id);
    if let Some(n) = page_size {
        stages = stages.page_size(n);
    }
    if let Some(t) = job.starting_token {
        stages = stages.starting_token(t);
    }
    let mut out = Vec::new();
    loop {
        let next = {
            let _permit = permits.acquire();
            stages.next()
        };
        match next {
            None => {
                return Done {
                    index: job.index,
                    stages: out,
                    error: None,
                }
            }
            Some(Ok(stage)) => {
                let resume = stages.resume_token();
                out.push((stage, resume));
            }
            Some(Err(e)) => {
                let resume = stages.resume_token();
                return Done {
                    index: job.index,
                    stages: out,
                    error: Some((e, resume)),
                };
            }
        }
    }
}

impl Client {
    /// Every stage of every API, lazily and in a stable order, each with its API's id and
    /// name ([`AllStages`]).
    pub fn all_stages(&self) -> AllStages {
        AllStages::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_tokens_round_trip() {
        for (at, stages) in [
            (None, None),
            (Some("a:1"), None),
            (None, Some("apigwv2:skip=2:t")),
            (Some("x"), Some("y:z")),
        ] {
            let t = encode(at, stages);
            assert_eq!(
                decode(&t).unwrap(),
                (at.map(Into::into), stages.map(Into::into)),
                "{t}"
            );
        }
        for bad in [
            "",
            "apigwv2:all:",
            "apigwv2:all:x:",
            "apigwv2:all:9:ab",
            "apigwv2:skip=1:",
            "apigwv2:all:1:é",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
