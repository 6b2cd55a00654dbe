//! The small HTTP calls credential providers make (STS, the SSO portal, the container and
//! instance metadata endpoints), on the crate's own transport with the provider timeout.

use std::time::Duration;

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
) -> Result<HttpResponse, Error> {
    let timeouts = Timeouts {
        connect: timeout.min(Duration::from_secs(1)),
        attempt: timeout,
    };
    let transport = UreqTransport::new(timeouts);
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
