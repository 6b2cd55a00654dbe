//! Differential SigV4 check: thousands of generated requests signed by this crate (the
//! general [`sigv4::sign`] and the client's [`RequestSigner`]) and by `aws-sigv4`, the AWS SDK
//! for Rust's signer, which shares no code with ours (not even the HMAC and SHA-256 crate
//! versions), compared exactly.
//!
//! Why: `LocalApiGateway` checks signatures by signing again with this crate's own signer, so a
//! bug both sides share passes every loopback test, and the official vectors are few. Each case
//! compares, in this order, so that a failure names the stage that broke:
//! 1. the signing key: our derived key and theirs sign the same string to sign;
//! 2. the canonical request, captured from aws-sigv4's `tracing` output (which hides the
//!    session token's value; the token itself is covered by the signature);
//! 3. the `x-amz-date`, `x-amz-security-token` and `Authorization` headers, byte for byte;
//! 4. the same request without extra headers or body, signed by [`RequestSigner`].
//!
//! The cases come from a seeded generator, so every run checks the same ones: paths with
//! reserved, raw and percent-encoded non-ASCII, empty, `.` and `..` segments; queries with
//! reserved and non-ASCII characters, empty keys and values, keys without `=`, repeated
//! parameters and lower-case escapes; extra headers with blanks to trim and repeated names;
//! bodies; session tokens; times on either side of midnight, of a year's end and of leap days,
//! fed in order to one [`RequestSigner`] per scope so that its cached day key must roll over.
//! The test also counts each of these kinds and fails if the generator stops making them.
//!
//! Where the two implementations knowingly differ, the generator stays out, and says why:
//! - a raw `+` in a query: aws-sigv4 reads it as a space (form encoding), this crate as a `+`
//!   (RFC 3986). The client never sends one: it sends `%2B`.
//! - blanks other than spaces in header values: this crate trims and collapses all ASCII
//!   whitespace, aws-sigv4 only spaces. The client's header values have no blanks.
//! - `connection` and `expect` headers: this crate leaves them unsigned (proxies change
//!   them), aws-sigv4 signs them. The client sends neither.
//! - a path ending in a `.` or `..` segment (`/a/b/..`): aws-sigv4 keeps a trailing `/`
//!   (`/a/`), this crate and botocore do not (`/a`). The client's paths have no dot segments.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

mod common;

use common::rng::Rng;

use apigwv2::unversioned::sigv4::{self, CanonicalQuery, RequestSigner, SignableRequest, SigningParams};
use apigwv2::Credentials;
use aws_sigv4::http_request as theirs;
use time::OffsetDateTime;

/// How many requests are generated; each is signed twice on each side (with and without
/// its extra headers and body).
const CASES: usize = 4000;

// ---------------------------------------------------------------------------------------
// aws-sigv4's canonical request, captured from its trace event.

thread_local! {
    static CAPTURED_CREQ: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A `tracing` subscriber that keeps the `canonical_request` field of the events it sees.
struct CaptureCanonicalRequest;

struct FieldVisitor;

impl tracing::field::Visit for FieldVisitor {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "canonical_request" {
            // Recorded with `%`, so the Debug form is the Display form.
            CAPTURED_CREQ.with(|c| *c.borrow_mut() = Some(format!("{value:?}")));
        }
    }
}

impl tracing::Subscriber for CaptureCanonicalRequest {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut FieldVisitor);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

// ---------------------------------------------------------------------------------------
// The generator.

