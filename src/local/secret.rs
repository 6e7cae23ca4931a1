//! A value that must never be shown: a token, a password, a secret key, a refresh token, a
//! private key, a command line that may carry any of them. Its `Debug` prints nothing of it,
//! so a struct that holds one can derive `Debug` and still be printed in a panic, a log line
//! or a test failure without leaking it (cargo's `credential` helpers do the same). The value
//! is reached by name, [`Secret::expose`], at the one place that sends, signs or stores it.
//!
//! ```
//! use docker_credential_ecr_login::local::secret::Secret;
//! let password = Secret::new("hunter2".to_string());
//! assert_eq!(format!("{password:?}"), "Secret(..)");
//! assert_eq!(password.expose(), "hunter2");
//! ```

use std::fmt;

/// See the module's documentation.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The value itself.
    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl Secret<String> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    const SHOWN_NOWHERE: &str = "s3cr3t-MARKER";

    /// Everything that holds a token, a password, a secret key, a refresh token or a command
    /// line prints none of it.
    #[test]
    fn no_secret_in_any_debug() {
        let s = || Secret::new(SHOWN_NOWHERE.to_string());
        let now = OffsetDateTime::UNIX_EPOCH;
        let shown = [
            format!("{:?}", s()),
            format!(
                "{:?}",
                crate::aws::credentials::Credentials {
                    access_key_id: "AKID".into(),
                    secret_access_key: s(),
                    session_token: Some(s()),
                    expiry: None,
                    account_id: None,
                }
            ),
            format!(
                "{:?}",
                crate::credentials::sources::process::Process {
                    command: s(),
                    profile: "p".into(),
                    account_id: None,
                }
            ),
            format!(
                "{:?}",
                crate::get::Token {
                    username: "AWS".into(),
                    password: s(),
                    refresh_at: now,
                    expires_at: now,
                }
            ),
            format!(
                "{:?}",
                crate::local::cache::Entry {
                    token: s(),
                    requested_at: now,
                    expires_at: now,
                    proxy_endpoint: "https://x".into(),
                    service: "ecr".into(),
                }
            ),
            format!(
                "{:?}",
                crate::aws::Request {
                    method: "POST",
                    url: format!(
                        "https://user:{SHOWN_NOWHERE}@example.com/?X-Amz-Signature={SHOWN_NOWHERE}"
                    ),
                    headers: vec![("Authorization".into(), SHOWN_NOWHERE.into())],
                    body: SHOWN_NOWHERE.as_bytes().to_vec(),
                    timeouts: crate::aws::Timeouts::DEFAULT,
                }
            ),
            format!(
                "{:?}",
                crate::aws::Response {
                    status: 200,
                    headers: vec![("Set-Cookie".into(), SHOWN_NOWHERE.into())],
                    body: SHOWN_NOWHERE.as_bytes().to_vec(),
                }
            ),
        ];
        for text in shown {
            assert!(!text.contains(SHOWN_NOWHERE), "{text}");
        }
    }
}
