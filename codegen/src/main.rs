//! The generator: reads the service model in `codegen/model/` (botocore's copy of the
//! official API Gateway V2 model, Apache-2.0, see `codegen/model/NOTICE`) and writes the
//! Rust under `src/generated/`, which is committed and never edited by hand.
//!
//!     cargo run -p apigwv2-codegen            # rewrite src/generated/
//!     cargo run -p apigwv2-codegen -- --check # fail if src/generated/ differs (CI)
//!
//! Today it writes the endpoint data: every partition of `partitions.json` and the
//! service's endpoint rules of `endpoint-rule-set-1.json`, flattened for each setting of
//! FIPS and dual-stack.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

mod endpoints;

/// One generated file: its path under `src/generated/` and its text.
struct Output {
    name: &'static str,
    text: String,
}

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            eprintln!("apigwv2-codegen: unknown argument {other:?} (only --check)");
            return ExitCode::from(2);
        }
    };
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().unwrap_or(manifest);
    match run(root, check) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("apigwv2-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: &Path, check: bool) -> Result<(), String> {
    let model = root.join("codegen/model");
    let outputs = vec![
        Output {
            name: "mod.rs",
            text: module_file(),
        },
        Output {
            name: "endpoints.rs",
            text: endpoints::generate(
                &read_json(&model.join("partitions.json"))?,
                &read_json(&model.join("endpoint-rule-set-1.json"))?,
            )?,
        },
    ];
    let dir = root.join("src/generated");
    let mut stale = Vec::new();
    for out in &outputs {
        let path = dir.join(out.name);
        let text = rustfmt(root, &out.text).map_err(|e| format!("{}: {e}", out.name))?;
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        if old == text {
            continue;
        }
        if check {
            stale.push(path);
        } else {
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    if !stale.is_empty() {
        let names: Vec<String> = stale.iter().map(|p: &PathBuf| p.display().to_string()).collect();
        return Err(format!(
            "generated code differs from the model's (run `cargo run -p apigwv2-codegen`): {}",
            names.join(", ")
        ));
    }
    Ok(())
}

/// `text` as `cargo fmt` would leave it (the project's `rustfmt.toml`), so the files are
/// readable and `cargo fmt --check` passes on them.
fn rustfmt(root: &Path, text: &str) -> Result<String, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--config-path"])
        .arg(root.join("rustfmt.toml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    let input = text.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().map_err(|e| format!("rustfmt: {e}"))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "rustfmt wrote something that is not UTF-8".into())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The header every generated file starts with.
pub(crate) fn header(what: &str, from: &[&str]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "//! {what}");
    let _ = writeln!(s, "//!");
    let _ = writeln!(
        s,
        "//! Written by `cargo run -p apigwv2-codegen` from {} in `codegen/model/`: do not edit.",
        from.join(" and ")
    );
    s.push('\n');
    s
}

fn module_file() -> String {
    let mut s = header(
        "Code written by the generator (`codegen/`) from the service model, never by hand.",
        &["the model files"],
    );
    s.push_str("pub(crate) mod endpoints;\n");
    s
}

/// A Rust string literal for `s`.
pub(crate) fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// The members of a JSON object, or an error naming `what`.
pub(crate) fn object<'a>(v: &'a Value, what: &str) -> Result<&'a serde_json::Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{what} is not a JSON object"))
}

/// A sorted copy of a map's keys.
pub(crate) fn sorted_keys(m: &serde_json::Map<String, Value>) -> Vec<&str> {
    let set: BTreeMap<&str, ()> = m.keys().map(|k| (k.as_str(), ())).collect();
    set.into_keys().collect()
}
