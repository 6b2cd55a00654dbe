//! The AWS CLI's read commands, for scripts: `get-stages`, `get-stage` and `get-apis` take
//! the options of `aws apigatewayv2 <command>` and print what it prints with `--output json`
//! (AWS CLI v1): the model's PascalCase member names, members in the model's order, `Items`
//! holding every page, `NextToken` when `--max-items` cut the listing, four-space indents.
//!
//! Resume tokens have the AWS CLI's own form (base64 of `{"NextToken": ..,
//! "boto_truncate_amount": ..}`), so a token from either command continues in the other.

use std::io::Write;
use std::process::ExitCode;

use apigwv2::{Client, Error, Paginated, Paginator};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::Value;

use crate::cli::{
    client_for, count, exit_for, option_value, paging, positive, report, split_option, ClientOptions,
};
use crate::output::{printable, TerminalSafe};

/// One of the AWS CLI's commands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[allow(clippy::enum_variant_names)] // named as the AWS CLI names them
pub(crate) enum Command {
    GetStages,
    GetStage,
    GetApis,
}

impl Command {
    /// The command a first argument names, if it names one.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "get-stages" => Some(Self::GetStages),
            "get-stage" => Some(Self::GetStage),
            "get-apis" => Some(Self::GetApis),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::GetStages => "get-stages",
            Self::GetStage => "get-stage",
            Self::GetApis => "get-apis",
        }
    }

    /// The operation's name, as the AWS CLI's error sentence gives it.
    fn operation(self) -> &'static str {
        match self {
            Self::GetStages => "GetStages",
            Self::GetStage => "GetStage",
            Self::GetApis => "GetApis",
        }
    }

    fn usage(self) -> &'static str {
        match self {
            Self::GetStages => {
                "apigwv2 get-stages --api-id ID [--max-items N] [--page-size N] \
                 [--starting-token T] [--no-paginate] [--output json] [--region R] \
                 [--profile P] [--endpoint-url URL]"
            }
            Self::GetStage => {
                "apigwv2 get-stage --api-id ID --stage-name NAME [--output json] [--region R] \
                 [--profile P] [--endpoint-url URL]"
            }
            Self::GetApis => {
                "apigwv2 get-apis [--max-items N] [--page-size N] [--starting-token T] \
                 [--no-paginate] [--output json] [--region R] [--profile P] [--endpoint-url URL]"
            }
        }
    }
}

/// The options of one command, as typed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Args {
    api_id: Option<String>,
    stage_name: Option<String>,
    max_items: Option<usize>,
    page_size: Option<u32>,
    starting_token: Option<String>,
    no_paginate: bool,
    client: ClientOptions,
}

/// The options after the command's name; `Ok(None)` for `--help`.
pub(crate) fn parse(cmd: Command, mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args::default();
    let listing = cmd != Command::GetStage;
    while let Some(arg) = argv.next() {
        let (name, inline) = split_option(&arg);
        let mut value = |what: &str| option_value(&name, &inline, &mut argv, what);
        match name.as_str() {
            "-h" | "--help" | "help" => return Ok(None),
            "--api-id" if cmd != Command::GetApis => {
                a.api_id = Some(nonempty("--api-id", value("an API id")?)?)
            }
            "--stage-name" if cmd == Command::GetStage => {
                a.stage_name = Some(nonempty("--stage-name", value("a stage name")?)?)
            }
            "--max-items" if listing => {
                let v = value("a number")?;
                a.max_items = Some(
                    count(&name, &v)
                        .map_err(|e| format!("{e} (to list everything, leave --max-items out)"))?,
                );
            }
            "--page-size" if listing => {
                let v = value("a number")?;
                a.page_size = Some(positive(&v).ok_or_else(|| {
                    format!(
                        "--page-size must be a whole number from 1 to {}, not {v:?}",
                        u32::MAX
                    )
                })?);
            }
            "--starting-token" if listing => a.starting_token = Some(value("a token")?),
            "--no-paginate" if listing => a.no_paginate = true,
            "--output" => {
                let v = value("a format")?;
                if v != "json" {
                    return Err(format!(
                        "{} prints JSON only: --output json, not {:?} (the table and \
                         jsonl formats are the stages listing's: apigwv2 --help)",
                        cmd.name(),
                        v
                    ));
                }
            }
            "--region" => a.client.region = Some(value("a region")?),
            "--profile" => a.client.profile = Some(value("a profile name")?),
            "--endpoint-url" => a.client.endpoint_url = Some(value("a URL")?),
            _ => return Err(format!("{} takes no {:?}", cmd.name(), printable(&arg))),
        }
    }
    if cmd != Command::GetApis && a.api_id.is_none() {
        return Err(format!("{} needs --api-id", cmd.name()));
    }
    if cmd == Command::GetStage && a.stage_name.is_none() {
        return Err("get-stage needs --stage-name".into());
    }
    // The AWS CLI's rule and words.
    let given = [
        ("--max-items", a.max_items.is_some()),
        ("--page-size", a.page_size.is_some()),
        ("--starting-token", a.starting_token.is_some()),
    ];
    if let Some((option, _)) = given.iter().find(|(_, set)| a.no_paginate && *set) {
        return Err(format!(
            "Cannot specify --no-paginate along with pagination arguments: {option}"
        ));
    }
    Ok(Some(a))
}

