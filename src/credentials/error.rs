//! What can go wrong choosing a credential source ([`CredentialsError`]'s first four) and
//! getting credentials from it (the rest), one variant per thing a person would fix.

use crate::aws::call::CallError;
use crate::credentials::sources::document::DocumentError;
use crate::local::config::ConfigError;
use std::fmt;

/// Where an `http` container credentials URI may point.
pub const CONTAINER_HOSTS: &str =
    "must use https, or http to a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23";

#[derive(Debug)]
pub enum CredentialsError {
    /// A call to STS, SSO, AWS Sign-In, IMDS or the container endpoint failed.
    Call(Box<CallError>),
    /// The shared config or credentials file could not be read.
    Config(ConfigError),
    /// An error inside a credential provider, with the provider named (`profile `dev`
    /// (credential_process)`).
    Provider {
        provider: String,
        error: Box<CredentialsError>,
    },
    /// Nothing in the chain had credentials.
    NotFound { detail: String },
    /// `AWS_PROFILE` names a profile that no file defines.
    ProfileNotFound { profile: String },
    /// A profile is set up wrongly.
    Profile {
        profile: String,
        problem: ProfileProblem,
    },
    /// The environment (or the config's IMDS keys) is set up wrongly.
    Environment(EnvironmentProblem),
    /// A file the source reads each time (a token file) could not be read.
    Unreadable {
        what: &'static str,
        path: String,
        error: String,
    },
    /// The answer of IMDS (or a process's output) is not a credentials document.
    Document(DocumentError),
    /// No home directory, so no SSO token cache.
    NoHome,
    /// A failure that belongs to one source, whose type is beside its code (`imds::ImdsError`,
    /// `sso::SsoError`, …).
    Source(Box<dyn SourceFailure>),
}

