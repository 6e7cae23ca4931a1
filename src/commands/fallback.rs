//! `AWS_ECR_FALLBACK_CREDS_STORE=NAME`: with `credsStore: ecr-login`, every request for a
//! host that is not ECR goes to `docker-credential-NAME`, unchanged, so that `docker login`
//! to Docker Hub, GitHub or a company registry keeps working. ECR hosts never go there.
//!
//! Nothing that passes through (a password on `store`, a secret on `get`) is read beyond the
//! host, logged, or put in a message: the other helper's bytes go to our stdout and stderr
//! as they came.

use super::args::Action;
use crate::local::config::Platform;
use crate::local::env::Env;
use crate::local::program::{self, Limits, Output, RunError};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub const VARIABLE: &str = "AWS_ECR_FALLBACK_CREDS_STORE";

/// The bound on one call, as for `credential_process` (Go's one minute): enough to answer a
/// keychain or GPG prompt, and a hung helper does not hang docker.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The other helper, by the name `credsStore` would give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    pub name: String,
}

/// What stops a hand-over, one variant per thing a person fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FallbackError {
    /// Not a helper's name: a path, spaces, or the whole `docker-credential-…` name.
    BadName {
        name: String,
        why: &'static str,
    },
    /// `ecr-login` (or a profile link's `ecr-login-…`, or the name this helper was started by):
    /// this helper itself.
    Itself {
        name: String,
    },
    /// No `docker-credential-NAME` on `PATH`.
    Missing {
        program: String,
    },
    Start {
        program: String,
        error: String,
    },
    TimedOut {
        program: String,
        action: Action,
        seconds: u64,
    },
    TooMuchOutput {
        program: String,
        action: Action,
    },
    /// `list` printed something that is not a JSON object of strings.
    BadList {
        program: String,
        error: String,
    },
}

impl fmt::Display for FallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fix = format!("change or unset {VARIABLE}");
        match self {
            FallbackError::BadName { name, why } => write!(
                f,
                "{VARIABLE}={name:?} is not a credential helper's name: {why}; give the part after docker-credential-, as in credsStore (desktop, osxkeychain, wincred, pass, secretservice)"
            ),
            FallbackError::Itself { name } => write!(
                f,
                "{VARIABLE}={name} names this helper itself; name the store other registries' logins go to (desktop, osxkeychain, wincred, pass, secretservice), or unset it"
            ),
            FallbackError::Missing { program } => write!(
                f,
                "{program} ({VARIABLE}) is not on PATH; install it, or {fix}"
            ),
            FallbackError::Start { program, error } => {
                write!(
                    f,
                    "{program} ({VARIABLE}) could not be started: {error}; {fix}"
                )
            }
            FallbackError::TimedOut {
                program,
                action,
                seconds,
            } => write!(
                f,
                "{program} ({VARIABLE}) did not answer {action} within {seconds} s and was stopped; check that it works on its own (echo HOST | {program} get), or {fix}"
            ),
            FallbackError::TooMuchOutput { program, action } => write!(
                f,
                "{program} ({VARIABLE}) printed more than 1 MiB for {action}; {fix}"
            ),
            FallbackError::BadList { program, error } => write!(
                f,
                "{program} ({VARIABLE}) answered list with something other than a JSON object of strings ({error}); check it on its own ({program} list), or {fix}"
            ),
        }
    }
}

impl std::error::Error for FallbackError {}

/// The fallback the environment asks for: `None` when the variable is unset or empty (the
/// SDKs' rule for empty variables), an error for a name that cannot be a helper's.
pub fn from_env(env: &Env) -> Option<Result<Fallback, FallbackError>> {
    let name = env.get(VARIABLE)?;
    let bad = |why| {
        Some(Err(FallbackError::BadName {
            name: name.to_string(),
            why,
        }))
    };
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return bad("it is a path");
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it has spaces or control characters");
    }
    if name.starts_with("docker-credential-") {
        return bad("it is the whole program name");
    }
    // This helper under its usual name, a profile link, or the name it was started by (a
    // second name beside Docker Desktop's): handing a request to it would come back here.
    let started_as = super::outcome::program().strip_prefix("docker-credential-");
    if name == "ecr-login" || name.starts_with("ecr-login-") || started_as == Some(name) {
        return Some(Err(FallbackError::Itself {
            name: name.to_string(),
        }));
    }
    Some(Ok(Fallback {
        name: name.to_string(),
    }))
}

