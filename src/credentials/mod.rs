//! AWS credentials: which source to use (the [`Plan`], from the environment and the config
//! files only, no network) and getting them from it ([`resolve`], where all the I/O is).
//!
//! The chain order is the Go SDK's: environment keys, environment web identity, the
//! selected profile, container credentials, IMDS. Once a source is chosen its failure is
//! final: it is never silently replaced by another source.
//! Each source is one module behind the small [`Provider`] trait.

pub mod container;
mod environment;
pub mod imds;
pub mod process;
mod profile;
pub mod sso;
pub mod sts;
pub mod web_identity;

pub use container::{Container, uri as container_uri};
pub use environment::half_keys;
pub use imds::Imds;
pub use imds::endpoint as imds_endpoint;
pub use process::Process;
pub use profile::plan_profile;
pub use sso::Sso;
pub use sts::AssumeRole;
pub use web_identity::WebIdentity;

use crate::config::{ProfileSet, selected_profile};
use crate::endpoint::EndpointSettings;
use crate::env::Env;
use crate::error::Error;
use crate::http::Http;
use std::fmt;
use std::time::Instant;
use time::OffsetDateTime;

/// A set of AWS credentials. `Debug` never shows the secret parts.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub expiry: Option<OffsetDateTime>,
    pub account_id: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.expiry)
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// What everything past the plan needs: the environment and files, the HTTP client, the
/// region for STS, and the time budget.
pub struct Resolver<'a> {
    pub env: &'a Env,
    pub profiles: &'a ProfileSet,
    pub http: &'a Http<'a>,
    /// The region for STS: `AWS_REGION`, `AWS_DEFAULT_REGION`, the selected profile's
    /// `region`, else the registry's region (which the Go helper forces).
    pub region: String,
    pub deadline: Instant,
}

impl Resolver<'_> {
    /// Endpoint settings of the environment and the selected profile.
    pub fn settings(&self) -> EndpointSettings<'_> {
        let (name, _) = selected_profile(self.env);
        EndpointSettings {
            env: Some(self.env),
            profile: self.profiles.profile(&name),
            profiles: Some(self.profiles),
        }
    }

    pub fn policy(&self) -> crate::retry::Policy {
        crate::retry::Policy::from_env(self.env, self.deadline)
    }
}

/// The region STS is called in, by the rule on [`Resolver::region`].
pub fn sts_region(env: &Env, profiles: &ProfileSet, registry_region: &str) -> String {
    let (name, _) = selected_profile(env);
    env.get("AWS_REGION")
        .or_else(|| env.get("AWS_DEFAULT_REGION"))
        .or_else(|| {
            profiles
                .profile(&name)
                .and_then(|p| p.get("region"))
                .map(String::as_str)
                .filter(|r| !r.is_empty())
        })
        .unwrap_or(registry_region)
        .to_string()
}

