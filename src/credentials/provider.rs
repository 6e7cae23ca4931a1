//! The small trait between the credential sources and the planner ([`Provider`]), and what
//! several sources share.

use crate::aws::Credentials;
use crate::credentials::error::CredentialsError;
pub use crate::credentials::resolver::Resolver;
use crate::local::env::Env;
use std::fmt;

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
    format!(
        "token sha256 {}",
        crate::local::sha256::sha256_hex(token.as_bytes())
    )
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
