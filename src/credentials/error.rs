//! What can go wrong choosing a credential source ([`CredentialsError`]'s first four) and
//! getting credentials from it (the rest), one variant per thing a person would fix.

use crate::aws::call::CallError;
use crate::credentials::sources::document::DocumentError;
use crate::credentials::sources::dpop::KeyProblem;
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
    /// The container authorization token cannot go into a header.
    AuthorizationLineBreak,
    /// An `http` container credentials URI whose host (looked up now) is not allowed.
    ContainerHostNotAllowed { uri: String },
    /// The instance has no IAM role attached.
    NoInstanceRole,
    /// Nothing answers at the metadata service's address.
    ImdsUnreachable { endpoint: String, detail: String },
    /// IMDSv2 gave no token and IMDSv1 is off.
    ImdsV1Disabled { why: String },
    /// The answer of IMDS (or a process's output) is not a credentials document.
    Document(DocumentError),
    /// No home directory, so no SSO token cache.
    NoHome,
    /// The SSO token cache file is missing or unusable.
    SsoCache {
        path: String,
        problem: SsoCacheProblem,
        profile: String,
    },
    /// A profile with `mfa_serial` has no usable AWS CLI session (`why`).
    MfaSession { profile: String, why: String },
    /// The SSO session expired; `refresh` says why a refresh failed, when one was tried.
    SsoExpired {
        profile: String,
        refresh: Option<String>,
    },
    /// SSO refused the token (HTTP 401 or 403); `answer` is the API error's message.
    SsoRejected { answer: String, profile: String },
    /// The `aws login` cache file of a `login_session` profile is missing or unusable.
    LoginCache {
        path: String,
        problem: LoginCacheProblem,
        profile: String,
    },
    /// AWS Sign-In did not refresh the `aws login` session.
    LoginRefused { profile: String, why: LoginRefusal },
    /// `credential_process` failed; `program` is the file name of the program it starts
    /// only (its arguments, and assignments before it, may carry secrets).
    Process {
        program: String,
        problem: ProcessProblem,
    },
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

/// Why the SSO token cache cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoCacheProblem {
    Unreadable(String),
    NotJson,
    NoAccessToken,
    NoExpiresAt,
}

/// Why an `aws login` cache file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginCacheProblem {
    NoFile,
    Unreadable(String),
    /// Not JSON, or JSON but not an object (`null`).
    NotAnObject,
    /// A required member is missing or empty: its path, `accessToken.sessionToken`.
    Missing(&'static str),
    /// `accessToken.expiresAt` is not an RFC 3339 time with a zone (the first characters).
    BadExpiresAt(String),
    /// `dpopKey` cannot sign.
    BadKey(KeyProblem),
}

/// Why AWS Sign-In refused or failed a refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    /// `TOKEN_EXPIRED`: the session (up to 12 hours) is over.
    Expired,
    /// `USER_CREDENTIALS_CHANGED`: the password changed since `aws login`.
    CredentialsChanged,
    /// `INSUFFICIENT_PERMISSIONS`: no `signin:CreateOAuth2Token`.
    MissingPermission,
    /// Anything else, said as it came (no secret is in it).
    Failed(String),
}

/// Why `credential_process` gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessProblem {
    Start(String),
    Wait(String),
    TimedOut {
        seconds: u64,
    },
    TooMuchOutput,
    /// A non-zero exit (`code`), or a signal (`None`), with the last lines of its stderr.
    Failed {
        code: Option<i32>,
        stderr_tail: String,
    },
    Output(DocumentError),
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
            CredentialsError::Process {
                problem: ProcessProblem::Failed { stderr_tail, .. },
                ..
            } if !stderr_tail.is_empty() => Some(stderr_tail),
            CredentialsError::Provider { error, .. } => error.process_stderr(),
            _ => None,
        }
    }
}

fn aws_login(profile: &str) -> String {
    format!("run `aws login --profile {profile}`")
}

fn sso_login(profile: &str) -> String {
    format!("run `aws sso login --profile {profile}`")
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
            CredentialsError::AuthorizationLineBreak => f.write_str(
                "the container authorization token contains a line break, which cannot be sent in a header; remove it from the token (file)",
            ),
            CredentialsError::ContainerHostNotAllowed { uri } => {
                write!(f, "AWS_CONTAINER_CREDENTIALS_FULL_URI {uri:?} {CONTAINER_HOSTS}")
            }
            CredentialsError::NoInstanceRole => f.write_str(
                "this EC2 instance has no IAM role (instance profile) attached: attach one, or configure other credentials",
            ),
            CredentialsError::ImdsUnreachable { endpoint, detail } => write!(
                f,
                "the EC2 instance metadata service at {endpoint} is not reachable ({detail}); this is not an EC2 instance, or its metadata service is off. Configure credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE, …), or set AWS_EC2_METADATA_DISABLED=true to skip IMDS"
            ),
            CredentialsError::ImdsV1Disabled { why } => write!(
                f,
                "IMDS gave no IMDSv2 token ({why}) and IMDSv1 is disabled (AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled)"
            ),
            CredentialsError::Document(e) => e.fmt(f),
            CredentialsError::NoHome => {
                f.write_str("no home directory (HOME is not set) to find the SSO token cache in")
            }
            CredentialsError::SsoCache {
                path,
                problem,
                profile,
            } => sso_cache(f, path, problem, profile),
            CredentialsError::MfaSession { profile, why } => write!(
                f,
                "profile `{profile}` needs an MFA code ({why}): run `aws sts get-caller-identity --profile {profile}` once, and type the code there; this helper reuses the AWS CLI's session and never asks for a code itself"
            ),
            CredentialsError::SsoExpired {
                profile,
                refresh: Some(e),
            } => write!(
                f,
                "the SSO session has expired and could not be refreshed ({e}); {}",
                sso_login(profile)
            ),
            CredentialsError::SsoExpired {
                profile,
                refresh: None,
            } => write!(
                f,
                "the SSO session has expired or is invalid; {}",
                sso_login(profile)
            ),
            CredentialsError::SsoRejected { answer, profile } => write!(
                f,
                "{answer}; the SSO session is no longer valid: {}",
                sso_login(profile)
            ),
            CredentialsError::Process { program, problem } => {
                write!(f, "credential_process {program}: {problem}")
            }
            CredentialsError::LoginCache {
                path,
                problem,
                profile,
            } => login_cache(f, path, problem, profile),
            CredentialsError::LoginRefused { profile, why } => login_refused(f, profile, why),
        }
    }
}

