//! What a command did ([`Outcome`], built by its constructors), and the one place that reports
//! it ([`report`]: the log line, the protocol line on stdout, the reason on stderr), so that
//! every command fails the same way.

use crate::local::log::{self, Level};
use crate::local::text::escaped;
use std::io::Write;
use std::sync::OnceLock;

/// One line of the log file: its level, message and fields.
#[derive(Debug)]
struct LogLine {
    level: Level,
    msg: String,
    fields: Vec<(&'static str, String)>,
}

/// What a command did, for [`report`]. No `Debug`: its stdout is a password or a token as often
/// as not.
#[derive(Default)]
pub struct Outcome {
    /// Printed on stdout; for a failure, the protocol line the caller reads.
    stdout: Option<String>,
    /// What stderr says to the person at the keyboard.
    stderr: Option<String>,
    /// A line for the log file.
    log: Option<LogLine>,
    /// Whether the command succeeded.
    ok: bool,
    /// The exit code when it did not (1 unless said otherwise).
    code: Option<u8>,
    /// Another helper's stdout and stderr, byte for byte, written before our own lines.
    through: Option<(Vec<u8>, Vec<u8>)>,
}

impl Outcome {
    pub fn done(stdout: impl Into<String>) -> Outcome {
        Outcome {
            stdout: Some(stdout.into()),
            ok: true,
            ..Outcome::default()
        }
    }

    pub fn failed() -> Outcome {
        Outcome::default()
    }

    /// Success with nothing of ours on stdout.
    pub fn succeeded() -> Outcome {
        Outcome {
            ok: true,
            ..Outcome::default()
        }
    }

    /// The exit code of a failure (1 unless said otherwise).
    pub fn exit_code(mut self, code: u8) -> Outcome {
        self.code = Some(code);
        self
    }

    /// Another helper's stdout and stderr, byte for byte, written before our own lines.
    pub fn passed_through(mut self, stdout: Vec<u8>, stderr: Vec<u8>) -> Outcome {
        self.through = Some((stdout, stderr));
        self
    }

    pub fn stdout(mut self, line: impl Into<String>) -> Outcome {
        self.stdout = Some(line.into());
        self
    }

    /// A reason on stderr, after the program's name: one line whatever it holds (no control
    /// character of a host, a file or a server's answer reaches the terminal).
    pub fn reason(mut self, line: impl std::fmt::Display) -> Outcome {
        let line = escaped(&line.to_string());
        self.stderr = Some(format!("{}: {line}", program()));
        self
    }

    /// A failed `credential_process`'s last stderr lines, on stderr after the reason and
    /// never in the log line (they may hold a token).
    pub fn process_stderr(mut self, tail: Option<&str>) -> Outcome {
        if let Some(tail) = tail {
            let reason = self.stderr.take().unwrap_or_default();
            self.stderr = Some(format!(
                "{reason}\n{}: the credential_process's stderr ended with: {}",
                program(),
                escaped(tail)
            ));
        }
        self
    }

    /// Text on stderr as it is (help, Go's flag errors).
    pub fn text(mut self, text: impl Into<String>) -> Outcome {
        self.stderr = Some(text.into());
        self
    }

    pub fn log(mut self, level: Level, msg: &str, fields: &[(&'static str, &str)]) -> Outcome {
        let fields = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.log = Some(LogLine {
            level,
            msg: msg.to_string(),
            fields,
        });
        self
    }
}

/// The one report site: the log line, then stdout, then stderr. A stdout that cannot be
/// written (the reader went away) fails the command quietly.
pub fn report(o: Outcome) -> u8 {
    if let Some(line) = &o.log {
        let fields: Vec<(&str, &str)> = line.fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        log::write(line.level, &line.msg, &fields);
    }
    let (through_out, through_err) = o
        .through
        .as_ref()
        .map_or((&[][..], &[][..]), |(out, err)| (&out[..], &err[..]));
    let written = {
        let mut out = std::io::stdout().lock();
        let mut w = out.write_all(through_out);
        if let Some(text) = &o.stdout {
            w = w.and_then(|_| writeln!(out, "{text}"));
        }
        w.and_then(|_| out.flush()).is_ok()
    };
    let _ = std::io::stderr().lock().write_all(through_err);
    if let Some(line) = &o.stderr {
        err(line);
    }
    match (o.ok, written) {
        (true, true) => 0,
        _ => o.code.unwrap_or(1),
    }
}

/// A line on stderr; with stderr closed there is nobody left to tell.
pub fn err(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The name this program was started as, without a Windows `.exe`: hints name the command
/// the user ran, so that through a profile link (`docker-credential-ecr-login-prod`) they
/// explain that profile, not the default chain.
pub fn program() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let name = std::env::args_os()
            .next()
            .and_then(|a| {
                let file = std::path::Path::new(&a).file_name()?.to_str()?.to_string();
                // `get` gives None off a character boundary: no slicing through a character.
                let stem = file.len().checked_sub(4).and_then(|i| {
                    let (stem, ext) = (file.get(..i)?, file.get(i..)?);
                    (cfg!(windows) && ext.eq_ignore_ascii_case(".exe") && !stem.is_empty())
                        .then_some(stem)
                });
                Some(stem.map_or_else(|| file.clone(), str::to_string))
            })
            .filter(|n| !n.is_empty());
        name.unwrap_or_else(|| "docker-credential-ecr-login".into())
    })
}
