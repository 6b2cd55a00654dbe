//! Runs the official SigV4 test vectors shipped in `tests/data/sigv4-test-suite` (a copy of
//! the project's shared vectors, with their Apache-2.0 license and notice files; CI checks
//! that the copy equals them), or in the folder named by `APIGWV2_SIGV4_SUITE`: every case of `v4/`, `classic/` and `smithy-rs-extra/v4/`,
//! checking the canonical request, then the string to sign, then the signature, so that a
//! failure names the stage that broke. A missing folder fails; no case is skipped.

use std::fs;
use std::path::{Path, PathBuf};

use apigwv2::unversioned::sigv4::{self, SignableRequest, SigningParams, SigningSettings};
use apigwv2::Credentials;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const CLASSIC_TOKEN: &str = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";

fn locate(dir: PathBuf) -> Result<PathBuf, String> {
    if dir.join("v4").is_dir() && dir.join("classic").is_dir() && dir.join("smithy-rs-extra").is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "the SigV4 test suite is missing at {} (set APIGWV2_SIGV4_SUITE to its folder)",
            dir.display()
        ))
    }
}

fn suite_dir() -> PathBuf {
    let dir = std::env::var_os("APIGWV2_SIGV4_SUITE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigv4-test-suite"));
    locate(dir).unwrap_or_else(|e| panic!("{e}"))
}

/// A request parsed from the suite's raw HTTP text.
struct RawRequest {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_request(text: &str) -> RawRequest {
    let text = text.replace("\r\n", "\n");
    let (head, body) = match text.split_once("\n\n") {
        Some((h, b)) => (h.to_owned(), b.as_bytes().to_vec()),
        None => (text.trim_end_matches('\n').to_owned(), Vec::new()),
    };
    let mut lines = head.lines();
    let line = lines.next().expect("request line");
    let (method, rest) = line.split_once(' ').expect("method");
    let target = match rest.rsplit_once(' ') {
        Some((t, v)) if v.starts_with("HTTP/") => t,
        _ => rest,
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for l in lines {
        if l.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("continuation after a header");
            last.1.push(' ');
            last.1.push_str(l.trim());
        } else {
            let (n, v) = l.split_once(':').expect("header colon");
            headers.push((n.to_owned(), v.trim().to_owned()));
        }
    }
    RawRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body,
    }
}

/// The Authorization value of a signed-request file (`Authorization:` with or without a space).
fn authorization_of(signed_request: &str) -> String {
    signed_request
        .lines()
        .find_map(|l| l.strip_prefix("Authorization:"))
        .expect("Authorization line")
        .trim()
        .to_owned()
}

struct Case<'a> {
    name: String,
    request: RawRequest,
    credentials: Credentials,
    region: &'a str,
    service: &'a str,
    time: OffsetDateTime,
    settings: SigningSettings,
}

