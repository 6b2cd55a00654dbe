//! GetStages: `GET /v2/apis/{apiId}/stages?maxResults=..&nextToken=..`, the stages of one
//! API, one page at a time or lazily with [`Client::stages`].

use crate::error::Error;
use crate::model::Stage;
use crate::operation::{Operation, OperationRequest, Page};
use crate::paginator::{paginated, PageParams, Paginator};
use crate::Client;

/// The input of GetStages: an API id, and optionally a page size and a token.
///
/// ```
/// let req = apigwv2::GetStagesRequest::new("a1b2c3").max_results(25).next_token("tok");
/// assert_eq!(req.api_id(), "a1b2c3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct GetStagesRequest {
    api_id: String,
    page: PageParams,
}

impl GetStagesRequest {
    /// A request for the first page of stages of `api_id`.
    pub fn new(api_id: impl Into<String>) -> Self {
        Self {
            api_id: api_id.into(),
            page: PageParams::default(),
        }
    }

    /// The API id.
    pub fn api_id(&self) -> &str {
        &self.api_id
    }
}

paginated!(GetStagesRequest => Stage);

/// One page of GetStages: the stages, and the token of the next page when there is one.
pub type GetStagesOutput = Page<Stage>;

impl Page<Stage> {
    /// Decodes a GetStages response body exactly as the client does; a body that is not a
    /// valid response is an [`Error::InvalidResponse`].
    ///
    /// ```
    /// let page = apigwv2::GetStagesOutput::from_json(br#"{"items":[{"stageName":"a"}]}"#).unwrap();
    /// assert_eq!(page.items[0].stage_name, "a");
    /// assert!(apigwv2::GetStagesOutput::from_json(b"{").is_err());
    /// ```
    pub fn from_json(body: &[u8]) -> Result<Self, Error> {
        crate::operation::decode_success::<GetStagesRequest>(body, 200, None, 1)
    }
}

impl Operation for GetStagesRequest {
    const NAME: &'static str = "GetStages";
    type Output = GetStagesOutput;

    fn request(&self) -> Result<OperationRequest, Error> {
        self.page.apply(OperationRequest::get(
            "/v2/apis/{api_id}/stages",
            &[("api_id", &self.api_id)],
        )?)
    }

    fn finish(&self, page: Self::Output) -> Self::Output {
        self.page.finish(page)
    }
}

impl Client {
    /// Fetches one page of stages.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), apigwv2::Error> {
    /// # let client = apigwv2::Client::from_env()?;
    /// use apigwv2::GetStagesRequest;
    /// let page = client.get_stages(&GetStagesRequest::new("a1b2c3").max_results(25))?;
    /// println!("{} stages, more: {}", page.items.len(), page.next_token.is_some());
    /// # Ok(()) }
    /// ```
    pub fn get_stages(&self, request: &GetStagesRequest) -> Result<GetStagesOutput, Error> {
        self.invoke(request)
    }

    /// All stages of an API, fetched lazily page by page.
    pub fn stages(&self, api_id: impl Into<String>) -> Paginator<GetStagesRequest> {
        Paginator::new(self.clone(), GetStagesRequest::new(api_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_wire_request() {
        let r = GetStagesRequest::new("a1b2c3")
            .max_results(25)
            .next_token("a+b/c=")
            .request()
            .unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/v2/apis/a1b2c3/stages");
        assert_eq!(GetStagesRequest::new("a1b2c3").api_id(), "a1b2c3");
        assert_eq!(r.query.as_str(), "maxResults=25&nextToken=a%2Bb%2Fc%3D");
        let r = GetStagesRequest::new("x y/ü~$%").request().unwrap();
        assert_eq!(r.path, "/v2/apis/x%20y%2F%C3%BC~%24%25/stages");
        assert!(r.query.is_empty());
    }

    #[test]
    fn rejects_bad_input() {
        for (req, field, reason) in [
            (GetStagesRequest::new(""), "api_id", "must not be empty"),
            (GetStagesRequest::new("."), "api_id", "must not be \".\""),
            (GetStagesRequest::new(".."), "api_id", "must not be \"..\""),
            (
                GetStagesRequest::new("a\n"),
                "api_id",
                "contains the control character '\\n'",
            ),
            (
                GetStagesRequest::new("a").max_results(0),
                "max_results",
                "must be at least 1",
            ),
            (
                GetStagesRequest::new("a").next_token("t\u{1}"),
                "next_token",
                "contains the control character '\\u{1}'",
            ),
        ] {
            assert_eq!(
                req.request(),
                Err(Error::InvalidInput {
                    field,
                    reason: reason.into()
                }),
                "{req:?}"
            );
        }
        assert_eq!(GetStagesRequest::NAME, "GetStages");
    }

    #[test]
    fn a_resume_token_skips_what_was_yielded() {
        let req = GetStagesRequest::new("a").next_token("apigwv2:skip=1:tok");
        assert_eq!(req.request().unwrap().query.as_str(), "nextToken=tok");
        let page = Page::new(vec![Stage::new("x"), Stage::new("y")], None);
        assert_eq!(req.finish(page).items, [Stage::new("y")]);
        let page = GetStagesOutput::from_json(br#"{"items":[{"stageName":"s"}],"nextToken":"n"}"#).unwrap();
        assert_eq!(page, Page::new(vec![Stage::new("s")], Some("n".to_owned())));
        match GetStagesOutput::from_json(b"{\"items\":") {
            Err(Error::InvalidResponse {
                operation, status, ..
            }) => assert_eq!((operation, status), ("GetStages", 200)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn output_reads_missing_and_null_items() {
        let o: GetStagesOutput = serde_json::from_str("{}").unwrap();
        assert!(o.items.is_empty() && o.next_token.is_none());
        let o: GetStagesOutput = serde_json::from_str(r#"{"items":null,"nextToken":"t"}"#).unwrap();
        assert_eq!(o.next_token.as_deref(), Some("t"));
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"items":[],"nextToken":"t"}"#
        );
    }
}
