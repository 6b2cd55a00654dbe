//! `apigwv2`: list the stages of an API Gateway V2 API (or of every API, or the APIs
//! themselves, or one stage), and the AWS CLI's `get-stages`, `get-stage` and `get-apis`.
//!
//! ```text
//! cargo install apigwv2 --features cli
//! apigwv2 <API_ID> [--region R] [--profile P] [--endpoint-url URL]
//!       [--page-size N] [--max-items N] [--starting-token T] [--output table|json|jsonl]
//! apigwv2 --api-name NAME | --all-apis | --apis | API --stage NAME
//! apigwv2 get-stages --api-id ID [--max-items N] [--page-size N] [--starting-token T]
//! apigwv2 get-stage --api-id ID --stage-name NAME
//! apigwv2 get-apis [--max-items N] [--page-size N] [--starting-token T]
//! cargo run --features cli,testing -- --demo [--output ...]
//! ```
//!
//! Exit codes: 0 success, 1 service or transport error, 2 bad usage.

mod aws;
mod cli;
#[path = "../../escape.rs"]
mod escape;
mod output;
mod stages;

use std::process::ExitCode;

use escape::needs_escape;

/// The arguments as text. One that is not valid UTF-8 is a usage error that names it by
/// its position and shows it escaped (each byte that is not text as `\xNN`).
fn utf8_args(args: impl Iterator<Item = std::ffi::OsString>) -> Result<Vec<String>, String> {
    args.enumerate()
        .map(|(i, a)| {
            a.into_string()
                .map_err(|a| format!("argument {} is not valid UTF-8: \"{}\"", i + 1, escaped_os(&a)))
        })
        .collect()
}

/// An OS string for a message: its text with `"`, `\` and [`needs_escape`] characters
/// escaped, and each byte that is not text as `\xNN`.
fn escaped_os(s: &std::ffi::OsStr) -> String {
    let mut out = String::new();
    for chunk in s.as_encoded_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if needs_escape(c) || c == '"' || c == '\\' {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

fn main() -> ExitCode {
    let argv = match utf8_args(std::env::args_os().skip(1)) {
        Ok(argv) => argv,
        Err(msg) => {
            eprintln!("apigwv2: {msg}\n{}", stages::USAGE_HINT);
            return ExitCode::from(2);
        }
    };
    let mut argv = argv.into_iter().peekable();
    if let Some(cmd) = argv.peek().and_then(|a| aws::Command::from_name(a)) {
        argv.next();
        return aws::main(cmd, argv);
    }
    if argv.peek().is_some_and(|a| a == "stages") {
        argv.next();
    }
    stages::main(argv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_that_are_not_utf8_are_named_and_shown_escaped() {
        assert_eq!(
            utf8_args(["a", "b"].into_iter().map(std::ffi::OsString::from)),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let os = |b: &[u8]| std::ffi::OsString::from_vec(b.to_vec());
            assert_eq!(
                utf8_args([os(b"ok"), os(b"\xff\xfe"), os(b"\xc0")].into_iter()),
                Err("argument 2 is not valid UTF-8: \"\\xff\\xfe\"".to_owned())
            );
            assert_eq!(
                escaped_os(&os(b"\"\\\x1b\xe2\x80\xae\xe2\x80ok \xc3\xa9")),
                "\\\"\\\\\\u{1b}\\u{202e}\\xe2\\x80ok é"
            );
        }
    }
}
