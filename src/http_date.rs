//! HTTP dates (RFC 9110's IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`): read from a
//! response's `Date` header by the retry logic (clock skew), written by the local test
//! endpoint. A leaf module: it depends on nothing else in the crate.

use time::{Month, OffsetDateTime};

/// The months as an IMF-fixdate names them, January first.
const MONTHS: [(&str, Month); 12] = [
    ("Jan", Month::January),
    ("Feb", Month::February),
    ("Mar", Month::March),
    ("Apr", Month::April),
    ("May", Month::May),
    ("Jun", Month::June),
    ("Jul", Month::July),
    ("Aug", Month::August),
    ("Sep", Month::September),
    ("Oct", Month::October),
    ("Nov", Month::November),
    ("Dec", Month::December),
];

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); `None` for anything else. The
/// day name is not checked.
pub(crate) fn parse(s: &str) -> Option<OffsetDateTime> {
    let rest = s.trim().split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u8 = parts.next()?.parse().ok()?;
    let month = parts.next()?;
    let (_, month) = MONTHS.iter().find(|(name, _)| *name == month)?;
    let year: i32 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u8 = hms.next()?.parse().ok()?;
    let m: u8 = hms.next()?.parse().ok()?;
    let sec: u8 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() || hms.next().is_some() {
        return None;
    }
    let date = time::Date::from_calendar_date(year, *month, day).ok()?;
    Some(date.with_hms(h, m, sec).ok()?.assume_utc())
}

/// The IMF-fixdate of a moment, in UTC: `Sun, 06 Nov 1994 08:49:37 GMT`.
#[cfg(any(test, feature = "testing"))]
pub(crate) fn format(t: OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[u8::from(t.month()) as usize - 1].0,
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_every_month_and_nothing_else() {
        for (i, m) in [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .iter()
        .enumerate()
        {
            let d = parse(&format!("Mon, 07 {m} 2024 01:02:03 GMT")).unwrap();
            assert_eq!(
                (u8::from(d.month()), d.day(), d.second()),
                (i as u8 + 1, 7, 3),
                "{m}"
            );
        }
        for bad in [
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49 GMT",
            "",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "06 Nov 1994",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_in_utc_and_reads_back() {
        let t = time::macros::datetime!(1994-11-06 08:49:37 UTC);
        assert_eq!(format(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        // Another offset is written as the same moment in UTC.
        let east = time::macros::datetime!(1994-11-06 10:49:37 +02:00);
        assert_eq!(format(east), "Sun, 06 Nov 1994 08:49:37 GMT");
        // Every month and weekday, padded fields, and the edges of a day, both ways.
        for (y, mo, d, h, mi, s) in [
            (2024, 1, 1, 0, 0, 0),
            (2024, 2, 29, 23, 59, 59),
            (1999, 12, 31, 9, 5, 7),
            (2001, 7, 4, 12, 0, 1),
        ] {
            let t = time::Date::from_calendar_date(y, Month::try_from(mo).unwrap(), d)
                .unwrap()
                .with_hms(h, mi, s)
                .unwrap()
                .assume_utc();
            assert_eq!(parse(&format(t)), Some(t), "{}", format(t));
        }
        for month in 1..=12u8 {
            for day in 1..=7u8 {
                let t = time::Date::from_calendar_date(2030, Month::try_from(month).unwrap(), day)
                    .unwrap()
                    .midnight()
                    .assume_utc();
                let text = format(t);
                assert_eq!(parse(&text), Some(t), "{text}");
                let weekday = &text[..3];
                assert_eq!(weekday, &t.weekday().to_string()[..3], "{text}");
            }
        }
    }
}
