//! [`Stage`] and the settings it holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::timestamp;
use crate::json::{Decode, Reader};

/// One stage of an API: a named snapshot of a deployment, with its settings.
///
/// ```
/// let stage: apigwv2::Stage = serde_json::from_str(
///     r#"{"stageName":"prod","autoDeploy":true,"lastUpdatedDate":"2024-05-01T10:00:00Z","new":1}"#,
/// ).unwrap();
/// assert_eq!(stage.stage_name, "prod");
/// assert_eq!(stage.auto_deploy, Some(true));
/// assert_eq!(
///     serde_json::to_string(&stage).unwrap(),
///     r#"{"autoDeploy":true,"lastUpdatedDate":"2024-05-01T10:00:00Z","stageName":"prod"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Stage {
    /// Access logging settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log_settings: Option<AccessLogSettings>,
    /// Whether the stage is managed by API Gateway (quick-create HTTP APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_gateway_managed: Option<bool>,
    /// Whether changes to the API are deployed to this stage automatically (HTTP APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_deploy: Option<bool>,
    /// The client certificate identifier (WebSocket APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate_id: Option<String>,
    /// When the stage was created.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "timestamp")]
    pub created_date: Option<OffsetDateTime>,
    /// The default route settings of the stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_route_settings: Option<RouteSettings>,
    /// The deployment the stage points to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    /// The stage's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The status message of the last automatic deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_deployment_status_message: Option<String>,
    /// When the stage was last updated.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "timestamp")]
    pub last_updated_date: Option<OffsetDateTime>,
    /// Per-route settings, by route key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_settings: Option<BTreeMap<String, RouteSettings>>,
    /// The stage's name (required).
    pub stage_name: String,
    /// Stage variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_variables: Option<BTreeMap<String, String>>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

impl Stage {
    /// A stage with a name and no other field set.
    pub fn new(stage_name: impl Into<String>) -> Self {
        Self {
            stage_name: stage_name.into(),
            ..Self::default()
        }
    }
}

/// The fast reader (see [`crate::json`]); the names are the wire names of the fields above,
/// in their order.
impl Decode for Stage {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        const NAMES: [&str; 14] = [
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
        ];
        let mut s = Stage::default();
        let seen = r.fields(&NAMES, |r, i| {
            match i {
                0 => s.access_log_settings = Decode::read(r)?,
                1 => s.api_gateway_managed = Decode::read(r)?,
                2 => s.auto_deploy = Decode::read(r)?,
                3 => s.client_certificate_id = Decode::read(r)?,
                4 => s.created_date = timestamp::read(r)?,
                5 => s.default_route_settings = Decode::read(r)?,
                6 => s.deployment_id = Decode::read(r)?,
                7 => s.description = Decode::read(r)?,
                8 => s.last_deployment_status_message = Decode::read(r)?,
                9 => s.last_updated_date = timestamp::read(r)?,
                10 => s.route_settings = Decode::read(r)?,
                11 => s.stage_name = Decode::read(r)?,
                12 => s.stage_variables = Decode::read(r)?,
                _ => s.tags = Decode::read(r)?,
            }
            Some(())
        })?;
        // `stageName` is required.
        (seen & 1 << 11 != 0).then_some(s)
    }
}

/// Where and how access logs are written.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccessLogSettings {
    /// The ARN of the CloudWatch Logs log group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_arn: Option<String>,
    /// The single-line log format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl AccessLogSettings {
    /// Settings with both fields set.
    pub fn new(destination_arn: impl Into<String>, format: impl Into<String>) -> Self {
        Self {
            destination_arn: Some(destination_arn.into()),
            format: Some(format.into()),
        }
    }
}

impl Decode for AccessLogSettings {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        let mut s = Self::default();
        r.fields(&["destinationArn", "format"], |r, i| {
            match i {
                0 => s.destination_arn = Decode::read(r)?,
                _ => s.format = Decode::read(r)?,
            }
            Some(())
        })?;
        Some(s)
    }
}

/// Logging, metrics and throttling settings of a route or a stage.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RouteSettings {
    /// Whether data trace logging is on (WebSocket APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_trace_enabled: Option<bool>,
    /// Whether detailed metrics are on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_metrics_enabled: Option<bool>,
    /// The logging level (WebSocket APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging_level: Option<LoggingLevel>,
    /// The throttling burst limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttling_burst_limit: Option<i32>,
    /// The throttling rate limit, in requests per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttling_rate_limit: Option<f64>,
}