const WORD: &[&str] = &["a", "Z", "q", "0", "9", "stage", "v2", "-", ".", "_", "~"];
/// What a path may hold raw on the wire: sub-delimiters, `:` `@`, `%` (with and without a
/// valid escape after it), a few characters http accepts unescaped, and UTF-8.
const PATH_RAW: &[&str] = &[
    "a", "B", "7", "-", "_", "~", ".", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@", "%",
    "%41", "%2f", "%zz", "[", "]", "|", "{", "}", "é", "日本", "😀",
];
/// What a query key or value may hold raw on the wire (no `&`, `=`, `+`, `#`, blank).
const QUERY_RAW: &[&str] = &[
    "a", "B", "7", "-", "_", "~", ".", "!", "$", "'", "(", ")", "*", ",", ";", ":", "@", "/", "?", "%", "%4",
    "%zz", "%FF", "%C3", "[", "]", "^", "`", "{", "|", "}", "\\", "é", "ü", "☃",
];
/// Text to percent-encode: reserved characters, blanks, `+`, `%` and non-ASCII.
const TEXT: &[&str] = &[
    "a", "Z", "0", " ", "+", "/", "=", "&", "%", "?", "#", ":", "@", "~", "\t", "é", "ß", "日本", "😀",
    "\u{7f}", "\u{0}",
];
const REGIONS: &[&str] = &[
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "cn-north-1",
    "us-gov-west-1",
];
const SERVICES: &[&str] = &["apigateway", "execute-api", "sts", "service"];
const HOSTS: &[&str] = &[
    "apigateway.us-east-1.amazonaws.com",
    "example.amazonaws.com",
    "127.0.0.1:4566",
    "localhost",
    "[::1]:8443",
];
const METHODS: &[&str] = &["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];
const HEADER_NAMES: &[&str] = &[
    "Content-Type",
    "content-type",
    "X-Amz-Target",
    "x-custom-header",
    "Accept",
    "X-Amz-Meta-Note",
];
const HEADER_VALUE: &[&str] = &["a", "B", "1", "/", "-", ";", "=", ",", ".", "json", " ", "  "];
const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// One generated request and who signs it when.
struct Case {
    method: &'static str,
    host: &'static str,
    path: String,
    query: String,
    /// Extra headers (the host header is always added first).
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    access_key: String,
    secret: String,
    token: Option<String>,
    /// Whether the session token is signed, or only sent (aws-sigv4's `SessionTokenMode`).
    sign_token: bool,
    region: &'static str,
    service: &'static str,
    unix: i64,
    nanos: u32,
}

/// How often each kind of input came up, so that the generator cannot quietly stop making it.
#[derive(Debug, Default)]
struct Coverage {
    session_tokens: usize,
    unsigned_tokens: usize,
    empty_segments: usize,
    dot_segments: usize,
    raw_non_ascii_paths: usize,
    encoded_paths: usize,
    repeated_params: usize,
    keys_without_equals: usize,
    empty_values: usize,
    lower_case_escapes: usize,
    raw_non_ascii_queries: usize,
    repeated_headers: usize,
    blanks_to_collapse: usize,
    bodies: usize,
    /// One `RequestSigner` signed for one day, then for another with the same secret.
    day_changes: usize,
    /// ... a few seconds later, across midnight.
    midnight_crossings: usize,
    /// ... across midnight on 31 December.
    new_years: usize,
    leap_days: usize,
    secret_changes: usize,
}

/// Midnight UTC of a date, as Unix seconds.
fn midnight(year: i32, month: time::Month, day: u8) -> i64 {
    time::Date::from_calendar_date(year, month, day)
        .unwrap()
        .midnight()
        .assume_utc()
        .unix_timestamp()
}

struct Generator {
    rng: Rng,
    prev: Option<Case>,
}

impl Generator {
    fn path_segment(&mut self, cov: &mut Coverage) -> String {
        let r = &mut self.rng;
        match r.below(9) {
            0 => {
                cov.empty_segments += 1;
                String::new()
            }
            1 | 2 => {
                cov.dot_segments += 1;
                r.pick(&[".", ".."]).to_owned()
            }
            3 | 4 => {
                cov.encoded_paths += 1;
                sigv4::uri_encode(&r.text(TEXT, 6))
            }
            5 | 6 => {
                let s = r.text(PATH_RAW, 6);
                if !s.is_ascii() {
                    cov.raw_non_ascii_paths += 1;
                }
                s
            }
            _ => r.text(WORD, 4),
        }
    }

    fn path(&mut self, cov: &mut Coverage) -> String {
        if self.rng.chance(1, 5) {
            // The client's own shape: /v2/apis/{id}/stages with an encoded id.
            return format!("/v2/apis/{}/stages", sigv4::uri_encode(&self.rng.text(TEXT, 8)));
        }
        let mut path = String::new();
        let mut last = String::new();
        for _ in 0..self.rng.below(6) {
            last = self.path_segment(cov);
            path.push('/');
            path.push_str(&last);
        }
        // A path never ends in a dot segment (see the module doc): add the `/` on which
        // both implementations agree.
        if path.is_empty() || last == "." || last == ".." || self.rng.chance(1, 5) {
            path.push('/');
        }
        path
    }

    fn query_part(&mut self, cov: &mut Coverage) -> String {
        let r = &mut self.rng;
        match r.below(7) {
            0 => String::new(),
            1 => r
                .pick(&["maxResults", "nextToken", "a", "A", "a-", "b", "25"])
                .to_owned(),
            2 | 3 => {
                let s = r.text(QUERY_RAW, 6);
                if !s.is_ascii() {
                    cov.raw_non_ascii_queries += 1;
                }
                s
            }
            4 => {
                // Escapes in lower case, which both sides must print in upper case.
                cov.lower_case_escapes += 1;
                let text = r.text(TEXT, 5) + "/";
                sigv4::uri_encode(&text).to_ascii_lowercase()
            }
            _ => sigv4::uri_encode(&r.text(TEXT, 6)),
        }
    }

    fn query(&mut self, cov: &mut Coverage) -> String {
        let mut pairs: Vec<String> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for _ in 0..self.rng.below(6) {
            let key = if !keys.is_empty() && self.rng.chance(1, 4) {
                cov.repeated_params += 1;
                keys[self.rng.below(keys.len())].clone()
            } else {
                self.query_part(cov)
            };
            keys.push(key.clone());
            pairs.push(match self.rng.below(6) {
                0 => {
                    cov.keys_without_equals += 1;
                    key
                }
                1 => {
                    cov.empty_values += 1;
                    format!("{key}=")
                }
                _ => format!("{key}={}", self.query_part(cov)),
            });
            if self.rng.chance(1, 20) {
                pairs.push(String::new()); // `&&`
            }
        }
        pairs.join("&")
    }

    fn headers(&mut self, cov: &mut Coverage) -> Vec<(&'static str, String)> {
        let mut headers: Vec<(&'static str, String)> = Vec::new();
        for _ in 0..self.rng.below(4) {
            let name = self.rng.pick(HEADER_NAMES);
            if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                cov.repeated_headers += 1;
            }
            let value = self.rng.text(HEADER_VALUE, 8);
            if value.trim().contains("  ") {
                cov.blanks_to_collapse += 1;
            }
            headers.push((name, value));
        }
        headers
    }

    fn credentials(&mut self) -> (String, String, Option<String>) {
        let key = format!(
            "AKIA{}",
            self.base64(16).to_ascii_uppercase().replace(['+', '/'], "X")
        );
        let secret = self.base64(40);
        let token_len = 16 + self.rng.below(300);
        let token = self.rng.chance(1, 2).then(|| self.base64(token_len) + "==");
        (key, secret, token)
    }

    fn base64(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| BASE64.as_bytes()[self.rng.below(BASE64.len())] as char)
            .collect()
    }

    /// A time: often just before or after midnight, a year's end or a leap day; often a few
    /// seconds after the previous case's, so that a signer's cached day key must roll over.
    fn time(&mut self, cov: &mut Coverage) -> (i64, u32) {
        use time::Month::*;
        let r = &mut self.rng;
        let jitter = |r: &mut Rng| r.below(7) as i64 - 3;
        let unix = match (r.below(10), &self.prev) {
            (0..=2, Some(prev)) => prev.unix + r.below(3) as i64,
            (3 | 4, _) => {
                let day = r.below(80_000) as i64; // 1970 to 2189
                day * 86_400 + jitter(r)
            }
            (5 | 6, _) => midnight(1971 + r.below(220) as i32, January, 1) + jitter(r),
            (7, _) => {
                cov.leap_days += 1;
                let (year, month, day) = *r.pick(&[
                    &(2000, February, 29),
                    &(2000, March, 1),
                    &(2024, February, 29),
                    &(2024, March, 1),
                    &(2100, March, 1), // 2100 is not a leap year
                    &(2096, February, 29),
                ]);
                midnight(year, month, day) + jitter(r)
            }
            _ => r.below(7_258_118_400) as i64, // up to 2200
        };
        let nanos = if r.chance(1, 3) {
            r.below(1_000_000_000) as u32
        } else {
            0
        };
        (unix.max(0), nanos)
    }

    fn case(&mut self, cov: &mut Coverage) -> Case {
        let (unix, nanos) = self.time(cov);
        // Often the same scope and credentials as the case before, so that one RequestSigner
        // sees a run of times.
        let (region, service, access_key, secret, token) = match &self.prev {
            Some(p) if self.rng.chance(3, 5) => (
                p.region,
                p.service,
                p.access_key.clone(),
                p.secret.clone(),
                p.token.clone(),
            ),
            _ => {
                let (k, s, t) = self.credentials();
                (self.rng.pick(REGIONS), self.rng.pick(SERVICES), k, s, t)
            }
        };
        if token.is_some() {
            cov.session_tokens += 1;
        }
        let sign_token = token.is_none() || self.rng.chance(4, 5);
        if !sign_token {
            cov.unsigned_tokens += 1;
        }
        let body: Vec<u8> = if self.rng.chance(1, 4) {
            cov.bodies += 1;
            (0..self.rng.below(64)).map(|_| self.rng.next() as u8).collect()
        } else {
            Vec::new()
        };
        let case = Case {
            method: self.rng.pick(METHODS),
            host: self.rng.pick(HOSTS),
            path: self.path(cov),
            query: self.query(cov),
            headers: self.headers(cov),
            body,
            access_key,
            secret,
            token,
            sign_token,
            region,
            service,
            unix,
            nanos,
        };
        self.prev = Some(Case {
            headers: Vec::new(),
            body: Vec::new(),
            path: String::new(),
            query: String::new(),
            access_key: case.access_key.clone(),
            secret: case.secret.clone(),
            token: case.token.clone(),
            ..case
        });
        case
    }
}

