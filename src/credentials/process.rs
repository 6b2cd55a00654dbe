//! `credential_process`: runs the configured command and reads its JSON (version 1) from
//! stdout, within a deadline that covers the whole call.
//!
//! The helper runs in a process group of its own (on Unix). At the deadline the whole
//! group is killed and the helper reaped, so a helper that forks cannot outlive the call;
//! and once the helper itself has exited its answer is used at once, even when a child it
//! left behind still holds stdout open (the pipe is then never waited for).

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::parse::credentials_json;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::queue::{queue, Receiver};
use crate::redact::Escaped;

/// How long the output pipes may stay open after the helper exited before what was read
/// is used anyway: long enough for the helper's last write to be read.
const DRAIN_AFTER_EXIT: Duration = Duration::from_millis(200);
/// How long the pipes' readers may still take after the helper's group was stopped.
const DRAIN_AFTER_KILL: Duration = Duration::from_secs(2);
/// The most read from stdout and stderr.
const MAX_STDOUT: u64 = 1024 * 1024;
const MAX_STDERR: u64 = 64 * 1024;

pub(crate) fn run(command: &str, timeout: Duration) -> Result<Credentials, Error> {
    let deadline = Instant::now() + timeout;
    let fail = |why: String| Error::InvalidCredentials {
        message: format!("credential_process: {why}"),
    };
    let mut child = spawn(command).map_err(|e| fail(format!("could not start: {e}")))?;
    let (out, out_done) = drain(child.stdout.take(), MAX_STDOUT);
    let (err, err_done) = drain(child.stderr.take(), MAX_STDERR);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                kill_group(&mut child);
                return Err(fail(format!(
                    "did not finish within {timeout:?}; it and its children were stopped"
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                kill_group(&mut child);
                return Err(fail(format!("could not wait for it: {e}")));
            }
        }
    };
    // The helper has exited. Its output is complete once the pipes close; a child it left
    // in the background may keep them open, so wait only briefly, then stop that group.
    let grace = deadline
        .saturating_duration_since(Instant::now())
        .min(DRAIN_AFTER_EXIT);
    let until = Instant::now() + grace;
    let closed = matches!(out_done.recv_timeout(grace), Some(Ok(())))
        && matches!(
            err_done.recv_timeout(until.saturating_duration_since(Instant::now())),
            Some(Ok(()))
        );
    if !closed {
        kill_group(&mut child);
        // With its group stopped the pipes close: let the readers take in what was already
        // written (on a loaded machine they may lag behind the exit), briefly and by the
        // deadline, since a process that left the group may still hold a pipe.
        let until = deadline.min(Instant::now() + DRAIN_AFTER_KILL);
        let _ = out_done.recv_timeout(until.saturating_duration_since(Instant::now()));
        let _ = err_done.recv_timeout(until.saturating_duration_since(Instant::now()));
    }
    let out = take(&out);
    if !status.success() {
        let err = take(&err);
        let msg = String::from_utf8_lossy(&err);
        let first: String = msg.lines().next().unwrap_or("").chars().take(200).collect();
        return Err(fail(format!("exited with {status}: {}", Escaped(&first))));
    }
    let v: serde_json::Value =
        crate::json::parse_json(&out).map_err(|_| fail("its output is not JSON".into()))?;
    if v.get("Version").and_then(|x| x.as_u64()) != Some(1) {
        return Err(fail("its output must have \"Version\": 1".into()));
    }
    credentials_json("credential_process", &out)
}

fn spawn(command: &str) -> std::io::Result<Child> {
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    let mut cmd = Command::new(shell);
    cmd.arg(flag)
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // A new group whose id is the helper's pid: the whole tree can be killed at once.
        cmd.process_group(0);
    }
    cmd.spawn()
}

