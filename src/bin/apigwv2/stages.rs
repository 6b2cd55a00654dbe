//! The stages lister, `apigwv2 [stages] <API_ID>` and its options: the stages of an API,
//! of every API, the APIs themselves or one stage, as a table, JSON or JSON lines.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use apigwv2::{AllStages, Api, ApiStage, Client, Error, Page, Paginated, Paginator, Stage};

use crate::cli::{client_for, count, exit_for, option_value, paging, report, split_option, ClientOptions};
use crate::output::{json_line, printable, shell_quoted};

const USAGE: &str = "\
NAME
    apigwv2 - list the stages of AWS API Gateway V2 APIs

SYNOPSIS
    apigwv2 [stages] <API_ID> [--region R] [--profile P] [--endpoint-url URL]
            [--page-size N] [--max-items N] [--starting-token T]
            [--output table|json|jsonl]
    apigwv2 --api-name NAME [options]    the stages of the API named NAME
    apigwv2 --all-apis [options]         every stage of every API
    apigwv2 --apis [options]             the APIs themselves
    apigwv2 <API_ID> --stage NAME        one stage (GetStage)
    apigwv2 --demo [--output table|json|jsonl] [--page-size N] [--max-items N]
    apigwv2 get-stages --api-id ID [--max-items N] [--page-size N]
            [--starting-token T] [--no-paginate] [--output json]
    apigwv2 get-stage --api-id ID --stage-name NAME [--output json]
    apigwv2 get-apis [--max-items N] [--page-size N] [--starting-token T]
            [--no-paginate] [--output json]
    apigwv2 --help

DESCRIPTION
    Lists every stage of API_ID, fetching one signed page at a time. Region,
    credentials and endpoint come from the same environment variables and
    ~/.aws files as the AWS CLI; the options below override them.

    get-stages, get-stage and get-apis take the options of the AWS CLI's
    `aws apigatewayv2` commands and print what they print (--output json):
    PascalCase names, every page's items under \"Items\", and a \"NextToken\"
    when --max-items cut the listing. Their tokens and the AWS CLI's are the
    same, so either continues the other's listing. They also take --region,
    --profile and --endpoint-url.

