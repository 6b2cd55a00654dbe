//! Outside semver: anything here may change or go away in any release, patch releases
//! included.
//!
//! The crate's stable API is everything else (the crate root, [`config`](crate::config),
//! [`credentials`](crate::credentials), [`retry`](crate::retry),
//! [`transport`](crate::transport), [`clock`](crate::clock), and `testing` with its
//! feature). This module holds what the crate's own tests, benches and fuzz targets reach
//! from outside, and what advanced users may borrow knowing that it can break them: pin an
//! exact version (`apigwv2 = "=0.1.0"`) if you use it. The model is ureq's own
//! `unversioned` module. A client never needs any of it.
//!
//! - [`sigv4`]: the SigV4 signer's stages, checked against the official test vectors and
//!   the AWS SDK's signer.
//! - [`UreqTransport`] and its [`Timeouts`]: the default transport, which a client builds
//!   by itself ([`ClientBuilder::transport`](crate::ClientBuilder::transport) replaces it;
//!   a wrapper around it is the one use from outside).
//! - [`fuzz`]: the fuzz targets' entry points, every parser that reads outside input.
//! - [`FixedClock`]: a clock that never moves, for tests.

pub mod fuzz;

pub use crate::ureq_transport::{Timeouts, UreqTransport};

/// A clock that always says the same time, for tests (any [`Clock`](crate::clock::Clock)
/// will do; `testing::ManualClock` can also be moved).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub std::time::SystemTime);

impl crate::clock::Clock for FixedClock {
    fn now(&self) -> std::time::SystemTime {
        self.0
    }
}

pub mod sigv4 {
    //! A sans-IO AWS Signature Version 4 signer for `Authorization`-header signing:
    //! outside semver, as all of [`unversioned`](super).
    //!
    //! Every stage is a pure function over data, so each can be checked on its own against
    //! the official test suite: [`canonical_request`], [`derive_signing_key`],
    //! [`signature`], and [`sign`] that chains them; [`RequestSigner`] is the signer the
    //! client uses, with the day's key cached. Time is a parameter, never read from a
    //! clock here.
    //!
    //! ```
    //! use apigwv2::unversioned::sigv4::{sign, SignableRequest, SigningParams};
    //! use apigwv2::Credentials;
    //!
    //! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
    //! let time = time::macros::datetime!(2015-08-30 12:36:00 UTC);
    //! let headers = [("Host", "example.amazonaws.com")];
    //! let req = SignableRequest { method: "GET", path: "/", query: "", headers: &headers, body: b"" };
    //! let params = SigningParams::new(&creds, "us-east-1", "service", time);
    //! let out = sign(&req, &params);
    //! assert_eq!(
    //!     out.authorization(),
    //!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
    //!      SignedHeaders=host;x-amz-date, \
    //!      Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    //! );
    //! ```

    pub use crate::encode::uri_encode;
    pub use crate::sigv4::{
        canonical_request, derive_signing_key, format_amz_date, sign, signature, CanonicalQuery,
        CanonicalRequest, Identity, RequestSigner, SignableRequest, SignedHeaders, SigningKey, SigningOutput,
        SigningParams, SigningSettings,
    };
}
