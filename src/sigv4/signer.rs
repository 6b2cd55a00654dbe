//! [`RequestSigner`]: the signer the client uses for its own requests. It caches the day's
//! key (and the keyed HMAC state) per region and service, and streams the canonical request
//! straight into SHA-256 instead of building it as text, because its requests have a known
//! shape: a path, a canonical query, and the headers `host`, `x-amz-date` and maybe
//! `x-amz-security-token`. Its output is byte-for-byte what [`sign`](super::sign) gives for
//! the same request; a test checks that on random inputs.

use std::sync::Mutex;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::canonical::{canonical_query, normalize_header_value, normalize_path};
use super::encode::is_unreserved;
use super::{derive_signing_key, format_amz_date, SigningKey, ALGORITHM, EMPTY_PAYLOAD_SHA256};
use crate::credentials::Credentials;

const HEX: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The headers a signed request must carry.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// The `x-amz-date` value.
    pub amz_date: String,
    /// The `Authorization` value.
    pub authorization: String,
}

impl std::fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("amz_date", &self.amz_date)
            .field("authorization", &"** redacted **")
            .finish()
    }
}

struct Cached {
    date: [u8; 8],
    secret: String,
    scope: String,
    mac: Hmac<Sha256>,
}

/// Signs body-less requests for one region and service, caching the derived key per day and
/// secret. Thread-safe; share one per client.
///
/// ```
/// use apigwv2::sigv4::RequestSigner;
/// use apigwv2::Credentials;
/// let signer = RequestSigner::new("us-east-1", "apigateway");
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let t = time::macros::datetime!(2024-01-01 00:00:00 UTC);
/// let h = signer.sign_get(&creds, t, "apigateway.us-east-1.amazonaws.com", "/v2/apis/a/stages", "maxResults=5");
/// assert_eq!(h.amz_date, "20240101T000000Z");
/// assert!(h.authorization.contains("SignedHeaders=host;x-amz-date, Signature="));
/// ```
pub struct RequestSigner {
    region: String,
    service: String,
    cache: Mutex<Option<Cached>>,
}

impl std::fmt::Debug for RequestSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestSigner")
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// Feeds `input` to the hasher percent-encoded (everything but unreserved and `/`), without
/// building the encoded string.
fn hash_encoded_path(h: &mut Sha256, input: &str) {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) || b == b'/' {
            continue;
        }
        h.update(&bytes[start..i]);
        h.update([b'%', HEX_UPPER[(b >> 4) as usize], HEX_UPPER[(b & 15) as usize]]);
        start = i + 1;
    }
    h.update(&bytes[start..]);
}

/// True when normalizing would change the path (a `.` or `..` segment, or an empty one).
fn needs_normalizing(path: &str) -> bool {
    path.is_empty()
        || path.contains("//")
        || path.split('/').any(|s| s == "." || s == "..")
        || !path.starts_with('/')
}

/// True when `query` is already in canonical form: pairs sorted, each side made only of
/// unreserved characters and upper-case `%XX` escapes, every pair with an `=`.
fn is_canonical_query(query: &str) -> bool {
    let mut prev: Option<(&str, &str)> = None;
    for pair in query.split('&') {
        let Some((k, v)) = pair.split_once('=') else {
            return false;
        };
        for part in [k, v] {
            let b = part.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' {
                    let ok = |c: u8| c.is_ascii_digit() || (b'A'..=b'F').contains(&c);
                    if i + 2 >= b.len() || !ok(b[i + 1]) || !ok(b[i + 2]) {
                        return false;
                    }
                    i += 3;
                } else if is_unreserved(b[i]) {
                    i += 1;
                } else {
                    return false;
                }
            }
        }
        // Sorted by key, then value, as the canonical form sorts (not as whole strings: "a-=1"
        // sorts before "a=1" as text but after it by key).
        if prev.is_some_and(|p| p > (k, v)) {
            return false;
        }
        prev = Some((k, v));
    }
    true
}

