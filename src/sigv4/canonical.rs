//! The canonical request: the exact text that SigV4 hashes, built from a request's method,
//! path, query, headers and payload hash.
//!
//! It is kept as its parts, with `Display` giving the canonical form byte for byte, so that a
//! test (or a user chasing a `SignatureDoesNotMatch`) can compare it with the service's.

use std::fmt;

use std::borrow::Cow;

use super::{SignableRequest, SigningSettings};
use crate::encode::{encode_into, percent_decode};

/// Headers that are never signed, because proxies and the transport may change them.
const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "expect",
    "connection",
    "transfer-encoding",
];

/// A canonical request, as SigV4 defines it.
///
/// `Display` prints the canonical form: method, path, query, headers, signed header list
/// and payload hash, joined with `\n`. The values of `x-amz-security-token` (and of any
/// header whose name ends in `token` or contains `authorization`) are shown as
/// `** redacted **` by [`CanonicalRequest::redacted`], which is the form to log.
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    /// Lower-case name and normalized value, sorted by name, duplicates already joined.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) signed_headers: String,
    pub(crate) payload_hash: String,
}

impl CanonicalRequest {
    /// The `;`-separated list of signed header names, e.g. `host;x-amz-date`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The canonical path (normalized when the settings ask for it, then URI-encoded).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The canonical query string (pairs encoded once and sorted).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The hex SHA-256 of the payload, as it ends the canonical request.
    pub fn payload_hash(&self) -> &str {
        &self.payload_hash
    }

    /// A form of the canonical request that is safe to log: security tokens are hidden.
    pub fn redacted(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, true)
            .expect("writing to a String cannot fail");
        out
    }

    pub(crate) fn write(&self, out: &mut String, redact: bool) -> fmt::Result {
        write_canonical(
            out,
            &self.method,
            |o| o.push_str(&self.path),
            &self.query,
            self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            &self.signed_headers,
            &self.payload_hash,
            redact,
        );
        Ok(())
    }
}

/// Stage 1, shared by both signers: writes a canonical request from its parts. `path`
/// appends the canonical path; `headers` are lower-case, sorted and normalized. With
/// `redact`, secret header values are hidden (the form for logs).
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_canonical<'h>(
    out: &mut String,
    method: &str,
    path: impl FnOnce(&mut String),
    query: &str,
    headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    signed_headers: &str,
    payload_hash: &str,
    redact: bool,
) {
    out.push_str(method);
    out.push('\n');
    path(out);
    out.push('\n');
    out.push_str(query);
    out.push('\n');
    for (name, value) in headers {
        out.push_str(name);
        out.push(':');
        if redact && crate::redact::is_secret_header(name) {
            out.push_str(crate::redact::REDACTED);
        } else {
            out.push_str(value);
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(signed_headers);
    out.push('\n');
    out.push_str(payload_hash);
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(256);
        self.write(&mut out, false)?;
        f.write_str(&out)
    }
}

impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Resolves `.` and `..` segments and collapses repeated `/`, keeping a trailing `/`.
pub(crate) fn normalize_path(path: &str) -> String {
    let mut stack: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                stack.pop();
            }
            s => stack.push(s),
        }
    }
    let mut out = String::with_capacity(path.len());
    out.push('/');
    out.push_str(&stack.join("/"));
    if !stack.is_empty() && path.ends_with('/') {
        out.push('/');
    }
    out
}

/// The canonical path: optionally normalized, then every byte but the unreserved ones and
/// `/` escaped. The path is taken as it goes on the wire, so an escape already in it is
/// escaped again (`%3D` becomes `%253D`), as every service but S3 expects.
pub(crate) fn canonical_path(path: &str, normalize: bool) -> String {
    let mut out = String::with_capacity(path.len() + 16);
    push_canonical_path(&mut out, path, normalize);
    out
}

/// Appends the canonical path (stage 1's path, shared by both signers): normalized when
/// asked and needed, then encoded.
pub(crate) fn push_canonical_path(out: &mut String, path: &str, normalize: bool) {
    let path = if path.is_empty() { "/" } else { path };
    if normalize && needs_normalizing(path) {
        encode_into(out, &normalize_path(path), true);
    } else {
        encode_into(out, path, true);
    }
}

/// True when normalizing would change the path: it does not start with `/`, or has an
/// empty, `.` or `..` segment (other than an empty last one). One pass over the bytes.
pub(crate) fn needs_normalizing(path: &str) -> bool {
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

/// The canonical query: each `key=value` pair decoded, encoded once, then sorted by key and
/// value. A key without `=` gets an empty value.
pub(crate) fn canonical_query(query: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let mut key = String::with_capacity(k.len());
            encode_into(&mut key, &percent_decode(k), false);
            let mut value = String::with_capacity(v.len());
            encode_into(&mut value, &percent_decode(v), false);
            (key, value)
        })
        .collect();
    pairs.sort();
    let mut out = String::with_capacity(query.len() + 8);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// A query string in SigV4 canonical form: every key and value percent-encoded with
