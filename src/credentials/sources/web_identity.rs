//! `AssumeRoleWithWebIdentity` with a token file (EKS IRSA, GitHub Actions OIDC, …), from
//! `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` or a profile's `web_identity_token_file`.
//! The file is read on every call: the token is rotated under our feet.

use crate::aws::Credentials;
use crate::credentials::error::CredentialsError;
use crate::credentials::provider::{Provider, Resolver, token_file_identity};
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

    fn local_identity(&self, _env: &crate::local::env::Env) -> Option<String> {
        Some(token_file_identity(&self.token_file))
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
