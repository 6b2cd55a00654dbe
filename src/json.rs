//! The one way the crate reads JSON: a leaf helper shared by the operations and the
//! credential providers, so that each response type's deserializer is compiled once.
//!
//! Listings are the hot path (a page of stages is tens of kilobytes, decoded once per
//! request), so their types also have a hand-written reader, [`Decode`]. It is only an
//! accelerator: it takes the plain shapes the service sends and gives up (`None`) on
//! anything else (a duplicate field, a number where a string belongs, a lone surrogate,
//! nesting deeper than it expects), and then serde decides, with serde's own errors. So
//! whatever it accepts, serde accepts with the same value (tested against serde on
//! generated and mutated pages in `tests/decode.rs`), and every error is serde's.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

/// Parses a JSON body. The UTF-8 check is done once for the whole body, which is much
/// cheaper than serde_json checking every string of a byte slice on its own; only the
/// `&str` reader is used.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_str(utf8(body)?)
}

/// Parses a JSON body with the type's fast reader, and with serde when the reader gives up.
pub(crate) fn parse_fast<T: Decode + DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let text = utf8(body)?;
    match read_whole(text) {
        Some(value) => Ok(value),
        None => serde_json::from_str(text),
    }
}

/// The fast reader's value of a whole text, if it takes it (nothing but whitespace after the
/// value).
pub(crate) fn read_whole<T: Decode>(text: &str) -> Option<T> {
    let mut r = Reader::new(text);
    let value = T::read(&mut r)?;
    r.at_end().then_some(value)
}

