//! The credentials value that signing needs. It lives with the wire, so the signer names it
//! without importing the credential sources that produce it.

use crate::local::secret::Secret;
use time::OffsetDateTime;

/// A set of AWS credentials. `Debug` never shows the secret parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret<String>,
    pub session_token: Option<Secret<String>>,
    pub expiry: Option<OffsetDateTime>,
    pub account_id: Option<String>,
}
