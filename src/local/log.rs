//! A levelled log file, `<cache dir>/log/ecr-login.log`, in logrus' text format like the Go
//! helper's. Opened only when a message at an enabled level is written, so a cache hit at
//! the default level touches no log file. A log that cannot be written never fails a command.
//! Callers never pass secrets; messages name sources, profiles and hosts only.

use crate::local::env::Env;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Error => "error",
            Level::Warn => "warning",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }

    pub fn parse(v: &str) -> Option<Level> {
        Some(match v.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Level::Off,
            "error" => Level::Error,
            "warn" | "warning" => Level::Warn,
            "info" => Level::Info,
            "debug" => Level::Debug,
            _ => return None,
        })
    }
}

struct Logger {
    level: Level,
    path: Option<PathBuf>,
    file: Mutex<Option<std::fs::File>>,
}

static LOGGER: OnceLock<Logger> = OnceLock::new();

/// Sets the level from `AWS_ECR_LOG_LEVEL` (default `info`) and the file from the cache
/// directory. Call once, early.
pub fn init(env: &Env) {
    let level = env
        .get("AWS_ECR_LOG_LEVEL")
        .and_then(Level::parse)
        .unwrap_or(Level::Info);
    let path =
        crate::local::config::cache_directory(env).map(|d| d.join("log").join("ecr-login.log"));
    let _ = LOGGER.set(Logger {
        level,
        path,
        file: Mutex::new(None),
    });
}

pub fn enabled(level: Level) -> bool {
    LOGGER
        .get()
        .is_some_and(|l| level != Level::Off && level <= l.level)
}

pub fn error(msg: &str, fields: &[(&str, &str)]) {
    write(Level::Error, msg, fields)
}
pub fn warn(msg: &str, fields: &[(&str, &str)]) {
    write(Level::Warn, msg, fields)
}
pub fn info(msg: &str, fields: &[(&str, &str)]) {
    write(Level::Info, msg, fields)
}
pub fn debug(msg: &str, fields: &[(&str, &str)]) {
    write(Level::Debug, msg, fields)
}

/// A warning the person running the command should see even when it succeeds: one line on
/// stderr, and the log at `warn`. `line` is for people and carries no secret.
pub fn warn_user(line: &str, fields: &[(&str, &str)]) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "docker-credential-ecr-login: warning: {line}"
    );
    write(Level::Warn, line, fields)
}

pub fn write(level: Level, msg: &str, fields: &[(&str, &str)]) {
    if !enabled(level) {
        return;
    }
    let Some(logger) = LOGGER.get() else { return };
    let Some(path) = &logger.path else { return };
    let Ok(mut guard) = logger.file.lock() else {
        return;
    };
    if guard.is_none() {
        *guard = open(path);
    }
    let Some(file) = guard.as_mut() else { return };
    let _ = file.write_all(format_line(level, msg, fields).as_bytes());
}

fn open(path: &std::path::Path) -> Option<std::fs::File> {
    crate::local::files::create_private_dir(path.parent()?).ok()?;
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    crate::local::files::open_regular(path, &mut opts).ok()
}

/// `time="…" level=info msg="…" key=value`, values quoted when they need it.
pub fn format_line(level: Level, msg: &str, fields: &[(&str, &str)]) -> String {
    let now = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    let mut line = format!("time=\"{now}\" level={} msg={}", level.name(), quote(msg));
    let mut fields = fields.to_vec();
    fields.sort();
    for (k, v) in fields {
        line.push_str(&format!(" {k}={}", quote(v)));
    }
    line.push('\n');
    line
}

fn quote(v: &str) -> String {
    let plain = !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._/@^+:".contains(&b));
    if plain {
        return v.to_string();
    }
    // JSON escapes control characters (no terminal sequence gets through); `$` and a backtick
    // are escaped too, so that no shell that reads the log expands anything from it.
    serde_json::to_string(v)
        .unwrap_or_default()
        .replace('$', "\\u0024")
        .replace('`', "\\u0060")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_format() {
        assert_eq!(Level::parse("WARN"), Some(Level::Warn));
        assert_eq!(Level::parse("loud"), None);
        assert!(Level::Error < Level::Debug);
        let line = format_line(
            Level::Info,
            "Got a token",
            &[("registry", "1.dkr"), ("a", "x y")],
        );
        assert!(
            line.contains("level=info msg=\"Got a token\" a=\"x y\" registry=1.dkr\n"),
            "{line}"
        );
        let hostile = format_line(Level::Info, "m", &[("v", "$(id > /tmp/x) `id` \u{1b}[2J")]);
        assert!(
            hostile.contains(r#"v="\u0024(id > /tmp/x) \u0060id\u0060 \u001b[2J""#),
            "{hostile}"
        );
    }
}
