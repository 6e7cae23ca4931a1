//! `credential_process`: a command run through the shell (`sh -c`, `cmd.exe /C` on
//! Windows) that prints Version 1 JSON. Bounded by Go's one-minute timeout.

use crate::aws::Credentials;
use crate::credentials::error::{CredentialsError, SourceFailure};
use crate::credentials::provider::{Provider, Resolver};
use crate::credentials::sources::document::{self, Document, DocumentError};
use crate::local::program::{self, Limits, RunError};
use crate::local::secret::Secret;
use std::process::Command;
use std::time::Duration;

pub const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// A command line may carry a secret (`--token=…`): never printed whole.
    pub command: Secret<String>,
    pub profile: String,
    /// The profile's `aws_account_id`, used when the output has no `AccountId`.
    pub account_id: Option<String>,
}

impl Provider for Process {
    fn kind(&self) -> &'static str {
        "credential_process"
    }

    fn identity(&self) -> String {
        format!("credential-process\n{}", self.command.expose())
    }

    fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        // The program only: its arguments may carry something secret.
        let fail = |problem| {
            CredentialsError::from(ProcessError {
                program: program(self.command.expose()),
                problem,
            })
        };
        let timeout = r.client.within_limit(TIMEOUT);
        let output = run(self.command.expose(), r.env().raw("PATH"), timeout).map_err(fail)?;
        let mut creds = parse(&output).map_err(|e| fail(ProcessProblem::Output(e)))?;
        if creds.account_id.is_none() {
            creds.account_id = self.account_id.clone();
        }
        Ok(creds)
    }
}

/// The shell that runs `command`. `path` is `PATH`, searched for `sh` in its absolute entries
/// only: an empty or relative entry (`.:/usr/bin`, `:/usr/bin`) would run a `./sh` planted in
/// the directory docker runs from, and Go refuses a program found that way too.
fn shell(command: &str, path: Option<&str>) -> std::io::Result<Command> {
    #[cfg(windows)]
    {
        // cmd.exe parses its own command line: the line goes to it verbatim, as the SDKs pass
        // it, since the usual argument quoting would hide a quoted path from cmd. Rust's
        // search for it never looks in the current directory.
        let _ = path;
        use std::os::windows::process::CommandExt;
        let mut c = Command::new("cmd.exe");
        c.arg("/C").raw_arg(command);
        Ok(c)
    }
    #[cfg(not(windows))]
    {
        let platform = crate::local::config::Platform::Unix;
        // No PATH at all: the default search path execvp uses then (POSIX's _CS_PATH).
        let path = path.or(Some("/usr/bin:/bin"));
        let sh = program::find("sh", path, None, platform).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no sh in the absolute folders of PATH (an empty or relative entry is never searched); put /bin in PATH",
            )
        })?;
        let mut c = Command::new(sh);
        c.arg("-c").arg(command);
        Ok(c)
    }
}

/// The program a command line starts, for messages: its first word that is not an
/// assignment (`VAULT_TOKEN="s.… x" vault …` starts `vault`), split and unquoted as the shell
/// splits it, and only its file name. The rest of the line, and any assignment, may carry a
/// secret.
pub fn program(command: &str) -> String {
    let word = shell_words(command)
        .into_iter()
        .find(|w| !is_assignment(w))
        .unwrap_or_default();
    let name = word.rsplit(['/', '\\']).next().unwrap_or(&word);
    format!("`{name}`")
}