/// A hash of a token file's content (`unreadable` when it cannot be read: the get will say
/// why when it resolves), for [`Provider::local_identity`].
pub fn token_file_identity(path: &str) -> String {
    match crate::files::read_text(path.as_ref(), 1024 * 1024) {
        Ok(token) => {
            let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
            let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
            format!("token sha256 {hex}")
        }
        Err(_) => "token unreadable".into(),
    }
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
    fn local_identity(&self, _env: &Env) -> Option<String> {
        None
    }
    /// Gets the credentials: the only place with I/O.
    fn provide(&self, r: &Resolver) -> Result<Credentials, Error>;
    /// Keys known from configuration alone, which key the cache the Go helper's way.
    fn static_credentials(&self) -> Option<&Credentials> {
        None
    }
    /// For tests and `explain`, which look at the concrete source.
    fn as_any(&self) -> &dyn std::any::Any;
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
    fn provide(&self, _r: &Resolver) -> Result<Credentials, Error> {
        Ok(self.0.clone())
    }
    fn static_credentials(&self) -> Option<&Credentials> {
        Some(&self.0)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

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

/// The chosen credential source: a base provider and the roles assumed on top of it,
/// innermost first. Decided without any network call or process run.
#[derive(Debug)]
pub struct Plan {
    pub source: Source,
    pub base: Box<dyn Provider>,
    /// The profile the base comes from, when a chain led away from the selected one.
    pub base_profile: Option<String>,
    pub hops: Vec<AssumeRole>,
}

impl Plan {
    fn new(source: Source, base: impl Provider + 'static) -> Plan {
        Plan {
            source,
            base: Box::new(base),
            base_profile: None,
            hops: Vec::new(),
        }
    }

    /// Static keys with no role on top: the cache is keyed the Go helper's way.
    pub fn static_credentials(&self) -> Option<&Credentials> {
        match self.hops.is_empty() {
            true => self.base.static_credentials(),
            false => None,
        }
    }

    /// Everything that selects the identity, for the cache key.
    pub fn identity(&self) -> String {
        let mut id = format!("{}\n{}", self.source, self.base.identity());
        for hop in &self.hops {
            id.push_str(&format!(
                "\nassume-role\n{}\n{}\n{}",
                hop.role_arn,
                hop.external_id.as_deref().unwrap_or(""),
                hop.session_name.as_deref().unwrap_or("")
            ));
        }
        id
    }

    /// [`Provider::local_identity`] of the base.
    pub fn local_identity(&self, env: &Env) -> Option<String> {
        self.base.local_identity(env)
    }

    /// What a person reads: `profile `dev` (credential_process, then role arn:…)`.
    pub fn describe(&self) -> String {
        let mut d = self.base_description();
        for hop in &self.hops {
            d.push_str(&format!(", then role {}", hop.role_arn));
        }
        d
    }

    fn base_description(&self) -> String {
        match (&self.source, &self.base_profile) {
            (Source::Container | Source::Imds, _) => self.source.to_string(),
            (Source::Profile(p), Some(b)) if p != b => {
                format!("{}: {} of profile `{b}`", self.source, self.base.kind())
            }
            _ => format!("{} ({})", self.source, self.base.kind()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsError {
    /// Nothing in the chain had credentials.
    NotFound { detail: String },
    /// `AWS_PROFILE` names a profile that no file defines.
    ProfileNotFound { profile: String },
    /// A profile or the environment is set up wrongly.
    Invalid { what: String, problem: String },
    /// The configuration asks for a source this version does not have.
    Unsupported { source: Source, what: String },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotFound { detail } => write!(
                f,
                "no AWS credentials found ({detail}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE to a profile in ~/.aws/config or ~/.aws/credentials"
            ),
            CredentialsError::ProfileNotFound { profile } => write!(
                f,
                "AWS profile `{profile}` (from AWS_PROFILE, or the helper's name) is not in the AWS config or credentials file; fix the name or add [profile {profile}] to ~/.aws/config"
            ),
            CredentialsError::Invalid { what, problem } => write!(f, "{what}: {problem}"),
            CredentialsError::Unsupported { source, what } => write!(
                f,
                "{source} uses {what}, which this version of docker-credential-ecr-login does not support yet; use another credential source"
            ),
        }
    }
}

/// Chooses the credential source. Reads the environment, and the config files only when the
/// environment does not settle it (`profiles` is called at most once).
pub fn plan<'p>(
    env: &Env,
    profiles: &mut dyn FnMut() -> Result<&'p ProfileSet, Error>,
) -> Result<Plan, Error> {
    // A profile chosen by the invocation comes first, as one set in code does in the SDKs.
    let explicit = env.explicit_profile().is_some();
    if !explicit && let Some(keys) = environment::keys(env) {
        return Ok(Plan::new(Source::Environment, keys));
    }
    if !explicit && let Some(token_file) = env.get("AWS_WEB_IDENTITY_TOKEN_FILE") {
        let role_arn = env.get("AWS_ROLE_ARN").ok_or_else(|| CredentialsError::Invalid {
            what: "web identity from the environment".into(),
            problem: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume".into(),
        })?;
        return Ok(Plan::new(
            Source::Environment,
            WebIdentity {
                token_file: token_file.to_string(),
                role_arn: role_arn.to_string(),
                session_name: env.get("AWS_ROLE_SESSION_NAME").map(str::to_string),
            },
        ));
    }
    let profiles = profiles()?;
    let (name, _) = selected_profile(env);
    if let Some(plan) = plan_profile(env, profiles)? {
        return Ok(plan);
    }
    if let Some(container) = container_plan(env)? {
        return Ok(Plan::new(Source::Container, container));
    }
    if imds::disabled(env) {
        let mut detail = String::from("none in the environment");
        if profiles.profile(&name).is_some() {
            detail.push_str(&format!(" or in profile `{name}`"));
        }
        detail
            .push_str("; no container credentials; IMDS is disabled by AWS_EC2_METADATA_DISABLED");
        return Err(CredentialsError::NotFound { detail }.into());
    }
    Ok(Plan::new(Source::Imds, imds_plan(env, profiles)?))
}

/// The container provider the environment configures, if any.
fn container_plan(env: &Env) -> Result<Option<Container>, CredentialsError> {
    container::uri(env)
        .map(|u| u.map(|uri| Container { uri }))
        .map_err(|problem| CredentialsError::Invalid {
            what: "container credentials".into(),
            problem,
        })
}

fn imds_plan(env: &Env, profiles: &ProfileSet) -> Result<Imds, CredentialsError> {
    let (name, _) = selected_profile(env);
    let profile = profiles.profile(&name);
    let endpoint = imds::endpoint(env, profile).map_err(|problem| CredentialsError::Invalid {
        what: "EC2 instance metadata".into(),
        problem,
    })?;
    Ok(Imds {
        endpoint,
        v1_disabled: imds::v1_disabled(env, profile),
    })
}

/// The credentials document of IMDS and the container endpoints:
/// `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`, plus optional `AccountId`.
fn from_metadata_json(v: &serde_json::Value, what: &str) -> Result<Credentials, String> {
    let field = |k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let required = |k: &str| field(k).ok_or_else(|| format!("{what} has no {k}"));
    let expiry = match field("Expiration") {
        Some(e) => Some(
            OffsetDateTime::parse(&e, &time::format_description::well_known::Rfc3339)
                .map_err(|_| format!("Expiration in {what} is not an RFC 3339 time"))?,
        ),
        None => None,
    };
    Ok(Credentials {
        access_key_id: required("AccessKeyId")?,
        secret_access_key: required("SecretAccessKey")?,
        session_token: field("Token"),
        expiry,
        account_id: field("AccountId"),
    })
}

/// Gets the credentials a plan names: the base, then each role in turn. Errors say which
/// source failed.
pub fn resolve(plan: &Plan, r: &Resolver) -> Result<Credentials, Error> {
    let wrap = |what: String| {
        move |e: Error| Error::Source {
            what,
            error: Box::new(e),
        }
    };
    let mut creds = plan
        .base
        .provide(r)
        .map_err(wrap(plan.base_description()))?;
    for hop in &plan.hops {
        creds = sts::assume_role(r, &creds, hop).map_err(wrap(format!(
            "profile `{}`: assuming role {}",
            hop.profile, hop.role_arn
        )))?;
    }
    Ok(creds)
}
