//! The HTTP edge: our own [`Transport`] trait, so no foreign type is in the public API and
//! tests can script responses, and its implementation on a blocking `ureq` agent.
//!
//! A transport sends one request and returns one response, whatever its status: retries,
//! signing and error decoding live above it and do not know how bytes move. The trait is
//! this crate's own (not ureq's, whose transport API is outside its semver); new fields
//! of [`HttpRequest`] may be added in minor releases (it is `#[non_exhaustive]`).

use std::fmt;
use std::io::Read;
use std::time::Duration;

use crate::error::TransportErrorKind;

/// One HTTP request, fully built and signed.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: &'static str,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, `Host` included.
    pub headers: Vec<(String, String)>,
    /// The body; empty for none.
    pub body: Vec<u8>,
    /// The most time this attempt may take, from sending to the last byte of the body; the
    /// client sets it from its per-attempt timeout and what is left of the call's deadline.
    pub timeout: Option<Duration>,
    /// Connect straight to the host, never through a proxy: set for the container and
    /// instance-metadata credential endpoints, which a proxy's network must not answer for.
    pub bypass_proxy: bool,
}

impl HttpRequest {
    /// A request with no headers and no body.
    pub fn new(method: &'static str, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            timeout: None,
            bypass_proxy: false,
        }
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// Shows the request without the values of secret headers (`authorization` and every
/// `*token` header) and without the body, which may hold secrets; the URL never holds one.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &crate::redact::RedactedHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .field("bypass_proxy", &self.bypass_proxy)
            .finish()
    }
}

/// One HTTP response. Its `Debug` shows the body's length, not the body: a credentials
/// endpoint's answer holds a secret key.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values as received.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &crate::redact::RedactedHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl HttpResponse {
    /// A response from its parts.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// The first header of that name (case-insensitive) in a list of name/value pairs.
pub(crate) fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a transport got no complete response.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// A description for people.
    pub message: String,
    /// Set when the body was cut off at the size limit; the limit in bytes.
    pub body_limit: Option<u64>,
    /// The underlying error (the HTTP stack's or the OS's), when there is one.
    pub source: Option<crate::error::Cause>,
}

impl TransportError {
    /// An error of that kind.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            body_limit: None,
            source: None,
        }
    }

    /// The same error, keeping `source` as its cause.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(crate::error::Cause::new(source));
        self
    }
}

/// One line, with control characters escaped.
impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, crate::redact::Escaped(&self.message))
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|c| c.get() as &(dyn std::error::Error + 'static))
    }
}

/// Sends one request and reads the whole response, whatever its status.
///
/// Implement it to put the client on another HTTP stack or to script responses in tests.
/// An implementation must not follow redirects, must bound the time it waits, and must
/// stop reading a body past `max_body_bytes` with an error whose `body_limit` is set.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response.
    fn send(&self, request: &HttpRequest, max_body_bytes: u64) -> Result<HttpResponse, TransportError>;
}

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

/// Which certificates the default transport trusts for TLS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Trust {
    /// The Mozilla roots built into the program (webpki-roots), as ureq trusts them.
    #[default]
    Bundled,
    /// Only the PEM certificates in this file, as the AWS CLI reads `AWS_CA_BUNDLE` and
    /// the profile's `ca_bundle`: they replace the bundled roots (a corporate proxy's CA).
    CaBundle(std::path::PathBuf),
    /// The operating system's trust store and verifier (feature `native-roots`).
    #[cfg(feature = "native-roots")]
    #[cfg_attr(docsrs, doc(cfg(feature = "native-roots")))]
    Native,
}

impl Trust {
    /// ureq's form; a CA bundle is read and parsed here, and one with no certificate is
    /// an error.
    fn root_certs(&self) -> Result<ureq::tls::RootCerts, crate::Error> {
        match self {
            Self::Bundled => Ok(ureq::tls::RootCerts::WebPki),
            #[cfg(feature = "native-roots")]
            Self::Native => Ok(ureq::tls::RootCerts::PlatformVerifier),
            Self::CaBundle(path) => {
                let fail = |why: String| crate::Error::Config {
                    message: format!("CA bundle {}: {why}", path.display()),
                };
                let pem = crate::files::read_regular(path, crate::files::MAX_CONFIG_FILE)
                    .map_err(|e| fail(e.to_string()))?;
                let mut certs = Vec::new();
                for item in ureq::tls::parse_pem(&pem) {
                    match item {
                        Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
                        Ok(_) => {}
                        Err(e) => return Err(fail(format!("not valid PEM ({e})"))),
                    }
                }
                if certs.is_empty() {
                    return Err(fail("holds no PEM certificate".into()));
                }
                Ok(ureq::tls::RootCerts::new_with_certs(&certs))
            }
        }
    }
}

/// The default transport: one `ureq` agent (a keep-alive pool of up to 16 idle connections
/// per host), 4xx/5xx returned as responses, no redirects, no compression, rustls for TLS.
/// It uses a proxy only when given one ([`UreqTransport::with_proxy`]): never one from the
/// process environment behind the caller's back.
#[derive(Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
    proxy: Option<std::sync::Arc<Proxies>>,
}

