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
//! `parallelism` APIs are fetched ahead of the one being yielded, and every request of the
//! listing, the APIs pages included, takes one of `parallelism` permits, so no more
//! requests than that are ever in flight. The client's retry quota and rate limiter are
//! shared by all of them.
//!
//! Memory stays flat however many APIs there are, and however many stages each has: a
//! worker hands its API's stages over one page at a time and fetches the next page only
//! once the page before has been taken to be yielded, so it is at most one page ahead.
//! Workers are started as APIs arrive (never more than there are APIs, nor than
//! `parallelism`); they stop when the listing ends or the iterator is dropped, and the
//! drop waits for them (for one in a request, until the request ends), so no thread
//! outlives the listing and no request starts after the drop returns.
//!
//! The parallel machinery is one lock and one condition variable (`Shared`): the permits,
//! the stop flag and the pages each API's worker handed over live under it, and every
//! change wakes every waiter, who checks whether the change concerns it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crate::error::Error;
use crate::model::Stage;
use crate::operations::get_apis::GetApisRequest;
use crate::operations::get_stages::GetStagesRequest;
use crate::paginator::{PageMark, Paginator};
use crate::queue::{queue, Receiver, Sender};
use crate::Client;

const PREFIX: &str = "apigwv2:all:";
/// Requests in flight at once, by default.
pub const DEFAULT_PARALLELISM: usize = 8;
/// The most requests in flight (and worker threads) one listing may use: a larger
/// [`AllStages::parallelism`] counts as this.
pub const MAX_PARALLELISM: usize = 64;

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
/// With [`AllStages::parallelism`] above 1, dropping the iterator before its end stops its
/// worker threads and waits for them: a worker in the middle of a request ends that
/// request first (within the client's timeouts), and none sends another.
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
    /// by up to that many worker threads, started as APIs arrive: never more than there
    /// are APIs). `1` lists one API after the other on the calling thread; 0 counts as 1.
    /// Defaults to 8 ([`DEFAULT_PARALLELISM`]); at most 64 ([`MAX_PARALLELISM`]), which a
    /// larger value counts as.
    pub fn parallelism(mut self, n: usize) -> Self {
        self.parallelism = n.clamp(1, MAX_PARALLELISM);
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
            return p.resume_token(apis);
        }
        if let Some(cur) = &self.current {
            match cur.stages.resume_token() {
                Some(stages) => return Some(encode(cur.at.as_deref(), Some(&stages))),
                None if !cur.begun => return Some(encode(cur.at.as_deref(), None)),
                // This API is done: continue at the next one.
                None => {}
            }
        }
        // `None` once the APIs listing is complete; after a failure to list the APIs, the
        // page that failed.
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
            self.parallel = Some(Parallel::new(self.parallelism, self.first_stages_token.take()));
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
            let item = p.next(&self.client, self.page_size, apis);
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

/// What the workers and the listing share, under one lock.
#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Notified (all waiters) on every change of `state`.
    changed: Condvar,
}

#[derive(Debug)]
struct State {
    /// Set when the iterator is dropped: workers send nothing more and return.
    stop: bool,
    /// Permits free: requests that may still start.
    free: usize,
    /// What each API's worker handed over and the listing has not taken yet, by the
    /// API's index: at most one chunk per API. A worker fetches its API's next page while
    /// the page before is being yielded, and then waits for it to be taken.
    slots: HashMap<u64, Chunk>,
}

/// One hand-over from a worker, for one API.
#[derive(Debug)]
enum Chunk {
    /// The stages of one page.
    Page(PageChunk),
    /// The listing of the API failed, with the resume token of the page that failed; the
    /// API is done.
    Failed(Error, Option<String>),
    /// The API has no more stages.
    End,
}

/// The stages of one page.
#[derive(Debug)]
struct PageChunk {
    stages: Vec<Stage>,
    tokens: PageTokens,
}

/// What it takes to compute the resume token after any stage of a page, without holding a
/// token per stage (a token may be long, a page long too).
#[derive(Debug)]
struct PageTokens {
    /// Where the page began.
    mark: Option<PageMark>,
    /// How many stages it has.
    len: usize,
    /// The resume token after its last stage (`None`: the API's listing is complete).
    end: Option<String>,
}

