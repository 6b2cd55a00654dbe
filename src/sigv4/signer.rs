//! [`RequestSigner`]: the signer the client uses for its own requests. It caches the day's
//! key (and the keyed HMAC state) per region and service, and writes the canonical request
//! of its known shape (a path, a canonical query, and the headers `host`, `x-amz-date` and
//! maybe `x-amz-security-token`) straight into a reused buffer. Every SigV4 stage it runs
//! is the same function the general [`sign`](super::sign) runs, so their output is the
//! same byte for byte; a test checks that on random inputs.

use std::sync::Mutex;

use hmac::Hmac;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::canonical::{normalize_header_value, push_canonical_path, write_canonical, CanonicalQuery};
use super::{
    authorization, credential_scope, derive_signing_key, format_amz_date, signature_with,
    write_string_to_sign, Identity, EMPTY_PAYLOAD_SHA256,
};

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
            .field("authorization", &crate::redact::REDACTED)
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
/// use apigwv2::unversioned::sigv4::RequestSigner;
/// use apigwv2::Credentials;
/// let signer = RequestSigner::new("us-east-1", "apigateway");
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let t = time::macros::datetime!(2024-01-01 00:00:00 UTC);
/// let query = apigwv2::unversioned::sigv4::CanonicalQuery::parse("maxResults=5");
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
    pub fn sign_get<'i>(
        &self,
        identity: impl Into<Identity<'i>>,
        time: OffsetDateTime,
        host: &str,
        path: &str,
        query: &CanonicalQuery,
    ) -> SignedHeaders {
        self.sign("GET", identity, time, host, path, query)
    }

    /// As [`RequestSigner::sign_get`], for any body-less method.
    pub fn sign<'i>(
        &self,
        method: &str,
        identity: impl Into<Identity<'i>>,
        time: OffsetDateTime,
        host: &str,
        path: &str,
        query: &CanonicalQuery,
    ) -> SignedHeaders {
        let id: Identity<'_> = identity.into();
        let amz_date = format_amz_date(time);
        let token = id.session_token.map(normalize_header_value);
        let signed_headers = if token.is_some() {
            "host;x-amz-date;x-amz-security-token"
        } else {
            "host;x-amz-date"
        };
        let host = normalize_header_value(host);
        let mut headers = [("host", &*host), ("x-amz-date", amz_date.as_str()), ("", "")];
        let n = match &token {
            Some(t) => {
                headers[2] = ("x-amz-security-token", t);
                3
            }
            None => 2,
        };

        // Stage 1 into a buffer reused by this thread, hashed in one go.
        let mut buf = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        buf.clear();
        write_canonical(
            &mut buf,
            method,
            |o| push_canonical_path(o, path, true),
            query.as_str(),
            headers[..n].iter().copied(),
            signed_headers,
            EMPTY_PAYLOAD_SHA256,
            false,
        );
        let creq_hash: [u8; 32] = Sha256::digest(buf.as_bytes()).into();

        // Stage 3, cached: the day's key and its keyed HMAC state.
        let mut guard = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let date: [u8; 8] = amz_date.as_bytes()[..8].try_into().expect("8 ASCII digits");
        let fresh = !matches!(&*guard, Some(c) if c.date == date && c.secret == id.secret_access_key);
        if fresh {
            let key = derive_signing_key(id.secret_access_key, &amz_date[..8], &self.region, &self.service);
            *guard = Some(Cached {
                date,
                secret: id.secret_access_key.to_owned(),
                scope: credential_scope(&amz_date, &self.region, &self.service),
                mac: key.hmac(),
            });
        }
        let cached = guard.as_ref().expect("filled above");
        // Stages 2 and 4, in the same buffer.
        buf.clear();
        write_string_to_sign(&mut buf, &amz_date, &cached.scope, &creq_hash);
        let signature = signature_with(&cached.mac, &buf);
        let authorization = authorization(id.access_key_id, &cached.scope, signed_headers, &signature);
        drop(guard);
        // Hand the buffer back for the next signature on this thread (unless it grew huge).
        if buf.capacity() <= 64 * 1024 {
            SCRATCH.with(|s| *s.borrow_mut() = buf);
        }
        SignedHeaders {
            amz_date,
            authorization,
        }
    }
}

thread_local! {
    /// A reusable buffer for canonical requests and strings to sign, one per thread.
    static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::{sign, SignableRequest, SigningParams};
    use crate::Credentials;

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
        use crate::sigv4::canonical::{needs_normalizing, normalize_path};
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
        let rng = std::cell::RefCell::new(crate::rng::Rng(0x1234_5678_9abc_def0));
        let rnd = |n: usize| rng.borrow_mut().below(n);
        let alphabet: Vec<char> = "aZ09-._~+/=% $&?éü☃\u{1F600}.".chars().collect();
        let signer = RequestSigner::new("eu-west-1", "apigateway");
        for i in 0..2000 {
            let word =
                |max: usize| -> String { (0..rnd(max)).map(|_| alphabet[rnd(alphabet.len())]).collect() };
            let api = word(12);
            let token = word(20);
            let mut path = String::from("/v2/apis/");
            crate::encode::encode_into(&mut path, &api, false);
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
                crate::encode::encode_into(&mut query, &token, false);
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