// ---------------------------------------------------------------------------------------
// Signing on both sides.

/// What aws-sigv4 produced for a request.
struct Theirs {
    canonical_request: String,
    headers: Vec<(String, String)>,
    signature: String,
}

impl Theirs {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn sign_theirs(case: &Case, headers: &[(&str, &str)], body: &[u8]) -> Result<Theirs, String> {
    let identity = aws_credential_types::Credentials::new(
        &case.access_key,
        &case.secret,
        case.token.clone(),
        None,
        "differential-test",
    )
    .into();
    let time = SystemTime::UNIX_EPOCH + Duration::new(case.unix as u64, case.nanos);
    let mut settings = theirs::SigningSettings::default();
    if !case.sign_token {
        settings.session_token_mode = theirs::SessionTokenMode::Exclude;
    }
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(case.region)
        .name(case.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let mut uri = format!("https://{}{}", case.host, case.path);
    if !case.query.is_empty() {
        uri.push('?');
        uri.push_str(&case.query);
    }
    let request = theirs::SignableRequest::new(
        case.method,
        uri.as_str(),
        headers.iter().copied(),
        theirs::SignableBody::Bytes(body),
    )
    .map_err(|e| format!("aws-sigv4 rejected the request {uri:?}: {e}"))?;
    CAPTURED_CREQ.with(|c| c.borrow_mut().take());
    let (instructions, signature) = theirs::sign(request, &params)
        .map_err(|e| format!("aws-sigv4 failed: {e}"))?
        .into_parts();
    let canonical_request = CAPTURED_CREQ
        .with(|c| c.borrow_mut().take())
        .ok_or("aws-sigv4 logged no canonical request (is its trace event gone?)")?;
    Ok(Theirs {
        canonical_request,
        headers: instructions
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect(),
        signature,
    })
}

/// Our canonical request as aws-sigv4 logs it: the session token's value hidden.
fn redact_like_theirs(creq: &str, token: Option<&str>) -> String {
    match token {
        Some(t) => creq.replace(
            &format!("\nx-amz-security-token:{t}\n"),
            &format!("\nx-amz-security-token:** redacted (length={}) **\n", t.len()),
        ),
        None => creq.to_owned(),
    }
}

/// Our side of one request: the general signer's output, and the client's `RequestSigner`'s
/// when it was asked to sign too.
struct Ours {
    out: sigv4::SigningOutput,
    fast: Option<apigwv2::unversioned::sigv4::SignedHeaders>,
}

fn time_of(case: &Case) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(case.unix) * 1_000_000_000 + i128::from(case.nanos))
        .unwrap()
}