impl PageTokens {
    /// The API's stages resume token after the first `consumed` stages of the page.
    fn token_after(&self, consumed: usize) -> Option<String> {
        match &self.mark {
            Some(mark) if consumed < self.len => mark.token_after(consumed),
            _ => self.end.clone(),
        }
    }
}

/// One permit, given back (and every waiter woken) when dropped.
struct Permit<'a>(&'a Shared);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.lock().free += 1;
        self.0.changed.notify_all();
    }
}

impl Shared {
    fn new(permits: usize) -> Self {
        Self {
            state: Mutex::new(State {
                stop: false,
                free: permits,
                slots: HashMap::new(),
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // No code panics while holding the lock, but poisoned state is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.changed.wait(guard).unwrap_or_else(|p| p.into_inner())
    }

    /// A permit for the listing's own GetApis requests.
    fn permit(&self) -> Permit<'_> {
        let mut s = self.lock();
        while s.free == 0 {
            s = self.wait(s);
        }
        s.free -= 1;
        Permit(self)
    }

    /// A permit for the worker of API `index`, once its last chunk was taken; `None`
    /// once the listing is stopped.
    fn permit_to_fetch(&self, index: u64) -> Option<Permit<'_>> {
        let mut s = self.lock();
        loop {
            if s.stop {
                return None;
            }
            if s.free > 0 && !s.slots.contains_key(&index) {
                s.free -= 1;
                return Some(Permit(self));
            }
            s = self.wait(s);
        }
    }

    /// Hands a chunk of API `index` over to the listing (its worker waited for the chunk
    /// before to be taken).
    fn hand_over(&self, index: u64, chunk: Chunk) {
        self.lock().slots.insert(index, chunk);
        self.changed.notify_all();
    }

    /// The next chunk of API `index`, waiting for it.
    fn take(&self, index: u64) -> Chunk {
        let mut s = self.lock();
        loop {
            if let Some(chunk) = s.slots.remove(&index) {
                drop(s);
                // Its worker may fetch again.
                self.changed.notify_all();
                return chunk;
            }
            s = self.wait(s);
        }
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.changed.notify_all();
    }
}

/// One API to list, for a worker.
#[derive(Debug)]
struct Job {
    index: u64,
    api_id: String,
    starting_token: Option<String>,
}

/// An API sent to the workers, in the order it will be yielded.
#[derive(Debug)]
struct Meta {
    index: u64,
    api_id: String,
    api_name: String,
    /// The APIs listing's resume token that points at this API.
    at: Option<String>,
    /// Its stages listing starts from the starting token (the first API only).
    resumed: bool,
}

/// Where the API being yielded stands, for its resume token.
#[derive(Debug)]
enum Place {
    /// In this page, of which so many stages were yielded.
    InPage(PageTokens, usize),
    /// Its failure was yielded, with the resume token of the page that failed.
    Failed(Option<String>),
}

/// The API being yielded in parallel mode, from its first chunk on.
#[derive(Debug)]
struct Yielding {
    meta: Meta,
    /// The stages of the current page still to yield.
    stages: std::vec::IntoIter<Stage>,
    place: Place,
    /// A stage was yielded or a starting token given: no resume token from its listing
    /// means it is complete (not that it is at its start).
    begun: bool,
}

/// The parallel side of [`AllStages`].
#[derive(Debug)]
struct Parallel {
    parallelism: usize,
    shared: Arc<Shared>,
    /// The workers' job queue; dropped when the listing ends or is dropped, which lets
    /// idle workers return.
    jobs: Option<(Sender<Job>, Receiver<Job>)>,
    workers: Vec<JoinHandle<()>>,
    next_index: u64,
    /// The APIs sent to the workers and not being yielded yet, in order.
    pending: VecDeque<Meta>,
    current: Option<Yielding>,
    apis_done: bool,
    /// A failure to list the APIs, yielded once the APIs before it are.
    fatal: Option<Error>,
    first_stages_token: Option<String>,
}

impl Parallel {
    fn new(parallelism: usize, first_stages_token: Option<String>) -> Self {
        Self {
            parallelism,
            shared: Arc::new(Shared::new(parallelism)),
            jobs: Some(queue()),
            workers: Vec::new(),
            next_index: 0,
            pending: VecDeque::new(),
            current: None,
            apis_done: false,
            fatal: None,
            first_stages_token,
        }
    }

