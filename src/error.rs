//! The one error type of a `get`. Each message says what happened and what to do, and none
//! carries a secret.

use crate::aws::call::CallError;
use crate::aws::endpoint::BadRegion;
use crate::credentials::error::CredentialsError;
use crate::local::config::ConfigError;
use crate::local::registry_map::MapError;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// stdin could not be read, or is not a registry host at all.
    Input(String),
    /// The host is not an ECR or ECR Public registry.
    NotEcr {
        host: String,
    },
    Config(ConfigError),
    Credentials(CredentialsError),
    /// A call to AWS (or IMDS, or the container endpoint) failed.
    Call(Box<CallError>),
    /// `get-login-password` with no host needs a region to find the default registry in.
    NoRegion,
    /// A region (configured, or the registry host's) cannot go into a host name.
    InvalidRegion(BadRegion),
    /// The registry map cannot be used (it is never gone around).
    Map(MapError),
    /// A registry map section's `ecr` names no ECR registry.
    BadAlias {
        file: PathBuf,
        line: usize,
        ecr: String,
    },
    /// `profile = auto` found several profiles of the registry's account, and the region
    /// did not settle it.
    AutoAmbiguous {
        file: PathBuf,
        line: usize,
        account: String,
        profiles: Vec<String>,
    },
    /// A failure while one half of the environment's key pair was set and ignored.
    HalfKeys {
        error: Box<Error>,
        set: &'static str,
        missing: &'static str,
    },
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl From<CallError> for Error {
    #[inline(never)] // a failure path: one copy, not one per `?`
    fn from(e: CallError) -> Self {
        Error::Call(Box::new(e))
    }
}

impl From<CredentialsError> for Error {
    #[inline(never)] // a failure path: one copy, not one per `?`
    fn from(e: CredentialsError) -> Self {
        Error::Credentials(e)
    }
}

impl Error {
    /// What a failed `credential_process` said on its stderr, which goes to stderr only.
    pub fn process_stderr(&self) -> Option<&str> {
        match self {
            Error::Credentials(e) => e.process_stderr(),
            Error::HalfKeys { error, .. } => error.process_stderr(),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(msg) => f.write_str(msg),
            Error::NotEcr { host } => write!(
                f,
                "{host:?} is not an Amazon ECR registry (ACCOUNT.dkr.ecr.REGION.amazonaws.com and the other partitions' forms, or public.ecr.aws), so this helper has no credentials for it; if credHelpers in ~/.docker/config.json names it, remove it there"
            ),
            Error::Config(e) => e.fmt(f),
            Error::Credentials(e) => e.fmt(f),
            Error::Call(e) => e.fmt(f),
            Error::NoRegion => f.write_str(
                "no registry host given and no region configured: name the registry (get-login-password 123456789012.dkr.ecr.REGION.amazonaws.com) or set AWS_REGION",
            ),
            Error::InvalidRegion(bad) => bad.fmt(f),
            Error::Map(e) => e.fmt(f),
            Error::BadAlias { file, line, ecr } => write!(
                f,
                "the registry map {} line {line}: ecr = {ecr:?} is not an ECR registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com, public.ecr.aws) or default; fix that line",
                file.display()
            ),
            Error::AutoAmbiguous {
                file,
                line,
                account,
                profiles,
            } => write!(
                f,
                "the registry map {} line {line}: profile = auto found several profiles of account {account} ({}) and the registry's region does not settle it; name one (profile = NAME), or set AWS_PROFILE",
                file.display(),
                profiles
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::HalfKeys {
                error,
                set,
                missing,
            } => write!(
                f,
                "{missing} is not set, though {set} is, so the environment's keys were not used: set {missing} too, or unset {set}. Without them: {error}"
            ),
        }
    }
}

// Each message already includes its cause's text (one line for people), so `source()` is
// left at `None`, as the API guidelines ask of an error that shows its cause.
impl std::error::Error for Error {}
