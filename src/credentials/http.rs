//! The small HTTP calls credential providers make (STS, the SSO portal, the container and
//! instance metadata endpoints), through the client's own transport (one connection pool;
//! a custom `Transport` sees them too), with the provider timeout. The container and
//! instance-metadata endpoints are always reached directly (`bypass_proxy`).

use std::time::Duration;

use crate::error::Error;
use crate::transport::{HttpRequest, HttpResponse, Transport};

/// Credential responses are small; anything bigger is wrong.
const MAX_BODY: u64 = 1024 * 1024;

/// One call's parts, besides the transport.
pub(crate) struct Call<'a> {
    pub(crate) provider: &'a str,
    pub(crate) method: &'static str,
    pub(crate) url: &'a str,
    pub(crate) headers: &'a [(&'a str, &'a str)],
    pub(crate) body: Vec<u8>,
    pub(crate) timeout: Duration,
    pub(crate) bypass_proxy: bool,
}

pub(crate) fn send(transport: &dyn Transport, call: Call<'_>) -> Result<HttpResponse, Error> {
    let mut req = HttpRequest::new(call.method, call.url);
    req.headers = call
        .headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    req.body = call.body;
    req.timeout = Some(call.timeout);
    req.bypass_proxy = call.bypass_proxy;
    transport
        .send(&req, MAX_BODY)
        .map_err(|e| Error::InvalidCredentials {
            message: format!("{}: {}: {e}", call.provider, call.url),
        })
}
