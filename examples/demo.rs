//! The main job, offline: start the bundled LocalApiGateway with a realistic API, then list
//! its stages through the real client: signed requests, lazy pagination, typed stages.
//!
//! Run: `cargo run --example demo --features testing`

use std::collections::BTreeMap;

use apigwv2::testing::LocalApiGateway;
use apigwv2::{Error, Stage};

fn seed() -> Vec<Stage> {
    let mut stages = Vec::new();
    for (i, name) in [
        "$default", "dev", "staging", "prod", "canary", "perf", "eu-prod", "us-prod",
    ]
    .iter()
    .enumerate()
    {
        let mut s = Stage::new(*name);
        s.auto_deploy = Some(*name == "$default" || *name == "dev");
        s.deployment_id = Some(format!("d{:05x}", 0x1a2b3 + i * 97));
        s.description = Some(format!("{name} stage of the orders API"));
        s.created_date = Some(time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(19_700 + i as i64));
        s.last_updated_date =
            Some(time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_300 + i as i64));
        s.stage_variables = Some(BTreeMap::from([(
            "lambdaAlias".to_owned(),
            name.trim_start_matches('$').to_owned(),
        )]));
        stages.push(s);
    }
    stages
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gw = LocalApiGateway::builder().api("a1b2c3d4e5", seed()).start()?;
    println!("LocalApiGateway listening on {}", gw.endpoint_url());
    let client = gw.client()?;
    let mut stages = client.stages("a1b2c3d4e5").page_size(3);
    for stage in &mut stages {
        let stage = stage?;
        println!(
            "{:<10} {:<8} auto-deploy={:<5} updated {}",
            stage.stage_name,
            stage.deployment_id.as_deref().unwrap_or("-"),
            stage.auto_deploy.unwrap_or(false),
            stage
                .last_updated_date
                .map(|d| d.date().to_string())
                .unwrap_or_default(),
        );
    }
    println!(
        "{} signed requests, {} pages, every signature checked by the server",
        gw.request_count(),
        stages.pages_fetched()
    );
    match client.stages("no-such-api").next() {
        Some(Err(e @ Error::NotFound { .. })) => println!("an unknown API gives a typed error: {e}"),
        other => return Err(format!("expected NotFound, got {other:?}").into()),
    }
    Ok(())
}
