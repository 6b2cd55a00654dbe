//! `credential_process`: runs the configured command and reads its JSON (version 1) from
//! stdout, bounded by the provider timeout (the child is killed past it).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::parse::credentials_json;
use crate::credentials::Credentials;
use crate::error::Error;

pub(crate) fn run(command: &str, timeout: Duration) -> Result<Credentials, Error> {
    let fail = |why: String| Error::InvalidCredentials {
        message: format!("credential_process: {why}"),
    };
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    let mut child = Command::new(shell)
        .arg(flag)
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("could not start: {e}")))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.by_ref().take(1024 * 1024).read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.by_ref().take(64 * 1024).read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!("did not finish within {timeout:?} and was stopped")));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(fail(format!("could not wait for it: {e}"))),
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(&err);
        let first = msg
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        return Err(fail(format!("exited with {status}: {first}")));
    }
    let v: serde_json::Value =
        crate::operation::parse_json(&out).map_err(|_| fail("its output is not JSON".into()))?;
    if v.get("Version").and_then(|x| x.as_u64()) != Some(1) {
        return Err(fail("its output must have \"Version\": 1".into()));
    }
    credentials_json("credential_process", &out)
}
