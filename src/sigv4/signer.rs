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

use super::canonical::{normalize_header_value, normalize_path, CanonicalQuery};
use super::encode::CLASS;
use super::{derive_signing_key, format_amz_date, SigningKey, ALGORITHM, EMPTY_PAYLOAD_SHA256};
use crate::credentials::Credentials;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex of every byte value, two digits each.
const HEX_PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 15]];
        i += 1;
    }
    t
};
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
/// let query = apigwv2::sigv4::CanonicalQuery::parse("maxResults=5");
/// let h = signer.sign_get(&creds, t, "apigateway.us-east-1.amazonaws.com", "/v2/apis/a/stages", &query);
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

/// Appends `input` percent-encoded (everything but unreserved and `/`).
fn push_encoded_path(out: &mut Vec<u8>, input: &str) {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if CLASS[b as usize] & 3 != 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(&[b'%', HEX_UPPER[(b >> 4) as usize], HEX_UPPER[(b & 15) as usize]]);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// True when normalizing would change the path: it does not start with `/`, or has an
/// empty, `.` or `..` segment (other than an empty last one). One pass over the bytes.
fn needs_normalizing(path: &str) -> bool {
    let b = path.as_bytes();
    if b.first() != Some(&b'/') {
        return true;
    }
    // Length of the current segment so far, and whether it is all dots.
    let mut seg_len = 0usize;
    let mut all_dots = true;
    for &c in &b[1..] {
        if c == b'/' {
            if seg_len == 0 || (all_dots && seg_len <= 2) {
                return true;
            }
            seg_len = 0;
            all_dots = true;
        } else {
            seg_len += 1;
            all_dots &= c == b'.';
        }
    }
    seg_len > 0 && all_dots && seg_len <= 2
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

    /// Signs a body-less `GET` of `path` (as sent, already percent-encoded) with `query` (sent
    /// as it is, since canonical form is valid on the wire) to `host` at `time`.
    pub fn sign_get(
        &self,
        credentials: &Credentials,
        time: OffsetDateTime,
        host: &str,
        path: &str,
        query: &CanonicalQuery,
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
        query: &CanonicalQuery,
    ) -> SignedHeaders {
        let query = query.as_str();
        let amz_date = format_amz_date(time);
        let token = credentials.session_token();
        let signed_headers = if token.is_some() {
            "host;x-amz-date;x-amz-security-token"
        } else {
            "host;x-amz-date"
        };

        // The canonical request, built once in a buffer and hashed in one go: cheaper than
        // feeding the hasher many small pieces.
        let mut creq = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        creq.clear();
        creq.reserve(
            method.len() + path.len() * 3 / 2 + query.len() + host.len() + token.map_or(0, str::len) + 200,
        );
        creq.extend_from_slice(method.as_bytes());
        creq.push(b'\n');
        if needs_normalizing(path) {
            push_encoded_path(
                &mut creq,
                &normalize_path(if path.is_empty() { "/" } else { path }),
            );
        } else {
            push_encoded_path(&mut creq, path);
        }
        creq.push(b'\n');
        creq.extend_from_slice(query.as_bytes());
        creq.extend_from_slice(b"\nhost:");
        push_header_value(&mut creq, host);
        creq.extend_from_slice(b"\nx-amz-date:");
        creq.extend_from_slice(amz_date.as_bytes());
        if let Some(token) = token {
            creq.extend_from_slice(b"\nx-amz-security-token:");
            push_header_value(&mut creq, token);
        }
        creq.extend_from_slice(b"\n\n");
        creq.extend_from_slice(signed_headers.as_bytes());
        creq.push(b'\n');
        creq.extend_from_slice(EMPTY_PAYLOAD_SHA256.as_bytes());
        let creq_hash = Sha256::digest(&creq);

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
        // The string to sign, in the same buffer.
        creq.clear();
        creq.extend_from_slice(ALGORITHM.as_bytes());
        creq.push(b'\n');
        creq.extend_from_slice(amz_date.as_bytes());
        creq.push(b'\n');
        creq.extend_from_slice(cached.scope.as_bytes());
        creq.push(b'\n');
        push_hex(&mut creq, &creq_hash);
        let mut mac = cached.mac.clone();
        mac.update(&creq);
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
        drop(guard);
        authorization.push_str(", SignedHeaders=");
        authorization.push_str(signed_headers);
        authorization.push_str(", Signature=");
        let mut hex = [0u8; 64];
        for (pair, b) in hex.chunks_exact_mut(2).zip(sig.iter()) {
            pair.copy_from_slice(&HEX_PAIRS[*b as usize]);
        }
        authorization.push_str(std::str::from_utf8(&hex).expect("hex digits are ASCII"));
        // Hand the buffer back for the next signature on this thread (unless it grew huge).
        if creq.capacity() <= 64 * 1024 {
            SCRATCH.with(|s| *s.borrow_mut() = creq);
        }
        SignedHeaders {
            amz_date,
            authorization,
        }
    }
}

thread_local! {
    /// A reusable buffer for canonical requests and strings to sign, one per thread.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    out.extend(
        bytes
            .iter()
            .flat_map(|b| [HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]),
    );
}

/// A header value as the canonical request wants it: trimmed, inner blanks collapsed.
fn push_header_value(out: &mut Vec<u8>, value: &str) {
    if value.bytes().any(|b| b.is_ascii_whitespace()) {
        out.extend_from_slice(normalize_header_value(value).as_bytes());
    } else {
        out.extend_from_slice(value.as_bytes());
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
    fn normalizing_detection() {
        for p in ["/", "/a", "/a/", "/a/b.c/", "/.a/..b/...", "/v2/apis/x/stages"] {
            assert!(!needs_normalizing(p), "{p}");
            assert_eq!(normalize_path(p), p);
        }
        for p in [
            "", "a", "//", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "/a/.", "/a/..",
        ] {
            assert!(needs_normalizing(p), "{p}");
        }
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
            let fast = signer.sign_get(&creds, t, host, &path, &CanonicalQuery::parse(&query));
            assert_eq!(
                fast,
                general(&creds, t, "GET", host, &path, &query),
                "path {path:?} query {query:?}"
            );
        }
    }
}