impl RequestSigner {
    /// A signer for this region and signing name.
    pub fn new(region: impl Into<String>, service: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            service: service.into(),
            cache: Mutex::new(None),
        }
    }

    /// Signs a body-less `GET` of `path` (as sent, already percent-encoded) with `query` (as
    /// sent, without `?`) to `host` at `time`. A query that is not already canonical is
    /// canonicalized for signing; the wire query is the caller's.
    pub fn sign_get(
        &self,
        credentials: &Credentials,
        time: OffsetDateTime,
        host: &str,
        path: &str,
        query: &str,
    ) -> SignedHeaders {
        self.sign("GET", credentials, time, host, path, query)
    }

    /// As [`RequestSigner::sign_get`], for any body-less method.
    pub fn sign(
        &self,
        method: &str,
        credentials: &Credentials,
        time: OffsetDateTime,
        host: &str,
        path: &str,
        query: &str,
    ) -> SignedHeaders {
        let amz_date = format_amz_date(time);
        let token = credentials.session_token();
        let signed_headers = if token.is_some() {
            "host;x-amz-date;x-amz-security-token"
        } else {
            "host;x-amz-date"
        };

        let mut h = Sha256::new();
        h.update(method.as_bytes());
        h.update(b"\n");
        if needs_normalizing(path) {
            hash_encoded_path(&mut h, &normalize_path(if path.is_empty() { "/" } else { path }));
        } else {
            hash_encoded_path(&mut h, path);
        }
        h.update(b"\n");
        if query.is_empty() || is_canonical_query(query) {
            h.update(query.as_bytes());
        } else {
            h.update(canonical_query(query).as_bytes());
        }
        h.update(b"\nhost:");
        if host.contains(char::is_whitespace) {
            h.update(normalize_header_value(host).as_bytes());
        } else {
            h.update(host.as_bytes());
        }
        h.update(b"\nx-amz-date:");
        h.update(amz_date.as_bytes());
        if let Some(token) = token {
            h.update(b"\nx-amz-security-token:");
            if token.contains(char::is_whitespace) {
                h.update(normalize_header_value(token).as_bytes());
            } else {
                h.update(token.as_bytes());
            }
        }
        h.update(b"\n\n");
        h.update(signed_headers.as_bytes());
        h.update(b"\n");
        h.update(EMPTY_PAYLOAD_SHA256.as_bytes());
        let creq_hash = h.finalize();
        let mut creq_hex = [0u8; 64];
        for (i, b) in creq_hash.iter().enumerate() {
            creq_hex[2 * i] = HEX[(b >> 4) as usize];
            creq_hex[2 * i + 1] = HEX[(b & 15) as usize];
        }

        let mut guard = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let date: [u8; 8] = amz_date.as_bytes()[..8].try_into().expect("8 ASCII digits");
        let fresh =
            !matches!(&*guard, Some(c) if c.date == date && c.secret == credentials.secret_access_key());
        if fresh {
            let date_str = &amz_date[..8];
            let key = derive_signing_key(
                credentials.secret_access_key(),
                date_str,
                &self.region,
                &self.service,
            );
            *guard = Some(Cached {
                date,
                secret: credentials.secret_access_key().to_owned(),
                scope: format!("{date_str}/{}/{}/aws4_request", self.region, self.service),
                mac: key.hmac(),
            });
        }
        let cached = guard.as_ref().expect("filled above");
        let mut mac = cached.mac.clone();
        mac.update(ALGORITHM.as_bytes());
        mac.update(b"\n");
        mac.update(amz_date.as_bytes());
        mac.update(b"\n");
        mac.update(cached.scope.as_bytes());
        mac.update(b"\n");
        mac.update(&creq_hex);
        let sig = mac.finalize().into_bytes();

        let akid = credentials.access_key_id();
        let mut authorization = String::with_capacity(
            ALGORITHM.len() + 13 + akid.len() + cached.scope.len() + 16 + signed_headers.len() + 12 + 64,
        );
        authorization.push_str(ALGORITHM);
        authorization.push_str(" Credential=");
        authorization.push_str(akid);
        authorization.push('/');
        authorization.push_str(&cached.scope);
        authorization.push_str(", SignedHeaders=");
        authorization.push_str(signed_headers);
        authorization.push_str(", Signature=");
        drop(guard);
        for b in sig.iter() {
            authorization.push(HEX[(b >> 4) as usize] as char);
            authorization.push(HEX[(b & 15) as usize] as char);
        }
        SignedHeaders {
            amz_date,
            authorization,
        }
    }
}

