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
