//! The fast page reader against serde. `GetStagesOutput::from_json` (and so every listing)
//! first tries a hand-written reader and falls back to serde when it gives up; whatever the
//! reader accepts must be exactly what serde reads. Checked through
//! `unversioned::fuzz::fast_decode_agrees` on generated pages (every field, escapes, unknown
//! fields, nulls, shuffled keys, whitespace), on thousands of mutations of them, and on the
//! edge cases one by one. The fuzz target `decode_fast` runs the same check.

mod common;

use std::collections::BTreeMap;

use apigwv2::unversioned::fuzz::fast_decode_agrees;
use apigwv2::{AccessLogSettings, GetStagesOutput, LoggingLevel, RouteSettings, Stage};
use common::rng::{mutate, Rng};
use serde_json::Value;
use time::{OffsetDateTime, UtcOffset};

const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    " ",
    "-",
    "/",
    "\"",
    "\\",
    "\n",
    "\t",
    "\u{0}",
    "\u{1f}",
    "\u{7f}",
    "é",
    "😀",
    "\u{202e}",
    "\u{2028}",
    "$context.requestId",
    "{",
    "}",
    ":",
    ",",
    "null",
    "\u{ffff}",
];

fn text(rng: &mut Rng) -> String {
    rng.text(PIECES, 8)
}

fn maybe<T>(rng: &mut Rng, f: impl FnOnce(&mut Rng) -> T) -> Option<T> {
    if rng.chance(3, 4) {
        Some(f(rng))
    } else {
        None
    }
}

/// A timestamp between the years 1 and 9998, with or without a fraction and an offset.
fn timestamp(rng: &mut Rng) -> OffsetDateTime {
    let secs = -62_000_000_000 + (rng.next() % 315_000_000_000) as i64;
    let mut t = OffsetDateTime::from_unix_timestamp(secs).unwrap();
    t = match rng.below(3) {
        0 => t,
        1 => t.replace_millisecond(rng.below(1000) as u16).unwrap(),
        _ => t.replace_nanosecond(rng.below(1_000_000_000) as u32).unwrap(),
    };
    if rng.chance(1, 2) {
        let minutes = rng.below(23 * 60 * 2) as i32 - 23 * 60;
        t = t.to_offset(UtcOffset::from_whole_seconds(minutes * 60).unwrap());
    }
    t
}

fn rate(rng: &mut Rng) -> f64 {
    let k = rng.next() % 10_000_000;
    match rng.below(6) {
        0 => k as f64,
        1 => k as f64 / 10f64.powi(rng.below(8) as i32),
        2 => -(k as f64) / 100.0,
        3 => k as f64 * 1e-9,
        4 => 1e20 * k as f64,
        _ => {
            let f = f64::from_bits(rng.next());
            if f.is_finite() {
                f
            } else {
                0.5
            }
        }
    }
}

fn route(rng: &mut Rng) -> RouteSettings {
    let mut r = RouteSettings::default();
    r.data_trace_enabled = maybe(rng, |rng| rng.chance(1, 2));
    r.detailed_metrics_enabled = maybe(rng, |rng| rng.chance(1, 2));
    r.logging_level = maybe(rng, |rng| match rng.below(4) {
        0 => LoggingLevel::Error,
        1 => LoggingLevel::Info,
        2 => LoggingLevel::Off,
        _ => LoggingLevel::Unknown(text(rng)),
    });
    r.throttling_burst_limit = maybe(rng, |rng| match rng.below(3) {
        0 => rng.below(10_000) as i32,
        1 => rng.next() as i32,
        _ => *rng.pick(&[&i32::MIN, &i32::MAX, &0, &-1]),
    });
    r.throttling_rate_limit = maybe(rng, rate);
    r
}

fn map<V>(rng: &mut Rng, mut value: impl FnMut(&mut Rng) -> V) -> BTreeMap<String, V> {
    (0..rng.below(4)).map(|_| (text(rng), value(rng))).collect()
}

fn stage(rng: &mut Rng) -> Stage {
    let mut s = Stage::new(text(rng));
    s.access_log_settings = maybe(rng, |rng| {
        let mut a = AccessLogSettings::default();
        a.destination_arn = maybe(rng, text);
        a.format = maybe(rng, text);
        a
    });
    s.api_gateway_managed = maybe(rng, |rng| rng.chance(1, 2));
    s.auto_deploy = maybe(rng, |rng| rng.chance(1, 2));
    s.client_certificate_id = maybe(rng, text);
    s.created_date = maybe(rng, timestamp);
    s.default_route_settings = maybe(rng, route);
    s.deployment_id = maybe(rng, text);
    s.description = maybe(rng, text);
    s.last_deployment_status_message = maybe(rng, text);
    s.last_updated_date = maybe(rng, timestamp);
    s.route_settings = maybe(rng, |rng| map(rng, route));
    s.stage_variables = maybe(rng, |rng| map(rng, text));
    s.tags = maybe(rng, |rng| map(rng, text));
    s
}

