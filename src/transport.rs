//! The HTTP edge: our own [`Transport`] trait, so no foreign type is in the public API and
//! tests can script responses. Its implementation, this crate's own HTTP/1.1 on ureq's
//! blocking TCP and rustls connectors, is built by the client; outside semver, it is
//! [`unversioned::UreqTransport`](crate::unversioned::UreqTransport).
//!
//! A transport sends one request and returns one response, whatever its status: retries,
//! signing and error decoding live above it and do not know how bytes move. The trait is
//! this crate's own (not ureq's, whose transport API is outside its semver); new fields
//! of [`HttpRequest`] may be added in minor releases (it is `#[non_exhaustive]`).

use std::fmt;
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
    pub(crate) fn root_certs(&self) -> Result<ureq::tls::RootCerts, crate::Error> {
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
