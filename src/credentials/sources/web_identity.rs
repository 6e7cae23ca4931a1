//! `AssumeRoleWithWebIdentity` with a token file (EKS IRSA, GitHub Actions OIDC, …), from
//! `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` or a profile's `web_identity_token_file`.
//! The file is read on every call: the token is rotated under our feet.

use crate::aws::Credentials;
use crate::credentials::error::CredentialsError;
use crate::credentials::provider::{LocalIdentity, Provider, Resolver, token_file_identity};
use crate::credentials::sources::sts;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebIdentity {
    pub token_file: String,
    pub role_arn: String,
    pub session_name: Option<String>,
}

impl Provider for WebIdentity {
    fn kind(&self) -> &'static str {
        "web identity"
    }

    fn identity(&self) -> String {
        format!(
            "web-identity\n{}\n{}\n{}",
            self.role_arn,
            self.token_file,
            self.session_name.as_deref().unwrap_or("")
        )
    }

    fn local_identity(&self, _env: &crate::local::env::Env) -> LocalIdentity {
        token_file_identity(&self.token_file)
    }

    fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        let token =
            crate::local::files::read_text(self.token_file.as_ref(), 1024 * 1024).map_err(|e| {
                CredentialsError::Unreadable {
                    what: "the token file",
                    path: self.token_file.clone(),
                    error: e.to_string(),
                }
            })?;
        let session = self.session_name.clone().unwrap_or_else(|| {
            sts::default_session_name("docker-credential-ecr-login-web-identity")
        });
        Ok(sts::assume_role_with_web_identity(
            r,
            &self.role_arn,
            &session,
            &token,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token file that cannot be read tells nobody apart: it must not become a key (every
    /// such file once hashed to the one "token unreadable" key, shared by all of them).
    #[test]
    fn an_unreadable_token_file_is_no_identity() {
        let env = crate::local::env::Env::from_pairs([]);
        let missing = WebIdentity {
            token_file: "/nonexistent/ecr-login/token".into(),
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            session_name: None,
        };
        assert_eq!(missing.local_identity(&env), LocalIdentity::Unknown);
        let file = std::env::temp_dir().join(format!("ecr-login-wi-{}", std::process::id()));
        std::fs::write(&file, "token-a").unwrap();
        let readable = WebIdentity {
            token_file: file.display().to_string(),
            ..missing
        };
        let known = readable.local_identity(&env);
        std::fs::remove_file(&file).unwrap();
        assert!(matches!(known, LocalIdentity::Token(t) if t.starts_with("token sha256 ")));
    }
}
