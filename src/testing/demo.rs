//! A realistic seed for demos: the stages of a small HTTP API as a team might have them.

use std::collections::BTreeMap;

use time::{Duration, OffsetDateTime};

use crate::{AccessLogSettings, LoggingLevel, RouteSettings, Stage};

/// The API id [`demo_stages`] are served under by the demos.
pub const DEMO_API_ID: &str = "a1b2c3d4e5";

/// Eight stages of an "orders" API with most fields set, dated in 2025.
pub fn demo_stages() -> Vec<Stage> {
    let base = OffsetDateTime::UNIX_EPOCH + Duration::days(20_100);
    let names = [
        "$default", "dev", "staging", "prod", "canary", "perf", "eu-prod", "us-prod",
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut s = Stage::new(*name);
            let live = name.ends_with("prod") || *name == "canary";
            s.auto_deploy = Some(*name == "$default" || *name == "dev");
            s.deployment_id = Some(format!("d{:05x}", 0x1a2b3 + i * 97));
            s.description = Some(match *name {
                "$default" => "Default stage, deployed on every change".to_owned(),
                "canary" => "Canary for prod, 5% of traffic".to_owned(),
                n => format!("{n} stage of the orders API"),
            });
            s.created_date = Some(base + Duration::days(i as i64));
            s.last_updated_date =
                Some(base + Duration::days(200 + 3 * i as i64) + Duration::minutes(37 * i as i64));
            s.stage_variables = Some(BTreeMap::from([(
                "lambdaAlias".to_owned(),
                name.trim_start_matches('$').to_owned(),
            )]));
            s.tags = Some(BTreeMap::from([("team".to_owned(), "orders".to_owned())]));
            if live {
                s.default_route_settings = Some(RouteSettings {
                    detailed_metrics_enabled: Some(true),
                    logging_level: Some(LoggingLevel::Error),
                    throttling_burst_limit: Some(500),
                    throttling_rate_limit: Some(1000.0),
                    ..RouteSettings::default()
                });
                s.access_log_settings = Some(AccessLogSettings::new(
                    format!("arn:aws:logs:us-east-1:123456789012:log-group:orders-{name}"),
                    "$context.requestId $context.status",
                ));
            }
            s
        })
        .collect()
}
