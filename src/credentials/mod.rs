//! AWS credentials: which source to use (the [`Plan`], from the environment and the config
//! files only) and getting them from it (`resolve`, where all the I/O is).
//!
//! The chain order is the Go SDK's: environment keys, environment web identity, the selected
//! profile, container credentials, IMDS.

mod environment;
mod profile;

use crate::config::ProfileSet;
use crate::env::Env;
use std::fmt;
use time::OffsetDateTime;

/// A set of AWS credentials. `Debug` never shows the secret parts.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub expiry: Option<OffsetDateTime>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.expiry)
            .finish()
    }
}

/// Where a plan's credentials come from, for messages and `explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Environment,
    Profile(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Environment => f.write_str("environment variables"),
            Source::Profile(p) => write!(f, "profile `{p}`"),
        }
    }
}

/// The chosen credential source, decided without any network call or process run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Keys known from configuration alone.
    Static {
        source: Source,
        credentials: Credentials,
    },
}

impl Plan {
    pub fn source(&self) -> &Source {
        match self {
            Plan::Static { source, .. } => source,
        }
    }

    /// The access key id that keys the cache the way the Go helper does, for plans whose
    /// keys are static.
    pub fn static_access_key_id(&self) -> Option<&str> {
        match self {
            Plan::Static { credentials, .. } => Some(&credentials.access_key_id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsError {
    /// Nothing in the chain had credentials.
    NotFound,
    /// `AWS_PROFILE` names a profile that no file defines.
    ProfileNotFound { profile: String },
    /// A profile is set up wrongly.
    InvalidProfile { profile: String, problem: String },
    /// The configuration asks for a source this version does not have.
    Unsupported { source: Source, what: String },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotFound => f.write_str(
                "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE to a profile in ~/.aws/config or ~/.aws/credentials",
            ),
            CredentialsError::ProfileNotFound { profile } => write!(
                f,
                "AWS profile `{profile}` (from AWS_PROFILE) is not in the AWS config or credentials file; fix AWS_PROFILE or add [profile {profile}] to ~/.aws/config"
            ),
            CredentialsError::InvalidProfile { profile, problem } => {
                write!(f, "AWS profile `{profile}`: {problem}")
            }
            CredentialsError::Unsupported { source, what } => write!(
                f,
                "{source} uses {what}, which this version of docker-credential-ecr-login does not support yet; use access keys or another profile"
            ),
        }
    }
}

/// Chooses the credential source. Reads the environment, and the config files only when the
/// environment does not settle it (`profiles` is called at most once).
pub fn plan(
    env: &Env,
    profiles: &mut dyn FnMut() -> Result<ProfileSet, crate::config::ConfigError>,
) -> Result<Plan, crate::error::Error> {
    if let Some(plan) = environment::plan(env) {
        return Ok(plan);
    }
    if env.get("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() {
        return Err(CredentialsError::Unsupported {
            source: Source::Environment,
            what: "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)".into(),
        }
        .into());
    }
    let profiles = profiles()?;
    if let Some(plan) = profile::plan(env, &profiles)? {
        return Ok(plan);
    }
    if env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
        || env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
    {
        return Err(CredentialsError::Unsupported {
            source: Source::Environment,
            what: "container credentials (AWS_CONTAINER_CREDENTIALS_*)".into(),
        }
        .into());
    }
    Err(CredentialsError::NotFound.into())
}

/// Gets the credentials a plan names. Static plans need no I/O.
pub fn resolve(plan: &Plan) -> Result<Credentials, crate::error::Error> {
    match plan {
        Plan::Static { credentials, .. } => Ok(credentials.clone()),
    }
}