fn sign_ours(case: &Case, headers: &[(&str, &str)], body: &[u8], fast: Option<&RequestSigner>) -> Ours {
    let creds = Credentials::new(&case.access_key, &case.secret, case.token.clone());
    let req = SignableRequest {
        method: case.method,
        path: &case.path,
        query: &case.query,
        headers,
        body,
    };
    let mut params = SigningParams::new(&creds, case.region, case.service, time_of(case));
    params.settings.sign_session_token = case.sign_token;
    Ours {
        out: sigv4::sign(&req, &params),
        // RequestSigner always signs the session token.
        fast: fast.filter(|_| case.sign_token).map(|signer| {
            let query = CanonicalQuery::parse(&case.query);
            signer.sign(case.method, &creds, time_of(case), case.host, &case.path, &query)
        }),
    }
}

/// Compares both sides of one request, stage by stage; the first stage that differs is the
/// error.
fn check(case: &Case, ours: &Ours, theirs: &Theirs) -> Result<(), String> {
    let out = &ours.out;
    // 1. Key derivation: both keys sign our string to sign.
    let amz_date = sigv4::format_amz_date(time_of(case));
    let our_key = sigv4::derive_signing_key(&case.secret, &amz_date[..8], case.region, case.service);
    let their_key = aws_sigv4::sign::v4::generate_signing_key(
        &case.secret,
        SystemTime::UNIX_EPOCH + Duration::new(case.unix as u64, case.nanos),
        case.region,
        case.service,
    );
    let probe = out.string_to_sign();
    if sigv4::signature(&our_key, probe)
        != aws_sigv4::sign::v4::calculate_signature(their_key, probe.as_bytes())
    {
        return Err(format!(
            "signing key derivation differs (date {}, region {}, service {}): the same string \
             to sign gives another signature",
            &amz_date[..8],
            case.region,
            case.service
        ));
    }
    // 2. The canonical request.
    let our_creq = redact_like_theirs(&out.canonical_request().to_string(), case.token.as_deref());
    if our_creq != theirs.canonical_request {
        return Err(format!(
            "canonical request differs\n--- aws-sigv4\n{}\n--- ours\n{our_creq}",
            theirs.canonical_request
        ));
    }
    // The canonical query is empty exactly when theirs is.
    let their_query = theirs.canonical_request.lines().nth(2).unwrap_or_default();
    if CanonicalQuery::parse(&case.query).is_empty() != their_query.is_empty() {
        return Err(format!("CanonicalQuery::is_empty is wrong for {their_query:?}"));
    }
    // 3. The headers to send, the signature among them: the same set, each once.
    let mut our_headers: Vec<(String, String)> = out
        .headers()
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.clone()))
        .collect();
    let mut their_headers = theirs.headers.clone();
    our_headers.sort();
    their_headers.sort();
    let names = |h: &[(String, String)]| h.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if names(&our_headers) != names(&their_headers) {
        return Err(format!(
            "the headers to set differ: aws-sigv4 {:?}, ours {:?}",
            names(&their_headers),
            names(&our_headers)
        ));
    }
    let our_header = |name: &str| {
        out.headers()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    for name in ["x-amz-date", "x-amz-security-token"] {
        if our_header(name) != theirs.header(name) {
            return Err(format!(
                "{name} differs: aws-sigv4 {:?}, ours {:?}",
                theirs.header(name),
                our_header(name)
            ));
        }
    }
    if out.signature() != theirs.signature {
        return Err(format!(
            "signature differs although the canonical requests and the keys agree\n--- our \
             string to sign\n{}",
            out.string_to_sign()
        ));
    }
    if Some(out.authorization()) != theirs.header("authorization") {
        return Err(format!(
            "Authorization differs\n--- aws-sigv4\n{:?}\n--- ours\n{}",
            theirs.header("authorization"),
            out.authorization()
        ));
    }
    // 4. The client's streaming signer.
    if let Some(fast) = &ours.fast {
        if Some(fast.amz_date.as_str()) != theirs.header("x-amz-date")
            || Some(fast.authorization.as_str()) != theirs.header("authorization")
        {
            return Err(format!(
                "RequestSigner differs from aws-sigv4 (and so from sigv4::sign)\n--- aws-sigv4\n{:?}\n\
                 --- RequestSigner\n{}",
                theirs.header("authorization"),
                fast.authorization
            ));
        }
    }
    Ok(())
}

