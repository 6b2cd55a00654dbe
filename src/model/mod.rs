//! The service's data types, with their wire names.
//!
//! Every struct reads and writes the JSON the service sends: camelCase names, RFC 3339
//! timestamps. Unknown fields are ignored and unknown enum values are kept, so a newer
//! service never breaks an older client. Maps are `BTreeMap`s, so output is sorted and
//! stable. A string enum of the service is one [`string_enum!`] declaration.

/// Declares a string enum of the service: its known wire values, and `Unknown(String)` for
/// values this version does not know (kept as sent), with `as_str`, `From<&str>`, a
/// `Display` that escapes control characters, and serde to and from the wire string.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, as sent.
            Unknown(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        /// The wire value, with control characters escaped (an unknown value is the
        /// server's text).
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&crate::redact::Escaped(self.as_str()), f)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl crate::json::Decode for $name {
            fn read(r: &mut crate::json::Reader<'_>) -> Option<Self> {
                r.str().map(|s| Self::from(&*s))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(crate::model::WireString(|s: &str| Self::from(s)))
            }
        }
    };
}

mod api;
mod stage;

pub use api::{Api, Cors, IpAddressType, ProtocolType};
pub use stage::{AccessLogSettings, LoggingLevel, RouteSettings, Stage};

/// Reads a string enum from its wire string (one visitor for every [`string_enum!`]).
pub(crate) struct WireString<T>(pub(crate) fn(&str) -> T);

impl<T> serde::de::Visitor<'_> for WireString<T> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

/// Timestamps: RFC 3339 strings on the wire (`__timestampIso8601`). Epoch seconds, which
/// other AWS JSON protocols use, are accepted too; output is always RFC 3339. Years outside
/// 0 to 9999 (in the timestamp's offset or in UTC) are refused when decoding, since RFC 3339
/// cannot write them back.
pub(crate) mod timestamp {
    use serde::{Deserializer, Serializer};
    use std::fmt;
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    pub(crate) fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => {
                let text = t.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
                s.serialize_str(&text)
            }
            None => s.serialize_none(),
        }
    }

    /// The common RFC 3339 shapes (`2024-01-02T03:04:05Z`, with an optional fraction and a
    /// `±HH:MM` offset), parsed by hand: timestamps are in every stage, and this is several
    /// times faster than the general parser, which handles everything else.
    pub(crate) fn parse_rfc3339_fast(s: &str) -> Option<OffsetDateTime> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        // The digits are at fixed places: check them all once, then read them unchecked
        // (a fixed-size array, so no bounds checks either).
        let h: &[u8; 19] = b[..19].try_into().ok()?;
        for i in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] {
            if !h[i].is_ascii_digit() {
                return None;
            }
        }
        let two = |i: usize| u32::from(h[i] - b'0') * 10 + u32::from(h[i + 1] - b'0');
        let year = (two(0) * 100 + two(2)) as i32;
        let month = time::Month::try_from(two(5) as u8).ok()?;
        let day = two(8) as u8;
        let (hour, minute, second) = (two(11) as u8, two(14) as u8, two(17) as u8);
        let mut i = 19;
        let mut nanos = 0u32;
        if b[i] == b'.' {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            let digits = i - start;
            if digits == 0 {
                return None;
            }
            for _ in digits..9 {
                nanos *= 10;
            }
        }
        let offset = match b.get(i..)? {
            b"Z" => time::UtcOffset::UTC,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let d = |c: &u8| c.is_ascii_digit().then(|| (c - b'0') as i8);
                let (h, m) = (d(h1)? * 10 + d(h2)?, d(m1)? * 10 + d(m2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let k = if *sign == b'-' { -1 } else { 1 };
                time::UtcOffset::from_hms(k * h, k * m, 0).ok()?
            }
            _ => return None,
        };
        let date = time::Date::from_calendar_date(year, month, day).ok()?;
        let t = time::Time::from_hms_nano(hour, minute, second, nanos).ok()?;
        Some(time::PrimitiveDateTime::new(date, t).assume_offset(offset))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Option<OffsetDateTime>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp or epoch seconds")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                parse(v)
                    .map_err(|e| E::custom(format_args!("invalid timestamp {v:?}: {e}")))
                    .and_then(writable)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                OffsetDateTime::from_unix_timestamp(v)
                    .map_err(E::custom)
                    .and_then(writable)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                let v = i64::try_from(v).map_err(E::custom)?;
                self.visit_i64(v)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                if !v.is_finite() {
                    return Err(E::custom("timestamp is not a finite number"));
                }
                let nanos = (v * 1e9).round();
                if nanos.abs() > 2e26 {
                    return Err(E::custom("timestamp out of range"));
                }
                OffsetDateTime::from_unix_timestamp_nanos(nanos as i128)
                    .map_err(E::custom)
                    .and_then(writable)
            }
        }
        d.deserialize_option(V)
    }

    /// The fast reader's timestamps ([`crate::json::Decode`]): `null`, or a string read
    /// exactly as [`deserialize`] reads it. Epoch seconds are left to serde.
    pub(crate) fn read(r: &mut crate::json::Reader<'_>) -> Option<Option<OffsetDateTime>> {
        if r.null() {
            return Some(None);
        }
        let t = parse(&r.str()?).ok()?;
        in_range(t).then_some(Some(t))
    }

    /// A timestamp string: the common shapes by hand, the rest by `time`'s general parser.
    fn parse(v: &str) -> Result<OffsetDateTime, time::error::Parse> {
        parse_rfc3339_fast(v).map_or_else(|| OffsetDateTime::parse(v, &Rfc3339), Ok)
    }

    /// What is decoded must encode again: RFC 3339 writes years 0000 to 9999 only, so a
    /// timestamp outside them is an invalid response rather than a stage that cannot be
    /// serialized.
    fn in_range(t: OffsetDateTime) -> bool {
        // In its own offset and in UTC: a program may well convert it to UTC to print it.
        let utc_year = if t.offset().is_utc() {
            Some(t.year())
        } else {
            t.checked_to_offset(time::UtcOffset::UTC).map(|u| u.year())
        };
        (0..=9999).contains(&t.year()) && utc_year.is_some_and(|y| (0..=9999).contains(&y))
    }

    fn writable<E: serde::de::Error>(t: OffsetDateTime) -> Result<Option<OffsetDateTime>, E> {
        if in_range(t) {
            Ok(Some(t))
        } else {
            Err(E::custom(format_args!(
                "timestamp out of range: year {} is not between 0 and 9999",
                t.year()
            )))
        }
    }
}
