//! `credential_process`: a command run through the shell (`sh -c`, `cmd.exe /C` on
//! Windows) that prints Version 1 JSON. Bounded by Go's one-minute timeout.

use crate::aws::Credentials;
use crate::credentials::error::{CredentialsError, ProcessProblem};
use crate::credentials::provider::{Provider, Resolver};
use crate::credentials::sources::document::{self, Document, DocumentError};
use crate::local::program::{self, Limits, RunError};
use std::process::Command;
use std::time::Duration;

pub const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub command: String,
    pub profile: String,
    /// The profile's `aws_account_id`, used when the output has no `AccountId`.
    pub account_id: Option<String>,
}

impl Provider for Process {
    fn kind(&self) -> &'static str {
        "credential_process"
    }

    fn identity(&self) -> String {
        format!("credential-process\n{}", self.command)
    }

    fn provide(&self, _r: &Resolver) -> Result<Credentials, CredentialsError> {
        // The program only: its arguments may carry something secret.
        let fail = |problem| CredentialsError::Process {
            program: program(&self.command),
            problem,
        };
        let output = run(&self.command, TIMEOUT).map_err(fail)?;
        let mut creds = parse(&output).map_err(|e| fail(ProcessProblem::Output(e)))?;
        if creds.account_id.is_none() {
            creds.account_id = self.account_id.clone();
        }
        Ok(creds)
    }
}

fn shell(command: &str) -> Command {
    #[cfg(windows)]
    {
        // cmd.exe parses its own command line: the line goes to it verbatim, as the SDKs pass
        // it, since the usual argument quoting would hide a quoted path from cmd.
        use std::os::windows::process::CommandExt;
        let mut c = Command::new("cmd.exe");
        c.arg("/C").raw_arg(command);
        c
    }
    #[cfg(not(windows))]
    {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command);
        c
    }
}

/// The program a command line starts, for messages: its first word that is not an
/// assignment (`VAULT_TOKEN=s.… vault …` starts `vault`), unquoted, and only its file name.
/// The rest of the line, and any assignment, may carry a secret.
pub fn program(command: &str) -> String {
    let mut rest = command.trim_start();
    let word = loop {
        let (word, after) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &rest[1..];
                let end = inner.find(q).unwrap_or(inner.len());
                (&inner[..end], inner.get(end + 1..).unwrap_or(""))
            }
            _ => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        if !is_assignment(word) {
            break word;
        }
        rest = after.trim_start();
    };
    let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
    format!("`{name}`")
}

/// `NAME=value` as the shell reads it before a command: a name of letters, digits and `_`,
/// not starting with a digit.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// How much of its stderr a failure shows: the last lines, which say what went wrong.
const STDERR_LINES: usize = 5;

/// Runs `command` through the shell with one deadline for all of it. Nothing it leaves
/// behind outlives the helper: it runs in a process group of its own, stopped on timeout,
/// and so is any part of it still holding the pipes after it exited.
pub fn run(command: &str, timeout: Duration) -> Result<Vec<u8>, ProcessProblem> {
    let limits = Limits::CREDENTIAL_PROCESS;
    let out = program::run(shell(command), b"", timeout, limits).map_err(|e| match e {
        RunError::Start(e) => ProcessProblem::Start(e),
        RunError::Wait(e) => ProcessProblem::Wait(e),
        RunError::TimedOut { seconds } => ProcessProblem::TimedOut { seconds },
    })?;
    if out.stdout_over(limits) {
        return Err(ProcessProblem::TooMuchOutput);
    }
    if !out.status.success() {
        return Err(ProcessProblem::Failed {
            code: out.status.code(),
            stderr_tail: last_lines(&out.stderr),
        });
    }
    Ok(out.stdout)
}

/// The last few non-empty lines of its stderr, trimmed, at most 1 KiB.
fn last_lines(err: &[u8]) -> String {
    let text = String::from_utf8_lossy(err);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let tail = lines[lines.len().saturating_sub(STDERR_LINES)..].join("; ");
    let chars: Vec<char> = tail.chars().collect();
    match chars.len() > 1024 {
        true => format!(
            "…{}",
            chars[chars.len() - 1024..].iter().collect::<String>()
        ),
        false => tail,
    }
}