/// What is wrong with the variables a source reads, one variant per thing a person fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvironmentProblem {
    WebIdentityWithoutRole,
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` that does not begin with `/`.
    ContainerRelativeNotAPath(String),
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI` with no host.
    ContainerFullNotAUrl(String),
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI` over `http` to a host that is not allowed.
    ContainerFullHostNotAllowed(String),
    /// The IMDS endpoint variable or key, not a URL.
    ImdsEndpointNotAUrl(String),
    /// The IMDS endpoint mode, neither IPv4 nor IPv6.
    ImdsEndpointMode(String),
}

impl fmt::Display for EnvironmentProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvironmentProblem::WebIdentityWithoutRole => f.write_str(
                "web identity from the environment: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume",
            ),
            EnvironmentProblem::ContainerRelativeNotAPath(rel) => write!(
                f,
                "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI {rel:?} is not a path: it must begin with / (the ECS agent sets it to /v2/credentials/…)"
            ),
            EnvironmentProblem::ContainerFullNotAUrl(full) => write!(
                f,
                "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?} is not a URL: the URI did not specify a host"
            ),
            EnvironmentProblem::ContainerFullHostNotAllowed(full) => write!(
                f,
                "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?} {CONTAINER_HOSTS}"
            ),
            EnvironmentProblem::ImdsEndpointNotAUrl(ep) => write!(
                f,
                "EC2 instance metadata: the IMDS endpoint {ep:?} is not a valid URL (invalid uri character or no host); fix AWS_EC2_METADATA_SERVICE_ENDPOINT or ec2_metadata_service_endpoint"
            ),
            EnvironmentProblem::ImdsEndpointMode(m) => write!(
                f,
                "EC2 instance metadata: `{m}` is not a valid endpoint mode for IMDS; use IPv4 or IPv6 in AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE or ec2_metadata_service_endpoint_mode"
            ),
        }
    }
}

/// What is wrong with a profile, one variant per thing a person fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileProblem {
    /// `source_profile` names a profile no file defines.
    SourceProfileMissing {
        source: String,
        from: String,
    },
    /// `source_profile` leads back to a profile already on the chain (the chain, in order).
    Loop {
        chain: Vec<String>,
    },
    SourceProfileAndCredentialSource,
    RoleWithoutSource,
    NoCredentials {
        profile: String,
    },
    MissingSecretKey,
    MissingAccessKeyId,
    WebIdentityWithoutRole,
    EnvironmentSourceWithoutKeys,
    ContainerSourceWithoutUri,
    UnknownCredentialSource {
        source: String,
    },
    SsoSessionNotFound {
        session: String,
        profile: String,
    },
    /// `sso_start_url` or `sso_region` beside `sso_session`, and different from it.
    SsoKeyBesideSession {
        key: &'static str,
    },
    SsoSessionIncomplete {
        session: String,
        key: &'static str,
    },
    SsoIncomplete {
        key: &'static str,
    },
    SsoAccountWithoutRole,
    SsoRoleWithoutAccount,
    SsoBearerOnly,
    SsoRegionNotARegion {
        region: String,
    },
}

impl fmt::Display for ProfileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ProfileProblem as P;
        match self {
            P::SourceProfileMissing { source, from } => write!(
                f,
                "could not find source profile {source} referenced from {from}; add [profile {source}] or fix source_profile"
            ),
            P::Loop { chain } => write!(
                f,
                "the profile formed an infinite loop through source_profile ({}); break the cycle",
                shown_chain(chain)
            ),
            P::SourceProfileAndCredentialSource => f.write_str(
                "the profile contained both source_profile and credential_source; keep one",
            ),
            P::RoleWithoutSource => f.write_str(
                "has role_arn, so the profile must contain `source_profile` or `credential_source` to say which credentials assume it",
            ),
            P::NoCredentials { profile } => write!(
                f,
                "profile `{profile}` did not contain credential information (aws_access_key_id, role_arn, sso_session, credential_process, …); add it or point source_profile elsewhere"
            ),
            P::MissingSecretKey => f.write_str(
                "profile missing aws_secret_access_key (it has aws_access_key_id); add the secret or remove the key id",
            ),
            P::MissingAccessKeyId => f.write_str(
                "profile missing aws_access_key_id (it has aws_secret_access_key); add the key id or remove the secret",
            ),
            P::WebIdentityWithoutRole => f.write_str(
                "`web_identity_token_file` was specified but `role_arn` was missing; add the role to assume",
            ),
            P::EnvironmentSourceWithoutKeys => f.write_str(
                "credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; the credential provider was not enabled",
            ),
            P::ContainerSourceWithoutUri => f.write_str(
                "credential_source = EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
            ),
            P::UnknownCredentialSource { source } => write!(
                f,
                "profile referenced `{source}` provider but that provider is not supported; credential_source must be Environment, Ec2InstanceMetadata or EcsContainer"
            ),
            P::SsoSessionNotFound { session, profile } => write!(
                f,
                "sso-session named `{session}` (referenced by profile `{profile}`) was not found; add [sso-session {session}] to ~/.aws/config"
            ),
            P::SsoKeyBesideSession { key } => write!(
                f,
                "`{key}` can only be specified in the [sso-session] config when a session name is given; remove it from the profile"
            ),
            P::SsoSessionIncomplete { session, key } => {
                write!(f, "[sso-session {session}] has no {key}")
            }
            P::SsoIncomplete { key } => write!(
                f,
                "uses IAM Identity Center but is missing {key}; set sso_start_url, sso_region, sso_account_id and sso_role_name (or use sso_session)"
            ),
            P::SsoAccountWithoutRole => {
                f.write_str("if `sso_account_id` is set, then `sso_role_name` must also be set")
            }
            P::SsoRoleWithoutAccount => {
                f.write_str("if `sso_role_name` is set, then `sso_account_id` must also be set")
            }
            P::SsoBearerOnly => f.write_str(
                "uses an sso-session for a bearer token only (no sso_account_id and sso_role_name), which gives no AWS credentials; add both",
            ),
            P::SsoRegionNotARegion { region } => write!(
                f,
                "sso_region {region:?} is not a region name (letters, digits and dashes, such as us-east-1)"
            ),
        }
    }
}

/// A chain as `A → B → A`; a long one (a generated config of 100,000 profiles once made a
/// megabyte of log per failing get) by its first and last few names only.
fn shown_chain(chain: &[String]) -> String {
    const ENDS: usize = 4;
    if chain.len() <= 2 * ENDS + 1 {
        return chain.join(" → ");
    }
    format!(
        "{} → … {} more … → {}",
        chain[..ENDS].join(" → "),
        chain.len() - 2 * ENDS,
        chain[chain.len() - ENDS..].join(" → ")
    )
}

impl CredentialsError {
    /// The last lines a failed `credential_process` wrote to its stderr, for the person at
    /// the terminal only (never the log): the SDKs leave that stderr on the terminal.
    pub fn process_stderr(&self) -> Option<&str> {
        match self {
            CredentialsError::Source(e) => e.process_stderr(),
            CredentialsError::Provider { error, .. } => error.process_stderr(),
            _ => None,
        }
    }
}

/// A failure of one source, which owns its type beside its code; `?` wraps it.
pub trait SourceFailure: fmt::Display + fmt::Debug {
    /// The last lines a failed `credential_process` wrote to its stderr, if this is one.
    fn process_stderr(&self) -> Option<&str> {
        None
    }
}

impl<E: SourceFailure + 'static> From<E> for CredentialsError {
    fn from(e: E) -> Self {
        CredentialsError::Source(Box::new(e))
    }
}

impl From<CallError> for CredentialsError {
    #[inline(never)] // a failure path: one copy, not one per `?`
    fn from(e: CallError) -> Self {
        CredentialsError::Call(Box::new(e))
    }
}

impl From<ConfigError> for CredentialsError {
    fn from(e: ConfigError) -> Self {
        CredentialsError::Config(e)
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::Call(e) => e.fmt(f),
            CredentialsError::Config(e) => e.fmt(f),
            CredentialsError::Provider { provider, error } => write!(f, "{provider}: {error}"),
            CredentialsError::NotFound { detail } => write!(
                f,
                "no AWS credentials found ({detail}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE to a profile in ~/.aws/config or ~/.aws/credentials"
            ),
            CredentialsError::ProfileNotFound { profile } => write!(
                f,
                "AWS profile `{profile}` (from AWS_PROFILE, or the helper's name) is not in the AWS config or credentials file; fix the name or add [profile {profile}] to ~/.aws/config"
            ),
            CredentialsError::Profile { profile, problem } => {
                write!(f, "AWS profile `{profile}`: {problem}")
            }
            CredentialsError::Environment(problem) => problem.fmt(f),
            CredentialsError::Unreadable { what, path, error } => {
                write!(f, "could not read {what} {path}: {error}")
            }
            CredentialsError::Document(e) => e.fmt(f),
            CredentialsError::NoHome => {
                f.write_str("no home directory (HOME is not set) to find the SSO token cache in")
            }
            CredentialsError::Source(e) => e.fmt(f),
        }
    }
}

// Each message already includes its cause's text (one line for people), so `source()` is
// left at `None`, as the API guidelines ask of an error that shows its cause.
impl std::error::Error for CredentialsError {}