/// The proxy settings and the ureq proxies built from them, once.
struct Proxies {
    config: crate::config::ProxyConfig,
    built: Vec<(crate::config::proxy::ProxyUrl, ureq::Proxy)>,
}

impl fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UreqTransport")
    }
}

impl UreqTransport {
    /// A transport with these timeouts, no proxy, and the bundled roots.
    pub fn new(timeouts: Timeouts) -> Self {
        Self::build(timeouts, ureq::tls::RootCerts::WebPki)
    }

    fn build(timeouts: Timeouts, roots: ureq::tls::RootCerts) -> Self {
        let config = ureq::Agent::config_builder()
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
            // ureq's default reads HTTP_PROXY & co. from the process environment; proxies
            // are chosen per request from the client's own settings instead.
            .proxy(None)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(32)
            .max_idle_connections_per_host(16)
            .timeout_connect(Some(timeouts.connect))
            .timeout_global(Some(timeouts.attempt))
            .user_agent(concat!("apigwv2/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: ureq::Agent::with_parts(
                config,
                ureq::unversioned::transport::DefaultConnector::new(),
                CachingResolver::default(),
            ),
            proxy: None,
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
        let mut t = Self::build(timeouts, trust.root_certs()?);
        if proxy.is_none() {
            return Ok(t);
        }
        let mut built = Vec::new();
        for p in proxy.proxies() {
            let protocol = if p.https {
                ureq::ProxyProtocol::Https
            } else {
                ureq::ProxyProtocol::Http
            };
            let mut b = ureq::Proxy::builder(protocol).host(&p.host).port(p.port);
            if let Some(u) = &p.user {
                b = b.username(u);
            }
            if let Some(pw) = &p.password {
                b = b.password(pw);
            }
            let up = b.build().map_err(|_| crate::Error::Config {
                message: format!("proxy {} is not a valid proxy", p.display()),
            })?;
            built.push((p.clone(), up));
        }
        t.proxy = Some(std::sync::Arc::new(Proxies {
            config: proxy.clone(),
            built,
        }));
        Ok(t)
    }

    /// Applies a per-request timeout and proxy over the agent's settings; what is `None`
    /// keeps the agent's (its default timeout, no proxy).
    fn configure<B: ureq::AsSendBody>(
        &self,
        req: ureq::http::Request<B>,
        timeout: Option<Duration>,
        proxy: Option<ureq::Proxy>,
    ) -> ureq::http::Request<B> {
        if timeout.is_none() && proxy.is_none() {
            return req;
        }
        let mut config = self.agent.configure_request(req);
        if let Some(t) = timeout {
            config = config.timeout_global(Some(t));
        }
        if proxy.is_some() {
            config = config.proxy(proxy);
        }
        config.build()
    }

    /// The ureq proxy for a request to `url`, if any.
    fn proxy_for(&self, url: &str) -> Option<ureq::Proxy> {
        let proxies = self.proxy.as_deref()?;
        let wanted = proxies.config.proxy_url_for(url)?;
        proxies
            .built
            .iter()
            .find(|(p, _)| p == wanted)
            .map(|(_, up)| up.clone())
    }
}

/// The most a response's `Content-Length` makes the transport allocate before reading.
const PRESIZE_LIMIT: u64 = 4 * 1024 * 1024;

/// How long a host name's addresses are reused before it is looked up again.
const DNS_TTL: Duration = Duration::from_secs(30);

/// ureq resolves the host before every request, even one that reuses a pooled connection,
/// and spawns a thread per lookup when a timeout is set. This resolver answers IP literals
/// at once and keeps other hosts' addresses for [`DNS_TTL`], so a keep-alive connection
/// costs no lookup and no thread per request.
#[derive(Debug, Default)]
struct CachingResolver {
    inner: ureq::unversioned::resolver::DefaultResolver,
    cache: std::sync::Mutex<
        Vec<(
            String,
            std::time::Instant,
            ureq::unversioned::resolver::ResolvedSocketAddrs,
        )>,
    >,
}

impl ureq::unversioned::resolver::Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let (Some(authority), Some(scheme)) = (uri.authority(), uri.scheme_str()) else {
            return self.inner.resolve(uri, config, timeout);
        };
        let port = authority
            .port_u16()
            .unwrap_or(if scheme.eq_ignore_ascii_case("https") {
                443
            } else {
                80
            });
        let host = authority.host();
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<std::net::IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(std::net::SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = format!("{host}:{port}");
        let now = std::time::Instant::now();
        {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((_, _, addrs)) = cache
                .iter()
                .find(|(k, at, _)| *k == key && now.duration_since(*at) < DNS_TTL)
            {
                return Ok(addrs.clone());
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|(k, at, _)| *k != key && now.duration_since(*at) < DNS_TTL);
        cache.push((key, now, addrs.clone()));
        Ok(addrs)
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new(Timeouts::default())
    }
}

fn map_ureq_error(e: ureq::Error) -> TransportError {
    use ureq::Error as E;
    let kind = match &e {
        E::Timeout(_) => TransportErrorKind::Timeout,
        E::HostNotFound | E::ConnectionFailed => TransportErrorKind::Connect,
        E::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => TransportErrorKind::Connect,
            // rustls reports a certificate it cannot verify through an I/O error: that is a
            // TLS failure, which no retry will mend.
            std::io::ErrorKind::InvalidData if io.to_string().contains("certificate") => {
                TransportErrorKind::Tls
            }
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => TransportErrorKind::Timeout,
            _ => TransportErrorKind::Io,
        },
        E::Protocol(_) | E::BadUri(_) | E::Http(_) => TransportErrorKind::Protocol,
        E::Tls(_) | E::Rustls(_) => TransportErrorKind::Tls,
        _ => TransportErrorKind::Other,
    };
    let mut err = TransportError::new(kind, e.to_string());
    if let E::BodyExceedsLimit(n) = e {
        err.body_limit = Some(n);
    }
    err.with_source(e)
}

