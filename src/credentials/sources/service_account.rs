//! The kubelet's service-account token mode (KEP-4412): the kubelet mints a token for the
//! pulling pod's service account and hands it over in the request; we exchange it, with
//! `AssumeRoleWithWebIdentity`, for the role that the service account's annotation (or
//! `AWS_ECR_ROLE_ARN`) names, as Kubernetes' own `ecr-credential-provider` does.

use crate::aws::Credentials;
use crate::credentials::error::CredentialsError;
use crate::credentials::provider::{Provider, Resolver};
use crate::credentials::sources::sts;
use crate::local::secret::Secret;

/// The session name upstream uses for every pod: CloudTrail tells pods apart by the web
/// identity's subject, not by this.
pub const SESSION_NAME: &str = "ecr-credential-provider";

/// A role to assume with a pod's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccountToken {
    pub role_arn: String,
    /// The JWT, sent byte for byte. A secret: never printed, logged or cached.
    pub token: Secret<String>,
}

impl Provider for ServiceAccountToken {
    fn kind(&self) -> &'static str {
        "service-account token"
    }

    /// Never a cache key: this mode does not use the disk cache (see the README).
    fn identity(&self) -> String {
        format!("service-account\n{}", self.role_arn)
    }

    fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        Ok(sts::assume_role_with_web_identity(
            r,
            &self.role_arn,
            SESSION_NAME,
            self.token.expose(),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let t = ServiceAccountToken {
            role_arn: "arn:aws:iam::1:role/r".into(),
            token: Secret::new("eyJsecret".into()),
        };
        let shown = format!("{t:?}");
        assert!(shown.contains("arn:aws:iam::1:role/r"));
        assert!(!shown.contains("eyJsecret"));
    }
}