fn utf8(body: &[u8]) -> Result<&str, serde_json::Error> {
    std::str::from_utf8(body).map_err(|e| {
        <serde_json::Error as serde::de::Error>::custom(format_args!(
            "the body is not valid UTF-8 (bad byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// A type with a fast reader. The default reader always gives up, which leaves the type to
/// serde; a type that has one reads itself from `r` or returns `None` without promise of
/// where `r` stands.
pub(crate) trait Decode: Sized {
    /// Reads one value at `r`, or gives up.
    fn read(_r: &mut Reader<'_>) -> Option<Self> {
        None
    }
}

/// How deep a value skipped in place of an unknown field may nest before the reader gives
/// up (and serde, which skips values without recursing, decides): it bounds the reader's
/// own recursion, so no input can exhaust the stack.
const SKIP_DEPTH: u32 = 32;

/// The powers of ten a plain decimal is scaled by, each exact in an `f64`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A cursor over a JSON text that is already known to be UTF-8.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Skips whitespace and returns the next byte, without taking it.
    fn peek(&mut self) -> Option<u8> {
        let b = self.bytes();
        while let Some(&c) = b.get(self.pos) {
            if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(c);
            }
            self.pos += 1;
        }
        None
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.pos += 1)
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        self.peek()?;
        let end = self.pos + word.len();
        (self.bytes().get(self.pos..end)? == word.as_bytes()).then(|| self.pos = end)
    }

    /// True when only whitespace is left.
    pub(crate) fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    /// Takes a `null` if one is next.
    pub(crate) fn null(&mut self) -> bool {
        self.peek() == Some(b'n') && self.literal("null").is_some()
    }

    pub(crate) fn bool(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.literal("true").map(|()| true),
            b'f' => self.literal("false").map(|()| false),
            _ => None,
        }
    }

    /// A string, borrowed from the text unless it has escapes.
    pub(crate) fn str(&mut self) -> Option<Cow<'a, str>> {
        if self.peek()? != b'"' {
            return None;
        }
        let b = self.bytes();
        let start = self.pos + 1;
        let end = special(b, start);
        match *b.get(end)? {
            b'"' => {
                self.pos = end + 1;
                self.text.get(start..end).map(Cow::Borrowed)
            }
            b'\\' => self.escaped(start, end).map(Cow::Owned),
            _ => None, // a control character, which JSON does not allow raw
        }
    }

    /// The rest of a string that has an escape at `at`.
    fn escaped(&mut self, start: usize, mut at: usize) -> Option<String> {
        let b = self.bytes();
        let mut out = String::with_capacity(at - start + 16);
        out.push_str(self.text.get(start..at)?);
        loop {
            // `at` is at a backslash.
            let c = match *b.get(at + 1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let high = hex4(b.get(at + 2..at + 6)?)?;
                    at += 4;
                    let code = match high {
                        0xD800..=0xDBFF => {
                            if b.get(at + 2..at + 4)? != b"\\u" {
                                return None;
                            }
                            let low = hex4(b.get(at + 4..at + 8)?)?;
                            if !(0xDC00..=0xDFFF).contains(&low) {
                                return None;
                            }
                            at += 6;
                            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        }
                        0xDC00..=0xDFFF => return None,
                        other => other,
                    };
                    char::from_u32(code)?
                }
                _ => return None,
            };
            out.push(c);
            let from = at + 2;
            at = special(b, from);
            out.push_str(self.text.get(from..at)?);
            match *b.get(at)? {
                b'"' => {
                    self.pos = at + 1;
                    return Some(out);
                }
                b'\\' => {}
                _ => return None,
            }
        }
    }

    pub(crate) fn string(&mut self) -> Option<String> {
        self.str().map(Cow::into_owned)
    }

    /// A number, read by serde_json from its own text, so it has serde's grammar, value and
    /// range checks exactly (numbers are rare in the service's shapes). The text is the run
    /// of characters a JSON number can hold: if serde takes the whole run as one number, it
    /// is the number serde would read in place, and anything else gives up.
    pub(crate) fn number<T: DeserializeOwned>(&mut self) -> Option<T> {
        self.peek()?;
        let start = self.pos;
        let len = self
            .bytes()
            .get(start..)?
            .iter()
            .take_while(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .count();
        if len == 0 {
            return None;
        }
        self.pos = start + len;
        serde_json::from_str(self.text.get(start..self.pos)?).ok()
    }

    /// A number as [`Self::number`] reads it, with a shortcut for the common plain forms:
    /// an unsigned integer, or a decimal, of at most 15 digits and no exponent. Those are
    /// exact in an `f64` (as is the power of ten that scales a decimal), so one correctly
    /// rounded division gives the value serde gives.
    fn plain_number(&mut self) -> Option<(u64, u32, bool)> {
        self.peek()?;
        let b = self.bytes().get(self.pos..)?;
        let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let (frac, dot) = match b.get(int) {
            Some(b'.') => (
                b.get(int + 1..)?
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count(),
                1,
            ),
            _ => (0, 0),
        };
        let end = int + dot + frac;
        if int == 0
            || (int > 1 && b[0] == b'0')
            || (dot == 1 && frac == 0)
            || int + frac > 15
            || matches!(b.get(end), Some(b'e' | b'E'))
        {
            return None;
        }
        let digits = |s: &[u8]| s.iter().fold(0u64, |n, c| n * 10 + u64::from(c - b'0'));
        let mut n = digits(&b[..int]);
        if frac > 0 {
            n = n * 10u64.pow(frac as u32) + digits(&b[int + 1..end]);
        }
        self.pos += end;
        Some((n, frac as u32, dot == 1))
    }

    pub(crate) fn i32(&mut self) -> Option<i32> {
        let start = self.pos;
        match self.plain_number() {
            Some((n, _, false)) => i32::try_from(n).ok(),
            Some(_) => None, // a decimal, which serde refuses for an integer
            None => {
                self.pos = start;
                self.number()
            }
        }
    }

    pub(crate) fn f64(&mut self) -> Option<f64> {
        let start = self.pos;
        match self.plain_number() {
            Some((n, frac, _)) => Some(n as f64 / POW10.get(frac as usize)?),
            None => {
                self.pos = start;
                self.number()
            }
        }
    }

    /// Reads an object, calling `field` with each key while the reader stands at its value;
    /// `field` must read that value.
    pub(crate) fn object(&mut self, mut field: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.str()?;
            self.eat(b':')?;
            field(self, &key)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Reads an array, calling `item` for each element.
    pub(crate) fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            item(self)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Skips one value (an unknown field's), checking that it is valid JSON.
    pub(crate) fn skip(&mut self) -> Option<()> {
        self.skip_nested(0)
    }

    fn skip_nested(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => self.str().map(drop),
            b'{' if depth < SKIP_DEPTH => self.object(|r, _| r.skip_nested(depth + 1)),
            b'[' if depth < SKIP_DEPTH => self.array(|r| r.skip_nested(depth + 1)),
            b't' | b'f' => self.bool().map(drop),
            b'n' => self.literal("null"),
            b'-' | b'0'..=b'9' => self.number::<serde::de::IgnoredAny>().map(drop),
            _ => None,
        }
    }

    /// Reads the fields of a struct: `field` gets the index of each known key in `names`
    /// (unknown keys are skipped). A repeated field gives up, as serde refuses it. Returns
    /// which fields were present, bit `i` for `names[i]`.
    pub(crate) fn fields(
        &mut self,
        names: &[&str],
        mut field: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<u64> {
        let mut seen = 0u64;
        // Fields mostly come in one order, so the name after the last one read is tried
        // first: one comparison per key instead of a search.
        let mut next = 0;
        let mut find = |key: &str| {
            let i = match names.get(next) {
                Some(n) if *n == key => next,
                _ => names.iter().position(|n| *n == key)?,
            };
            next = i + 1;
            Some(i)
        };
        self.object(|r, key| match find(key) {
            Some(i) => {
                let bit = 1u64.checked_shl(u32::try_from(i).ok()?)?;
                if seen & bit != 0 {
                    return None;
                }
                seen |= bit;
                field(r, i)
            }
            None => r.skip(),
        })?;
        Some(seen)
    }
}

/// The index of the first `"`, `\` or control character at or after `from` (or the length):
/// eight bytes at a time, since string bodies are most of a page.
fn special(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Each mask's lowest set bit marks the first byte that matches it (higher bits may be
    // false hits, but only above a true one), so the lowest bit of the three is the answer.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let hits = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

fn hex4(b: &[u8]) -> Option<u32> {
    b.iter()
        .try_fold(0u32, |n, &c| Some(n * 16 + char::from(c).to_digit(16)?))
}

impl Decode for String {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.string()
    }
}

impl Decode for bool {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.bool()
    }
}

impl Decode for i32 {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.i32()
    }
}