/// The SSO token cache's problem, and how to get a fresh one.
fn sso_cache(
    f: &mut fmt::Formatter<'_>,
    path: &str,
    problem: &SsoCacheProblem,
    profile: &str,
) -> fmt::Result {
    match problem {
        SsoCacheProblem::Unreadable(e) => write!(f, "failed to read `{path}`: {e}"),
        SsoCacheProblem::NotJson => {
            write!(f, "the SSO token cache {path} is not valid JSON")
        }
        SsoCacheProblem::NoAccessToken => {
            write!(f, "the SSO token cache {path} has no accessToken")
        }
        SsoCacheProblem::NoExpiresAt => {
            write!(f, "the SSO token cache {path} has no valid expiresAt")
        }
    }?;
    write!(f, "; {}", sso_login(profile))
}

/// The `aws login` cache's problem, and the command that makes a new session.
fn login_cache(
    f: &mut fmt::Formatter<'_>,
    path: &str,
    problem: &LoginCacheProblem,
    profile: &str,
) -> fmt::Result {
    match problem {
        LoginCacheProblem::NoFile => write!(
            f,
            "no aws login session is cached for profile `{profile}` ({path} does not exist)"
        ),
        LoginCacheProblem::Unreadable(e) => {
            write!(f, "could not read the aws login cache {path}: {e}")
        }
        LoginCacheProblem::NotAnObject => {
            write!(f, "the aws login cache {path} is not a JSON object")
        }
        LoginCacheProblem::Missing(member) => {
            write!(f, "the aws login cache {path} has no {member}")
        }
        LoginCacheProblem::BadExpiresAt(v) => write!(
            f,
            "the aws login cache {path} has an accessToken.expiresAt that is not an RFC 3339 time with a zone ({v:?})"
        ),
        LoginCacheProblem::BadKey(k) => write!(
            f,
            "the dpopKey of the aws login cache {path} cannot sign: {k}"
        ),
    }?;
    write!(f, "; {}", aws_login(profile))
}

/// Why AWS Sign-In did not refresh a session, and what to do.
fn login_refused(f: &mut fmt::Formatter<'_>, profile: &str, why: &LoginRefusal) -> fmt::Result {
    match why {
        LoginRefusal::Expired => write!(
            f,
            "the aws login session of profile `{profile}` has expired (AWS Sign-In: TOKEN_EXPIRED); {} again",
            aws_login(profile)
        ),
        LoginRefusal::CredentialsChanged => write!(
            f,
            "the aws login session of profile `{profile}` ended because the password changed (AWS Sign-In: USER_CREDENTIALS_CHANGED); {} again",
            aws_login(profile)
        ),
        LoginRefusal::MissingPermission => write!(
            f,
            "AWS Sign-In refused to refresh the aws login session of profile `{profile}` (INSUFFICIENT_PERMISSIONS): allow signin:CreateOAuth2Token for this principal (the managed policy SignInLocalDevelopmentAccess has it), then {} again",
            aws_login(profile)
        ),
        LoginRefusal::Failed(answer) => write!(
            f,
            "could not refresh the aws login session of profile `{profile}` ({answer}); if this persists, {} again",
            aws_login(profile)
        ),
    }
}

impl fmt::Display for ProcessProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProcessProblem::Start(e) => write!(f, "could not start it: {e}"),
            ProcessProblem::Wait(e) => write!(f, "could not wait for it: {e}"),
            ProcessProblem::TimedOut { seconds } => {
                write!(f, "did not finish within {seconds} s; it was stopped")
            }
            ProcessProblem::TooMuchOutput => f.write_str("printed more than 1 MiB"),
            // The stderr tail is not part of the message: a message reaches the log file,
            // and a failing program's stderr may hold a token. `stderr_tail` shows it on
            // stderr alone.
            ProcessProblem::Failed { code, .. } => match code {
                Some(code) => write!(f, "exited with status {code}"),
                None => f.write_str("was killed by a signal"),
            },
            ProcessProblem::Output(e) => e.fmt(f),
        }
    }
}

// Each message already includes its cause's text (one line for people), so `source()` is
// left at `None`, as the API guidelines ask of an error that shows its cause.
impl std::error::Error for CredentialsError {}
impl std::error::Error for ProcessProblem {}
