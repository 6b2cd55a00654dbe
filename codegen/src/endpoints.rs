//! `src/generated/endpoints.rs`: the partitions (`partitions.json`) and the service's
//! endpoint rules (`endpoint-rule-set-1.json`), flattened for each setting of FIPS and
//! dual-stack into an ordered list of (what the partition must support, URL or error).
//!
//! Only the rule-set functions this service uses are understood (`isSet`,
//! `aws.partition`, `booleanEquals`, `getAttr`); anything else stops the generator, so a
//! new kind of rule is noticed instead of dropped.

use std::fmt::Write as _;

use serde_json::Value;

use crate::{header, lit, object, sorted_keys};

pub(crate) fn generate(partitions: &Value, rules: &Value) -> Result<String, String> {
    let mut s = header(
        "Endpoint data: every partition of `partitions.json` and the service's endpoint rules.",
        &["`partitions.json`", "`endpoint-rule-set-1.json`"],
    );
    s.push_str(TYPES);
    write_partitions(&mut s, partitions)?;
    write_rules(&mut s, rules)?;
    Ok(s)
}

const TYPES: &str = r#"/// One piece of a partition's region pattern (`regionRegex`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// One of these texts.
    OneOf(&'static [&'static str]),
    /// One or more of `A-Z a-z 0-9 _` (`\w+`).
    Word,
    /// One or more of `0-9` (`\d+`).
    Digits,
}

/// A partition: the regions it names, the pattern of the others it claims, its DNS
/// suffixes and what it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Partition {
    pub(crate) id: &'static str,
    pub(crate) regions: &'static [&'static str],
    pub(crate) pattern: &'static [Piece],
    pub(crate) dns_suffix: &'static str,
    pub(crate) dual_stack_dns_suffix: &'static str,
    pub(crate) supports_fips: bool,
    pub(crate) supports_dual_stack: bool,
}

/// A piece of an endpoint URL template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment {
    Text(&'static str),
    Region,
    DnsSuffix,
    DualStackDnsSuffix,
}

/// What a partition must support for a rule to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requirement {
    Fips,
    DualStack,
}

/// Where a rule leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Url(&'static [Segment]),
    Error(&'static str),
}

/// One flattened rule: the first whose requirements the partition meets applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rule {
    pub(crate) requires: &'static [Requirement],
    pub(crate) outcome: Outcome,
}

"#;

fn write_partitions(s: &mut String, v: &Value) -> Result<(), String> {
    let list = v
        .get("partitions")
        .and_then(Value::as_array)
        .ok_or("partitions.json has no partitions list")?;
    let mut ids = Vec::new();
    s.push_str(
        "/// Every partition, in the order of `partitions.json` (the order regions are matched in).\n",
    );
    s.push_str("pub(crate) const PARTITIONS: &[Partition] = &[\n");
    for p in list {
        let id = p
            .get("id")
            .and_then(Value::as_str)
            .ok_or("a partition has no id")?;
        let what = format!("partition {id}");
        let outputs = object(
            p.get("outputs").unwrap_or(&Value::Null),
            &format!("{what}'s outputs"),
        )?;
        let text = |k: &str| {
            outputs
                .get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{what} has no {k}"))
        };
        let flag = |k: &str| {
            outputs
                .get(k)
                .and_then(Value::as_bool)
                .ok_or_else(|| format!("{what} has no {k}"))
        };
        let regions = object(
            p.get("regions").unwrap_or(&Value::Null),
            &format!("{what}'s regions"),
        )?;
        let regex = p
            .get("regionRegex")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{what} has no regionRegex"))?;
        let pattern = compile_regex(regex).map_err(|e| format!("{what}: regionRegex {regex:?}: {e}"))?;
        let _ = writeln!(s, "    Partition {{");
        let _ = writeln!(s, "        id: {},", lit(id));
        let _ = writeln!(s, "        regions: &[");
        for r in sorted_keys(regions) {
            let _ = writeln!(s, "            {},", lit(r));
        }
        let _ = writeln!(s, "        ],");
        let _ = writeln!(s, "        // {regex}");
        let _ = writeln!(s, "        pattern: &[{}],", pattern.join(", "));
        let _ = writeln!(s, "        dns_suffix: {},", lit(text("dnsSuffix")?));
        let _ = writeln!(
            s,
            "        dual_stack_dns_suffix: {},",
            lit(text("dualStackDnsSuffix")?)
        );
        let _ = writeln!(s, "        supports_fips: {},", flag("supportsFIPS")?);
        let _ = writeln!(s, "        supports_dual_stack: {},", flag("supportsDualStack")?);
        let _ = writeln!(s, "    }},");
        ids.push(id);
    }
    s.push_str("];\n\n");
    if !ids.contains(&"aws") {
        return Err("partitions.json has no aws partition, the one of unknown regions".into());
    }
    s.push_str("/// The partition of a region that no partition names or matches.\n");
    s.push_str("pub(crate) const DEFAULT_PARTITION: &str = \"aws\";\n\n");
    Ok(())
}