OPTIONS
    --api-name NAME       the API named NAME instead of an id (an error names
                          the ids when several APIs have that name)
    --all-apis            every stage of every API, each with its API's id
                          and name; one API's failure is reported and the
                          listing goes on (exit 1 at the end)
    --parallelism N       with --all-apis: requests in flight at once (worker
                          threads), N >= 1; default 8
    --apis                list the APIs (GetApis) instead of stages
    --stage NAME          show one stage of the API (GetStage)
    --region R            region to call, e.g. eu-west-1
    --profile P           profile of ~/.aws/config and ~/.aws/credentials
    --endpoint-url URL    send requests to URL (LocalStack, moto, a proxy)
    --page-size N         stages per request (maxResults), N >= 1
    --max-items N         stop after N stages; the resume token is printed
    --starting-token T    continue from a token printed by --max-items
    --output FORMAT       table (default on a terminal), jsonl (default
                          otherwise: one stage per line, the service's JSON),
                          json ({\"items\":[...],\"nextToken\":...})
    --demo                list from a bundled local endpoint (needs the
                          `testing` feature); no AWS account needed
    -h, --help            show this text

EXIT STATUS
    0 success, 1 service or transport error, 2 bad usage
";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Table,
    Json,
    Jsonl,
}

/// What to list.
#[derive(Clone, PartialEq, Eq)]
enum Mode {
    Stages,
    AllApis,
    Apis,
}

#[derive(Clone)]
struct Args {
    api_id: Option<String>,
    api_name: Option<String>,
    stage: Option<String>,
    mode: Mode,
    parallelism: Option<usize>,
    client: ClientOptions,
    page_size: Option<u32>,
    max_items: Option<usize>,
    starting_token: Option<String>,
    output: Option<Output>,
    demo: bool,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        api_id: None,
        api_name: None,
        stage: None,
        mode: Mode::Stages,
        parallelism: None,
        client: ClientOptions::default(),
        page_size: None,
        max_items: None,
        starting_token: None,
        output: None,
        demo: false,
    };
    while let Some(arg) = argv.next() {
        let (name, inline) = split_option(&arg);
        let mut value = |what: &str| option_value(&name, &inline, &mut argv, what);
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--demo" => a.demo = true,
            "--api-name" => a.api_name = Some(value("an API name")?),
            "--stage" => a.stage = Some(value("a stage name")?),
            "--all-apis" => a.mode = Mode::AllApis,
            "--parallelism" => a.parallelism = Some(count(&name, &value("a number")?)?),
            "--apis" => a.mode = Mode::Apis,
            "--region" => a.client.region = Some(value("a region")?),
            "--profile" => a.client.profile = Some(value("a profile name")?),
            "--endpoint-url" => a.client.endpoint_url = Some(value("a URL")?),
            "--starting-token" => a.starting_token = Some(value("a token")?),
            "--page-size" => a.page_size = Some(count(&name, &value("a number")?)?),
            "--max-items" => a.max_items = Some(count(&name, &value("a number")?)?),
            "--output" => {
                a.output = Some(match value("a format")?.as_str() {
                    "table" => Output::Table,
                    "json" => Output::Json,
                    "jsonl" => Output::Jsonl,
                    other => return Err(format!("--output must be table, json or jsonl, not {other:?}")),
                })
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s:?}")),
            _ if arg.is_empty() => return Err("API_ID must not be empty".into()),
            _ if a.api_id.is_none() => a.api_id = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}: only one API_ID is taken")),
        }
    }
    if a.demo && (a.api_id.is_some() || a.client != ClientOptions::default()) {
        return Err("--demo takes no API_ID, --region, --profile or --endpoint-url".into());
    }
    let names_api = a.api_id.is_some() || a.api_name.is_some();
    if a.api_id.is_some() && a.api_name.is_some() {
        return Err("give an API_ID or --api-name, not both".into());
    }
    if a.mode != Mode::Stages && (names_api || a.stage.is_some()) {
        return Err("--all-apis and --apis take no API_ID, --api-name or --stage".into());
    }
    if a.parallelism.is_some() && a.mode != Mode::AllApis {
        return Err("--parallelism goes with --all-apis".into());
    }
    if a.stage.is_some() && (a.max_items.is_some() || a.starting_token.is_some() || a.page_size.is_some()) {
        return Err("--stage shows one stage: no --page-size, --max-items or --starting-token".into());
    }
    if !a.demo && a.mode == Mode::Stages && !names_api {
        return Err("missing API_ID (or --api-name, --all-apis, --apis)".into());
    }
    Ok(Some(a))
}

fn utc(t: Option<time::OffsetDateTime>) -> String {
    let Some(t) = t.and_then(|t| t.checked_to_offset(time::UtcOffset::UTC)) else {
        return "-".into();
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A table: a header line and aligned columns; the last column is not padded.
fn print_table(
    out: &mut impl Write,
    header: &[&str],
    rows: &[Vec<String>],
    width: Option<usize>,
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[&str]| -> String {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                l.push_str(&format!("{:<w$}  ", c, w = widths[i]));
            }
        }
        let l = l.trim_end().to_owned();
        match width {
            Some(w) => truncate(&l, w),
            None => l,
        }
    };
    writeln!(out, "{}", line(header))?;
    for r in rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
    }
    Ok(())
}

fn stage_cells(s: &Stage) -> Vec<String> {
    vec![
        printable(&s.stage_name),
        s.deployment_id.as_deref().map_or_else(|| "-".into(), printable),
        s.auto_deploy.map_or("-".into(), |b| b.to_string()),
        utc(s.last_updated_date),
        printable(
            &s.description
                .clone()
                .unwrap_or_default()
                .replace(['\n', '\r', '\t'], " "),
        ),
    ]
}

const STAGE_HEADER: [&str; 5] = [
    "STAGE",
    "DEPLOYMENT",
    "AUTO-DEPLOY",
    "LAST UPDATED",
    "DESCRIPTION",
];

/// One stage of `--all-apis`, as printed: its API's id and name, and the stage's own JSON.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiStageRow {
    api_id: String,
    api_name: String,
    stage: Stage,
}

/// How one row of a listing prints: its table columns, and what the rows are called.
trait Row: serde::Serialize {
    fn header() -> Vec<&'static str>;
    fn cells(&self) -> Vec<String>;
    /// What is listed, for messages: `stages` or `APIs`.
    fn noun() -> &'static str {
        "stages"
    }
}

impl Row for Stage {
    fn header() -> Vec<&'static str> {
        STAGE_HEADER.to_vec()
    }
    fn cells(&self) -> Vec<String> {
        stage_cells(self)
    }
}