impl Decode for RouteSettings {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        const NAMES: [&str; 5] = [
            "dataTraceEnabled",
            "detailedMetricsEnabled",
            "loggingLevel",
            "throttlingBurstLimit",
            "throttlingRateLimit",
        ];
        let mut s = Self::default();
        r.fields(&NAMES, |r, i| {
            match i {
                0 => s.data_trace_enabled = Decode::read(r)?,
                1 => s.detailed_metrics_enabled = Decode::read(r)?,
                2 => s.logging_level = Decode::read(r)?,
                3 => s.throttling_burst_limit = Decode::read(r)?,
                _ => s.throttling_rate_limit = Decode::read(r)?,
            }
            Some(())
        })?;
        Some(s)
    }
}

string_enum! {
    /// A logging level. Values this version does not know are kept in `Unknown`.
    ///
    /// ```
    /// use apigwv2::LoggingLevel;
    /// let l: LoggingLevel = serde_json::from_str("\"VERBOSE\"").unwrap();
    /// assert_eq!(l, LoggingLevel::Unknown("VERBOSE".into()));
    /// assert_eq!(serde_json::to_string(&l).unwrap(), "\"VERBOSE\"");
    /// ```
    LoggingLevel {
        /// `ERROR`
        Error = "ERROR",
        /// `INFO`
        Info = "INFO",
        /// `OFF`
        Off = "OFF",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_stage_round_trips_to_the_wire_format() {
        let wire = r#"{"accessLogSettings":{"destinationArn":"arn:aws:logs:eu-west-1:1:log-group:g","format":"$context.requestId"},"apiGatewayManaged":false,"autoDeploy":true,"clientCertificateId":"cc1","createdDate":"2024-01-02T03:04:05Z","defaultRouteSettings":{"dataTraceEnabled":true,"detailedMetricsEnabled":false,"loggingLevel":"INFO","throttlingBurstLimit":100,"throttlingRateLimit":50.5},"deploymentId":"dep1","description":"d","lastDeploymentStatusMessage":"ok","lastUpdatedDate":"2024-01-02T03:04:05.123Z","routeSettings":{"GET /x":{"loggingLevel":"NEW_LEVEL"}},"stageName":"prod","stageVariables":{"a":"1"},"tags":{"k":"v"}}"#;
        let s: Stage = serde_json::from_str(wire).unwrap();
        assert_eq!(
            s.default_route_settings.as_ref().unwrap().logging_level,
            Some(LoggingLevel::Info)
        );
        assert_eq!(
            s.route_settings.as_ref().unwrap()["GET /x"].logging_level,
            Some(LoggingLevel::Unknown("NEW_LEVEL".into()))
        );
        assert_eq!(serde_json::to_string(&s).unwrap(), wire);
    }

    #[test]
    fn fast_timestamps_agree_with_the_general_parser() {
        use time::format_description::well_known::Rfc3339;
        for s in [
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.1Z",
            "2024-02-29T23:59:59.123456789Z",
            "2024-01-02T03:04:05.1234567891Z",
            "1999-12-31T23:59:59+05:30",
            "2000-01-01T00:00:00-00:45",
        ] {
            let fast = super::super::timestamp::parse_rfc3339_fast(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(fast, OffsetDateTime::parse(s, &Rfc3339).unwrap(), "{s}");
        }
        for s in [
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+0530",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00+25:00",
            "２０２４-01-01T00:00:00Z",
        ] {
            assert_eq!(super::super::timestamp::parse_rfc3339_fast(s), None, "{s}");
        }
    }

    #[test]
    fn nulls_epoch_seconds_and_bad_types() {
        let s: Stage = serde_json::from_str(
            r#"{"stageName":"a","createdDate":null,"lastUpdatedDate":1700000000,"tags":null}"#,
        )
        .unwrap();
        assert_eq!(s.created_date, None);
        assert_eq!(s.last_updated_date.unwrap().unix_timestamp(), 1_700_000_000);
        assert_eq!(s.tags, None);
        for bad in [
            r#"{"stageName":5}"#,
            r#"{"autoDeploy":true}"#,
            r#"{"stageName":"a","createdDate":"yesterday"}"#,
            r#"{"stageName":"a","lastUpdatedDate":1e300}"#,
            r#"{"stageName":"a","defaultRouteSettings":{"throttlingBurstLimit":1e99}}"#,
        ] {
            assert!(serde_json::from_str::<Stage>(bad).is_err(), "{bad}");
        }
    }
}
