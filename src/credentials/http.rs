//! The small HTTP calls credential providers make (STS, the SSO portal, the container and
//! instance metadata endpoints), on the crate's own transport with the provider timeout.
//! STS and the SSO portal go through the client's proxy settings; the container and
//! instance-metadata endpoints are always reached directly (`proxy: None`).

use std::time::Duration;

use crate::config::ProxyConfig;
use crate::error::Error;
use crate::transport::{HttpRequest, HttpResponse, Timeouts, Transport, UreqTransport};

/// Credential responses are small; anything bigger is wrong.
const MAX_BODY: u64 = 1024 * 1024;

pub(crate) fn send(
    provider: &str,
    method: &'static str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
    timeout: Duration,
    proxy: Option<&ProxyConfig>,
) -> Result<HttpResponse, Error> {
    let timeouts = Timeouts {
        connect: timeout.min(Duration::from_secs(1)),
        attempt: timeout,
    };
    let transport = match proxy {
        Some(p) => UreqTransport::with_proxy(timeouts, p)?,
        None => UreqTransport::new(timeouts),
    };
    let mut req = HttpRequest::new(method, url);
    req.headers = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    req.body = body;
    req.timeout = Some(timeout);
    transport
        .send(&req, MAX_BODY)
        .map_err(|e| Error::InvalidCredentials {
            message: format!("{provider}: {url}: {e}"),
        })
}