impl SigningKey {
    /// An HMAC-SHA256 state keyed with this key, ready to sign.
    pub(crate) fn hmac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::{sign, SignableRequest, SigningParams};

    fn general(
        creds: &Credentials,
        t: OffsetDateTime,
        method: &str,
        host: &str,
        path: &str,
        query: &str,
    ) -> SignedHeaders {
        let headers = [("host", host)];
        let req = SignableRequest {
            method,
            path,
            query,
            headers: &headers,
            body: b"",
        };
        let params = SigningParams::new(creds, "eu-west-1", "apigateway", t);
        let out = sign(&req, &params);
        SignedHeaders {
            amz_date: format_amz_date(t),
            authorization: out.authorization().to_owned(),
        }
    }

    #[test]
    fn canonical_query_detection() {
        assert!(is_canonical_query("a=1&b=2"));
        assert!(is_canonical_query("maxResults=5&nextToken=a%2Bb%2F"));
        assert!(!is_canonical_query("b=1&a=2"));
        assert!(is_canonical_query("a=1&a-=1"));
        assert!(!is_canonical_query("a-=1&a=1"));
        assert!(!is_canonical_query("a"));
        assert!(!is_canonical_query("a=b c"));
        assert!(!is_canonical_query("a=%2b"));
        assert!(!is_canonical_query("a=%2"));
        assert!(!is_canonical_query("a=%"));
    }

    #[test]
    fn matches_the_general_signer_on_random_requests() {
        let x = std::cell::Cell::new(0x1234_5678_9abc_def0u64);
        let rnd = |n: usize| {
            let mut v = x.get();
            v ^= v << 13;
            v ^= v >> 7;
            v ^= v << 17;
            x.set(v);
            (v % n as u64) as usize
        };
        let alphabet: Vec<char> = "aZ09-._~+/=% $&?éü☃\u{1F600}.".chars().collect();
        let signer = RequestSigner::new("eu-west-1", "apigateway");
        for i in 0..2000 {
            let word =
                |max: usize| -> String { (0..rnd(max)).map(|_| alphabet[rnd(alphabet.len())]).collect() };
            let api = word(12);
            let token = word(20);
            let mut path = String::from("/v2/apis/");
            crate::sigv4::encode_into(&mut path, &api, false);
            path.push_str("/stages");
            if i % 7 == 0 {
                path = format!("/{}/./../x//{}", word(4), word(4));
            }
            let mut query = String::new();
            if i % 3 != 0 {
                query.push_str("maxResults=");
                query.push_str(&rnd(500).to_string());
            }
            if i % 2 == 0 {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str("nextToken=");
                crate::sigv4::encode_into(&mut query, &token, false);
            }
            if i % 11 == 0 {
                query = format!("z={}&a={}", word(5), word(5));
            }
            if i % 13 == 0 {
                query = "a-=1&a=1".to_owned();
            }
            let creds = if i % 2 == 0 {
                Credentials::new(
                    "AKID",
                    format!("secret{}", i % 3),
                    Some(format!("tok{}", word(8).replace(char::is_whitespace, ""))),
                )
            } else {
                Credentials::new("AKID", "secret", None::<String>)
            };
            let t = OffsetDateTime::from_unix_timestamp(1_700_000_000 + (i as i64) * 7919).unwrap();
            let host = if i % 5 == 0 {
                "127.0.0.1:8080"
            } else {
                "apigateway.eu-west-1.amazonaws.com"
            };
            let fast = signer.sign_get(&creds, t, host, &path, &query);
            assert_eq!(
                fast,
                general(&creds, t, "GET", host, &path, &query),
                "path {path:?} query {query:?}"
            );
        }
    }
}