    fn next(
        &mut self,
        client: &Client,
        page_size: Option<u32>,
        apis: &mut Paginator<GetApisRequest>,
    ) -> Option<Result<ApiStage, Error>> {
        loop {
            // The API whose next chunk to take, and whether it has begun.
            let (meta, begun) = match self.current.take() {
                Some(mut cur) => {
                    if let Some(stage) = cur.stages.next() {
                        if let Place::InPage(_, consumed) = &mut cur.place {
                            *consumed += 1;
                        }
                        cur.begun = true;
                        let item = ApiStage {
                            api_id: cur.meta.api_id.clone(),
                            api_name: cur.meta.api_name.clone(),
                            stage,
                        };
                        self.current = Some(cur);
                        return Some(Ok(item));
                    }
                    if matches!(cur.place, Place::Failed(_)) {
                        // Its failure was its last chunk: on to the next API.
                        continue;
                    }
                    (cur.meta, cur.begun)
                }
                None => {
                    self.dispatch(client, page_size, apis);
                    let Some(meta) = self.pending.pop_front() else {
                        self.finish();
                        return self.fatal.take().map(Err);
                    };
                    let resumed = meta.resumed;
                    (meta, resumed)
                }
            };
            match self.shared.take(meta.index) {
                // Done (or without stages): on to the next API.
                Chunk::End => {}
                Chunk::Page(page) => {
                    self.current = Some(Yielding {
                        meta,
                        stages: page.stages.into_iter(),
                        place: Place::InPage(page.tokens, 0),
                        begun,
                    });
                }
                Chunk::Failed(error, resume) => {
                    let api_id = meta.api_id.clone();
                    self.current = Some(Yielding {
                        meta,
                        stages: Vec::new().into_iter(),
                        place: Place::Failed(resume),
                        begun,
                    });
                    return Some(Err(Error::InApi {
                        api_id,
                        source: Box::new(error),
                    }));
                }
            }
        }
    }

    /// Sends APIs to the workers until `parallelism` are ahead of the one being yielded,
    /// starting a worker for each while there are fewer than `parallelism`.
    fn dispatch(&mut self, client: &Client, page_size: Option<u32>, apis: &mut Paginator<GetApisRequest>) {
        while self.pending.len() < self.parallelism && !self.apis_done {
            let at = apis.resume_token();
            // (Here at most `parallelism - 1` APIs are pending, one request each at most, so
            // this permit is free at once; it keeps the bound explicit all the same.)
            let next = {
                let _permit = self.shared.permit();
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
                        resumed: starting_token.is_some(),
                    };
                    let job = Job {
                        index,
                        api_id,
                        starting_token,
                    };
                    if self.workers.len() < self.parallelism {
                        self.spawn_worker(client, page_size);
                    }
                    // With no worker to take it (none could start), the API fails in its
                    // place and the listing goes on.
                    let sent = match &self.jobs {
                        Some((jobs, _)) if !self.workers.is_empty() => jobs.send(job).is_ok(),
                        _ => false,
                    };
                    if !sent {
                        self.shared.hand_over(index, lost(None));
                    }
                    self.pending.push_back(meta);
                }
            }
        }
    }

    fn spawn_worker(&mut self, client: &Client, page_size: Option<u32>) {
        let Some((_, jobs)) = &self.jobs else {
            return;
        };
        let (client, jobs, shared) = (client.clone(), jobs.clone(), Arc::clone(&self.shared));
        // A worker that cannot start leaves the others to do the work.
        if let Ok(handle) = std::thread::Builder::new()
            .name("apigwv2-all-stages".into())
            .spawn(move || worker(&client, page_size, &jobs, &shared))
        {
            self.workers.push(handle);
        }
    }

    /// The listing is over: the workers, all idle, see the job queue close and return.
    fn finish(&mut self) {
        self.jobs = None;
        self.join_workers();
    }

    fn join_workers(&mut self) {
        for handle in self.workers.drain(..) {
            // A worker's panics are caught; a join error cannot carry anything to report.
            let _ = handle.join();
        }
    }

    fn resume_token(&self, apis: &Paginator<GetApisRequest>) -> Option<String> {
        if let Some(cur) = &self.current {
            let at = cur.meta.at.as_deref();
            let stages = match &cur.place {
                Place::InPage(tokens, consumed) => tokens.token_after(*consumed),
                Place::Failed(resume) => resume.clone(),
            };
            match stages {
                Some(stages) => return Some(encode(at, Some(&stages))),
                None if !cur.begun => return Some(encode(at, None)),
                // This API is done: continue at the next one.
                None => {}
            }
        }
        // The next API has not begun: only the first API resumes from a starting token, and
        // it is never behind another.
        if let Some(next) = self.pending.front() {
            return Some(encode(next.at.as_deref(), None));
        }
        // `None` once the APIs listing is complete; after a failure to list the APIs, the
        // page that failed.
        apis.resume_token().map(|at| encode(Some(&at), None))
    }
}

