//! GetApis: `GET /v2/apis?maxResults=..&nextToken=..`, every API of the account in the
//! region, one page at a time or lazily with [`Client::apis`].

use crate::error::Error;
use crate::model::Api;
use crate::operation::{Operation, OperationRequest, Page};
use crate::paginator::{paginated, PageParams, Paginator};
use crate::Client;

/// The input of GetApis: optionally a page size and a token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[must_use]
pub struct GetApisRequest {
    page: PageParams,
}

impl GetApisRequest {
    /// A request for the first page of APIs.
    pub fn new() -> Self {
        Self::default()
    }
}

paginated!(GetApisRequest => Api);

/// The most APIs [`Client::api_by_name`] reads before it gives up with
/// [`Error::ListingTooLong`]: far more than an account may have in a region.
pub const MAX_APIS_SCANNED: usize = 10_000;

/// One page of GetApis: the APIs, and the token of the next page when there is one.
pub type GetApisOutput = Page<Api>;

impl Operation for GetApisRequest {
    const NAME: &'static str = "GetApis";
    type Output = GetApisOutput;

    fn request(&self) -> Result<OperationRequest, Error> {
        self.page.apply(OperationRequest::get("/v2/apis", &[])?)
    }

    fn finish(&self, page: Self::Output) -> Self::Output {
        self.page.finish(page)
    }
}

impl Client {
    /// Fetches one page of APIs.
    pub fn get_apis(&self, request: &GetApisRequest) -> Result<GetApisOutput, Error> {
        self.invoke(request)
    }

    /// Every API, fetched lazily page by page.
    pub fn apis(&self) -> Paginator<GetApisRequest> {
        Paginator::new(self.clone(), GetApisRequest::new())
    }

    /// The one API named `name` (names are not unique: a deploy tool that knows its API by
    /// name asks this first). No API, or several, with that name is an
    /// [`Error::ApiName`] that lists the ids found.
    ///
    /// It reads the whole listing of APIs, keeping only the first match and the ids of the
    /// others. A listing that goes on after [`MAX_APIS_SCANNED`] APIs (far more than an
    /// account may have) is an [`Error::ListingTooLong`], without a request for the page
    /// after them.
    pub fn api_by_name(&self, name: &str) -> Result<Api, Error> {
        let mut first = None;
        let mut api_ids = Vec::new();
        let mut matches = 0usize;
        let mut apis = self.apis().max_items(MAX_APIS_SCANNED);
        for api in apis.by_ref() {
            let api = api?;
            if api.name != name {
                continue;
            }
            matches += 1;
            api_ids.extend(api.api_id.clone());
            if first.is_none() {
                first = Some(api);
            }
        }
        // Stopped at the limit with more to list.
        if apis.resume_token().is_some() {
            return Err(Error::ListingTooLong {
                operation: <GetApisRequest as Operation>::NAME,
                limit: MAX_APIS_SCANNED,
            });
        }
        match (matches, first) {
            (1, Some(api)) => Ok(api),
            _ => Err(Error::ApiName {
                name: name.to_owned(),
                api_ids,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_wire_request() {
        let r = GetApisRequest::new().request().unwrap();
        assert_eq!(
            (r.method, r.path.as_str(), r.query.as_str()),
            ("GET", "/v2/apis", "")
        );
        let r = GetApisRequest::new()
            .max_results(7)
            .next_token("a+b/c=")
            .request()
            .unwrap();
        assert_eq!(r.path, "/v2/apis");
        assert_eq!(r.query.as_str(), "maxResults=7&nextToken=a%2Bb%2Fc%3D");
        assert_eq!(GetApisRequest::NAME, "GetApis");
    }

    #[test]
    fn rejects_bad_input_with_the_field_and_the_reason() {
        for (req, field, reason) in [
            (
                GetApisRequest::new().max_results(0),
                "max_results",
                "must be at least 1",
            ),
            (
                GetApisRequest::new().next_token("t\u{1b}"),
                "next_token",
                "contains the control character '\\u{1b}'",
            ),
        ] {
            assert_eq!(
                req.request(),
                Err(Error::InvalidInput {
                    field,
                    reason: reason.into()
                })
            );
        }
    }

    #[test]
    fn a_resume_token_skips_what_was_yielded() {
        let req = GetApisRequest::new().next_token("apigwv2:skip=2:tok");
        assert_eq!(req.request().unwrap().query.as_str(), "nextToken=tok");
        let page = Page::new(
            ["a", "b", "c"]
                .iter()
                .map(|n| Api::new(*n, *n, crate::ProtocolType::Http))
                .collect(),
            Some("next".to_owned()),
        );
        let page = req.finish(page);
        let ids: Vec<_> = page.items.iter().map(|a| a.api_id.as_deref().unwrap()).collect();
        assert_eq!((ids, page.next_token.as_deref()), (vec!["c"], Some("next")));
    }
}