/// Signs a case and compares each stage that has an expected value; returns how many
/// stages were compared, or the first stage that differs.
fn check(
    case: &Case<'_>,
    creq: Option<&str>,
    sts: Option<&str>,
    signature: Option<&str>,
    authorization: Option<&str>,
) -> Result<usize, String> {
    let headers: Vec<(&str, &str)> = case
        .request
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let req = SignableRequest {
        method: &case.request.method,
        path: &case.request.path,
        query: &case.request.query,
        headers: &headers,
        body: &case.request.body,
    };
    let mut params = SigningParams::new(&case.credentials, case.region, case.service, case.time);
    params.settings = case.settings.clone();
    let out = sigv4::sign(&req, &params);
    // The stage functions must agree with the chained signer.
    assert_eq!(
        &sigv4::canonical_request(&req, &params),
        out.canonical_request(),
        "{}",
        case.name
    );
    // The canonical request's accessors give its lines: path, query, signed headers, hash.
    if let Some(expected) = creq {
        let lines: Vec<&str> = expected.trim_end_matches('\n').lines().collect();
        let c = out.canonical_request();
        let parts = [
            ("path", lines[1], c.path()),
            ("query", lines[2], c.query()),
            ("signed headers", lines[lines.len() - 2], c.signed_headers()),
            ("payload hash", lines[lines.len() - 1], c.payload_hash()),
        ];
        for (part, want, got) in parts {
            if want != got {
                return Err(format!(
                    "{}: canonical request {part} differs: expected {want:?}, got {got:?}",
                    case.name
                ));
            }
        }
    }
    let stages = [
        ("canonical request", creq, out.canonical_request().to_string()),
        ("string to sign", sts, out.string_to_sign().to_owned()),
        ("signature", signature, out.signature().to_owned()),
        ("authorization", authorization, out.authorization().to_owned()),
    ];
    let mut compared = 0;
    for (stage, expected, got) in stages {
        if let Some(expected) = expected {
            if expected.trim_end_matches('\n') != got {
                return Err(format!(
                    "{}: {stage} differs\n--- expected\n{expected}\n--- got\n{got}",
                    case.name
                ));
            }
            compared += 1;
        }
    }
    if case.settings.payload_checksum_header {
        let hash = out.headers().iter().find(|(n, _)| *n == "x-amz-content-sha256");
        if hash.map(|(_, v)| v.as_str()) != Some(out.canonical_request().payload_hash()) {
            return Err(format!(
                "{}: x-amz-content-sha256 header missing or wrong",
                case.name
            ));
        }
    }
    Ok(compared)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn report(suite: &str, ran: usize, expected: usize, failures: Vec<String>) {
    eprintln!("{suite}: {ran} cases run, {} failed", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(ran, expected, "{suite}: expected {expected} cases");
}

#[test]
fn v4_suite_header_signing() {
    let root = suite_dir().join("v4");
    let mut failures = Vec::new();
    let mut ran = 0;
    for dir in sorted_dirs(&root) {
        let ctx: serde_json::Value = serde_json::from_str(&read(&dir.join("context.json"))).unwrap();
        let c = &ctx["credentials"];
        let credentials = Credentials::new(
            c["access_key_id"].as_str().unwrap(),
            c["secret_access_key"].as_str().unwrap(),
            c["token"].as_str(),
        );
        let mut settings = SigningSettings::default();
        settings.normalize_path = ctx["normalize"].as_bool().unwrap();
        settings.payload_checksum_header = ctx["sign_body"].as_bool().unwrap();
        settings.sign_session_token = !ctx["omit_session_token"].as_bool().unwrap_or(false);
        let case = Case {
            name: format!("v4/{}", dir.file_name().unwrap().to_string_lossy()),
            request: parse_request(&read(&dir.join("request.txt"))),
            credentials,
            region: ctx["region"].as_str().unwrap(),
            service: ctx["service"].as_str().unwrap(),
            time: OffsetDateTime::parse(ctx["timestamp"].as_str().unwrap(), &Rfc3339).unwrap(),
            settings,
        };
        let signed = read(&dir.join("header-signed-request.txt"));
        let result = check(
            &case,
            Some(&read(&dir.join("header-canonical-request.txt"))),
            Some(&read(&dir.join("header-string-to-sign.txt"))),
            Some(&read(&dir.join("header-signature.txt"))),
            Some(&authorization_of(&signed)),
        );
        match result {
            Ok(4) => ran += 1,
            Ok(n) => failures.push(format!("{}: {n} of 4 stages compared", case.name)),
            Err(e) => failures.push(e),
        }
    }
    report("v4", ran, 38, failures);
}

fn classic_cases(dir: &Path, out: &mut Vec<PathBuf>) {
    for d in sorted_dirs(dir) {
        let name = d.file_name().unwrap().to_string_lossy().into_owned();
        if d.join(format!("{name}.req")).exists() {
            out.push(d);
        } else {
            classic_cases(&d, out);
        }
    }
}

#[test]
fn classic_suite() {
    let root = suite_dir().join("classic");
    let mut dirs = Vec::new();
    classic_cases(&root, &mut dirs);
    let mut failures = Vec::new();
    let mut ran = 0;
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let file = |ext: &str| dir.join(format!("{name}.{ext}"));
        let token = (name == "get-vanilla-with-session-token").then_some(CLASSIC_TOKEN);
        let case = Case {
            name: format!("classic/{name}"),
            request: parse_request(&read(&file("req"))),
            credentials: Credentials::new(ACCESS_KEY, SECRET_KEY, token),
            region: "us-east-1",
            service: "service",
            time: time::macros::datetime!(2015-08-30 12:36:00 UTC),
            settings: SigningSettings::default(),
        };
        match check(
            &case,
            Some(&read(&file("creq"))),
            Some(&read(&file("sts"))),
            None,
            Some(&read(&file("authz"))),
        ) {
            Ok(3) => ran += 1,
            Ok(n) => failures.push(format!("{}: {n} of 3 stages compared", case.name)),
            Err(e) => failures.push(e),
        }
    }
    report("classic", ran, 34, failures);
}

#[test]
fn smithy_rs_double_encoding_cases() {
    // Each folder has its own runner (their contexts are not in the folders); a folder
    // without one fails, so a case added to the suite cannot go unchecked.
    let mut results: Vec<Result<usize, String>> = Vec::new();
    let dirs = sorted_dirs(&suite_dir().join("smithy-rs-extra/v4"));
    for dir in &dirs {
        let request = || parse_request(&read(&dir.join("request.txt")));
        match dir.file_name().unwrap().to_str().unwrap() {
            "double-url-encode" => {
                let case = Case {
                    name: "smithy-rs-extra/double-url-encode".into(),
                    request: request(),
                    credentials: Credentials::new(ACCESS_KEY, SECRET_KEY, None::<String>),
                    region: "us-east-2",
                    service: "lambda",
                    time: time::macros::datetime!(2021-05-11 15:40:45 UTC),
                    settings: SigningSettings::default(),
                };
                results.push(check(
                    &case,
                    Some(&read(&dir.join("header-canonical-request.txt"))),
                    Some(&read(&dir.join("header-string-to-sign.txt"))),
                    None,
                    Some(&authorization_of(&read(&dir.join("header-signed-request.txt")))),
                ));
            }
            "double-encode-path" => {
                // The canonical request and the signed request were made with different
                // credentials and times.
                let creq_case = Case {
                    name: "smithy-rs-extra/double-encode-path (canonical request)".into(),
                    request: request(),
                    credentials: Credentials::new(ACCESS_KEY, SECRET_KEY, None::<String>),
                    region: "us-east-1",
                    service: "service",
                    time: time::macros::datetime!(2021-05-11 15:40:45 UTC),
                    settings: SigningSettings::default(),
                };
                results.push(check(
                    &creq_case,
                    Some(&read(&dir.join("header-canonical-request.txt"))),
                    None,
                    None,
                    None,
                ));
                let auth_case = Case {
                    name: "smithy-rs-extra/double-encode-path (authorization)".into(),
                    request: request(),
                    credentials: Credentials::new(
                        "ANOTREAL",
                        "notrealrnrELgWzOk3IfjzDKtFBhDby",
                        None::<String>,
                    ),
                    region: "us-east-1",
                    service: "service",
                    time: time::macros::datetime!(2015-08-30 12:36:00 UTC),
                    settings: SigningSettings::default(),
                };
                results.push(check(
                    &auth_case,
                    None,
                    None,
                    None,
                    Some(&authorization_of(&read(&dir.join("header-signed-request.txt")))),
                ));
            }
            other => results.push(Err(format!(
                "smithy-rs-extra/v4/{other}: no runner for this case"
            ))),
        }
    }
    let stages = results.iter().map(|r| r.as_ref().map_or(0, |n| *n)).sum();
    let failures = results.into_iter().filter_map(Result::err).collect();
    // double-url-encode: canonical request, string to sign, authorization; double-encode-path:
    // canonical request, authorization.
    report("smithy-rs-extra (stages)", stages, 5, failures);
    assert_eq!(dirs.len(), 2, "smithy-rs-extra cases: {dirs:?}");
}

#[test]
fn the_suite_folder_needs_all_three_parts() {
    let root = std::env::temp_dir().join(format!("apigwv2-suite-layout-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    for part in ["v4", "classic"] {
        fs::create_dir_all(root.join(part)).unwrap();
    }
    let err = locate(root.clone()).unwrap_err();
    assert!(err.contains("missing at"), "{err}");
    fs::create_dir_all(root.join("smithy-rs-extra")).unwrap();
    assert_eq!(locate(root.clone()), Ok(root.clone()));
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_missing_suite_folder_is_an_error_not_a_skip() {
    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-suite");
    let err = locate(missing).unwrap_err();
    assert!(err.contains("no-such-suite"), "{err}");
}

#[test]
fn the_runner_names_the_stage_that_broke() {
    let dir = suite_dir().join("v4/get-vanilla");
    let case = Case {
        name: "v4/get-vanilla".into(),
        request: parse_request(&read(&dir.join("request.txt"))),
        credentials: Credentials::new(ACCESS_KEY, SECRET_KEY, None::<String>),
        region: "us-east-1",
        service: "service",
        time: time::macros::datetime!(2015-08-30 12:36:00 UTC),
        settings: SigningSettings::default(),
    };
    let creq = read(&dir.join("header-canonical-request.txt"));
    let sts = read(&dir.join("header-string-to-sign.txt"));
    check(&case, Some(&creq), Some(&sts), None, None).unwrap();
    let err = check(&case, Some(&creq.replace("GET", "PUT")), Some(&sts), None, None).unwrap_err();
    assert!(err.contains("canonical request differs"), "{err}");
    let err = check(
        &case,
        Some(&creq),
        Some(&sts.replace("20150830T", "20150831T")),
        None,
        None,
    )
    .unwrap_err();
    assert!(err.contains("string to sign differs"), "{err}");
    let err = check(&case, None, None, Some(&"0".repeat(64)), None).unwrap_err();
    assert!(err.contains("signature differs"), "{err}");
}

#[test]
fn the_canonical_request_hides_tokens_where_it_is_logged() {
    let creds = Credentials::new(ACCESS_KEY, SECRET_KEY, Some("SESSION-TOKEN-VALUE"));
    let headers = [
        ("Host", "example.amazonaws.com"),
        ("X-Custom-Token", "custom-token-value"),
        ("X-Amz-Authorization-Hint", "hint-value"),
        ("X-Visible", "visible-value"),
    ];
    let req = SignableRequest {
        method: "GET",
        path: "/",
        query: "",
        headers: &headers,
        body: b"",
    };
    let time = time::macros::datetime!(2015-08-30 12:36:00 UTC);
    let out = sigv4::sign(&req, &SigningParams::new(&creds, "us-east-1", "service", time));
    let creq = out.canonical_request();
    let full = creq.to_string();
    let redacted = full
        .replace("SESSION-TOKEN-VALUE", "** redacted **")
        .replace("custom-token-value", "** redacted **")
        .replace("hint-value", "** redacted **");
    assert_ne!(full, redacted, "the request carries values to hide");
    assert_eq!(creq.redacted(), redacted);
    assert_eq!(format!("{creq:?}"), redacted, "Debug is the redacted form");
    assert!(
        full.contains("SESSION-TOKEN-VALUE"),
        "Display is the exact form that is hashed"
    );
}

#[test]
fn the_request_signer_and_its_output_print_no_signature() {
    let signer = sigv4::RequestSigner::new("us-east-1", "service");
    assert_eq!(
        format!("{signer:?}"),
        r#"RequestSigner { region: "us-east-1", service: "service", .. }"#
    );
    let creds = Credentials::new(ACCESS_KEY, SECRET_KEY, None::<String>);
    let time = time::macros::datetime!(2015-08-30 12:36:00 UTC);
    let signed = signer.sign_get(
        &creds,
        time,
        "example.amazonaws.com",
        "/",
        &sigv4::CanonicalQuery::default(),
    );
    assert!(signed.authorization.contains("Signature="));
    assert_eq!(
        format!("{signed:?}"),
        r#"SignedHeaders { amz_date: "20150830T123600Z", authorization: "** redacted **" }"#
    );
}
