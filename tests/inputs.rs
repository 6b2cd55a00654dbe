//! Input the client refuses before sending anything: each refusal is an
//! `Error::InvalidInput` that names the field and says why, exactly, and the server never
//! sees a request. Path labels `.` and `..` are refused, since they would change the path
//! the request is signed and sent for (`/v2/apis/./stages/x` is `/v2/apis/stages/x`).

mod common;

use apigwv2::testing::LocalApiGateway;
use apigwv2::{Error, GetApisRequest, GetStagesRequest, Stage};
use common::numbered;

fn invalid(field: &'static str, reason: &str) -> Error {
    Error::InvalidInput {
        field,
        reason: reason.into(),
    }
}

#[test]
fn dot_labels_and_bad_fields_are_refused_and_nothing_is_sent() {
    let gw = LocalApiGateway::builder()
        .api("a", numbered(2))
        .api(".", vec![Stage::new("x")])
        .start()
        .unwrap();
    let client = common::client(&gw);
    let dot = "must not be \".\"";
    let dots = "must not be \"..\"";
    for (api_id, stage, want) in [
        (".", "x", invalid("api_id", dot)),
        ("..", "x", invalid("api_id", dots)),
        ("a", ".", invalid("stage_name", dot)),
        ("a", "..", invalid("stage_name", dots)),
        ("", "x", invalid("api_id", "must not be empty")),
        ("a", "", invalid("stage_name", "must not be empty")),
        (
            "a",
            "x\u{1b}[2J",
            invalid("stage_name", "contains the control character '\\u{1b}'"),
        ),
    ] {
        assert_eq!(client.get_stage(api_id, stage), Err(want), "{api_id:?} {stage:?}");
    }
    for (api_id, want) in [
        (".", invalid("api_id", dot)),
        ("..", invalid("api_id", dots)),
        ("a\n", invalid("api_id", "contains the control character '\\n'")),
    ] {
        let got: Vec<Result<Stage, Error>> = client.stages(api_id).collect();
        assert_eq!(got, [Err(want.clone())], "{api_id:?}");
        assert_eq!(
            client.get_stages(&GetStagesRequest::new(api_id)),
            Err(want),
            "{api_id:?}"
        );
    }
    assert_eq!(
        client.get_stages(&GetStagesRequest::new("a").max_results(0)),
        Err(invalid("max_results", "must be at least 1"))
    );
    assert_eq!(
        client.get_apis(&GetApisRequest::new().next_token("t\r")),
        Err(invalid("next_token", "contains the control character '\\r'"))
    );
    // The message says it the same way.
    assert_eq!(
        client.get_stage("a", ".").unwrap_err().to_string(),
        "invalid stage_name: must not be \".\""
    );
    assert_eq!(gw.request_count(), 0, "{:?}", gw.requests());
    // Dots inside a label are just characters.
    assert_eq!(
        client.get_stage("a", "...").unwrap_err().status(),
        Some(404),
        "sent, and not found"
    );
    assert_eq!(gw.requests()[0].path, "/v2/apis/a/stages/...");
}
