//! What must never be printed, and how outside text is made safe to print: the one list
//! of secret header names, user-info stripped from URLs, and control characters escaped.
//!
//! A leaf module: it depends on nothing else in the crate, so the signer, the transport,
//! the errors and the test server can all use it.

use std::borrow::Cow;
use std::fmt;

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

/// True for characters that must not reach a terminal raw: control characters (C0, DEL,
/// C1, which include ESC and CSI) and the invisible marks that reorder a line
/// (bidirectional overrides, isolates and marks).
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// A `fmt::Write` that escapes [`needs_escape`] characters (as `\u{1b}`, `\n`, ...) on
/// their way to the formatter, so that text from a server, a file or a helper cannot move
/// the cursor, clear the line or hide itself.
pub(crate) struct Escaping<'a, 'b>(pub(crate) &'a mut fmt::Formatter<'b>);

impl fmt::Write for Escaping<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s;
        while let Some(i) = rest.find(needs_escape) {
            self.0.write_str(&rest[..i])?;
            let c = rest[i..].chars().next().unwrap_or_default();
            for e in c.escape_default() {
                fmt::Write::write_char(self.0, e)?;
            }
            rest = &rest[i + c.len_utf8()..];
        }
        self.0.write_str(rest)
    }
}

/// Displays a string with [`needs_escape`] characters escaped.
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Write::write_str(&mut Escaping(f), self.0)
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

    /// Every character [`needs_escape`] is true for, by class.
    const ESCAPED: &[(&str, std::ops::RangeInclusive<char>)] = &[
        ("C0 controls", '\u{0}'..='\u{1f}'),
        ("DEL", '\u{7f}'..='\u{7f}'),
        ("C1 controls", '\u{80}'..='\u{9f}'),
        ("Arabic letter mark", '\u{061c}'..='\u{061c}'),
        ("left-to-right and right-to-left marks", '\u{200e}'..='\u{200f}'),
        ("embeddings and overrides", '\u{202a}'..='\u{202e}'),
        ("isolates", '\u{2066}'..='\u{2069}'),
    ];

    #[test]
    fn each_escaped_class_and_nothing_beside_it() {
        for (class, range) in ESCAPED {
            for c in range.clone() {
                assert!(needs_escape(c), "{class}: {c:?}");
                let shown = Escaped(&format!("a{c}b")).to_string();
                assert_eq!(shown, format!("a{}b", c.escape_default()), "{class}: {c:?}");
                assert!(!shown.contains(c), "{class}: {c:?}");
            }
        }
        // The neighbours of each class, and other invisible or unusual characters, are
        // left as they are.
        for c in [
            ' ', '~', '\u{a0}', '\u{ad}', '\u{061b}', '\u{061d}', '\u{200b}', '\u{200d}', '\u{2010}',
            '\u{2028}', '\u{2029}', '\u{202f}', '\u{2065}', '\u{206a}', '\u{feff}', 'é', '€', '😀', '"',
            '\\', '\'',
        ] {
            assert!(!needs_escape(c), "{c:?}");
            assert_eq!(Escaped(&format!("a{c}b")).to_string(), format!("a{c}b"));
        }
        // Each escape in full.
        for (raw, shown) in [
            ("\u{0}", "\\u{0}"),
            ("\t", "\\t"),
            ("\n", "\\n"),
            ("\r", "\\r"),
            ("\u{1b}", "\\u{1b}"),
            ("\u{7f}", "\\u{7f}"),
            ("\u{9b}", "\\u{9b}"),
            ("\u{061c}", "\\u{61c}"),
            ("\u{200f}", "\\u{200f}"),
            ("\u{2069}", "\\u{2069}"),
            // Several in a row, at the start and the end.
            ("\u{1b}\u{1b}x\n", "\\u{1b}\\u{1b}x\\n"),
        ] {
            assert_eq!(Escaped(raw).to_string(), shown, "{raw:?}");
        }
        assert_eq!(Escaped("").to_string(), "");
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

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(
            Escaped("a\u{1b}[2K\r\u{9b}b\u{202e}c\té").to_string(),
            "a\\u{1b}[2K\\r\\u{9b}b\\u{202e}c\\té"
        );
        assert_eq!(Escaped("plain text").to_string(), "plain text");
    }
}
