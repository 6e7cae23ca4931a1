//! The small trait between the credential sources and the planner ([`Provider`]), what every
//! source is handed to do its I/O ([`Resolver`]), and what several of them share.

use crate::aws::Credentials;
use crate::aws::Http;
use crate::aws::call::{CallError, CallErrorKind};
use crate::aws::endpoint::{Region, Service};
use crate::credentials::error::CredentialsError;
use crate::local::env::Env;
use crate::local::settings::Config;
use std::fmt;
use std::time::Instant;

/// What everything past the plan needs: the environment and files, the HTTP client, the
/// region for STS, and the time budget.
pub struct Resolver<'a> {
    /// The environment, the files and the selected profile.
    pub config: Config<'a>,
    pub http: &'a Http<'a>,
    /// The region for STS and Sign-In: `AWS_REGION`, `AWS_DEFAULT_REGION`, the selected
    /// profile's `region`, else the registry's region (which the Go helper forces). Checked
    /// by the sources that call them, and only there.
    pub region: Region,
    pub deadline: Instant,
}

impl<'a> Resolver<'a> {
    pub fn env(&self) -> &'a Env {
        self.config.env
    }

    /// The region, if it can go into `service`'s host name; no request is made otherwise.
    pub fn region_for(&self, service: Service) -> Result<&str, CallError> {
        self.region
            .checked()
            .map_err(|bad| CallError::new(service, CallErrorKind::BadRegion(bad)))
    }

    pub fn policy(&self) -> crate::aws::Policy {
        crate::aws::Policy::from_env(self.config.env, self.deadline)
    }
}

/// What tells one principal apart from another configured the same way on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalIdentity {
    /// Nothing does: the configuration alone selects the identity.
    Nothing,
    /// A hash of the token the source sends (a pod's token file, a container token).
    Token(String),
    /// The token file cannot be read now, so who this is cannot be told: nothing may be
    /// cached or served from the cache (every unreadable file once hashed to one key, shared
    /// by everyone whose file was unreadable). The get says why when it resolves.
    Unknown,
}

/// A hash of a token file's content, for [`Provider::local_identity`].
pub fn token_file_identity(path: &str) -> LocalIdentity {
    match crate::local::files::read_text(path.as_ref(), 1024 * 1024) {
        Ok(token) => LocalIdentity::Token(token_hash(&token)),
        Err(_) => LocalIdentity::Unknown,
    }
}

/// `token sha256 HEX`.
pub fn token_hash(token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("token sha256 {hex}")
}

/// One credential source.
pub trait Provider: fmt::Debug {
    /// A short name for messages: `credential_process`, `web identity`, ….
    fn kind(&self) -> &'static str;
    /// The configuration that selects the identity, without any secret: the cache key is a
    /// hash of it, so that a cache hit needs no credentials at all.
    fn identity(&self) -> String;
    /// What tells this identity apart from another one configured the same way on this
    /// machine, read locally (no network): for token-file sources a hash of the token, so
    /// that two pods sharing a cache directory never share an entry. It goes into the cache
    /// key; a rotated token costs one miss.
    fn local_identity(&self, _env: &Env) -> LocalIdentity {
        LocalIdentity::Nothing
    }
    /// Gets the credentials: the only place with I/O.
    fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError>;
}

/// Keys from the environment or a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticKeys(pub Credentials);

impl Provider for StaticKeys {
    fn kind(&self) -> &'static str {
        "access keys"
    }
    fn identity(&self) -> String {
        format!("static\n{}", self.0.access_key_id)
    }
    fn provide(&self, _r: &Resolver) -> Result<Credentials, CredentialsError> {
        Ok(self.0.clone())
    }
}