/// [`uri_encode`](crate::unversioned::sigv4::uri_encode) and the pairs sorted by key, then
/// value. It is also a valid wire query, so a request can send exactly what it signs. Only
/// the constructors here make one, so a signer can hash it without checking it again.
///
/// ```
/// use apigwv2::unversioned::sigv4::CanonicalQuery;
/// let mut q = CanonicalQuery::default();
/// q.push("nextToken", "a+b/c=");
/// q.push("maxResults", "25");
/// assert_eq!(q.as_str(), "maxResults=25&nextToken=a%2Bb%2Fc%3D");
/// assert_eq!(CanonicalQuery::parse("b=2&a=%41+").as_str(), "a=A%2B&b=2");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CanonicalQuery(String);

impl CanonicalQuery {
    /// Canonicalizes a query as it appears on the wire: each side decoded, encoded again,
    /// pairs sorted; a key without `=` gets an empty value.
    pub fn parse(raw: &str) -> Self {
        Self(canonical_query(raw))
    }

    /// Adds a parameter (not yet encoded), keeping the canonical order.
    pub fn push(&mut self, key: &str, value: &str) {
        let mut pair = String::with_capacity(key.len() + value.len() + 1);
        encode_into(&mut pair, key, false);
        pair.push('=');
        encode_into(&mut pair, value, false);
        let last = self.0.rsplit('&').next().filter(|l| !l.is_empty());
        let in_order = last.is_none_or(|l| {
            let (lk, lv) = l.split_once('=').unwrap_or((l, ""));
            let (pk, pv) = pair.split_once('=').unwrap_or((&pair, ""));
            (lk, lv) <= (pk, pv)
        });
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.push_str(&pair);
        if !in_order {
            // Already encoded, so canonicalizing again only sorts.
            self.0 = canonical_query(&self.0);
        }
    }

    /// The canonical (and wire) form, without `?`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when there is no parameter.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Trims a header value and collapses each inner run of blanks to one space; borrowed
/// when the value is already in that form (the common case).
pub(crate) fn normalize_header_value(value: &str) -> Cow<'_, str> {
    let b = value.as_bytes();
    let clean = b.first().is_none_or(|c| !c.is_ascii_whitespace())
        && b.last().is_none_or(|c| !c.is_ascii_whitespace())
        && !b
            .windows(2)
            .any(|w| w[0].is_ascii_whitespace() && (w[1].is_ascii_whitespace() || w[0] != b' '));
    if clean {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    for (i, word) in value.split_ascii_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// Builds the canonical request. `extra` holds the headers the signer adds (`x-amz-date`,
/// maybe `x-amz-security-token` and `x-amz-content-sha256`): they replace any header of the
/// same name in the request.
pub(crate) fn build(
    req: &SignableRequest<'_>,
    settings: &SigningSettings,
    extra: &[(&str, &str)],
    payload_hash: String,
) -> CanonicalRequest {
    let mut headers: Vec<(String, String)> = Vec::with_capacity(req.headers.len() + extra.len());
    for (name, value) in req.headers {
        let name = name.to_ascii_lowercase();
        if UNSIGNED_HEADERS.contains(&name.as_str()) || extra.iter().any(|(n, _)| *n == name) {
            continue;
        }
        headers.push((name, normalize_header_value(value).into_owned()));
    }
    for (name, value) in extra {
        headers.push(((*name).to_owned(), normalize_header_value(value).into_owned()));
    }
    // A stable sort keeps duplicates in the order they appeared, then they are joined.
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let mut joined: Vec<(String, String)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        match joined.last_mut() {
            Some((last, v)) if *last == name => {
                v.push(',');
                v.push_str(&value);
            }
            _ => joined.push((name, value)),
        }
    }
    let mut signed_headers = String::new();
    for (i, (name, _)) in joined.iter().enumerate() {
        if i > 0 {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    CanonicalRequest {
        method: req.method.to_owned(),
        path: canonical_path(req.path, settings.normalize_path),
        query: canonical_query(req.query),
        headers: joined,
        signed_headers,
        payload_hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization() {
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("//example//"), "/example/");
        assert_eq!(normalize_path("/example/.."), "/");
        assert_eq!(normalize_path("/a/./b/../c"), "/a/c");
        assert_eq!(normalize_path("/../.."), "/");
    }

    #[test]
    fn path_is_encoded_again() {
        assert_eq!(canonical_path("/a%3D/@x", true), "/a%253D/%40x");
        assert_eq!(canonical_path("", true), "/");
        assert_eq!(canonical_path("//a", false), "//a");
    }

    #[test]
    fn query_is_sorted_and_encoded_once() {
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(canonical_query("k=%2B%2F&x"), "k=%2B%2F&x=");
        assert_eq!(canonical_query("k=a b+c"), "k=a%20b%2Bc");
        assert_eq!(canonical_query(""), "");
    }

    #[test]
    fn header_values_are_trimmed_and_collapsed() {
        assert_eq!(normalize_header_value("  a   b \t c  "), "a b c");
        assert_eq!(normalize_header_value(""), "");
    }
}
