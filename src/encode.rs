//! Percent-encoding as SigV4 and RFC 3986 want it: every byte except the unreserved
//! characters `A-Z a-z 0-9 - . _ ~` becomes `%XX` with upper-case hex digits.
//!
//! A leaf module: the signer, the operations and the credential providers all use it.
//! These few functions are all the URL encoding the crate does, so that the wire form of a
//! request and the form that gets signed can never disagree.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The RFC 3986 unreserved bytes (`A-Z a-z 0-9 - . _ ~`): one table lookup per byte on the
/// hot paths.
const UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_' || b == b'~';
        i += 1;
    }
    t
};

/// True for the RFC 3986 unreserved characters, which are never escaped.
#[inline]
pub(crate) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[b as usize]
}

/// Appends `input` to `out`, escaping every byte but the unreserved ones (and `/` when
/// `keep_slash` is set).
pub(crate) fn encode_into(out: &mut String, input: &str, keep_slash: bool) {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        // `start..i` is a run of ASCII, so both ends are char boundaries when it is not
        // empty (an empty run may start inside a multi-byte character).
        if start < i {
            out.push_str(&input[start..i]);
        }
        out.push('%');
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 0x0f) as usize] as char);
        start = i + 1;
    }
    out.push_str(&input[start..]);
}

/// Percent-encodes a whole string, `/` included: the form for one path segment or one
/// query key or value.
///
/// ```
/// assert_eq!(apigwv2::unversioned::sigv4::uri_encode("a b/c+d=é"), "a%20b%2Fc%2Bd%3D%C3%A9");
/// ```
pub fn uri_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    encode_into(&mut out, input, false);
    out
}

/// Percent-encodes a path, keeping its `/` separators: `/v2/apis/a%2F/stages` becomes
/// `/v2/apis/a%252F/stages`.
#[cfg(test)]
pub(crate) fn uri_encode_path(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    encode_into(&mut out, input, true);
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes. A `%` that does not start a valid escape is kept as it is, and
/// `+` stays a `+` (AWS does not read it as a space). Bytes that do not form UTF-8 are
/// replaced, which can only happen for input that was never valid to begin with.
pub(crate) fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    if !bytes.contains(&b'%') {
        return input.to_owned();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_pass_through() {
        let s = "AZaz09-._~";
        assert_eq!(uri_encode(s), s);
    }

    #[test]
    fn reserved_and_special_are_escaped() {
        assert_eq!(uri_encode("+/=% ~$"), "%2B%2F%3D%25%20~%24");
        assert_eq!(uri_encode_path("/a b/+"), "/a%20b/%2B");
    }

    #[test]
    fn non_ascii_is_escaped_per_utf8_byte() {
        assert_eq!(uri_encode("ሴ"), "%E1%88%B4");
        assert_eq!(uri_encode("日本"), "%E6%97%A5%E6%9C%AC");
        assert_eq!(uri_encode("😀"), "%F0%9F%98%80");
    }

    #[test]
    fn decode_round_trips_and_tolerates_bad_escapes() {
        for s in ["a b", "+/=%", "é~$", "%", "%4", "%zz", "100%", ""] {
            assert_eq!(percent_decode(&uri_encode(s)), s);
        }
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("a+b"), "a+b");
        assert_eq!(percent_decode("%e1%88%b4"), "ሴ");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }
}
