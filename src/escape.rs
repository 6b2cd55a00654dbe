//! Text made safe for a terminal: which characters must not reach one raw, and the
//! escaping of them. The library's messages (through `redact`) and the `apigwv2` command's
//! output use this one rule.
//!
//! A leaf of std alone (no `crate::` or `super::` path): the command, a binary that sees
//! only the library's public API, compiles this very file as a module of its own
//! (`#[path]` in `src/bin/apigwv2/main.rs`); `scripts/module_graph.py` checks that it
//! stays so.

use std::fmt;

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

/// Goes through `s` in order: each run of characters that need no escape, then the
/// [`needs_escape`] character that ends it (`None` after the last run), given to `write`,
/// which writes the run as it is and the character escaped in its own way.
pub(crate) fn for_each_run<E>(
    s: &str,
    mut write: impl FnMut(&str, Option<char>) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = s;
    while let Some(i) = rest.find(needs_escape) {
        let c = rest[i..].chars().next().unwrap_or_default();
        write(&rest[..i], Some(c))?;
        rest = &rest[i + c.len_utf8()..];
    }
    write(rest, None)
}

/// A `fmt::Write` that escapes [`needs_escape`] characters (as `\u{1b}`, `\n`, ...) on
/// their way to the formatter, so that text from a server, a file or a helper cannot move
/// the cursor, clear the line or hide itself.
pub(crate) struct Escaping<'a, 'b>(pub(crate) &'a mut fmt::Formatter<'b>);

impl fmt::Write for Escaping<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for_each_run(s, |run, escaped| {
            self.0.write_str(run)?;
            match escaped {
                Some(c) => write!(self.0, "{}", c.escape_default()),
                None => Ok(()),
            }
        })
    }
}

/// Displays a string with [`needs_escape`] characters escaped.
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Write::write_str(&mut Escaping(f), self.0)
    }
}

/// Every character [`needs_escape`] is true for, by class, for the tests of each place
/// that escapes.
#[cfg(test)]
pub(crate) const ESCAPED_CLASSES: &[(&str, std::ops::RangeInclusive<char>)] = &[
    ("C0 controls", '\u{0}'..='\u{1f}'),
    ("DEL", '\u{7f}'..='\u{7f}'),
    ("C1 controls", '\u{80}'..='\u{9f}'),
    ("Arabic letter mark", '\u{061c}'..='\u{061c}'),
    ("left-to-right and right-to-left marks", '\u{200e}'..='\u{200f}'),
    ("embeddings and overrides", '\u{202a}'..='\u{202e}'),
    ("isolates", '\u{2066}'..='\u{2069}'),
];

/// Each character of [`ESCAPED_CLASSES`], with the name of its class.
#[cfg(test)]
pub(crate) fn escaped_chars() -> impl Iterator<Item = (&'static str, char)> {
    ESCAPED_CLASSES
        .iter()
        .flat_map(|(class, range)| range.clone().map(move |c| (*class, c)))
}

/// The neighbours of each class of [`ESCAPED_CLASSES`], and other invisible or unusual
/// characters, which are shown as they are.
#[cfg(test)]
pub(crate) const SHOWN_AS_THEY_ARE: &[char] = &[
    ' ', '~', '\u{a0}', '\u{ad}', '\u{061b}', '\u{061d}', '\u{200b}', '\u{200d}', '\u{2010}', '\u{2028}',
    '\u{2029}', '\u{202f}', '\u{2065}', '\u{206a}', '\u{feff}', 'é', '€', '😀', '"', '\\', '\'',
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_escaped_class_and_nothing_beside_it() {
        for (class, c) in escaped_chars() {
            assert!(needs_escape(c), "{class}: {c:?}");
            let shown = Escaped(&format!("a{c}b")).to_string();
            assert_eq!(shown, format!("a{}b", c.escape_default()), "{class}: {c:?}");
            assert!(!shown.contains(c), "{class}: {c:?}");
        }
        assert_eq!(escaped_chars().count(), 32 + 1 + 32 + 1 + 2 + 5 + 4);
        for &c in SHOWN_AS_THEY_ARE {
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
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(
            Escaped("a\u{1b}[2K\r\u{9b}b\u{202e}c\té").to_string(),
            "a\\u{1b}[2K\\r\\u{9b}b\\u{202e}c\\té"
        );
        assert_eq!(Escaped("plain text").to_string(), "plain text");
    }

    #[test]
    fn runs_come_in_order_each_ended_by_its_escaped_character() {
        let mut runs = Vec::new();
        let done: Result<(), ()> = for_each_run("ab\u{1b}\u{7f}c\u{202e}", |run, c| {
            runs.push((run.to_owned(), c));
            Ok(())
        });
        assert_eq!(done, Ok(()));
        assert_eq!(
            runs,
            [
                ("ab".to_owned(), Some('\u{1b}')),
                (String::new(), Some('\u{7f}')),
                ("c".to_owned(), Some('\u{202e}')),
                (String::new(), None),
            ]
        );
        // The first error stops the walk.
        let mut calls = 0;
        let stopped = for_each_run("a\nb\nc", |_, _| {
            calls += 1;
            Err(calls)
        });
        assert_eq!((stopped, calls), (Err(1), 1));
    }
}