/// The words of a command line as `sh` splits them: whitespace outside quotes ends a word,
/// `'…'` is literal, `"…"` keeps a `\` only before `"`, `\`, `$` and a backtick, and outside
/// quotes `\` takes the next character as it is (not on Windows, where it separates folders).
/// An unclosed quote runs to the end. Expansions are left as they are written.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                w.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some(n @ ('"' | '\\' | '$' | '`')) => w.push(n),
                            Some(n) => w.extend(['\\', n]),
                            None => w.push('\\'),
                        },
                        c => w.push(c),
                    }
                }
            }
            '\\' if !cfg!(windows) => {
                let w = word.get_or_insert_with(String::new);
                w.extend(chars.next());
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
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
pub fn run(
    command: &str,
    path: Option<&str>,
    timeout: Duration,
) -> Result<Vec<u8>, ProcessProblem> {
    let limits = Limits::CREDENTIAL_PROCESS;
    let shell = shell(command, path).map_err(|e| ProcessProblem::Start(e.to_string()))?;
    let out = program::run(shell, b"", timeout, limits).map_err(|e| match e {
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

/// `credential_process` failed; `program` is the file name of the program it starts only
/// (its arguments, and assignments before it, may carry secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessError {
    pub program: String,
    pub problem: ProcessProblem,
}

/// Why `credential_process` gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessProblem {
    Start(String),
    Wait(String),
    TimedOut {
        seconds: u64,
    },
    TooMuchOutput,
    /// A non-zero exit (`code`), or a signal (`None`), with the last lines of its stderr.
    Failed {
        code: Option<i32>,
        stderr_tail: String,
    },
    Output(DocumentError),
}

impl std::fmt::Display for ProcessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "credential_process {}: {}", self.program, self.problem)
    }
}

impl std::fmt::Display for ProcessProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProcessProblem::Start(e) => write!(f, "could not start it: {e}"),
            ProcessProblem::Wait(e) => write!(f, "could not wait for it: {e}"),
            ProcessProblem::TimedOut { seconds } => {
                write!(f, "did not finish within {seconds} s; it was stopped")
            }
            ProcessProblem::TooMuchOutput => f.write_str("printed more than 1 MiB"),
            // The stderr tail is not part of the message: a message reaches the log file,
            // and a failing program's stderr may hold a token. `stderr_tail` shows it on
            // stderr alone.
            ProcessProblem::Failed { code, .. } => match code {
                Some(code) => write!(f, "exited with status {code}"),
                None => f.write_str("was killed by a signal"),
            },
            ProcessProblem::Output(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ProcessProblem {}

impl SourceFailure for ProcessError {
    fn process_stderr(&self) -> Option<&str> {
        match &self.problem {
            ProcessProblem::Failed { stderr_tail, .. } if !stderr_tail.is_empty() => {
                Some(stderr_tail)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    const PATH: Option<&str> = Some("/usr/bin:/bin");
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
        assert_eq!(run("printf '%s' a | tr a b", PATH, TIMEOUT).unwrap(), b"b");
        let e = run("echo oops >&2; exit 3", PATH, TIMEOUT).unwrap_err();
        assert_eq!(e.to_string(), "exited with status 3");
        assert!(
            matches!(e, ProcessProblem::Failed { ref stderr_tail, .. } if stderr_tail == "oops")
        );
        let e = run(
            "for i in 1 2 3 4 5 6 7; do echo line$i >&2; done; exit 1",
            PATH,
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
            PATH,
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
        let out = run(&line, PATH, TIMEOUT).unwrap();
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
        // The third review's: a quoted assignment is one word, whatever its value holds.
        assert_eq!(
            program("VAULT_TOKEN=\"s.x SECRETPART\" sh -c 'vault read x'"),
            "`sh`"
        );
        assert_eq!(
            program("A='x y' B=\"p \\\" q\" /opt/bin/creds --x"),
            "`creds`"
        );
        assert_eq!(program("X=a\\ b tool"), "`tool`");
        assert_eq!(program("\"/opt/my \"'tools'/creds"), "`creds`");
        assert_eq!(
            shell_words(" a  'b c'd \"e\\$f\\g\" "),
            ["a", "b cd", "e$f\\g"]
        );
        let e = run("sleep 5", PATH, Duration::from_millis(50)).unwrap_err();
        assert!(e.to_string().contains("did not finish"), "{e}");
    }
}
