//! The service's data types, with their wire names.
//!
//! Every struct reads and writes the JSON the service sends: camelCase names, RFC 3339
//! timestamps. Unknown fields are ignored and unknown enum values are kept, so a newer
//! service never breaks an older client. Maps are `BTreeMap`s, so output is sorted and
//! stable.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;

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

/// A logging level. Values this version does not know are kept in `Unknown`.
///
/// ```
/// use apigwv2::LoggingLevel;
/// let l: LoggingLevel = serde_json::from_str("\"VERBOSE\"").unwrap();
/// assert_eq!(l, LoggingLevel::Unknown("VERBOSE".into()));
/// assert_eq!(serde_json::to_string(&l).unwrap(), "\"VERBOSE\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LoggingLevel {
    /// `ERROR`
    Error,
    /// `INFO`
    Info,
    /// `OFF`
    Off,
    /// A value this version does not know, as sent.
    Unknown(String),
}

impl LoggingLevel {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Error => "ERROR",
            Self::Info => "INFO",
            Self::Off => "OFF",
            Self::Unknown(s) => s,
        }
    }
}

impl From<&str> for LoggingLevel {
    fn from(s: &str) -> Self {
        match s {
            "ERROR" => Self::Error,
            "INFO" => Self::Info,
            "OFF" => Self::Off,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

/// The wire value, with control characters escaped (an unknown value is the server's text).
impl fmt::Display for LoggingLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::redact::Escaped(self.as_str()).fmt(f)
    }
}

impl Serialize for LoggingLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LoggingLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = LoggingLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a logging level string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LoggingLevel, E> {
                Ok(LoggingLevel::from(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// Timestamps: RFC 3339 strings on the wire (`__timestampIso8601`). Epoch seconds, which
/// other AWS JSON protocols use, are accepted too; output is always RFC 3339. Years outside
/// 0 to 9999 (in the timestamp's offset or in UTC) are refused when decoding, since RFC 3339
/// cannot write them back.
mod timestamp {
    use serde::{Deserializer, Serializer};
    use std::fmt;
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    pub(super) fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => {
                let text = t.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
                s.serialize_str(&text)
            }
            None => s.serialize_none(),
        }
    }

    /// The common RFC 3339 shapes (`2024-01-02T03:04:05Z`, with an optional fraction and a
    /// `±HH:MM` offset), parsed by hand: timestamps are in every stage, and this is several
    /// times faster than the general parser, which handles everything else.
    pub(super) fn parse_rfc3339_fast(s: &str) -> Option<OffsetDateTime> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let year = num(0..4)? as i32;
        let month = time::Month::try_from(num(5..7)? as u8).ok()?;
        let day = num(8..10)? as u8;
        let (hour, minute, second) = (num(11..13)? as u8, num(14..16)? as u8, num(17..19)? as u8);
        let mut i = 19;
        let mut nanos = 0u32;
        if b[i] == b'.' {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            let digits = i - start;
            if digits == 0 {
                return None;
            }
            for _ in digits..9 {
                nanos *= 10;
            }
        }
        let offset = match b.get(i..)? {
            b"Z" => time::UtcOffset::UTC,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let d = |c: &u8| c.is_ascii_digit().then(|| (c - b'0') as i8);
                let (h, m) = (d(h1)? * 10 + d(h2)?, d(m1)? * 10 + d(m2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let k = if *sign == b'-' { -1 } else { 1 };
                time::UtcOffset::from_hms(k * h, k * m, 0).ok()?
            }
            _ => return None,
        };
        let date = time::Date::from_calendar_date(year, month, day).ok()?;
        let t = time::Time::from_hms_nano(hour, minute, second, nanos).ok()?;
        Some(time::PrimitiveDateTime::new(date, t).assume_offset(offset))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Option<OffsetDateTime>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp or epoch seconds")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if let Some(t) = parse_rfc3339_fast(v) {
                    return writable(t);
                }
                OffsetDateTime::parse(v, &Rfc3339)
                    .map_err(|e| E::custom(format_args!("invalid timestamp {v:?}: {e}")))
                    .and_then(writable)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                OffsetDateTime::from_unix_timestamp(v)
                    .map_err(E::custom)
                    .and_then(writable)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                let v = i64::try_from(v).map_err(E::custom)?;
                self.visit_i64(v)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                if !v.is_finite() {
                    return Err(E::custom("timestamp is not a finite number"));
                }
                let nanos = (v * 1e9).round();
                if nanos.abs() > 2e26 {
                    return Err(E::custom("timestamp out of range"));
                }
                OffsetDateTime::from_unix_timestamp_nanos(nanos as i128)
                    .map_err(E::custom)
                    .and_then(writable)
            }
        }
        d.deserialize_option(V)
    }

    /// What is decoded must encode again: RFC 3339 writes years 0000 to 9999 only, so a
    /// timestamp outside them is an invalid response rather than a stage that cannot be
    /// serialized.
    fn writable<E: serde::de::Error>(t: OffsetDateTime) -> Result<Option<OffsetDateTime>, E> {
        // In its own offset and in UTC: a program may well convert it to UTC to print it.
        let utc_year = t.checked_to_offset(time::UtcOffset::UTC).map(|u| u.year());
        if (0..=9999).contains(&t.year()) && utc_year.is_some_and(|y| (0..=9999).contains(&y)) {
            Ok(Some(t))
        } else {
            Err(E::custom(format_args!(
                "timestamp out of range: year {} is not between 0 and 9999",
                t.year()
            )))
        }
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
            let fast = timestamp::parse_rfc3339_fast(s).unwrap_or_else(|| panic!("{s}"));
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
            assert_eq!(timestamp::parse_rfc3339_fast(s), None, "{s}");
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
