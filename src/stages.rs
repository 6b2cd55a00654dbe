//! GetStages: `GET /v2/apis/{apiId}/stages?maxResults=..&nextToken=..`.
//!
//! The whole operation is this declaration: its input with validation, its output shape,
//! and how the paginator reaches its token and items.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::Stage;
use crate::operation::{check_label, check_text, push_label, Operation, OperationRequest};
use crate::paginator::Paginated;
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
    max_results: Option<u32>,
    next_token: Option<String>,
}

impl GetStagesRequest {
    /// A request for the first page of stages of `api_id`.
    pub fn new(api_id: impl Into<String>) -> Self {
        Self {
            api_id: api_id.into(),
            max_results: None,
            next_token: None,
        }
    }

    /// The page size to ask for (`maxResults`). Must be at least 1. Defaults to the
    /// service's own page size.
    pub fn max_results(mut self, n: u32) -> Self {
        self.max_results = Some(n);
        self
    }

    /// The token of the page to fetch (`nextToken` of the previous page). Defaults to
    /// none: the first page.
    pub fn next_token(mut self, token: impl Into<String>) -> Self {
        self.next_token = Some(token.into());
        self
    }

    /// The API id.
    pub fn api_id(&self) -> &str {
        &self.api_id
    }

    /// The requested page size, if set.
    pub fn get_max_results(&self) -> Option<u32> {
        self.max_results
    }

    /// The page token, if set.
    pub fn get_next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }
}

/// One page of GetStages: the stages, and the token of the next page when there is one.
///
/// Serializes to the service's own response format, `{"items":[...],"nextToken":"..."}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetStagesOutput {
    /// The stages of this page.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub items: Vec<Stage>,
    /// The token of the next page; `None` on the last page. A token with control
    /// characters is refused as an invalid response.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::operation::next_token"
    )]
    pub next_token: Option<String>,
}

impl GetStagesOutput {
    /// A page from its parts.
    pub fn new(items: Vec<Stage>, next_token: Option<String>) -> Self {
        Self { items, next_token }
    }

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

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Stage>, D::Error> {
    Ok(Option::<Vec<Stage>>::deserialize(d)?.unwrap_or_default())
}

impl Operation for GetStagesRequest {
    const NAME: &'static str = "GetStages";
    type Output = GetStagesOutput;

    fn request(&self) -> Result<OperationRequest, Error> {
        check_label("api_id", &self.api_id)?;
        let mut path = String::with_capacity(24 + self.api_id.len());
        path.push_str("/v2/apis/");
        push_label(&mut path, &self.api_id);
        path.push_str("/stages");
        let mut req = OperationRequest::get(path);
        if let Some(n) = self.max_results {
            if n == 0 {
                return Err(Error::InvalidInput {
                    field: "max_results",
                    reason: "must be at least 1".into(),
                });
            }
            req = req.query_param("maxResults", &n.to_string());
        }
        if let Some(token) = &self.next_token {
            check_text("next_token", token)?;
            if !token.is_empty() {
                req = req.query_param("nextToken", token);
            }
        }
        Ok(req)
    }
}

impl Paginated for GetStagesRequest {
    type Item = Stage;
    type Page = GetStagesOutput;
    const OPERATION: &'static str = <Self as Operation>::NAME;

    fn set_page_token(&mut self, token: Option<String>) {
        self.next_token = token;
    }

    fn set_page_size(&mut self, n: Option<u32>) {
        self.max_results = n;
    }

    fn fetch(&self, client: &Client) -> Result<GetStagesOutput, Error> {
        client.get_stages(self)
    }

    fn into_parts(page: GetStagesOutput) -> (Vec<Stage>, Option<String>) {
        (page.items, page.next_token)
    }

    fn from_parts(items: Vec<Stage>, next_token: Option<String>) -> GetStagesOutput {
        GetStagesOutput { items, next_token }
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
        assert_eq!(r.query.as_str(), "maxResults=25&nextToken=a%2Bb%2Fc%3D");
        let r = GetStagesRequest::new("x y/ü~$%").request().unwrap();
        assert_eq!(r.path, "/v2/apis/x%20y%2F%C3%BC~%24%25/stages");
        assert!(r.query.is_empty());
    }

    #[test]
    fn rejects_bad_input() {
        for (req, field) in [
            (GetStagesRequest::new(""), "api_id"),
            (GetStagesRequest::new("a\n"), "api_id"),
            (GetStagesRequest::new("a").max_results(0), "max_results"),
            (GetStagesRequest::new("a").next_token("t\u{1}"), "next_token"),
        ] {
            match req.request() {
                Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{other:?}"),
            }
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
