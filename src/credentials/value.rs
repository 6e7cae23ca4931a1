//! The values the credential sources share with the rest of the crate: a set of credentials,
//! and where a plan's come from. A leaf, so that the error types and the signer can name them
//! without importing the sources.

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
