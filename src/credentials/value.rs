//! The values the credential sources share with the rest of the crate: a set of credentials,
//! where a plan's come from, and what can go wrong choosing one. A leaf, so that the error
//! type and the signer can name them without importing the sources.

use std::fmt;
use time::OffsetDateTime;

/// A set of AWS credentials. `Debug` never shows the secret parts.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub expiry: Option<OffsetDateTime>,
    pub account_id: Option<String>,
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
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// Where a plan comes from, for messages and `explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Environment,
    Profile(String),
    Container,
    Imds,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Environment => f.write_str("environment variables"),
            Source::Profile(p) => write!(f, "profile `{p}`"),
            Source::Container => f.write_str("container credentials"),
            Source::Imds => f.write_str("EC2 instance metadata"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsError {
    /// Nothing in the chain had credentials.
    NotFound { detail: String },
    /// `AWS_PROFILE` names a profile that no file defines.
    ProfileNotFound { profile: String },
    /// A profile or the environment is set up wrongly.
    Invalid { what: String, problem: String },
    /// The configuration asks for a source this version does not have.
    Unsupported { source: Source, what: String },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotFound { detail } => write!(
                f,
                "no AWS credentials found ({detail}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE to a profile in ~/.aws/config or ~/.aws/credentials"
            ),
            CredentialsError::ProfileNotFound { profile } => write!(
                f,
                "AWS profile `{profile}` (from AWS_PROFILE, or the helper's name) is not in the AWS config or credentials file; fix the name or add [profile {profile}] to ~/.aws/config"
            ),
            CredentialsError::Invalid { what, problem } => write!(f, "{what}: {problem}"),
            CredentialsError::Unsupported { source, what } => write!(
                f,
                "{source} uses {what}, which this version of docker-credential-ecr-login does not support yet; use another credential source"
            ),
        }
    }
}