impl Decode for f64 {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.f64()
    }
}

/// `null` is `None`, as with serde.
impl<T: Decode> Decode for Option<T> {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        if r.null() {
            Some(None)
        } else {
            T::read(r).map(Some)
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        let mut items = Vec::new();
        r.array(|r| {
            items.push(T::read(r)?);
            Some(())
        })?;
        Some(items)
    }
}

/// A repeated key keeps the last value, as with serde.
impl<V: Decode> Decode for BTreeMap<String, V> {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        let mut map = BTreeMap::new();
        r.object(|r, key| {
            map.insert(key.to_owned(), V::read(r)?);
            Some(())
        })?;
        Some(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_finds_the_first_quote_backslash_or_control_character() {
        for len in 0..40 {
            for at in 0..=len {
                for c in [b'"', b'\\', 0, 0x1f, b'\n'] {
                    let mut b = vec![b'a'; len];
                    // Bytes above 0x7f and near the classes must not be hits.
                    for (i, x) in b.iter_mut().enumerate() {
                        *x = [b'a', 0x80, 0xff, b' ', b'!', b'#', b'[', b']', 0x7f][i % 9];
                    }
                    if at < len {
                        b[at] = c;
                        if at + 1 < len {
                            b[at + 1] = b'"';
                        }
                    }
                    assert_eq!(special(&b, 0), at, "len {len}, {c:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn strings_and_escapes() {
        let read = |s: &str| Reader::new(s).string();
        assert_eq!(read(r#""plain""#).as_deref(), Some("plain"));
        assert_eq!(
            read(r#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00z""#).as_deref(),
            Some("a\"b\\c/d\u{8}\u{c}\n\r\té😀z")
        );
        for bad in [
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\x""#,
            "\"a\nb\"",
            r#""\u12"#,
            r#""abc"#,
        ] {
            assert_eq!(read(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn plain_numbers_take_only_short_unsigned_forms() {
        let plain = |s: &str| Reader::new(s).plain_number();
        assert_eq!(plain("0"), Some((0, 0, false)));
        assert_eq!(plain("10"), Some((10, 0, false)));
        assert_eq!(plain("0.5"), Some((5, 1, true)));
        assert_eq!(plain("10000.0,"), Some((100_000, 1, true)));
        assert_eq!(plain("123456789012345"), Some((123_456_789_012_345, 0, false)));
        assert_eq!(plain("12345678901234.5}"), Some((123_456_789_012_345, 1, true)));
        for other in [
            "01",
            "00.5",
            "1.",
            "1234567890123456",
            "1234567890123.456",
            "1e5",
            "1.5E1",
            "-1",
            ".5",
            "",
        ] {
            assert_eq!(plain(other), None, "{other}");
        }
        let mut r = Reader::new(" 42 ,");
        assert_eq!(r.plain_number(), Some((42, 0, false)));
        assert_eq!(r.peek(), Some(b','));
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        assert_eq!(Reader::new("5000").number::<i32>(), Some(5000));
        assert_eq!(Reader::new("-12.5e1").number::<f64>(), Some(-125.0));
        for bad in ["01", "1.", "-", "1e", ".5", "+1", "1.5"] {
            let mut r = Reader::new(bad);
            let whole = r.number::<i32>().is_some() && r.at_end();
            assert!(!whole, "{bad}");
        }
    }
}
