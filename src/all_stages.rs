//! Every stage of every API: [`Client::all_stages`] walks GetApis and, for each API,
//! GetStages, lazily and in a stable order (the service's order of APIs, then of each
//! API's stages). One API's failure is reported with its id and the listing goes on; the
//! resume token says where to continue, down to the stage.
//!
//! A resume token has the form `apigwv2:all:N:APISSTAGES`: the first `N` bytes are the
//! APIs listing's own resume token pointing at the API in progress (empty at the start),
//! the rest that API's stages resume token (empty at its start).

use crate::error::Error;
use crate::model::Stage;
use crate::operations::get_apis::GetApisRequest;
use crate::operations::get_stages::GetStagesRequest;
use crate::paginator::Paginator;
use crate::Client;

const PREFIX: &str = "apigwv2:all:";

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
        if let Some(cur) = &self.current {
            match cur.stages.resume_token() {
                Some(stages) => return Some(encode(cur.at.as_deref(), Some(stages))),
                None if !cur.begun => return Some(encode(cur.at.as_deref(), None)),
                // This API is done: continue at the next one.
                None => {}
            }
        }
        if self.done {
            return None;
        }
        apis.resume_token().map(|at| encode(Some(at), None))
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
            let at = apis.resume_token().map(str::to_owned);
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
