//! The default transport: this crate's HTTP/1.1 ([`crate::http1`]) on ureq's blocking TCP
//! and rustls connectors. Public, outside semver, in [`crate::unversioned`].

use std::fmt;
use std::time::Duration;

use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError, Trust};

/// Timeouts of the default transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Time to open a connection (resolve, connect, TLS). Defaults to 3.1 s, as the AWS SDKs.
    pub connect: Duration,
    /// Time for one attempt from sending to the last byte of the body. Defaults to 30 s.
    pub attempt: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_millis(3100),
            attempt: Duration::from_secs(30),
        }
    }
}

/// The default transport: HTTP/1.1 written by this crate on ureq's TCP and rustls
/// connectors (ureq's own HTTP layer logs every byte at Trace level, secrets included, so
/// it is not used), a keep-alive pool of up to 16 idle connections per host, 4xx/5xx
/// returned as responses, no redirects, no compression. Each attempt's deadline bounds
/// every wait, connecting through a proxy included. It uses a proxy only when given one
/// ([`UreqTransport::with_proxy`]): never one from the process environment behind the
/// caller's back.
#[derive(Clone)]
pub struct UreqTransport {
    http: std::sync::Arc<crate::http1::Http1>,
}

impl fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UreqTransport")
    }
}

impl UreqTransport {
    /// A transport with these timeouts, no proxy, and the bundled roots.
    pub fn new(timeouts: Timeouts) -> Self {
        Self::build(timeouts, ureq::tls::RootCerts::WebPki, None)
    }

    fn build(
        timeouts: Timeouts,
        roots: ureq::tls::RootCerts,
        proxy: Option<crate::config::ProxyConfig>,
    ) -> Self {
        Self {
            http: std::sync::Arc::new(crate::http1::Http1::new(timeouts, roots, proxy)),
        }
    }

    /// A transport with these timeouts that sends each request through the proxy that
    /// `proxy` names for its URL ([`ProxyConfig::proxy_for`](crate::config::ProxyConfig::proxy_for)).
    pub fn with_proxy(timeouts: Timeouts, proxy: &crate::config::ProxyConfig) -> Result<Self, crate::Error> {
        Self::with_trust(timeouts, proxy, &Trust::Bundled)
    }

    /// A transport with these timeouts and proxy settings, trusting what `trust` says.
    pub fn with_trust(
        timeouts: Timeouts,
        proxy: &crate::config::ProxyConfig,
        trust: &Trust,
    ) -> Result<Self, crate::Error> {
        let proxy = (!proxy.is_none()).then(|| proxy.clone());
        Ok(Self::build(timeouts, trust.root_certs()?, proxy))
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new(Timeouts::default())
    }
}

impl Transport for UreqTransport {
    fn send(&self, request: &HttpRequest, max_body_bytes: u64) -> Result<HttpResponse, TransportError> {
        self.http.send(request, max_body_bytes)
    }
}