fn describe(i: usize, case: &Case) -> String {
    let mut s = format!(
        "case {i}: {} https://{}{}?{} at {}.{:09} ({}), {} {}, token: {}",
        case.method,
        case.host,
        case.path,
        case.query,
        case.unix,
        case.nanos,
        sigv4::format_amz_date(OffsetDateTime::from_unix_timestamp(case.unix).unwrap()),
        case.region,
        case.service,
        case.token.is_some()
    );
    for (n, v) in &case.headers {
        let _ = write!(s, "\n  {n}: {v:?}");
    }
    if !case.body.is_empty() {
        let _ = write!(s, "\n  body: {} bytes", case.body.len());
    }
    s
}

#[test]
fn thousands_of_generated_requests_sign_exactly_as_aws_sigv4_signs_them() {
    tracing::subscriber::with_default(CaptureCanonicalRequest, || {
        let mut generator = Generator {
            rng: Rng(0x5EED_0FA1_6A7E_2024),
            prev: None,
        };
        let mut cov = Coverage::default();
        let mut signers: HashMap<(&str, &str), RequestSigner> = HashMap::new();
        // Per signer: the day, secret and time it last signed with.
        let mut last_use: HashMap<(&str, &str), (String, String, i64)> = HashMap::new();
        let (mut compared, mut failed) = (0, 0);
        let mut first_failures: Vec<String> = Vec::new();
        for i in 0..CASES {
            let case = generator.case(&mut cov);
            let host = [("Host", case.host)];
            let mut full: Vec<(&str, &str)> = host.to_vec();
            full.extend(case.headers.iter().map(|(n, v)| (*n, v.as_str())));

            let scope = (case.region, case.service);
            let day = sigv4::format_amz_date(OffsetDateTime::from_unix_timestamp(case.unix).unwrap())[..8]
                .to_owned();
            match last_use.insert(scope, (day.clone(), case.secret.clone(), case.unix)) {
                Some((d, secret, unix)) if secret == case.secret && d != day => {
                    cov.day_changes += 1;
                    // Signed a few seconds before, on the other side of midnight.
                    if (1..=10).contains(&(case.unix - unix)) {
                        cov.midnight_crossings += 1;
                        if d[..4] != day[..4] {
                            cov.new_years += 1;
                        }
                    }
                }
                Some((_, secret, _)) if secret != case.secret => cov.secret_changes += 1,
                _ => {}
            }
            let signer = signers
                .entry(scope)
                .or_insert_with(|| RequestSigner::new(case.region, case.service));

            for (what, headers, body, fast) in [
                ("with its headers and body", &full[..], &case.body[..], None),
                ("bare", &host[..], &[][..], Some(&*signer)),
            ] {
                compared += 1;
                let result = sign_theirs(&case, headers, body)
                    .and_then(|theirs| check(&case, &sign_ours(&case, headers, body, fast), &theirs));
                if let Err(e) = result {
                    failed += 1;
                    if first_failures.len() < 5 {
                        first_failures.push(format!("{} ({what}): {e}", describe(i, &case)));
                    }
                }
            }
        }
        assert!(
            failed == 0,
            "{failed} of {compared} signatures differ from aws-sigv4; the first:\n\n{}",
            first_failures.join("\n\n")
        );
        assert_eq!(compared, 2 * CASES);
        eprintln!("{compared} signatures compared with aws-sigv4; generated: {cov:#?}");

        // The generator still makes every kind of input the module doc promises.
        let counts = [
            ("session tokens", cov.session_tokens),
            ("session tokens sent unsigned", cov.unsigned_tokens),
            ("empty path segments", cov.empty_segments),
            ("dot segments", cov.dot_segments),
            ("raw non-ASCII paths", cov.raw_non_ascii_paths),
            ("percent-encoded path segments", cov.encoded_paths),
            ("repeated parameters", cov.repeated_params),
            ("keys without =", cov.keys_without_equals),
            ("empty values", cov.empty_values),
            ("lower-case escapes", cov.lower_case_escapes),
            ("raw non-ASCII queries", cov.raw_non_ascii_queries),
            ("repeated headers", cov.repeated_headers),
            ("blanks to collapse", cov.blanks_to_collapse),
            ("bodies", cov.bodies),
            ("day changes of a RequestSigner", cov.day_changes),
            ("midnight crossings of a RequestSigner", cov.midnight_crossings),
            ("new years of a RequestSigner", cov.new_years),
            ("leap days", cov.leap_days),
            ("secret changes of a RequestSigner", cov.secret_changes),
        ];
        let missing: Vec<_> = counts.iter().filter(|(_, n)| *n < 10).collect();
        assert!(missing.is_empty(), "the generator made too few of: {missing:?}");
    });
}