/// Any JSON value, nested up to `depth`.
fn any_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth == 0 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(1, 2)),
        2 => serde_json::json!(rate(rng)),
        3 => serde_json::json!(rng.next() as i64),
        4 => Value::String(text(rng)),
        5 => Value::Array((0..rng.below(4)).map(|_| any_value(rng, depth - 1)).collect()),
        _ => Value::Object(
            (0..rng.below(4))
                .map(|_| (text(rng), any_value(rng, depth - 1)))
                .collect(),
        ),
    }
}

/// A page as the service might write it: the stages' JSON, with unknown fields, explicit
/// nulls for absent members, and sometimes no token or a null one.
fn page_value(rng: &mut Rng) -> Value {
    let mut items = Vec::new();
    for _ in 0..rng.below(5) {
        let mut v = serde_json::to_value(stage(rng)).unwrap();
        let obj = v.as_object_mut().unwrap();
        for name in [
            "description",
            "tags",
            "createdDate",
            "defaultRouteSettings",
            "autoDeploy",
        ] {
            if !obj.contains_key(name) && rng.chance(1, 3) {
                obj.insert(name.into(), Value::Null);
            }
        }
        if rng.chance(1, 4) {
            obj.insert(format!("newMember{}", rng.below(3)), any_value(rng, 3));
        }
        items.push(v);
    }
    let mut page = serde_json::Map::new();
    match rng.below(5) {
        0 => {}
        1 => drop(page.insert("items".into(), Value::Null)),
        _ => drop(page.insert("items".into(), Value::Array(items))),
    }
    match rng.below(3) {
        0 => {}
        1 => drop(page.insert("nextToken".into(), Value::Null)),
        // Printable: a token with control characters is refused (by serde too).
        _ => drop(page.insert(
            "nextToken".into(),
            Value::String(rng.text(&["a", "/", "+", "=", "é", "😀", "\""], 20)),
        )),
    }
    Value::Object(page)
}

/// Writes a value as JSON text with the keys in a random order, random whitespace, and
/// some characters written as escapes that serde_json would not use.
fn write(rng: &mut Rng, v: &Value, out: &mut String) {
    let ws = |rng: &mut Rng, out: &mut String| {
        if rng.chance(1, 8) {
            let space = rng.pick(&[" ", "\n", "\t", "\r\n  "]);
            out.push_str(space);
        }
    };
    ws(rng, out);
    match v {
        Value::String(s) => write_string(rng, s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(rng, item, out);
            }
            ws(rng, out);
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            if rng.chance(1, 3) {
                for i in (1..entries.len()).rev() {
                    entries.swap(i, rng.below(i + 1));
                }
            }
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(rng, out);
                write_string(rng, k, out);
                ws(rng, out);
                out.push(':');
                write(rng, v, out);
            }
            ws(rng, out);
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
    ws(rng, out);
}

fn write_string(rng: &mut Rng, s: &str, out: &mut String) {
    if !rng.chance(1, 4) {
        out.push_str(&serde_json::to_string(s).unwrap());
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '/' => out.push_str("\\/"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || rng.chance(1, 3) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04X}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn generated(rng: &mut Rng) -> String {
    let mut out = String::new();
    let page = page_value(rng);
    write(rng, &page, &mut out);
    out
}

#[test]
fn every_generated_page_is_read_by_the_fast_reader_as_serde_reads_it() {
    let mut rng = Rng(0x5eed_0001);
    for i in 0..3000 {
        let page = generated(&mut rng);
        assert_eq!(fast_decode_agrees(page.as_bytes()), Ok(true), "page {i}: {page}");
        // And what a listing returns is serde's value.
        let serde: GetStagesOutput = serde_json::from_str(&page).unwrap();
        assert_eq!(
            apigwv2::GetStagesOutput::from_json(page.as_bytes()).unwrap(),
            serde
        );
    }
}

#[test]
fn mutated_pages_agree_with_serde_whenever_the_fast_reader_takes_them() {
    let mut rng = Rng(0x5eed_0002);
    let (mut taken, mut declined) = (0, 0);
    for _ in 0..30_000 {
        let page = generated(&mut rng);
        let input = mutate(&mut rng, page.as_bytes());
        match fast_decode_agrees(&input) {
            Ok(true) => taken += 1,
            Ok(false) => declined += 1,
            Err(e) => panic!("input {:?}: {e}", String::from_utf8_lossy(&input)),
        }
        // The listing's decoder gives serde's answer either way (on the text: a body that is
        // not UTF-8 is refused whole, even where serde_json's byte reader would skip it).
        let serde = std::str::from_utf8(&input)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<GetStagesOutput>(text).map_err(|e| e.to_string()));
        match (apigwv2::GetStagesOutput::from_json(&input), serde) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(_), Err(_)) => {}
            (a, b) => panic!(
                "from_json {a:?}, serde {b:?} for {:?}",
                String::from_utf8_lossy(&input)
            ),
        }
    }
    // Both outcomes are exercised in earnest.
    assert!(
        taken > 1000 && declined > 10_000,
        "taken {taken}, declined {declined}"
    );
}

