//! A sans-IO AWS Signature Version 4 signer for `Authorization`-header signing. Public,
//! outside semver, as [`crate::unversioned::sigv4`], where its documentation and example
//! are.
//!
//! Every stage is a pure function over data, so each can be checked on its own against the
//! official test suite: [`canonical_request`], [`string_to_sign`], [`derive_signing_key`],
//! [`signature`], and [`sign`] that chains them. Time is a parameter, never read from a
//! clock here.

mod canonical;
mod signer;

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

pub use canonical::{CanonicalQuery, CanonicalRequest};
pub use signer::{RequestSigner, SignedHeaders};

type HmacSha256 = Hmac<Sha256>;

/// The algorithm name that starts every string to sign and `Authorization` header.
pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The hex SHA-256 of an empty payload, as every body-less request signs it.
pub(crate) const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A request to sign, borrowed from wherever it lives.
///
/// `path` and `query` are taken exactly as they go on the wire (already percent-encoded
/// where needed); `headers` must include `Host`. Its `Debug` hides secret header values
/// and shows only the body's length.
#[derive(Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The HTTP method, e.g. `GET`.
    pub method: &'a str,
    /// The path as sent, e.g. `/v2/apis/a1b2c3/stages`.
    pub path: &'a str,
    /// The query string as sent, without the `?`; empty for none.
    pub query: &'a str,
    /// The headers to send (name, value); names are matched case-insensitively.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body; empty for none.
    pub body: &'a [u8],
}

impl fmt::Debug for SignableRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignableRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &crate::redact::RedactedHeaders(self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Switches for the few places where services differ in how they sign.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningSettings {
    /// Resolve `.`/`..` and repeated `/` in the path before encoding it. Every service but
    /// S3 wants this. Defaults to `true`.
    pub normalize_path: bool,
    /// Sign the `x-amz-security-token` header. When `false`, the header is still added to the
    /// request, after signing, unsigned. Defaults to `true`.
    pub sign_session_token: bool,
    /// Add and sign an `x-amz-content-sha256` header holding the payload hash. Defaults to
    /// `false`.
    pub payload_checksum_header: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            normalize_path: true,
            sign_session_token: true,
            payload_checksum_header: false,
        }
    }
}

/// The key material a request is signed with: the signer's own small type, so that it
/// depends on nothing else in the crate. `&Credentials` converts into it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    /// The access key id.
    pub access_key_id: &'a str,
    /// The secret access key.
    pub secret_access_key: &'a str,
    /// The session token of temporary credentials.
    pub session_token: Option<&'a str>,
}

/// Shows the access key id only.
impl fmt::Debug for Identity<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &crate::redact::REDACTED)
            .field(
                "session_token",
                &self.session_token.map(|_| crate::redact::REDACTED),
            )
            .finish()
    }
}

/// Who signs, for which region and service, and when.
#[derive(Debug, Clone)]
pub struct SigningParams<'a> {
    /// The key material to sign with.
    pub identity: Identity<'a>,
    /// The region, e.g. `eu-west-1`.
    pub region: &'a str,
    /// The signing name of the service, e.g. `apigateway`.
    pub service: &'a str,
    /// The signing time; it is converted to UTC.
    pub time: OffsetDateTime,
    /// Service-specific switches.
    pub settings: SigningSettings,
}

impl<'a> SigningParams<'a> {
    /// Parameters with the default [`SigningSettings`].
    pub fn new(
        identity: impl Into<Identity<'a>>,
        region: &'a str,
        service: &'a str,
        time: OffsetDateTime,
    ) -> Self {
        Self {
            identity: identity.into(),
            region,
            service,
            time,
            settings: SigningSettings::default(),
        }
    }
}

/// The derived SigV4 key for one date, region and service. It changes once a day, so it is
/// worth caching; its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey([u8; 32]);

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

impl SigningKey {
    /// An HMAC-SHA256 state keyed with this key, ready to sign.
    pub(crate) fn hmac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }
}

