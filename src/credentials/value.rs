//! Where a plan's credentials come from, for messages and `explain`. A leaf, so that the
//! error types can name it without importing the sources.

use std::fmt;

/// Where a plan comes from, for messages and `explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Environment,
    Profile(String),
    Container,
    Imds,
    /// The kubelet's token for the pulling pod's service account.
    ServiceAccount {
        role_arn: String,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Environment => f.write_str("environment variables"),
            Source::Profile(p) => write!(f, "profile `{p}`"),
            Source::Container => f.write_str("container credentials"),
            Source::Imds => f.write_str("EC2 instance metadata"),
            Source::ServiceAccount { role_arn } => {
                write!(f, "the pod's service-account token for role {role_arn}")
            }
        }
    }
}