#[test]
fn the_comparison_names_the_stage_that_broke() {
    tracing::subscriber::with_default(CaptureCanonicalRequest, || {
        let case = Case {
            method: "GET",
            host: "apigateway.eu-west-1.amazonaws.com",
            path: "/v2/apis/a1b2c3/stages".into(),
            query: "maxResults=2&nextToken=a%2Bb".into(),
            headers: Vec::new(),
            body: Vec::new(),
            access_key: "AKIDEXAMPLE".into(),
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            token: Some("FwoGZXIvYXdzEXAMPLE/token+=".into()),
            sign_token: true,
            region: "eu-west-1",
            service: "apigateway",
            unix: 1_700_000_000,
            nanos: 0,
        };
        let host = [("Host", case.host)];
        let signer = RequestSigner::new(case.region, case.service);
        let theirs = sign_theirs(&case, &host, b"").unwrap();
        check(&case, &sign_ours(&case, &host, b"", Some(&signer)), &theirs).unwrap();

        // A header only one side signs: the canonical requests differ.
        let extra = [("Host", case.host), ("X-Extra", "1")];
        let err = check(&case, &sign_ours(&case, &extra, b"", None), &theirs).unwrap_err();
        assert!(err.starts_with("canonical request differs"), "{err}");
        // Another secret on their side: same canonical request, another signature.
        let ours = sign_ours(&case, &host, b"", None);
        let other = Case {
            secret: "another-secret".into(),
            ..case
        };
        let theirs = sign_theirs(&other, &host, b"").unwrap();
        let err = check(&other, &ours, &theirs).unwrap_err();
        assert!(err.starts_with("signature differs"), "{err}");
    });
}