/// Derives the signing key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
/// "aws4_request")`, with `date` as `YYYYMMDD`.
pub fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> SigningKey {
    let mut k = Vec::with_capacity(4 + secret.len());
    k.extend_from_slice(b"AWS4");
    k.extend_from_slice(secret.as_bytes());
    let k_date = hmac(&k, date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    SigningKey(hmac(&k_service, b"aws4_request"))
}

/// The `YYYYMMDDTHHMMSSZ` form of a time (converted to UTC) that `x-amz-date` carries.
///
/// ```
/// let t = time::macros::datetime!(2015-08-30 14:36:09 +02:00);
/// assert_eq!(apigwv2::unversioned::sigv4::format_amz_date(t), "20150830T123609Z");
/// ```
pub fn format_amz_date(time: OffsetDateTime) -> String {
    // Plain integer arithmetic on the Unix time (days to civil date, after Howard Hinnant):
    // several times faster than going through calendar types, and this runs per request.
    let secs = time.unix_timestamp();
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut buf = [0u8; 16];
    let mut put = |at: usize, v: i64, width: usize| {
        let mut v = v.clamp(0, 9999);
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(4, month, 2);
    put(6, day, 2);
    put(9, sod / 3600, 2);
    put(11, sod / 60 % 60, 2);
    put(13, sod % 60, 2);
    buf[8] = b'T';
    buf[15] = b'Z';
    String::from_utf8(buf.to_vec()).expect("ASCII digits")
}

/// The credential scope, `YYYYMMDD/region/service/aws4_request`.
pub(crate) fn credential_scope(amz_date: &str, region: &str, service: &str) -> String {
    format!(
        "{}/{region}/{service}/aws4_request",
        &amz_date[..8.min(amz_date.len())]
    )
}

/// The headers the signer adds before signing, in the order they are added.
fn added_headers<'a>(
    params: &'a SigningParams<'_>,
    amz_date: &'a str,
    payload_hash: &'a str,
) -> Vec<(&'static str, &'a str)> {
    let mut extra: Vec<(&'static str, &'a str)> = vec![("x-amz-date", amz_date)];
    if params.settings.payload_checksum_header {
        extra.push(("x-amz-content-sha256", payload_hash));
    }
    if params.settings.sign_session_token {
        if let Some(token) = params.identity.session_token {
            extra.push(("x-amz-security-token", token));
        }
    }
    extra
}

/// Builds the canonical request at `params.time`.
pub fn canonical_request(req: &SignableRequest<'_>, params: &SigningParams<'_>) -> CanonicalRequest {
    let amz_date = format_amz_date(params.time);
    let payload_hash = payload_sha256(req.body);
    let extra = added_headers(params, &amz_date, &payload_hash);
    canonical::build(req, &params.settings, &extra, payload_hash.clone())
}

fn payload_sha256(body: &[u8]) -> String {
    if body.is_empty() {
        EMPTY_PAYLOAD_SHA256.to_owned()
    } else {
        let mut hex = String::with_capacity(64);
        push_hex(&mut hex, &Sha256::digest(body));
        hex
    }
}

/// The string to sign: algorithm, `x-amz-date`, scope and the hex SHA-256 of the canonical
/// request, on four lines.
pub(crate) fn string_to_sign(creq: &CanonicalRequest, params: &SigningParams<'_>) -> String {
    let amz_date = format_amz_date(params.time);
    let scope = credential_scope(&amz_date, params.region, params.service);
    let mut text = String::with_capacity(256);
    creq.write(&mut text, false)
        .expect("writing to a String cannot fail");
    let hash: [u8; 32] = Sha256::digest(text.as_bytes()).into();
    text.clear();
    write_string_to_sign(&mut text, &amz_date, &scope, &hash);
    text
}

/// Stage 2, shared by both signers: the string to sign, written into `out`.
pub(crate) fn write_string_to_sign(out: &mut String, amz_date: &str, scope: &str, creq_hash: &[u8; 32]) {
    out.reserve(ALGORITHM.len() + amz_date.len() + scope.len() + 67);
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(amz_date);
    out.push('\n');
    out.push_str(scope);
    out.push('\n');
    push_hex(out, creq_hash);
}

/// Appends the lower-case hex form of `bytes`.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    let mut buf = [0u8; 64];
    for chunk in bytes.chunks(32) {
        let hex = &mut buf[..chunk.len() * 2];
        hex::encode_to_slice(chunk, hex).expect("the buffer fits the chunk");
        out.push_str(std::str::from_utf8(hex).expect("hex digits are ASCII"));
    }
}

/// The hex HMAC-SHA256 of the string to sign under the derived key.
pub fn signature(key: &SigningKey, string_to_sign: &str) -> String {
    signature_with(&key.hmac(), string_to_sign)
}