impl Row for Api {
    fn header() -> Vec<&'static str> {
        vec!["API-ID", "NAME", "PROTOCOL", "CREATED", "ENDPOINT"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.api_id.as_deref().map_or_else(|| "-".into(), printable),
            printable(&self.name),
            self.protocol_type.to_string(),
            utc(self.created_date),
            self.api_endpoint.as_deref().map_or_else(|| "-".into(), printable),
        ]
    }
    fn noun() -> &'static str {
        "APIs"
    }
}

impl Row for ApiStageRow {
    fn header() -> Vec<&'static str> {
        let mut h = vec!["API-ID", "API-NAME"];
        h.extend(STAGE_HEADER);
        h
    }
    fn cells(&self) -> Vec<String> {
        let mut c = vec![printable(&self.api_id), printable(&self.api_name)];
        c.extend(stage_cells(&self.stage));
        c
    }
}

/// A listing the command can print: its rows and a resume token.
trait Listing {
    type Row: Row;
    fn next_row(&mut self) -> Option<Result<Self::Row, Error>>;
    fn resume(&self) -> Option<String>;
    fn pages(&self) -> usize;
    /// Whether an error ends the listing (else it is reported and the listing goes on).
    fn fatal(e: &Error) -> bool;
}

/// Any single listing (stages, APIs): every error ends it.
impl<R: Paginated> Listing for Paginator<R>
where
    R::Item: Row,
{
    type Row = R::Item;
    fn next_row(&mut self) -> Option<Result<R::Item, Error>> {
        self.next()
    }
    fn resume(&self) -> Option<String> {
        self.resume_token()
    }
    fn pages(&self) -> usize {
        self.pages_fetched()
    }
    fn fatal(_: &Error) -> bool {
        true
    }
}

/// Every stage of every API: one API's failure is reported and the listing goes on.
impl Listing for AllStages {
    type Row = ApiStageRow;
    fn next_row(&mut self) -> Option<Result<ApiStageRow, Error>> {
        self.next().map(|r| {
            r.map(|s: ApiStage| ApiStageRow {
                api_id: s.api_id,
                api_name: s.api_name,
                stage: s.stage,
            })
        })
    }
    fn resume(&self) -> Option<String> {
        self.resume_token()
    }
    fn pages(&self) -> usize {
        0
    }
    fn fatal(e: &Error) -> bool {
        !matches!(e, Error::InApi { .. })
    }
}

/// What to list for these arguments, then lists and prints it; returns the exit code.
fn run(client: &Client, api_id: &str, args: &Args) -> ExitCode {
    let api_id = match &args.api_name {
        Some(name) => match client.api_by_name(name) {
            Ok(api) => api.api_id.unwrap_or_default(),
            Err(e) => {
                eprintln!("{}", report(&e));
                return exit_for(&e);
            }
        },
        None => api_id.to_owned(),
    };
    if let Some(stage) = &args.stage {
        return match client.get_stage(&api_id, stage) {
            Ok(stage) => print_one(&stage, args),
            Err(e) => {
                eprintln!("{}", report(&e));
                exit_for(&e)
            }
        };
    }
    let max = args.max_items;
    let token = args.starting_token.clone();
    match args.mode {
        Mode::Stages => list(
            paging(client.stages(api_id), args.page_size, max, token),
            None,
            args,
        ),
        Mode::Apis => list(paging(client.apis(), args.page_size, max, token), None, args),
        Mode::AllApis => {
            let mut it = client.all_stages();
            if let Some(n) = args.parallelism {
                it = it.parallelism(n);
            }
            if let Some(n) = args.page_size {
                it = it.page_size(n);
            }
            if let Some(t) = &args.starting_token {
                it = it.starting_token(t.clone());
            }
            list(it, max, args)
        }
    }
}

/// The output format for these arguments: `table` on a terminal, `jsonl` otherwise.
fn output_of(args: &Args) -> Output {
    args.output.unwrap_or(if std::io::stdout().is_terminal() {
        Output::Table
    } else {
        Output::Jsonl
    })
}

