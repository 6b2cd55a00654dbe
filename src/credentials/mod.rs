//! AWS credentials and the providers that find them.
//!
//! [`Credentials`] is the value that signs requests; its `Debug` never shows the secret key
//! or the session token. A [`ProvideCredentials`] implementation is asked for credentials
//! before each request, so a chain of providers (files, SSO, containers, instances) can
//! slot in behind the same trait. Static [`Credentials`] are themselves a provider.

mod chain;
mod container;
mod environment;
mod http;
mod imds;
mod parse;
mod process;
mod sso;
mod sts;
pub(crate) mod xml;

use std::fmt;
use std::time::SystemTime;

use crate::error::Error;

pub use chain::{DefaultChain, DEFAULT_PROVIDER_TIMEOUT};
pub use environment::EnvironmentProvider;

/// Reads an STS answer (for the fuzz targets).
pub(crate) fn read_sts_response(status: u16, body: &[u8]) -> Result<Credentials, Error> {
    sts::read_response("STS", status, body)
}
pub(crate) use imds::{disabled as imds_disabled, region as imds_region};

/// An access key id, a secret access key, and for temporary credentials a session token and
/// an expiry time.
///
/// ```
/// use apigwv2::Credentials;
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", Some("token"));
/// assert_eq!(
///     format!("{creds:?}"),
///     r#"Credentials { access_key_id: "AKIDEXAMPLE", secret_access_key: "** redacted **", session_token: Some("** redacted **"), expiry: None }"#
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
}

impl Credentials {
    /// Credentials from an access key id, a secret access key and an optional session token.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<impl Into<String>>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: session_token.map(Into::into),
            expiry: None,
        }
    }

    /// The same credentials, marked as expiring at `expiry` (for temporary credentials).
    #[must_use]
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// The access key id (not a secret; it appears in every signed request).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Never log it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials. Never log it.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When temporary credentials stop working, if known.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Checks that the credentials can be put in HTTP headers: the key id and secret are not
    /// empty, and no part holds a control character or a blank at its ends. The error names
    /// the part, never its value.
    pub fn validate(&self) -> Result<(), Error> {
        check_part("access key id", &self.access_key_id, false)?;
        check_part("secret access key", &self.secret_access_key, false)?;
        if let Some(token) = &self.session_token {
            check_part("session token", token, false)?;
        }
        Ok(())
    }
}

fn check_part(what: &'static str, value: &str, allow_empty: bool) -> Result<(), Error> {
    let reason = if value.is_empty() && !allow_empty {
        "is empty"
    } else if value.chars().any(char::is_control) {
        "contains a control character"
    } else if value.trim() != value {
        "starts or ends with white space"
    } else {
        return Ok(());
    };
    Err(Error::InvalidCredentials {
        message: format!("the {what} {reason}"),
    })
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.expiry)
            .finish()
    }
}

/// Something that can produce credentials when the client needs to sign a request.
///
/// The client asks before every request, so an implementation that fetches temporary
/// credentials should cache them and refresh them before they expire.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Returns credentials to sign the next request with.
    fn provide_credentials(&self) -> Result<Credentials, Error>;

    /// Returns credentials, giving up by `deadline`: the client calls this with the
    /// deadline of the operation ([`ClientBuilder::operation_timeout`](crate::ClientBuilder::operation_timeout)),
    /// so that finding credentials counts against it. Defaults to
    /// [`provide_credentials`](Self::provide_credentials), which is then not bounded by the
    /// deadline; providers that do slow work should implement this.
    fn provide_credentials_until(&self, deadline: std::time::Instant) -> Result<Credentials, Error> {
        let _ = deadline;
        self.provide_credentials()
    }
}

impl<'a> From<&'a Credentials> for crate::sigv4::Identity<'a> {
    fn from(c: &'a Credentials) -> Self {
        Self {
            access_key_id: &c.access_key_id,
            secret_access_key: &c.secret_access_key,
            session_token: c.session_token.as_deref(),
        }
    }
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        Ok(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secret_and_token() {
        let c = Credentials::new("AKID", "SECRETKEY", Some("TOKENVALUE"));
        let d = format!("{c:?}");
        assert!(!d.contains("SECRETKEY") && !d.contains("TOKENVALUE"), "{d}");
        let c = Credentials::new("AKID", "SECRETKEY", None::<String>);
        assert_eq!(
            format!("{c:?}"),
            r#"Credentials { access_key_id: "AKID", secret_access_key: "** redacted **", session_token: None, expiry: None }"#
        );
    }

    #[test]
    fn validation_names_the_part_not_the_value() {
        for (c, part) in [
            (
                Credentials::new("", "s", None::<String>),
                "access key id is empty",
            ),
            (
                Credentials::new("AK\nID", "s", None::<String>),
                "access key id contains",
            ),
            (
                Credentials::new("AKID", "sec\u{7f}ret", None::<String>),
                "secret access key contains",
            ),
            (
                Credentials::new("AKID", "s", Some("to\rken")),
                "session token contains",
            ),
            (
                Credentials::new("AKID", " s", None::<String>),
                "secret access key starts or ends",
            ),
        ] {
            let e = c.validate().unwrap_err().to_string();
            assert!(e.contains(part), "{e}");
            assert!(!e.contains("sec\u{7f}ret") && !e.contains("to\rken"), "{e}");
        }
        assert!(Credentials::new("AKID", "s", Some("t")).validate().is_ok());
    }
}
