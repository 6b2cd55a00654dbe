//! GetStage: `GET /v2/apis/{apiId}/stages/{stageName}`, one stage of an API.

use crate::error::Error;
use crate::model::Stage;
use crate::operation::{Operation, OperationRequest};
use crate::Client;

/// The input of GetStage: an API id and a stage name (`$default` included; any name is
/// percent-encoded in the path and the signature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GetStageRequest<'a> {
    api_id: &'a str,
    stage_name: &'a str,
}

impl Operation for GetStageRequest<'_> {
    const NAME: &'static str = "GetStage";
    type Output = Stage;

    fn request(&self) -> Result<OperationRequest, Error> {
        OperationRequest::get(
            "/v2/apis/{api_id}/stages/{stage_name}",
            &[("api_id", self.api_id), ("stage_name", self.stage_name)],
        )
    }
}

impl Client {
    /// One stage of an API, e.g. `client.get_stage("a1b2c3", "$default")`.
    pub fn get_stage(&self, api_id: &str, stage_name: &str) -> Result<Stage, Error> {
        self.invoke(&GetStageRequest { api_id, stage_name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_wire_request() {
        let r = GetStageRequest {
            api_id: "a b/c",
            stage_name: "$default",
        }
        .request()
        .unwrap();
        assert_eq!(
            (r.method, r.path.as_str(), r.query.as_str()),
            ("GET", "/v2/apis/a%20b%2Fc/stages/%24default", "")
        );
        assert_eq!(GetStageRequest::NAME, "GetStage");
    }

    #[test]
    fn rejects_labels_that_would_change_the_path() {
        for (api_id, stage_name, field, reason) in [
            (".", "x", "api_id", "must not be \".\""),
            ("..", "x", "api_id", "must not be \"..\""),
            ("a", ".", "stage_name", "must not be \".\""),
            ("a", "..", "stage_name", "must not be \"..\""),
            ("", "x", "api_id", "must not be empty"),
            ("a", "", "stage_name", "must not be empty"),
        ] {
            assert_eq!(
                GetStageRequest { api_id, stage_name }.request(),
                Err(Error::InvalidInput {
                    field,
                    reason: reason.into()
                }),
                "{api_id:?} {stage_name:?}"
            );
        }
    }
}
