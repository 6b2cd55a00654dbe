//! Stages as the service sends them: every field, no field, unicode, unknown fields and
//! enum values, through the real client and the wire.

mod common;

use std::collections::BTreeMap;

use apigwv2::testing::Fault;
use apigwv2::{AccessLogSettings, LoggingLevel, RouteSettings, Stage};
use common::{client, gateway, names};
use time::macros::datetime;

fn full_stage() -> Stage {
    let mut route = RouteSettings::default();
    route.data_trace_enabled = Some(true);
    route.detailed_metrics_enabled = Some(false);
    route.logging_level = Some(LoggingLevel::Error);
    route.throttling_burst_limit = Some(5000);
    route.throttling_rate_limit = Some(10000.5);
    let mut other = RouteSettings::default();
    other.logging_level = Some(LoggingLevel::Off);
    let mut s = Stage::new("prod");
    s.access_log_settings = Some(AccessLogSettings::new(
        "arn:aws:logs:eu-west-1:123456789012:log-group:api-logs",
        "$context.requestId $context.status",
    ));
    s.api_gateway_managed = Some(false);
    s.auto_deploy = Some(true);
    s.client_certificate_id = Some("abc123".into());
    s.created_date = Some(datetime!(2024-01-02 03:04:05 UTC));
    s.default_route_settings = Some(route.clone());
    s.deployment_id = Some("dep789".into());
    s.description = Some("Production stage".into());
    s.last_deployment_status_message = Some("Deployment succeeded".into());
    s.last_updated_date = Some(datetime!(2024-06-30 23:59:59.250 UTC));
    s.route_settings = Some(BTreeMap::from([
        ("GET /pets".to_owned(), route),
        ("$default".to_owned(), other),
    ]));
    s.stage_variables = Some(BTreeMap::from([("lambdaAlias".to_owned(), "live".to_owned())]));
    s.tags = Some(BTreeMap::from([
        ("team".to_owned(), "payments".to_owned()),
        ("env".to_owned(), "".to_owned()),
    ]));
    s
}

#[test]
fn every_field_and_no_field_round_trip_through_the_wire() {
    let stages = vec![full_stage(), Stage::new("bare")];
    let gw = gateway("api", stages.clone());
    let got: Vec<Stage> = client(&gw).stages("api").collect::<Result<_, _>>().unwrap();
    assert_eq!(got, stages);
    let json = serde_json::to_value(&got[0]).unwrap();
    for key in [
        "accessLogSettings",
        "apiGatewayManaged",
        "autoDeploy",
        "clientCertificateId",
        "createdDate",
        "defaultRouteSettings",
        "deploymentId",
        "description",
        "lastDeploymentStatusMessage",
        "lastUpdatedDate",
        "routeSettings",
        "stageName",
        "stageVariables",
        "tags",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from {json}");
    }
    assert_eq!(json["lastUpdatedDate"], "2024-06-30T23:59:59.25Z");
    assert_eq!(serde_json::to_string(&got[1]).unwrap(), r#"{"stageName":"bare"}"#);
}

#[test]
fn unicode_everywhere_including_the_api_id() {
    let api = "ü-api ☃/+=%~$";
    let mut s = Stage::new("стадия-日本-🚀");
    s.description = Some("Ünïcödé \"quoted\" \\ and\nnewline".into());
    s.stage_variables = Some(BTreeMap::from([("ключ".to_owned(), "値".to_owned())]));
    s.tags = Some(BTreeMap::from([("😀".to_owned(), "\u{0}nul".to_owned())]));
    let gw = gateway(api, vec![s.clone(), Stage::new("ascii")]);
    let c = client(&gw);
    let got: Vec<Stage> = c.stages(api).page_size(1).collect::<Result<_, _>>().unwrap();
    assert_eq!(got, vec![s, Stage::new("ascii")]);
    let sent = gw.requests();
    assert_eq!(
        sent[0].path,
        "/v2/apis/%C3%BC-api%20%E2%98%83%2F%2B%3D%25~%24/stages"
    );
    assert!(
        sent.iter().all(|r| r.status == 200),
        "the signature check accepted every request"
    );
}

#[test]
fn unknown_fields_and_enum_values_are_tolerated() {
    let gw = gateway("api", vec![]);
    gw.inject(Fault::CustomResponse(
        200,
        r#"{"items":[{"stageName":"a","brandNewField":{"x":[1,2]},"defaultRouteSettings":{"loggingLevel":"DEBUG","futureSetting":true},"createdDate":"2024-01-01T00:00:00+02:00"}],"extra":1,"nextToken":null}"#.into(),
    ));
    let got: Vec<Stage> = client(&gw).stages("api").collect::<Result<_, _>>().unwrap();
    assert_eq!(got.len(), 1);
    let rs = got[0].default_route_settings.as_ref().unwrap();
    assert_eq!(rs.logging_level, Some(LoggingLevel::Unknown("DEBUG".into())));
    assert_eq!(got[0].created_date.unwrap(), datetime!(2023-12-31 22:00:00 UTC));
    assert_eq!(
        serde_json::to_string(&got[0]).unwrap(),
        r#"{"createdDate":"2024-01-01T00:00:00+02:00","defaultRouteSettings":{"loggingLevel":"DEBUG"},"stageName":"a"}"#
    );
}

#[test]
fn a_stage_without_a_name_is_an_invalid_response() {
    let gw = gateway("api", vec![]);
    gw.inject(Fault::CustomResponse(
        200,
        r#"{"items":[{"description":"no name"}]}"#.into(),
    ));
    let r = names(client(&gw).stages("api"));
    assert!(matches!(r, Err(apigwv2::Error::InvalidResponse { .. })), "{r:?}");
}