/// Reads a pipe on a thread of its own into a shared buffer (up to `limit` bytes), and
/// signals when the pipe closed. The caller never joins the thread: it takes what was read
/// whenever it decides to, so a pipe held open by a stray process cannot block it.
fn drain(pipe: Option<impl Read + Send + 'static>, limit: u64) -> (Arc<Mutex<Vec<u8>>>, Receiver<()>) {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let (done, closed) = queue();
    let shared = Arc::clone(&buf);
    match pipe {
        Some(pipe) => {
            std::thread::spawn(move || {
                // Read to the end but keep at most `limit` bytes: closing the pipe early
                // would end a talkative helper with SIGPIPE before it answers. A helper
                // that never stops writing is stopped by the deadline.
                let mut pipe = pipe;
                let mut chunk = [0u8; 8192];
                let mut room = usize::try_from(limit).unwrap_or(usize::MAX);
                loop {
                    match pipe.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let keep = n.min(room);
                            if keep > 0 {
                                room -= keep;
                                shared
                                    .lock()
                                    .unwrap_or_else(|p| p.into_inner())
                                    .extend_from_slice(&chunk[..keep]);
                            }
                        }
                    }
                }
                let _ = done.send(());
            });
        }
        None => {
            let _ = done.send(());
        }
    }
    (buf, closed)
}