#[test]
fn edge_cases_are_taken_or_left_to_serde_as_serde_would_have_them() {
    let stage = |members: &str| format!(r#"{{"items":[{{"stageName":"a"{members}}}]}}"#);
    let deep = |n: usize| stage(&format!(r#","x":{}1{}"#, "[".repeat(n), "]".repeat(n)));
    let deep_objects = |n: usize| stage(&format!(r#","x":{}1{}"#, r#"{"a":"#.repeat(n), "}".repeat(n)));
    let cases: Vec<(String, bool)> = vec![
        // Taken: the plain shapes, escapes, whitespace, nulls, unknown members.
        (r#"{"items":[]}"#.into(), true),
        (r#"{"items":null,"nextToken":null}"#.into(), true),
        ("{}".into(), true),
        (" \n{ \"items\" : [ ] }\r\n\t".into(), true),
        (r#"{"items":[{"stage\u004Eame":"\ud83d\ude00\/"}]}"#.into(), true),
        (stage(r#","tags":{"k":"1","k":"2"}"#), true),
        (
            stage(r#","defaultRouteSettings":{"throttlingBurstLimit":-2147483648}"#),
            true,
        ),
        (
            stage(r#","defaultRouteSettings":{"throttlingRateLimit":0.1}"#),
            true,
        ),
        (
            stage(r#","defaultRouteSettings":{"throttlingRateLimit":123456789012345}"#),
            true,
        ),
        (
            stage(r#","defaultRouteSettings":{"throttlingRateLimit":1.7976931348623157e308}"#),
            true,
        ),
        (
            stage(r#","defaultRouteSettings":{"throttlingRateLimit":-0}"#),
            true,
        ),
        (stage(r#","createdDate":"2024-01-02t03:04:05z""#), true),
        (
            stage(r#","createdDate":"2024-01-02T03:04:05.123456789123Z""#),
            true,
        ),
        (
            stage(r#","description":null,"tags":null,"routeSettings":{}"#),
            true,
        ),
        (
            stage(r#","newMember":{"a":[1,-2.5e-3,true,false,null,"\u0000"]}"#),
            true,
        ),
        (deep(32), true),
        (deep_objects(32), true),
        // Left to serde, which refuses them.
        (stage(r#","stageName":"b""#), false),
        (r#"{"items":[{"description":"x"}]}"#.into(), false),
        (r#"{"items":[],"items":[]}"#.into(), false),
        (
            stage(r#","defaultRouteSettings":{"throttlingBurstLimit":-0}"#),
            false,
        ),
        (
            stage(r#","defaultRouteSettings":{"throttlingBurstLimit":2147483648}"#),
            false,
        ),
        (
            stage(r#","defaultRouteSettings":{"throttlingBurstLimit":1.0}"#),
            false,
        ),
        (
            stage(r#","defaultRouteSettings":{"throttlingBurstLimit":01}"#),
            false,
        ),
        (
            stage(r#","defaultRouteSettings":{"throttlingRateLimit":1e400}"#),
            false,
        ),
        (
            stage(r#","defaultRouteSettings":{"throttlingRateLimit":1.}"#),
            false,
        ),
        (stage(r#","description":"\ud800""#), false),
        (stage(r#","description":"\udc00x""#), false),
        (stage(",\"description\":\"a\u{1}b\""), false),
        (stage(r#","description":"\x""#), false),
        (stage(r#","createdDate":"10000-01-01T00:00:00Z""#), false),
        (stage(r#","createdDate":"9999-12-31T23:59:59-01:00""#), false),
        (stage(r#","tags":{"k":null}"#), false),
        (stage(r#","routeSettings":{"r":null}"#), false),
        (stage(r#","autoDeploy":"true""#), false),
        (stage(r#","newMember":[1,]"#), false),
        (stage(r#","newMember":tru"#), false),
        (r#"{"items":[],"nextToken":"a\u001b[31m"}"#.into(), false),
        (r#"{"items":[]} x"#.into(), false),
        (r#"{"items":[{"stageName":"a"},]}"#.into(), false),
        (r#"["a"]"#.into(), false),
        // Left to serde, which takes them: the reader need not know every form.
        (stage(r#","createdDate":1700000000"#), false),
        (r#"{"items":[["a"]]}"#.into(), false),
        // The reader skips unknown members 32 levels deep at most (its own recursion).
        (deep(33), false),
        (deep_objects(33), false),
        (deep(200), false),
    ];
    for (input, taken) in cases {
        assert_eq!(fast_decode_agrees(input.as_bytes()), Ok(taken), "{input}");
    }
}