fn nonempty(option: &str, v: String) -> Result<String, String> {
    if v.is_empty() {
        return Err(format!("{option} must not be empty"));
    }
    Ok(v)
}

/// Runs one command from its arguments (after its name); returns the exit code.
pub(crate) fn main(cmd: Command, argv: impl Iterator<Item = String>) -> ExitCode {
    let args = match parse(cmd, argv) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("usage: {}", cmd.usage());
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("apigwv2: {msg}\nusage: {}", cmd.usage());
            return ExitCode::from(2);
        }
    };
    let client = match client_for(&args.client) {
        Ok(c) => c,
        Err(e) => return fail(cmd, &e),
    };
    match run(cmd, &client, &args) {
        Ok(value) => print(&value),
        Err(e) => fail(cmd, &e),
    }
}

/// The document the AWS CLI would print for this call.
pub(crate) fn run(cmd: Command, client: &Client, args: &Args) -> Result<Doc, Error> {
    let api_id = args.api_id.clone().unwrap_or_default();
    match cmd {
        Command::GetStage => {
            let stage = client.get_stage(&api_id, args.stage_name.as_deref().unwrap_or_default())?;
            Ok(pascal(doc_of(&stage)?, Kind::Struct))
        }
        Command::GetStages => listing(client.stages(api_id), args),
        Command::GetApis => listing(client.apis(), args),
    }
}

/// Every page (or one, with `--no-paginate`) as `{"Items": [...], "NextToken": ...}`.
fn listing<R>(it: Paginator<R>, args: &Args) -> Result<Doc, Error>
where
    R: Paginated,
    R::Item: Serialize,
{
    let token = args.starting_token.as_deref().map(token_from_cli);
    let mut it = paging(it, args.page_size, args.max_items, token);
    let row = |item: &R::Item| Ok::<_, Error>(pascal(doc_of(item)?, Kind::Struct));
    let mut items = Vec::new();
    let mut next = None;
    if args.no_paginate {
        // One page, and the service's own token, as the AWS CLI prints it.
        if let Some(page) = it.pages().next() {
            let page = page?;
            next = page.next_token.clone();
            for item in &page.items {
                items.push(row(item)?);
            }
        }
    } else {
        for item in it.by_ref() {
            items.push(row(&item?)?);
        }
        if args.max_items.is_some() {
            next = it.resume_token().map(|t| token_for_cli(&t));
        }
    }
    let mut doc = vec![("Items".to_owned(), Doc::Array(items))];
    if let Some(t) = next {
        doc.push(("NextToken".to_owned(), Doc::Scalar(Value::String(t))));
    }
    Ok(Doc::Object(doc))
}

/// A JSON document that keeps its members in the order they were written.
#[derive(Debug, PartialEq)]
pub(crate) enum Doc {
    Object(Vec<(String, Doc)>),
    Array(Vec<Doc>),
    Scalar(Value),
}

/// The value as its `Serialize` writes it, members in the type's order (the AWS CLI's:
/// the model types declare their fields in botocore's member order).
fn doc_of(v: &impl Serialize) -> Result<Doc, Error> {
    serde_json::to_vec(v)
        .and_then(|json| serde_json::from_slice(&json))
        .map_err(|e| Error::InvalidInput {
            field: "output",
            reason: format!("cannot be written as JSON: {e}"),
        })
}