/// Stage 4, shared by both signers: the hex signature of the string to sign under a keyed
/// HMAC state (cloned, so a cached state can be reused).
pub(crate) fn signature_with(mac: &HmacSha256, string_to_sign: &str) -> String {
    let mut mac = mac.clone();
    mac.update(string_to_sign.as_bytes());
    let mut sig = String::with_capacity(64);
    push_hex(&mut sig, &mac.finalize().into_bytes());
    sig
}

/// The `Authorization` header value, shared by both signers.
pub(crate) fn authorization(
    access_key_id: &str,
    scope: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    let mut a = String::with_capacity(
        ALGORITHM.len()
            + 13
            + access_key_id.len()
            + scope.len()
            + 16
            + signed_headers.len()
            + 12
            + signature.len(),
    );
    a.push_str(ALGORITHM);
    a.push_str(" Credential=");
    a.push_str(access_key_id);
    a.push('/');
    a.push_str(scope);
    a.push_str(", SignedHeaders=");
    a.push_str(signed_headers);
    a.push_str(", Signature=");
    a.push_str(signature);
    a
}

/// What signing produced: the headers to add to the request, and the intermediate forms
/// for checking and debugging. Its `Debug` hides the session token and the signature.
#[derive(Clone)]
pub struct SigningOutput {
    headers: Vec<(&'static str, String)>,
    canonical_request: CanonicalRequest,
    string_to_sign: String,
    signature: String,
}

impl fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field("headers", &crate::redact::RedactedHeaders(&self.headers))
            .field("canonical_request", &self.canonical_request.redacted())
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &crate::redact::REDACTED)
            .finish()
    }
}

impl SigningOutput {
    /// The headers to set on the request (replacing any of the same name): `x-amz-date`,
    /// `x-amz-security-token` when there is a session token, `x-amz-content-sha256` when
    /// asked for, and `authorization`.
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| *n == "authorization")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    /// The canonical request that was hashed.
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.canonical_request
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The 64-character hex signature.
    pub fn signature(&self) -> &str {
        &self.signature
    }
}

/// Signs a request, deriving the key.
pub fn sign(req: &SignableRequest<'_>, params: &SigningParams<'_>) -> SigningOutput {
    let amz_date = format_amz_date(params.time);
    let key = derive_signing_key(
        params.identity.secret_access_key,
        &amz_date[..8],
        params.region,
        params.service,
    );
    sign_with_key(req, params, &key)
}

/// Signs a request with a key derived earlier by [`derive_signing_key`] for the same date,
/// region and service (the caller's cache).
pub(crate) fn sign_with_key(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    key: &SigningKey,
) -> SigningOutput {
    let amz_date = format_amz_date(params.time);
    let payload_hash = payload_sha256(req.body);
    let extra = added_headers(params, &amz_date, &payload_hash);
    let creq = canonical::build(req, &params.settings, &extra, payload_hash.clone());
    let sts = string_to_sign(&creq, params);
    let sig = signature(key, &sts);
    let scope = credential_scope(&amz_date, params.region, params.service);
    let authorization = authorization(params.identity.access_key_id, &scope, creq.signed_headers(), &sig);
    let mut headers: Vec<(&'static str, String)> = extra.iter().map(|(n, v)| (*n, (*v).to_owned())).collect();
    if !params.settings.sign_session_token {
        if let Some(token) = params.identity.session_token {
            headers.push(("x-amz-security-token", token.to_owned()));
        }
    }
    headers.push(("authorization", authorization));
    SigningOutput {
        headers,
        canonical_request: creq,
        string_to_sign: sts,
        signature: sig,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_date_format() {
        let t = time::macros::datetime!(2015-08-30 12:36:00 UTC);
        assert_eq!(format_amz_date(t), "20150830T123600Z");
        let t = time::macros::datetime!(2015-08-30 14:36:09 +02:00);
        assert_eq!(format_amz_date(t), "20150830T123609Z");
        // Agrees with the calendar types across leap years, centuries and day ends.
        let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
        let mut t = time::macros::datetime!(1970-01-01 00:00:00 UTC);
        while t.year() < 2410 {
            assert_eq!(format_amz_date(t), t.format(&fmt).unwrap(), "{t}");
            t += time::Duration::seconds(86_399 * 3 + 12_345);
        }
    }

    #[test]
    fn signing_key_debug_is_redacted() {
        let key = derive_signing_key("secret", "20150830", "us-east-1", "iam");
        assert_eq!(format!("{key:?}"), "SigningKey(** redacted **)");
    }

    #[test]
    fn known_signing_key() {
        // The worked example of the AWS documentation for deriving a key.
        let key = derive_signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(key.0),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }
}