/// A process's output: Version 1 JSON.
pub fn parse(output: &[u8]) -> Result<Credentials, DocumentError> {
    document::parse(output, Document::Process)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::time::Instant;

    #[test]
    fn parses_version_1() {
        let c = parse(br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","SessionToken":"T","Expiration":"2022-05-02T18:36:00+00:00","AccountId":"123"}"#).unwrap();
        assert_eq!(c.access_key_id, "AK");
        assert_eq!(c.account_id.as_deref(), Some("123"));
        assert!(c.expiry.is_some());
        let c = parse(br#"{"version":1,"accesskeyid":"AK","secretaccesskey":"SK"}"#).unwrap();
        assert_eq!(c.session_token, None);
    }

    #[test]
    fn rejects_bad_output() {
        for bad in [
            &b"not json"[..],
            br#"[]"#,
            br#"{"AccessKeyId":"AK","SecretAccessKey":"SK"}"#,
            br#"{"Version":2,"AccessKeyId":"AK","SecretAccessKey":"SK"}"#,
            br#"{"Version":1,"SecretAccessKey":"SK"}"#,
            br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","Expiration":"tomorrow"}"#,
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[cfg(unix)]
    #[test]
    fn runs_through_the_shell() {
        assert_eq!(run("printf '%s' a | tr a b", TIMEOUT).unwrap(), b"b");
        let e = run("echo oops >&2; exit 3", TIMEOUT).unwrap_err();
        assert_eq!(e.to_string(), "exited with status 3");
        assert!(
            matches!(e, ProcessProblem::Failed { ref stderr_tail, .. } if stderr_tail == "oops")
        );
        let e = run(
            "for i in 1 2 3 4 5 6 7; do echo line$i >&2; done; exit 1",
            TIMEOUT,
        )
        .unwrap_err();
        assert!(
            matches!(e, ProcessProblem::Failed { ref stderr_tail, .. } if stderr_tail == "line3; line4; line5; line6; line7"),
            "{e:?}"
        );
        // The tail is the end of stderr, however much came before it.
        let e = run(
            "head -c 300000 /dev/zero | tr '\\0' x >&2; echo >&2; echo the-last-line >&2; exit 2",
            TIMEOUT,
        )
        .unwrap_err();
        assert!(
            matches!(e, ProcessProblem::Failed { ref stderr_tail, .. } if stderr_tail.ends_with("the-last-line")),
            "{e:?}"
        );
        // A background child that keeps stderr open does not hold the helper.
        let started = Instant::now();
        let pid_file = std::env::temp_dir().join(format!("ecr-login-bg-{}", std::process::id()));
        let line = format!(
            "sleep 30 >/dev/null & echo $! > '{}'; echo done",
            pid_file.display()
        );
        let out = run(&line, TIMEOUT).unwrap();
        assert_eq!(out, b"done\n");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        // And it is stopped, not left behind: gone, or a zombie waiting for init.
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let _ = std::fs::remove_file(&pid_file);
        let stat = format!("/proc/{}/stat", pid.trim());
        let gone = || {
            std::fs::read_to_string(&stat).map_or(true, |s| {
                s.split(") ").nth(1).is_some_and(|r| r.starts_with('Z'))
            })
        };
        // The signal is sent before `run` returns; delivery is the kernel's, so look again
        // for a bounded while.
        let until = Instant::now() + Duration::from_secs(5);
        while !gone() && Instant::now() < until {
            std::thread::yield_now();
        }
        assert!(
            gone(),
            "the background child {} outlived the helper",
            pid.trim()
        );
        assert_eq!(program("\"/opt/my tools/creds\" --secret x"), "`creds`");
        assert_eq!(program("aws-vault export --format=json ci"), "`aws-vault`");
        // The review's: an assignment first must not be shown as "the program".
        assert_eq!(
            program("VAULT_TOKEN=s.abcdef A=1 /usr/local/bin/vault read -format=json x"),
            "`vault`"
        );
        assert_eq!(program("'C:\\Tools\\get creds.exe' x"), "`get creds.exe`");
        assert_eq!(program("=x cmd"), "`=x`");
        assert_eq!(program("FOO="), "``");
        let e = run("sleep 5", Duration::from_millis(50)).unwrap_err();
        assert!(e.to_string().contains("did not finish"), "{e}");
    }
}