/// The environment's AWS keys and tokens, which the other helper never gets.
pub const AWS_KEYS: [&str; 5] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

impl Fallback {
    /// `docker-credential-NAME`.
    pub fn program(&self) -> String {
        format!("docker-credential-{}", self.name)
    }

    /// Where it is on `PATH`, as docker would find it.
    pub fn locate(&self, env: &Env) -> Result<PathBuf, FallbackError> {
        let platform = Platform::current();
        let var = |name: &str| match platform {
            // Windows names its variables in any case (`Path` is common).
            Platform::Windows => env.raw_ignoring_case(name),
            Platform::Unix => env.raw(name),
        };
        program::find(&self.program(), var("PATH"), var("PATHEXT"), platform).ok_or_else(|| {
            FallbackError::Missing {
                program: self.program(),
            }
        })
    }

    /// Runs `docker-credential-NAME ACTION` with `input` on its stdin, in our environment
    /// (the user's session: keychain, GPG agent, D-Bus) less our own variable, so that a copy
    /// of this helper under that name cannot hand the request on again, and less the AWS
    /// keys ([`AWS_KEYS`]). On its timeout, it and everything it started are stopped.
    pub fn call(&self, env: &Env, action: Action, input: &[u8]) -> Result<Output, FallbackError> {
        let path = self.locate(env)?;
        let mut cmd = std::process::Command::new(&path);
        cmd.arg(action.as_str()).env_remove(VARIABLE);
        // It stores logins for other registries and has no use for AWS keys.
        for secret in AWS_KEYS {
            cmd.env_remove(secret);
        }
        let out = program::run(cmd, input, TIMEOUT, Limits::HELPER).map_err(|e| match e {
            RunError::Start(error) | RunError::Wait(error) => FallbackError::Start {
                program: self.program(),
                error,
            },
            RunError::TimedOut { seconds } => FallbackError::TimedOut {
                program: self.program(),
                action,
                seconds,
            },
        })?;
        match out.stdout_over(Limits::HELPER) {
            true => Err(FallbackError::TooMuchOutput {
                program: self.program(),
                action,
            }),
            false => Ok(out),
        }
    }

    /// Its `list`, as server URL → user name.
    pub fn parse_list(
        &self,
        stdout: &[u8],
    ) -> Result<std::collections::BTreeMap<String, String>, FallbackError> {
        let bad = |error: String| FallbackError::BadList {
            program: self.program(),
            error,
        };
        let v: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(stdout).map_err(|e| bad(e.to_string()))?;
        v.into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Ok((k, s)),
                _ => Err(bad(format!("the value for {k:?} is not a string"))),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(v: &str) -> Option<Result<Fallback, FallbackError>> {
        from_env(&Env::from_pairs([(VARIABLE, v)]))
    }

    #[test]
    fn names() {
        assert_eq!(named(""), None);
        assert_eq!(from_env(&Env::default()), None);
        for ok in ["pass", "desktop", "desktop.exe", "osxkeychain", "gcloud"] {
            assert_eq!(named(ok), Some(Ok(Fallback { name: ok.into() })), "{ok}");
        }
        for bad in [
            "../x",
            "/usr/bin/pass",
            "a\\b",
            "two words",
            "docker-credential-pass",
            "..",
        ] {
            assert!(
                matches!(named(bad), Some(Err(FallbackError::BadName { .. }))),
                "{bad}"
            );
        }
        for itself in ["ecr-login", "ecr-login-prod"] {
            assert!(matches!(
                named(itself),
                Some(Err(FallbackError::Itself { .. }))
            ));
        }
    }

    #[test]
    fn lists() {
        let f = Fallback { name: "x".into() };
        assert_eq!(
            f.parse_list(br#"{"https://index.docker.io/v1/":"alice"}"#)
                .unwrap()
                .get("https://index.docker.io/v1/")
                .map(String::as_str),
            Some("alice")
        );
        assert!(f.parse_list(b"[]").is_err());
        assert!(f.parse_list(br#"{"h":1}"#).is_err());
        assert!(f.parse_list(b"").is_err());
    }
}
