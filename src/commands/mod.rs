//! The doors: what a command line asks for ([`parse`] → [`Command`]), doing it ([`run`]),
//! and the one place that reports the outcome ([`report`]: the protocol line on stdout, the
//! reason on stderr, the log line), so that every command fails the same way.

mod docker;
pub mod explain;
pub mod fallback;
pub mod kubelet;
pub mod protocol;

use crate::local::log::{self, Level};
use crate::local::settings::Settings;
use crate::local::text::escaped;
use crate::local::{config, env};
use std::io::{Read, Write};
use std::sync::OnceLock;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const GIT_COMMIT: &str = env!("ECR_LOGIN_GIT_COMMIT");

const HELP: &str = "\
docker-credential-ecr-login: Amazon ECR credentials for docker, podman, buildah, skopeo, crane,
helm and the kubelet. One static binary; finds AWS credentials as the AWS SDKs do.

Usage: docker-credential-ecr-login <get|list|store|erase|version>   (the docker protocol)
       docker-credential-ecr-login get-login-password [HOST]
       docker-credential-ecr-login explain HOST [--resolve]
       docker-credential-ecr-login kubelet-credential-provider
       docker-credential-ecr-login -v

  get                  read a registry host on stdin, print {\"ServerURL\",\"Username\",\"Secret\"}
  list                 print the cached registries as {\"https://HOST\":\"AWS\"}, first fetching the
                       default registry and ECR Public when the cache lacks them
  store, erase         for ECR hosts: succeed only with AWS_ECR_IGNORE_CREDS_STORAGE=true (ECR needs
                       no docker login); for other hosts, with AWS_ECR_FALLBACK_CREDS_STORE=NAME,
                       handed to docker-credential-NAME (so are get and list)
  version              print the version
  get-login-password   print only the password (for helm/oras/podman login --password-stdin);
                       without HOST, for the default registry in AWS_REGION
  explain              show how a get would go: registry, credential source and why, endpoints,
                       cache entry; no secret, no network call unless --resolve
  kubelet-credential-provider
                       answer a kubelet CredentialProviderRequest on stdin; with the pod's
                       service-account token, pull as the role its eks.amazonaws.com/ecr-role-arn
                       annotation (or AWS_ECR_ROLE_ARN) names

Linked as docker-credential-ecr-login-NAME, it uses AWS profile NAME.

Examples:
  echo 123456789012.dkr.ecr.eu-west-1.amazonaws.com | docker-credential-ecr-login get
  docker-credential-ecr-login explain 123456789012.dkr.ecr.eu-west-1.amazonaws.com
  docker-credential-ecr-login get-login-password public.ecr.aws | helm registry login --username AWS --password-stdin public.ecr.aws

Settings (environment): AWS credentials as the AWS SDKs read them (AWS_ACCESS_KEY_ID,
AWS_PROFILE, ~/.aws/config, web identity, container, IMDS, ...), AWS_ECR_CACHE_DIR (default
~/.ecr), AWS_ECR_DISABLE_CACHE, AWS_ECR_LOG_LEVEL (off|error|warn|info|debug),
AWS_ECR_IGNORE_CREDS_STORAGE, AWS_ECR_FALLBACK_CREDS_STORE, AWS_ENDPOINT_URL_ECR, AWS_CA_BUNDLE,
HTTPS_PROXY. The README lists them all.
";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `-v`, `--version`: the Go helper's three lines.
    VersionFlag,
    /// `-h`, `--help`.
    Help,
    /// A flag Go's flag package would not know.
    UnknownFlag(String),
    /// A docker-protocol action with other than one argument.
    Usage,
    /// An action nobody knows.
    Unknown(String),
    Get,
    List,
    Store,
    Erase,
    Version,
    GetLoginPassword(Vec<String>),
    Explain(Vec<String>),
    Kubelet,
}

/// The command in `args` (without the program name). Flags first, as Go's flag package
/// parses them before the action; the docker protocol's actions take exactly one argument.
pub fn parse(args: &[String]) -> Command {
    if let Some(arg) = args
        .first()
        .filter(|a| a.starts_with('-') && *a != "-" && *a != "--")
    {
        // Go's flag package takes `--v` for `-v`; `--version` is what people type.
        return match arg.trim_start_matches('-') {
            "v" | "v=true" | "version" => Command::VersionFlag,
            "h" | "help" => Command::Help,
            _ => Command::UnknownFlag(arg.clone()),
        };
    }
    let rest = || args[1..].to_vec();
    match args.first().map(String::as_str) {
        Some("get-login-password") => Command::GetLoginPassword(rest()),
        Some("explain") => Command::Explain(rest()),
        Some("kubelet-credential-provider") => Command::Kubelet,
        _ if args.len() != 1 => Command::Usage,
        Some("get") => Command::Get,
        Some("list") => Command::List,
        Some("store") => Command::Store,
        Some("erase") => Command::Erase,
        Some("version") => Command::Version,
        Some(other) => Command::Unknown(other.to_string()),
        None => Command::Usage,
    }
}

/// One line of the log file: its level, message and fields.
#[derive(Debug)]
pub struct LogLine {
    pub level: Level,
    pub msg: String,
    pub fields: Vec<(&'static str, String)>,
}

/// What a command did, for [`report`].
#[derive(Debug, Default)]
pub struct Outcome {
    /// Printed on stdout; for a failure, the protocol line the caller reads.
    pub stdout: Option<String>,
    /// What stderr says to the person at the keyboard.
    pub stderr: Option<String>,
    /// A line for the log file.
    pub log: Option<LogLine>,
    /// Whether the command succeeded.
    pub ok: bool,
    /// The exit code when it did not (1 unless said otherwise).
    pub code: Option<u8>,
    /// Another helper's stdout and stderr, byte for byte, written before our own lines.
    pub through: Option<(Vec<u8>, Vec<u8>)>,
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
    pub(crate) fn text(mut self, text: impl Into<String>) -> Outcome {
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

/// Runs a command and returns the process's exit code.
pub fn run(command: Command) -> u8 {
    report(outcome(command))
}

fn outcome(command: Command) -> Outcome {
    let settings = match command {
        Command::VersionFlag => {
            return Outcome::done(format!(
                "docker-credential-ecr-login\nVersion:    {VERSION}\nGit commit: {GIT_COMMIT}"
            ));
        }
        // Asked for, help is the answer: stdout, exit 0.
        Command::Help => return Outcome::done(HELP.trim_end()),
        Command::UnknownFlag(flag) => {
            return Outcome {
                code: Some(2),
                ..Outcome::failed().text(format!(
                    "flag provided but not defined: {flag}\n{}",
                    HELP.trim_end()
                ))
            };
        }
        // Go's line on stdout, as callers may match it; the commands it leaves out on stderr.
        Command::Usage => {
            let p = program();
            return Outcome::failed().stdout(protocol::USAGE).text(format!(
                "       {p} get-login-password [HOST]\n       {p} explain HOST [--resolve]\n       {p} kubelet-credential-provider\n       {p} -h    (help: every command and environment variable)"
            ));
        }
        _ => settings(),
    };
    match command {
        Command::Get => docker::get(settings),
        Command::List => docker::list(settings),
        Command::Store => docker::store_or_erase(&settings.env, true),
        Command::Erase => docker::store_or_erase(&settings.env, false),
        Command::GetLoginPassword(args) => docker::get_login_password(&settings, &args),
        Command::Explain(args) => explain_command(&settings, &args),
        Command::Kubelet => kubelet_command(&settings),
        Command::Version => Outcome::done(match GIT_COMMIT {
            "" => format!("docker-credential-ecr-login (ecr-login-rs) {VERSION}"),
            commit => {
                format!("docker-credential-ecr-login (ecr-login-rs) {VERSION} (git {commit})")
            }
        }),
        Command::Unknown(other) => Outcome::failed().stdout(format!(
            "docker-credential-ecr-login: unknown action: {other}"
        )),
        Command::VersionFlag | Command::Help | Command::UnknownFlag(_) | Command::Usage => {
            Outcome::failed()
        }
    }
}

/// The environment an action runs in: a profile link's profile, the log, and a word on
/// stderr about a cache directory that cannot be trusted.
fn settings() -> Settings {
    let env = match profile_from_name() {
        Some(profile) => env::Env::from_process().with_explicit_profile(&profile),
        None => env::Env::from_process(),
    };
    log::init(&env);
    if let Some((dir, part, why)) = config::cache_distrust(&env) {
        let at = match part == dir {
            true => String::new(),
            false => format!("{}: ", part.display()),
        };
        err(&format!(
            "{}: not using {} for the cache or the log: {at}{why}",
            program(),
            dir.display()
        ));
    }
    Settings::new(env)
}

fn explain_command(settings: &Settings, args: &[String]) -> Outcome {
    let resolve = args.iter().any(|a| a == "--resolve");
    let hosts: Vec<&String> = args.iter().filter(|a| *a != "--resolve").collect();
    let [host] = hosts[..] else {
        return Outcome::failed().text(format!("usage: {} explain HOST [--resolve]", program()));
    };
    let (report, ok) = explain::explain(settings, host.trim(), resolve);
    Outcome {
        ok,
        ..Outcome::failed().stdout(report.trim_end_matches('\n'))
    }
}

fn kubelet_command(settings: &Settings) -> Outcome {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin()
        .lock()
        .take(protocol::MAX_INPUT as u64 + 1)
        .read_to_end(&mut input)
    {
        return Outcome::failed().reason(format!("could not read the request: {e}"));
    }
    match kubelet::respond(settings, &input) {
        Ok(response) => Outcome::done(response),
        Err(kubelet::Failure {
            message,
            process_stderr,
        }) => Outcome::failed()
            .log(
                Level::Error,
                "Error answering the kubelet",
                &[("error", &message)],
            )
            .reason(message)
            .process_stderr(process_stderr.as_deref()),
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
fn err(line: &str) {
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

/// Invoked as `docker-credential-ecr-login-NAME` (a link, named in docker's `credHelpers`
/// as `ecr-login-NAME`), the helper uses AWS profile `NAME`.
fn profile_from_name() -> Option<String> {
    let profile = program().strip_prefix("docker-credential-ecr-login-")?;
    (!profile.is_empty()).then(|| profile.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Command {
        parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn commands_as_go_parses_them() {
        assert_eq!(parsed(&["get"]), Command::Get);
        assert_eq!(parsed(&["--v"]), Command::VersionFlag);
        assert_eq!(parsed(&["-version", "get"]), Command::VersionFlag);
        assert_eq!(parsed(&["-x"]), Command::UnknownFlag("-x".into()));
        assert_eq!(parsed(&["get", "extra"]), Command::Usage);
        assert_eq!(parsed(&[]), Command::Usage);
        assert_eq!(parsed(&["-"]), Command::Unknown("-".into()));
        assert_eq!(
            parsed(&["explain", "h", "--resolve"]),
            Command::Explain(vec!["h".into(), "--resolve".into()])
        );
        assert_eq!(
            parsed(&["get-login-password"]),
            Command::GetLoginPassword(vec![])
        );
    }
}