impl<'de> Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DocVisitor;
        impl<'de> Visitor<'de> for DocVisitor {
            type Value = Doc;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Doc, E> {
                Ok(Doc::Scalar(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Doc, E> {
                Ok(Doc::Scalar(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Doc, E> {
                Ok(Doc::Scalar(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Doc, E> {
                Ok(Doc::Scalar(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Doc, E> {
                Ok(Doc::Scalar(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Doc, E> {
                Ok(Doc::Scalar(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Doc::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Doc::Object(members))
            }
        }
        d.deserialize_any(DocVisitor)
    }
}

impl Serialize for Doc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Doc::Scalar(v) => v.serialize(s),
            Doc::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Doc::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
    }
}

/// What an object in the document is: a structure of the model, whose member names become
/// PascalCase, or a map, whose keys are the user's and stay as they are.
#[derive(Clone, Copy)]
enum Kind {
    Struct,
    /// A map of structures (`RouteSettings`).
    MapOfStructs,
    /// A map of strings (`StageVariables`, `Tags`).
    Map,
}

/// The wire's camelCase member names as the model's PascalCase ones (`stageName` ->
/// `StageName`), maps' keys untouched. The members stay in the model's (alphabetical) order.
fn pascal(v: Doc, kind: Kind) -> Doc {
    match (v, kind) {
        (Doc::Array(items), _) => Doc::Array(items.into_iter().map(|i| pascal(i, kind)).collect()),
        (Doc::Object(members), Kind::Struct) => Doc::Object(
            members
                .into_iter()
                .map(|(name, value)| {
                    let mut chars = name.chars();
                    let upper: String = chars
                        .next()
                        .map(|c| c.to_ascii_uppercase())
                        .into_iter()
                        .chain(chars)
                        .collect();
                    let inner = match upper.as_str() {
                        "RouteSettings" => Kind::MapOfStructs,
                        "StageVariables" | "Tags" => Kind::Map,
                        _ => Kind::Struct,
                    };
                    let value = pascal(value, inner);
                    (upper, value)
                })
                .collect(),
        ),
        (Doc::Object(entries), Kind::MapOfStructs) => Doc::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k, pascal(v, Kind::Struct)))
                .collect(),
        ),
        (other, _) => other,
    }
}

/// Prints the document as the AWS CLI does (`json.dump(indent=4)` and a newline), with the
/// characters a terminal would act on escaped.
fn print(doc: &Doc) -> ExitCode {
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Pretty::new());
    if doc.serialize(&mut ser).is_err() {
        eprintln!("apigwv2: could not write the output as JSON");
        return ExitCode::from(1);
    }
    buf.push(b'\n');
    let mut out = std::io::stdout().lock();
    if out.write_all(&buf).and_then(|_| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// The AWS CLI's error sentence for a service error, this crate's for anything else; exit
/// 2 for what the user must fix before anything is sent, 1 otherwise.
fn fail(cmd: Command, e: &Error) -> ExitCode {
    match (e.code(), e.message()) {
        (Some(code), message) => {
            let mut line = format!(
                "An error occurred ({}) when calling the {} operation: {}",
                printable(code),
                cmd.operation(),
                printable(message.unwrap_or_default())
            );
            if let Some(id) = e.request_id() {
                line.push_str(&format!(" [request id {}]", printable(id)));
            }
            eprintln!("{line}");
        }
        (None, _) => eprintln!("{}", report(e)),
    }
    exit_for(e)
}

/// serde_json's pretty printer with Python's four-space indent, and the terminal-safe
/// string escapes of [`TerminalSafe`].
struct Pretty {
    inner: serde_json::ser::PrettyFormatter<'static>,
}

impl Pretty {
    fn new() -> Self {
        Self {
            inner: serde_json::ser::PrettyFormatter::with_indent(b"    "),
        }
    }
}

macro_rules! delegate {
    ($($name:ident ( $($arg:ident : $ty:ty),* );)*) => {
        $(fn $name<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> std::io::Result<()> {
            self.inner.$name(w $(, $arg)*)
        })*
    };
}

impl serde_json::ser::Formatter for Pretty {
    delegate! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
    }

    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        TerminalSafe.write_string_fragment(w, fragment)
    }
}

// ---- the AWS CLI's resume tokens ----

/// A resume token of this crate (`apigwv2:skip=N:TOKEN`, or the service's token at a page
/// boundary) in the AWS CLI's form: base64 of Python's `json.dumps` of
/// `{"NextToken": TOKEN}` or `{"NextToken": TOKEN|null, "boto_truncate_amount": N}`.
pub(crate) fn token_for_cli(token: &str) -> String {
    let (skip, service) = match token
        .strip_prefix("apigwv2:skip=")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(n, t)| Some((n.parse::<usize>().ok()?, t)))
    {
        Some((n, t)) => (n, t),
        None => (0, token),
    };
    let next = if service.is_empty() {
        "null".to_owned()
    } else {
        python_json_string(service)
    };
    let json = if skip == 0 {
        format!("{{\"NextToken\": {next}}}")
    } else {
        format!("{{\"NextToken\": {next}, \"boto_truncate_amount\": {skip}}}")
    };
    base64_encode(json.as_bytes())
}

/// A `--starting-token` as this crate's paginators take it: the AWS CLI's form decoded,
/// anything else (a service token, this crate's own resume token) as it is.
pub(crate) fn token_from_cli(token: &str) -> String {
    cli_token(token).unwrap_or_else(|| token.to_owned())
}

/// The AWS CLI's token decoded: exactly a `NextToken` (string or null) and, optionally, a
/// `boto_truncate_amount`, as botocore accepts it.
fn cli_token(token: &str) -> Option<String> {
    let bytes = base64_decode(token)?;
    let Value::Object(fields) = serde_json::from_slice(&bytes).ok()? else {
        return None;
    };
    if fields
        .keys()
        .any(|k| k != "NextToken" && k != "boto_truncate_amount")
    {
        return None;
    }
    let service = match fields.get("NextToken")? {
        Value::String(t) => t.clone(),
        Value::Null => String::new(),
        _ => return None,
    };
    match fields.get("boto_truncate_amount") {
        None => Some(service),
        Some(n) => Some(format!("apigwv2:skip={}:{service}", n.as_u64()?)),
    }
}

/// A string as Python's `json.dumps` writes it by default (`ensure_ascii`): `"` and `\`
/// escaped, `\n`-style escapes, everything outside printable ASCII as `\uXXXX` (UTF-16).
fn python_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64, with padding.
fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 (padding optional); `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_every_length() {
        for len in 0..40usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let text = base64_encode(&bytes);
            assert_eq!(text.len() % 4, 0);
            assert_eq!(base64_decode(&text).as_deref(), Some(&bytes[..]), "{text}");
        }
        assert_eq!(base64_encode(b"any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
        assert_eq!(base64_encode(b"any carnal pleasu"), "YW55IGNhcm5hbCBwbGVhc3U=");
        assert_eq!(base64_decode("not base64!"), None);
        assert_eq!(base64_decode("abcde"), None);
    }

    #[test]
    fn tokens_have_the_aws_cli_form_and_come_back() {
        // What botocore prints: base64.b64encode(json.dumps(token).encode()).
        assert_eq!(
            token_for_cli("apigwv2:skip=2:"),
            base64_encode(br#"{"NextToken": null, "boto_truncate_amount": 2}"#)
        );
        assert_eq!(
            token_for_cli("apigwv2:skip=3:a:b="),
            base64_encode(br#"{"NextToken": "a:b=", "boto_truncate_amount": 3}"#)
        );
        assert_eq!(
            token_for_cli("tok/+="),
            base64_encode(br#"{"NextToken": "tok/+="}"#)
        );
        assert_eq!(
            token_for_cli("\u{e9}\u{1f600}\"\\\n"),
            base64_encode(br#"{"NextToken": "\u00e9\ud83d\ude00\"\\\n"}"#)
        );
        for t in [
            "apigwv2:skip=2:",
            "apigwv2:skip=3:a:b=",
            "tok/+=",
            "\u{e9}\u{1f600}\"\\\n",
        ] {
            assert_eq!(token_from_cli(&token_for_cli(t)), t);
        }
        // Not the AWS CLI's form: passed on as it is.
        for t in ["plain-service-token", "apigwv2:skip=1:x", "e30", ""] {
            assert_eq!(token_from_cli(t), t);
        }
    }

    #[test]
    fn member_names_become_pascal_case_and_map_keys_stay() {
        let wire = serde_json::json!({
            "stageName": "prod",
            "routeSettings": {"GET /items": {"loggingLevel": "INFO"}},
            "stageVariables": {"someKey": "v"},
            "tags": {"ownerTeam": "x"},
            "accessLogSettings": {"destinationArn": "arn"}
        });
        let want = serde_json::json!({
            "StageName": "prod",
            "RouteSettings": {"GET /items": {"LoggingLevel": "INFO"}},
            "StageVariables": {"someKey": "v"},
            "Tags": {"ownerTeam": "x"},
            "AccessLogSettings": {"DestinationArn": "arn"}
        });
        let doc = |v: Value| serde_json::from_value::<Doc>(v).unwrap();
        assert_eq!(pascal(doc(wire), Kind::Struct), doc(want));
    }

    #[test]
    fn options_follow_the_aws_cli() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>().into_iter();
        let a = parse(
            Command::GetStages,
            args(&["--api-id", "a1", "--max-items=3", "--page-size", "2"]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (a.api_id.as_deref(), a.max_items, a.page_size),
            (Some("a1"), Some(3), Some(2))
        );
        for (cmd, bad) in [
            (Command::GetStages, &[][..]),
            (Command::GetStages, &["--api-id", ""]),
            (Command::GetStages, &["--api-id", "a", "--max-items", "0"]),
            (Command::GetStages, &["--api-id", "a", "--page-size", "0"]),
            (Command::GetStages, &["--api-id", "a", "--output", "table"]),
            (Command::GetStages, &["--api-id", "a", "--stage-name", "s"]),
            (
                Command::GetStages,
                &["--api-id", "a", "--no-paginate", "--max-items", "1"],
            ),
            (Command::GetStage, &["--api-id", "a"]),
            (
                Command::GetStage,
                &["--api-id", "a", "--stage-name", "s", "--max-items", "1"],
            ),
            (Command::GetApis, &["--api-id", "a"]),
        ] {
            assert!(parse(cmd, args(bad)).is_err(), "{cmd:?} {bad:?}");
        }
    }
}