/// Prints one stage (GetStage).
fn print_one(stage: &Stage, args: &Args) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let written = match output_of(args) {
        Output::Table => print_table(&mut out, &STAGE_HEADER, &[stage_cells(stage)], None),
        Output::Json | Output::Jsonl => match json_line(stage) {
            Ok(line) => writeln!(out, "{line}"),
            Err(msg) => {
                eprintln!("{msg}");
                return ExitCode::from(1);
            }
        },
    };
    if written.and_then(|_| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Lists and prints; returns the exit code. `max` stops after that many rows when the
/// listing cannot stop by itself.
fn list<L: Listing>(mut it: L, max: Option<usize>, args: &Args) -> ExitCode {
    let output = output_of(args);
    let progress = std::io::stderr().is_terminal();
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| *w > 20);
    let started = Instant::now();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut kept = Vec::new();
    let mut count = 0usize;
    let mut shown_progress = false;
    let mut failure = None;
    let mut reported = false;
    while max.is_none_or(|m| count < m) {
        let Some(row) = it.next_row() else { break };
        match row {
            Ok(row) => {
                count += 1;
                if output == Output::Jsonl {
                    let line = match json_line(&row) {
                        Ok(line) => line,
                        Err(msg) => {
                            eprintln!("{msg}");
                            return ExitCode::from(1);
                        }
                    };
                    if writeln!(out, "{line}").is_err() {
                        return ExitCode::from(1);
                    }
                } else {
                    kept.push(row);
                }
            }
            Err(e) if !L::fatal(&e) => {
                // One part failed; say so and go on (the exit status says it at the end).
                eprintln!("{}", report(&e));
                reported = true;
            }
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
        if progress && it.pages() > 1 {
            shown_progress = true;
            eprint!(
                "\r{} pages, {} {}, {:.1}s",
                it.pages(),
                count,
                L::Row::noun(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    if shown_progress {
        eprint!("\r\x1b[K");
    }
    let resume = it.resume();
    let written = match output {
        Output::Jsonl => Ok(()),
        Output::Json => match json_line(&Page::new(kept, resume.clone())) {
            Ok(line) => writeln!(out, "{line}"),
            Err(msg) => {
                eprintln!("{msg}");
                return ExitCode::from(1);
            }
        },
        Output::Table => {
            let rows: Vec<Vec<String>> = kept.iter().map(Row::cells).collect();
            print_table(&mut out, &L::Row::header(), &rows, width)
        }
    };
    if written.and_then(|_| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    if let Some(e) = failure {
        eprintln!("{}", report(&e));
        // No hint when the service refused the very token the command was given.
        let rejected = matches!(e, Error::BadRequest { .. }) && resume == args.starting_token;
        if let Some(t) = resume.as_deref().and_then(shell_quoted).filter(|_| !rejected) {
            eprintln!("apigwv2: continue with --starting-token {t}");
        }
        return exit_for(&e);
    }
    if let (Some(t), Some(_)) = (resume.as_deref().and_then(shell_quoted), args.max_items) {
        if output != Output::Json {
            eprintln!(
                "apigwv2: more {}; continue with --starting-token {t}",
                L::Row::noun()
            );
        }
    }
    if reported {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "testing")]
fn demo(args: &Args) -> ExitCode {
    use apigwv2::testing::{demo_stages, LocalApiGateway, DEMO_API_ID};
    let gw = match LocalApiGateway::builder().api(DEMO_API_ID, demo_stages()).start() {
        Ok(gw) => gw,
        Err(e) => {
            eprintln!("apigwv2: could not start the local endpoint: {e}");
            return ExitCode::from(1);
        }
    };
    if std::io::stderr().is_terminal() {
        eprintln!(
            "apigwv2: listing from the bundled local endpoint at {}",
            gw.endpoint_url()
        );
    }
    let client = match gw.client() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}", report(&e));
            return ExitCode::from(1);
        }
    };
    let mut demo_args = args.clone();
    demo_args.page_size = args.page_size.or(Some(3));
    run(&client, DEMO_API_ID, &demo_args)
}

#[cfg(not(feature = "testing"))]
fn demo(_: &Args) -> ExitCode {
    eprintln!("apigwv2: --demo needs the `testing` feature: cargo run --features cli,testing -- --demo");
    ExitCode::from(2)
}

/// The line that follows a usage error.
pub(crate) const USAGE_HINT: &str = "usage: apigwv2 <API_ID> [options]   (apigwv2 --help for more)";

/// Runs the lister from its arguments (after `stages`, if given); returns the exit code.
pub(crate) fn main(argv: impl Iterator<Item = String>) -> ExitCode {
    let args = match parse_args(argv) {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("apigwv2: {msg}\n{USAGE_HINT}");
            return ExitCode::from(2);
        }
    };
    if args.demo {
        return demo(&args);
    }
    let client = match client_for(&args.client) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}", report(&e));
            // Configuration the user must fix is a usage problem; anything else is an error.
            return ExitCode::from(match e {
                Error::Config { .. } | Error::InvalidCredentials { .. } | Error::InvalidInput { .. } => 2,
                _ => 1,
            });
        }
    };
    let api_id = args.api_id.clone().unwrap_or_default();
    run(&client, &api_id, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_cells() {
        assert_eq!(utc(None), "-");
        let t = time::macros::datetime!(2025-01-02 03:04:05 +02:00);
        assert_eq!(utc(Some(t)), "2025-01-02 01:04:05Z");
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdef", 5), "abcd…");
        assert_eq!(truncate("ééé", 3), "ééé");
        assert_eq!(truncate("ééé", 2), "é…");
        let mut stage = Stage::new("prod\u{1b}");
        stage.deployment_id = Some("d1".into());
        stage.auto_deploy = Some(true);
        stage.description = Some("line\nbreak\ttab".into());
        assert_eq!(
            stage_cells(&stage),
            ["prod\\u{1b}", "d1", "true", "-", "line break tab"]
        );
        assert_eq!(stage_cells(&Stage::new("s")), ["s", "-", "-", "-", ""]);
    }

    #[test]
    fn tables_align_and_cut_to_the_width() {
        let rows = vec![
            vec!["a".to_owned(), "bb".to_owned(), "last".to_owned()],
            vec!["ccc".to_owned(), "d".to_owned(), "".to_owned()],
        ];
        let table = |width| {
            let mut out = Vec::new();
            print_table(&mut out, &["H1", "H2", "H3"], &rows, width).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(table(None), "H1   H2  H3\na    bb  last\nccc  d\n");
        assert_eq!(table(Some(11)), "H1   H2  H3\na    bb  l…\nccc  d\n");
        assert_eq!(table(Some(10)), "H1   H2  …\na    bb  …\nccc  d\n");
        assert_eq!(table(Some(13)), "H1   H2  H3\na    bb  last\nccc  d\n");
    }

    #[test]
    fn options_are_parsed_and_checked() {
        let parse = |args: &[&str]| parse_args(args.iter().map(|s| s.to_string()));
        let a = parse(&["a1", "--page-size=3", "--max-items", "4", "--region=eu-west-1"])
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                a.api_id.as_deref(),
                a.page_size,
                a.max_items,
                a.client.region.as_deref()
            ),
            (Some("a1"), Some(3), Some(4), Some("eu-west-1"))
        );
        for (args, says) in [
            (&["a1", "--page-size"][..], "--page-size needs a number"),
            (
                &["a1", "--parallelism", "2"],
                "--parallelism goes with --all-apis",
            ),
            (
                &["--all-apis", "--parallelism=0"],
                "--parallelism must be a whole number of at least 1, not \"0\"",
            ),
            (
                &["--demo", "a1"],
                "--demo takes no API_ID, --region, --profile or --endpoint-url",
            ),
            (
                &["--demo", "--region", "r"],
                "--demo takes no API_ID, --region, --profile or --endpoint-url",
            ),
            (
                &["a1", "--api-name", "n"],
                "give an API_ID or --api-name, not both",
            ),
            (
                &["--apis", "a1"],
                "--all-apis and --apis take no API_ID, --api-name or --stage",
            ),
            (
                &["a1", "--stage", "s", "--page-size", "1"],
                "--stage shows one stage: no --page-size, --max-items or --starting-token",
            ),
            (&[], "missing API_ID (or --api-name, --all-apis, --apis)"),
            (&["-"], "unknown option \"-\""),
            (
                &["a1", "b2"],
                "unexpected argument \"b2\": only one API_ID is taken",
            ),
        ] {
            assert_eq!(parse(args).err().as_deref(), Some(says), "{args:?}");
        }
        assert!(parse(&["--demo"]).unwrap().unwrap().demo);
        assert!(parse(&["a1", "--help"]).unwrap().is_none());
        assert!(parse(&["--apis"]).unwrap().unwrap().mode == Mode::Apis);
        assert!(
            parse(&["--all-apis", "--parallelism", "3"])
                .unwrap()
                .unwrap()
                .parallelism
                == Some(3)
        );
    }
}