fn take(buf: &Mutex<Vec<u8>>) -> Vec<u8> {
    std::mem::take(&mut *buf.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Kills the helper's whole process group (on Unix), then the helper itself, and reaps it.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        // std has no killpg; the shell's `kill` takes a negative id for a group. It is
        // spawned with a bounded wait, so a broken `sh` cannot hang the call either.
        let group = format!("-{}", child.id());
        if let Ok(mut k) = Command::new("sh")
            .args(["-c", "kill -KILL \"$0\" 2>/dev/null", &group])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            let until = Instant::now() + Duration::from_secs(2);
            while matches!(k.try_wait(), Ok(None)) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(2));
            }
            let _ = k.kill();
            let _ = k.wait();
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn message(r: Result<Credentials, Error>) -> String {
        match r {
            Err(Error::InvalidCredentials { message }) => message,
            other => panic!("{other:?}"),
        }
    }

    /// A file holding `text`, for a helper to `cat`.
    fn file(name: &str, text: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("apigwv2-process-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Valid version-1 JSON of exactly `len` bytes.
    fn json_of_len(len: usize) -> Vec<u8> {
        let head = r#"{"Version":1,"AccessKeyId":"BIGKEY","SecretAccessKey":"s","Pad":""#;
        let tail = r#""}"#;
        let mut v = head.as_bytes().to_vec();
        v.resize(len - tail.len(), b'x');
        v.extend_from_slice(tail.as_bytes());
        v
    }

    const LONG: Duration = Duration::from_secs(20);

    /// Waits (up to [`LONG`]) for the process whose id is in `pid_file` to be gone, and
    /// fails naming it as `what` if it is not; removes the file.
    fn assert_stopped(pid_file: &std::path::Path, what: &str) {
        let pid = std::fs::read_to_string(pid_file).unwrap().trim().to_owned();
        let alive = || {
            Command::new("kill")
                .args(["-0", &pid])
                .stderr(Stdio::null())
                .status()
                .unwrap()
                .success()
        };
        let until = Instant::now() + LONG;
        while alive() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive(), "{what} ({pid}) outlived the call");
        let _ = std::fs::remove_file(pid_file);
    }

    #[test]
    fn reads_version_1_and_every_field() {
        let c = run(
            r#"printf '%s' '{"Version": 1, "AccessKeyId": "PROCKEY", "SecretAccessKey": "p", "SessionToken": "pt", "Expiration": "2099-01-01T00:00:00Z"}'"#,
            LONG,
        )
        .unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("PROCKEY", "p", Some("pt"))
        );
        assert_eq!(
            c.expiry(),
            Some(std::time::UNIX_EPOCH + Duration::from_secs(4_070_908_800))
        );
        let c = run(
            r#"echo '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s"}'"#,
            LONG,
        )
        .unwrap();
        assert_eq!((c.session_token(), c.expiry()), (None, None));
    }

    #[test]
    fn only_version_1_is_read() {
        for out in [
            r#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}"#,
            r#"{"Version": "1", "AccessKeyId": "A", "SecretAccessKey": "s"}"#,
            r#"{"Version": 1.5, "AccessKeyId": "A", "SecretAccessKey": "s"}"#,
            r#"{"Version": 0, "AccessKeyId": "A", "SecretAccessKey": "s"}"#,
            r#"{"AccessKeyId": "A", "SecretAccessKey": "s"}"#,
            r#"[1]"#,
        ] {
            assert_eq!(
                message(run(&format!("echo '{out}'"), LONG)),
                "credential_process: its output must have \"Version\": 1",
                "{out}"
            );
        }
        assert_eq!(
            message(run("echo 'not json'", LONG)),
            "credential_process: its output is not JSON"
        );
        assert_eq!(
            message(run(r#"echo '{"Version":1,"AccessKeyId":"A"}'"#, LONG)),
            "credential_process: SecretAccessKey is missing"
        );
    }

    #[test]
    fn a_failing_helper_is_an_error_with_its_first_line_escaped_even_with_valid_output() {
        let ok = r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s"}"#;
        assert_eq!(
            message(run(
                &format!(r#"echo '{ok}'; printf 'expired\033[2J\nsecond line\n' >&2; exit 3"#),
                LONG
            )),
            "credential_process: exited with exit status: 3: expired\\u{1b}[2J"
        );
        assert_eq!(
            message(run("exit 1", LONG)),
            "credential_process: exited with exit status: 1: "
        );
        let long_line = "e".repeat(300);
        assert_eq!(
            message(run(&format!("echo {long_line} >&2; exit 2"), LONG)),
            format!(
                "credential_process: exited with exit status: 2: {}",
                &long_line[..200]
            )
        );
    }

    #[test]
    fn stdout_is_read_up_to_its_bound_and_no_further() {
        assert_eq!(MAX_STDOUT, 1024 * 1024);
        let exact = file("exact", &json_of_len(MAX_STDOUT as usize));
        let c = run(&format!("cat '{}'", exact.display()), LONG).unwrap();
        assert_eq!(c.access_key_id(), "BIGKEY");
        // Larger valid JSON is cut at the bound (the rest is read and dropped, so the
        // helper still exits 0): what was kept is not JSON.
        let over = file("over", &json_of_len(MAX_STDOUT as usize + 64 * 1024));
        assert_eq!(
            message(run(&format!("cat '{}'", over.display()), LONG)),
            "credential_process: its output is not JSON"
        );
        let _ = std::fs::remove_file(exact);
        let _ = std::fs::remove_file(over);
    }

    #[test]
    fn a_hanging_helper_and_its_children_are_stopped_at_the_deadline() {
        let pid_file = std::env::temp_dir().join(format!("apigwv2-process-{}-pid", std::process::id()));
        let _ = std::fs::remove_file(&pid_file);
        let started = Instant::now();
        let e = message(run(
            &format!("sleep 60 & echo $! > '{}'; wait", pid_file.display()),
            Duration::from_millis(300),
        ));
        assert_eq!(
            e,
            "credential_process: did not finish within 300ms; it and its children were stopped"
        );
        assert!(started.elapsed() < LONG, "{:?}", started.elapsed());
        assert_stopped(&pid_file, "the helper's child");
    }

    #[test]
    fn a_helper_talking_past_the_stderr_bound_still_answers() {
        assert_eq!(MAX_STDERR, 64 * 1024);
        // 70,000 bytes of warnings, over the bound: the rest is read and dropped, where
        // closing the pipe at the bound would end the helper with SIGPIPE before it answers.
        let c = run(
            r#"i=0; while [ $i -lt 70 ]; do printf '%1000s' w >&2; i=$((i+1)); done;
               echo '{"Version":1,"AccessKeyId":"TALK","SecretAccessKey":"s"}'"#,
            LONG,
        )
        .unwrap();
        assert_eq!(c.access_key_id(), "TALK");
    }

    #[test]
    fn a_child_left_holding_only_stderr_is_stopped_once_the_helper_answers() {
        let pid_file = file("stderr-child", b"");
        let c = run(
            &format!(
                r#"sleep 60 >/dev/null & echo $! > '{}'; echo '{{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s"}}'"#,
                pid_file.display()
            ),
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(c.access_key_id(), "A");
        assert_stopped(&pid_file, "the helper's child holding its stderr");
    }

    #[test]
    fn an_answer_is_used_once_the_helper_exits_even_if_a_child_holds_its_output() {
        let started = Instant::now();
        let c = run(
            r#"echo '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s"}'; sleep 60 & exit 0"#,
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(c.access_key_id(), "A");
        assert!(started.elapsed() < LONG, "{:?}", started.elapsed());
    }
}