/// The pieces of a `regionRegex`: `^`, then literal text (`\-` is `-`), groups of literal
/// alternatives `(a|b)`, `\w+` and `\d+`, then `$`. Anything else is refused.
fn compile_regex(re: &str) -> Result<Vec<String>, String> {
    let body = re
        .strip_prefix('^')
        .and_then(|r| r.strip_suffix('$'))
        .ok_or("must be anchored with ^ and $")?;
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, pieces: &mut Vec<String>| {
        if !literal.is_empty() {
            pieces.push(format!("Piece::OneOf(&[{}])", lit(literal)));
            literal.clear();
        }
    };
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match (chars.next(), chars.peek()) {
                (Some('-'), _) => literal.push('-'),
                (Some('w'), Some('+')) => {
                    chars.next();
                    flush(&mut literal, &mut pieces);
                    pieces.push("Piece::Word".into());
                }
                (Some('d'), Some('+')) => {
                    chars.next();
                    flush(&mut literal, &mut pieces);
                    pieces.push("Piece::Digits".into());
                }
                (other, _) => return Err(format!("unsupported escape \\{}", other.unwrap_or(' '))),
            },
            '(' => {
                flush(&mut literal, &mut pieces);
                let mut group = String::new();
                loop {
                    match chars.next() {
                        Some(')') => break,
                        Some(c) if c.is_ascii_alphanumeric() || c == '|' || c == '-' => group.push(c),
                        Some(c) => return Err(format!("unsupported {c:?} in a group")),
                        None => return Err("unclosed group".into()),
                    }
                }
                let alts: Vec<String> = group.split('|').map(lit).collect();
                if alts.iter().any(|a| a == "\"\"") {
                    return Err("empty alternative".into());
                }
                pieces.push(format!("Piece::OneOf(&[{}])", alts.join(", ")));
            }
            c if c.is_ascii_alphanumeric() => literal.push(c),
            c => return Err(format!("unsupported {c:?}")),
        }
    }
    flush(&mut literal, &mut pieces);
    Ok(pieces)
}

/// The four flattened rule lists, indexed by `fips as usize * 2 + dual_stack as usize`.
fn write_rules(s: &mut String, v: &Value) -> Result<(), String> {
    let rules = v
        .get("rules")
        .and_then(Value::as_array)
        .ok_or("the rule set has no rules")?;
    s.push_str(
        "/// The service's endpoint rules for a region (no endpoint override), flattened: for\n\
         /// `RULES[fips as usize * 2 + dual_stack as usize]`, the first rule whose requirements\n\
         /// the region's partition meets gives the URL or the error.\n",
    );
    s.push_str("pub(crate) const RULES: [&[Rule]; 4] = [\n");
    for (fips, dual) in [(false, false), (false, true), (true, false), (true, true)] {
        let mut flat = Vec::new();
        flatten(rules, Setting { fips, dual }, &[], &mut flat)?;
        if flat.last().is_none_or(|(req, _)| !req.is_empty()) {
            return Err(format!(
                "the rules leave fips={fips} dual_stack={dual} without an outcome"
            ));
        }
        let _ = writeln!(s, "    // fips: {fips}, dual-stack: {dual}");
        s.push_str("    &[\n");
        for (requires, outcome) in flat {
            let _ = writeln!(s, "        Rule {{");
            let _ = writeln!(s, "            requires: &[{}],", requires.join(", "));
            let _ = writeln!(s, "            outcome: {outcome},");
            let _ = writeln!(s, "        }},");
        }
        s.push_str("    ],\n");
    }
    s.push_str("];\n");
    Ok(())
}