impl Transport for UreqTransport {
    fn send(&self, request: &HttpRequest, max_body_bytes: u64) -> Result<HttpResponse, TransportError> {
        let mut builder = ureq::http::Request::builder()
            .method(request.method)
            .uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let bad = |e: ureq::http::Error| TransportError::new(TransportErrorKind::Protocol, e.to_string());
        // A body-less PUT or POST still gets a body of length 0: given none, ureq would send
        // it chunked, which some endpoints (instance metadata among them) do not expect.
        let bodyless =
            request.body.is_empty() && matches!(request.method, "GET" | "HEAD" | "DELETE" | "OPTIONS");
        let proxy = if request.bypass_proxy {
            None
        } else {
            self.proxy_for(&request.url)
        };
        let response = if bodyless {
            let req = builder.body(()).map_err(bad)?;
            self.agent.run(self.configure(req, request.timeout, proxy))
        } else {
            let req = builder.body(request.body.clone()).map_err(bad)?;
            self.agent.run(self.configure(req, request.timeout, proxy))
        }
        .map_err(map_ureq_error)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        // Sized from Content-Length when there is one, so a page is read without the
        // copies of growing the buffer from empty (about 40% of reading an 88 KB page);
        // capped, so a length the server only claims costs little.
        let expected = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |n| n.min(max_body_bytes).min(PRESIZE_LIMIT));
        let mut body = Vec::with_capacity(expected as usize);
        // Read one byte past the limit, so a body of exactly the limit is accepted and a
        // longer one is told apart.
        let mut reader = response
            .into_body()
            .into_with_config()
            .limit(max_body_bytes.saturating_add(1))
            .reader();
        reader.read_to_end(&mut body).map_err(|e| {
            // ureq reports its own errors through io::Error; get them back.
            match e.downcast::<ureq::Error>() {
                Ok(inner) => {
                    let mut err = map_ureq_error(inner);
                    if err.body_limit.is_some() {
                        err.body_limit = Some(max_body_bytes);
                    }
                    err
                }
                Err(e) => TransportError::new(
                    if e.kind() == std::io::ErrorKind::TimedOut {
                        TransportErrorKind::Timeout
                    } else {
                        TransportErrorKind::Io
                    },
                    e.to_string(),
                ),
            }
        })?;
        if body.len() as u64 > max_body_bytes {
            let mut e = TransportError::new(
                TransportErrorKind::Other,
                format!("response body over {max_body_bytes} bytes"),
            );
            e.body_limit = Some(max_body_bytes);
            return Err(e);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_debug_hides_secret_headers() {
        let mut r = HttpRequest::new("GET", "https://example.com/");
        for (n, v) in [
            ("Authorization", "AWS4-HMAC-SHA256 Signature=abc"),
            ("x-amz-security-token", "tok1"),
            ("x-amz-sso_bearer_token", "tok2"),
            ("X-aws-ec2-metadata-token", "tok3"),
            ("host", "example.com"),
        ] {
            r.headers.push((n.into(), v.into()));
        }
        r.body = b"Action=AssumeRoleWithWebIdentity&WebIdentityToken=tok4".to_vec();
        assert_eq!(
            format!("{r:?}"),
            "HttpRequest { method: \"GET\", url: \"https://example.com/\", headers: [(\"Authorization\", \"** redacted **\"), \
             (\"x-amz-security-token\", \"** redacted **\"), (\"x-amz-sso_bearer_token\", \"** redacted **\"), \
             (\"X-aws-ec2-metadata-token\", \"** redacted **\"), (\"host\", \"example.com\")], body_len: 54, timeout: None, bypass_proxy: false }"
        );
        let resp = HttpResponse::new(
            200,
            vec![("x-amzn-RequestId".into(), "r-1".into())],
            br#"{"SecretAccessKey":"wJalr"}"#.to_vec(),
        );
        assert_eq!(
            format!("{resp:?}"),
            r#"HttpResponse { status: 200, headers: [("x-amzn-RequestId", "r-1")], body_len: 27 }"#
        );
    }
}
