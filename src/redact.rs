//! What must never be printed, and how outside text is made safe to print: the one list
//! of secret header names, user-info stripped from URLs, and control characters escaped
//! (the rule and the escaping are `escape`'s, shared with the command, and named here too).
//!
//! Near a leaf: it depends only on `escape`, so the signer, the transport, the errors and
//! the test server can all use it.

use std::borrow::Cow;
use std::fmt;

pub(crate) use crate::escape::{needs_escape, Escaped, Escaping};

/// What a secret value is shown as.
pub(crate) const REDACTED: &str = "** redacted **";

/// True for header names whose values are secrets: `authorization` (SigV4 signatures,
/// container tokens), and every `*token` header (`x-amz-security-token`,
/// `x-amz-sso_bearer_token`, `x-aws-ec2-metadata-token`). Case-insensitive.
pub(crate) fn is_secret_header(name: &str) -> bool {
    let n = name.as_bytes();
    let ends_token = n.len() >= 5 && n[n.len() - 5..].eq_ignore_ascii_case(b"token");
    ends_token || n.windows(13).any(|w| w.eq_ignore_ascii_case(b"authorization"))
}

/// Header pairs, with the values of secret headers hidden.
pub(crate) struct RedactedHeaders<'a, N: AsRef<str>, V: AsRef<str>>(pub(crate) &'a [(N, V)]);

impl<N: AsRef<str>, V: AsRef<str>> fmt::Debug for RedactedHeaders<'_, N, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(n, v)| {
                let n = n.as_ref();
                let v = if is_secret_header(n) { REDACTED } else { v.as_ref() };
                (n, v)
            }))
            .finish()
    }
}

/// The URL with any user name and password replaced by `***`, for error messages. A
/// password may itself hold `/`, `?` or `#` (a URL that fails to parse for that very
/// reason), so everything up to the last `@` is hidden: an `@` in a path costs some of the
/// message, never a secret.
pub(crate) fn url_without_userinfo(url: &str) -> Cow<'_, str> {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].rfind('@') {
        Some(at) => Cow::Owned(format!("{}***{}", &url[..start], &url[start + at..])),
        None => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_headers() {
        for n in [
            "Authorization",
            "x-amz-security-token",
            "X-Amz-Sso_Bearer_Token",
            "x-aws-ec2-metadata-token",
            "proxy-authorization",
        ] {
            assert!(is_secret_header(n), "{n}");
        }
        for n in [
            "host",
            "x-amz-date",
            "x-aws-ec2-metadata-token-ttl-seconds",
            "tok",
        ] {
            assert!(!is_secret_header(n), "{n}");
        }
    }

    #[test]
    fn userinfo_is_stripped() {
        assert_eq!(url_without_userinfo("https://u:pw@h:1/p@x"), "https://***@x");
        assert_eq!(url_without_userinfo("http://a@b@h/"), "http://***@h/");
        assert_eq!(url_without_userinfo("u:pw@h"), "***@h");
        assert_eq!(url_without_userinfo("https://h/p?q=a@b"), "https://***@b");
        assert_eq!(
            url_without_userinfo("https://admin:s3cr#t@ls:4566"),
            "https://***@ls:4566"
        );
        assert_eq!(
            url_without_userinfo("http://bob:pa/ss@proxy:3128"),
            "http://***@proxy:3128"
        );
        assert_eq!(url_without_userinfo("https://h"), "https://h");
    }

    #[test]
    fn secret_header_names_at_their_edges() {
        for n in [
            "token",
            "TOKEN",
            "x-token",
            "authorization",
            "x-authorization-info",
            "AUTHORIZATIONS",
        ] {
            assert!(is_secret_header(n), "{n}");
        }
        for n in [
            "",
            "toke",
            "oken",
            "tokens",
            "token-id",
            "authorizatio",
            "uthorization",
            "auth",
        ] {
            assert!(!is_secret_header(n), "{n}");
        }
        let headers = [
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/..."),
            ("x-amz-security-token", "SESSION"),
            ("host", "h"),
        ];
        assert_eq!(
            format!("{:?}", RedactedHeaders(&headers)),
            "[(\"Authorization\", \"** redacted **\"), (\"x-amz-security-token\", \"** redacted **\"), (\"host\", \"h\")]"
        );
    }

    #[test]
    fn userinfo_at_its_edges() {
        // No scheme: everything to the last `@` is hidden; a scheme alone is kept.
        assert_eq!(url_without_userinfo("@h"), "***@h");
        assert_eq!(url_without_userinfo("://@h"), "://***@h");
        assert_eq!(url_without_userinfo("h"), "h");
        assert_eq!(url_without_userinfo(""), "");
        assert_eq!(url_without_userinfo("http://u@"), "http://***@");
    }
}