impl Drop for Parallel {
    /// Stops the workers and waits for them: one in a request returns when it ends, the
    /// others at once. No request starts after this returns.
    fn drop(&mut self) {
        self.shared.stop();
        self.jobs = None;
        self.join_workers();
    }
}

/// The failure of an API whose worker panicked or could not be started, with the resume
/// token after the last page handed over (`None`: the API's start).
fn lost(resume: Option<String>) -> Chunk {
    Chunk::Failed(
        Error::Transport {
            operation: "GetStages",
            kind: crate::error::TransportErrorKind::Other,
            message: "the worker thread listing this API stopped".into(),
            attempts: 0,
            source: None,
        },
        resume,
    )
}

/// A worker: lists one API's stages at a time, handing them over page by page, every
/// request under a permit, until the job queue closes or the listing is stopped.
fn worker(client: &Client, page_size: Option<u32>, jobs: &Receiver<Job>, shared: &Shared) {
    while let Ok(job) = jobs.recv() {
        let index = job.index;
        // Where the API resumes after the pages handed over so far.
        let mut resume = job.starting_token.clone();
        let listed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            list_one(client, page_size, job, shared, &mut resume)
        }));
        match listed {
            Ok(true) => {}
            Ok(false) => return,
            Err(_) => shared.hand_over(index, lost(resume)),
        }
    }
}

/// Lists one API's stages into its slot; `false` when the listing was stopped first.
fn list_one(
    client: &Client,
    page_size: Option<u32>,
    job: Job,
    shared: &Shared,
    resume: &mut Option<String>,
) -> bool {
    let mut stages = client.stages(job.api_id);
    if let Some(n) = page_size {
        stages = stages.page_size(n);
    }
    if let Some(t) = job.starting_token {
        stages = stages.starting_token(t);
    }
    loop {
        // The first stage of a page is the one that may need a request.
        let first = {
            let Some(_permit) = shared.permit_to_fetch(job.index) else {
                return false;
            };
            stages.next()
        };
        let chunk = match first {
            None => Chunk::End,
            Some(Err(e)) => Chunk::Failed(e, stages.resume_token()),
            Some(Ok(stage)) => {
                let mark = stages.page_mark();
                let mut page = vec![stage];
                // The rest of the page is at hand: no request.
                while stages.buffered() > 0 {
                    match stages.next() {
                        Some(Ok(stage)) => page.push(stage),
                        _ => break,
                    }
                }
                let end = stages.resume_token();
                resume.clone_from(&end);
                Chunk::Page(PageChunk {
                    tokens: PageTokens {
                        mark,
                        len: page.len(),
                        end,
                    },
                    stages: page,
                })
            }
        };
        let last = !matches!(chunk, Chunk::Page(_));
        shared.hand_over(job.index, chunk);
        if last {
            return true;
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
