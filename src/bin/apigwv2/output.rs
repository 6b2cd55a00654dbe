//! Output safe for a terminal: text from the service with the characters a terminal would
//! act on escaped (the library's own rule, `escape`), shell-quoted tokens, and JSON whose
//! strings escape them too.

use std::io::Write;

use crate::escape::{for_each_run, needs_escape, Escaped};

/// Text from the service, made safe for a terminal: such characters become `\u{..}`.
pub(crate) fn printable(s: &str) -> String {
    Escaped(s).to_string()
}

/// The token quoted for a POSIX shell, so that the suggested command can be pasted as is:
/// `'...'`, with each `'` written as `'\''`. `None` for a token that cannot be shown.
pub(crate) fn shell_quoted(token: &str) -> Option<String> {
    if token.chars().any(needs_escape) {
        return None;
    }
    Some(format!("'{}'", token.replace('\'', "'\\''")))
}

/// JSON output as serde_json writes it, except that DEL, C1 controls and bidirectional
/// marks, which JSON allows raw, are written as `\uXXXX` too: the same JSON value, safe
/// on a terminal.
pub(crate) struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        for_each_run(fragment, |run, escaped| {
            w.write_all(run.as_bytes())?;
            match escaped {
                Some(c) => write!(w, "\\u{:04x}", u32::from(c)),
                None => Ok(()),
            }
        })
    }
}

/// One line of JSON, or an error sentence.
pub(crate) fn json_line(value: &impl serde::Serialize) -> Result<String, String> {
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, TerminalSafe);
    value.serialize(&mut ser).map_err(|e| {
        format!(
            "apigwv2: could not write the output as JSON: {}",
            printable(&e.to_string())
        )
    })?;
    String::from_utf8(buf).map_err(|_| "apigwv2: the JSON output is not UTF-8".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escape::{escaped_chars, SHOWN_AS_THEY_ARE};

    #[test]
    fn each_escaped_class_and_nothing_beside_it() {
        for (class, c) in escaped_chars() {
            assert_eq!(printable(&format!("a{c}b")), format!("a{}b", c.escape_default()));
            assert_eq!(shell_quoted(&format!("t{c}")), None, "{class}: {c:?}");
            // JSON output: the same string value, written with \u escapes.
            let line = json_line(&format!("a{c}b")).unwrap();
            assert!(!line.contains(c), "{class}: {c:?}: {line}");
            assert_eq!(serde_json::from_str::<String>(&line).unwrap(), format!("a{c}b"));
        }
        for &c in SHOWN_AS_THEY_ARE {
            assert_eq!(printable(&format!("a{c}b")), format!("a{c}b"));
            if c != '\'' {
                assert_eq!(shell_quoted(&format!("t{c}")), Some(format!("'t{c}'")), "{c:?}");
            }
            assert_eq!(
                json_line(&c.to_string()).unwrap(),
                serde_json::to_string(&c).unwrap()
            );
        }
        assert_eq!(
            json_line(&"\u{1b}[31m\u{202e}x\u{7f}é\n").unwrap(),
            "\"\\u001b[31m\\u202ex\\u007fé\\n\""
        );
    }

    #[test]
    fn tokens_are_quoted_for_a_shell() {
        assert_eq!(shell_quoted("abc").as_deref(), Some("'abc'"));
        assert_eq!(shell_quoted("a'b").as_deref(), Some("'a'\\''b'"));
        assert_eq!(
            shell_quoted("$(rm -rf ~) `x` \"y\"").as_deref(),
            Some("'$(rm -rf ~) `x` \"y\"'")
        );
        assert_eq!(shell_quoted("").as_deref(), Some("''"));
        assert_eq!(shell_quoted("a\nb"), None);
    }
}