#[derive(Clone, Copy)]
struct Setting {
    fips: bool,
    dual: bool,
}

/// What a condition says for a region without an endpoint override.
enum Cond {
    /// Always true or always false for this setting.
    Fixed(bool),
    /// True when the partition supports this.
    Requires(&'static str),
}

fn condition(c: &Value, setting: Setting) -> Result<Cond, String> {
    let f = c.get("fn").and_then(Value::as_str).unwrap_or("");
    let argv = c
        .get("argv")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let reference = |v: &Value| v.get("ref").and_then(Value::as_str).map(str::to_owned);
    match f {
        "isSet" => match argv.first().and_then(reference).as_deref() {
            // The override is handled before the rules.
            Some("Endpoint") => Ok(Cond::Fixed(false)),
            // The client always has a region.
            Some("Region") => Ok(Cond::Fixed(true)),
            other => Err(format!("isSet of {other:?}")),
        },
        "aws.partition" => Ok(Cond::Fixed(true)),
        "booleanEquals" => {
            let (a, b) = match argv.as_slice() {
                [a, b] => (a, b),
                _ => return Err("booleanEquals without two arguments".into()),
            };
            let (value, other) = match (a.as_bool(), b.as_bool()) {
                (Some(x), None) => (x, b),
                (None, Some(x)) => (x, a),
                _ => return Err(format!("booleanEquals of {a} and {b}")),
            };
            if let Some(r) = reference(other) {
                return match r.as_str() {
                    "UseFIPS" => Ok(Cond::Fixed(setting.fips == value)),
                    "UseDualStack" => Ok(Cond::Fixed(setting.dual == value)),
                    r => Err(format!("booleanEquals of parameter {r}")),
                };
            }
            if other.get("fn").and_then(Value::as_str) == Some("getAttr") && value {
                let attr = other
                    .get("argv")
                    .and_then(|a| a.get(1))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                return match attr {
                    "supportsFIPS" => Ok(Cond::Requires("Requirement::Fips")),
                    "supportsDualStack" => Ok(Cond::Requires("Requirement::DualStack")),
                    a => Err(format!("getAttr of {a:?}")),
                };
            }
            Err(format!("booleanEquals of {other}"))
        }
        f => Err(format!("the rule function {f:?} is not understood")),
    }
}

/// Appends the rules of `rules` that can apply under `setting`, each with the
/// requirements on its path. Stops after a rule that always applies.
fn flatten(
    rules: &[Value],
    setting: Setting,
    outer: &[&'static str],
    out: &mut Vec<(Vec<&'static str>, String)>,
) -> Result<bool, String> {
    for rule in rules {
        let mut requires = outer.to_vec();
        let mut possible = true;
        for c in rule
            .get("conditions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match condition(c, setting)? {
                Cond::Fixed(true) => {}
                Cond::Fixed(false) => possible = false,
                Cond::Requires(r) => requires.push(r),
            }
        }
        if !possible {
            continue;
        }
        let unconditional = requires.len() == outer.len();
        match rule.get("type").and_then(Value::as_str) {
            Some("endpoint") => {
                let e = rule.get("endpoint").ok_or("an endpoint rule without endpoint")?;
                for k in ["properties", "headers"] {
                    if e.get(k).and_then(Value::as_object).is_some_and(|m| !m.is_empty()) {
                        return Err(format!("endpoint {k} are not supported"));
                    }
                }
                let url = e
                    .get("url")
                    .and_then(Value::as_str)
                    .ok_or("an endpoint without a url")?;
                out.push((
                    requires,
                    format!("Outcome::Url(&[{}])", url_segments(url)?.join(", ")),
                ));
            }
            Some("error") => {
                let msg = rule
                    .get("error")
                    .and_then(Value::as_str)
                    .ok_or("an error rule without text")?;
                out.push((requires.clone(), format!("Outcome::Error({})", lit(msg))));
            }
            Some("tree") => {
                let sub = rule
                    .get("rules")
                    .and_then(Value::as_array)
                    .ok_or("a tree without rules")?;
                let leaves = requires.clone();
                let complete = flatten(sub, setting, &leaves, out)?;
                if !complete {
                    return Err("a tree rule whose rules can all fail".into());
                }
            }
            other => return Err(format!("rule type {other:?}")),
        }
        if unconditional {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `https://apigateway.{Region}.{PartitionResult#dnsSuffix}` as segments.
fn url_segments(url: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = url;
    while let Some(start) = rest.find('{') {
        if start > 0 {
            out.push(format!("Segment::Text({})", lit(&rest[..start])));
        }
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| format!("unclosed {{ in {url}"))?
            + start;
        out.push(
            match &rest[start + 1..end] {
                "Region" => "Segment::Region",
                "PartitionResult#dnsSuffix" => "Segment::DnsSuffix",
                "PartitionResult#dualStackDnsSuffix" => "Segment::DualStackDnsSuffix",
                other => return Err(format!("template variable {other:?} in {url}")),
            }
            .to_owned(),
        );
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        out.push(format!("Segment::Text({})", lit(rest)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_patterns_compile_to_pieces() {
        assert_eq!(
            compile_regex(r"^(us|eu)\-\w+\-\d+$").unwrap(),
            [
                r#"Piece::OneOf(&["us", "eu"])"#,
                r#"Piece::OneOf(&["-"])"#,
                "Piece::Word",
                r#"Piece::OneOf(&["-"])"#,
                "Piece::Digits"
            ]
        );
        assert_eq!(
            compile_regex(r"^us\-iso\-\w+\-\d+$").unwrap()[0],
            r#"Piece::OneOf(&["us-iso-"])"#
        );
        for bad in [
            r"us\-\d+$",
            r"^us\-\d+",
            r"^us.\d+$",
            r"^\s+$",
            r"^(a|)$",
            r"^(a$",
            r"^\w*$",
        ] {
            assert!(compile_regex(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_rule_functions_stop_the_generator() {
        let rules: Value = serde_json::from_str(
            r#"{"rules": [{"type": "endpoint", "conditions": [{"fn": "stringEquals", "argv": ["a", "b"]}],
                "endpoint": {"url": "https://x"}}]}"#,
        )
        .unwrap();
        let e = write_rules(&mut String::new(), &rules).unwrap_err();
        assert!(e.contains("stringEquals"), "{e}");
        let open: Value = serde_json::from_str(
            r#"{"rules": [{"type": "endpoint", "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
                "endpoint": {"url": "https://x"}}]}"#,
        )
        .unwrap();
        let e = write_rules(&mut String::new(), &open).unwrap_err();
        assert_eq!(
            e,
            "the rules leave fips=false dual_stack=false without an outcome"
        );
        assert!(url_segments("https://{Nope}.x").is_err());
        assert_eq!(
            url_segments("https://a.{Region}.{PartitionResult#dnsSuffix}").unwrap(),
            [
                r#"Segment::Text("https://a.")"#,
                "Segment::Region",
                r#"Segment::Text(".")"#,
                "Segment::DnsSuffix"
            ]
        );
    }
}
