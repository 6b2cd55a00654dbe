//! The naive prototype the footprint is compared with: keys from the environment, one
//! hand-signed GET per page with ureq, pages decoded by plain serde into owned types. No
//! profiles, credential providers, retries, proxies or checks: what the library adds to a
//! tool is its size minus this one's. Built by `scripts/footprint.sh`; never run.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Stage {
    stage_name: String,
    description: Option<String>,
    deployment_id: Option<String>,
    client_certificate_id: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    created_date: Option<time::OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    last_updated_date: Option<time::OffsetDateTime>,
    auto_deploy: Option<bool>,
    api_gateway_managed: Option<bool>,
    last_deployment_status_message: Option<String>,
    stage_variables: Option<BTreeMap<String, String>>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    items: Vec<Stage>,
    next_token: Option<String>,
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    m.update(data.as_bytes());
    m.finalize().into_bytes().to_vec()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("AWS_ACCESS_KEY_ID")?;
    let secret = std::env::var("AWS_SECRET_ACCESS_KEY")?;
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let api = std::env::args().nth(1).unwrap_or_default();
    let host = format!("apigateway.{region}.amazonaws.com");
    let mut token: Option<String> = None;
    loop {
        let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
        let amz = time::OffsetDateTime::now_utc().format(&format)?;
        let date = &amz[..8];
        let path = format!("/v2/apis/{api}/stages");
        let query = token.as_ref().map(|t| format!("nextToken={t}")).unwrap_or_default();
        let canonical = format!(
            "GET\n{path}\n{query}\nhost:{host}\nx-amz-date:{amz}\n\nhost;x-amz-date\n{}",
            hex::encode(Sha256::digest(b""))
        );
        let scope = format!("{date}/{region}/apigateway/aws4_request");
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz}\n{scope}\n{}",
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let k = hmac(format!("AWS4{secret}").as_bytes(), date);
        let k = hmac(&hmac(&hmac(&k, &region), "apigateway"), "aws4_request");
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders=host;x-amz-date, Signature={}",
            hex::encode(hmac(&k, &to_sign))
        );
        let url = format!("https://{host}{path}?{query}");
        let body = ureq::get(&url)
            .header("x-amz-date", &amz)
            .header("authorization", &auth)
            .call()?
            .body_mut()
            .read_to_string()?;
        let page: Page = serde_json::from_str(&body)?;
        for s in page.items {
            println!("{} {:?}", s.stage_name, s.last_updated_date);
        }
        token = page.next_token;
        if token.is_none() {
            return Ok(());
        }
    }
}
