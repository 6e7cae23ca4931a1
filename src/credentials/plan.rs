//! A [`Plan`]: the chosen credential source, as a value (no I/O), and the container and IMDS
//! sources as planned from the environment (the chain's last two, and `credential_source`).

use crate::aws::Credentials;
use crate::credentials::error::CredentialsError;
use crate::credentials::provider::{LocalIdentity, Provider, Resolver, StaticKeys};
use crate::credentials::sources::cli_session::CliSession;
use crate::credentials::sources::container::{self, Container};
use crate::credentials::sources::imds::{self, Imds};
use crate::credentials::sources::login::Login;
use crate::credentials::sources::process::Process;
use crate::credentials::sources::service_account::ServiceAccountToken;
use crate::credentials::sources::sso::Sso;
use crate::credentials::sources::sts::AssumeRole;
use crate::credentials::sources::web_identity::WebIdentity;
use crate::credentials::value::Source;
use crate::local::env::Env;
use crate::local::settings::Config;

/// The chosen credential source: a base provider and the roles assumed on top of it,
/// innermost first. Decided without any network call or process run.
#[derive(Debug)]
pub struct Plan {
    pub source: Source,
    pub base: Base,
    /// The profile the base comes from, when a chain led away from the selected one.
    pub base_profile: Option<String>,
    pub hops: Vec<AssumeRole>,
}

impl Plan {
    pub fn new(source: Source, base: impl Into<Base>) -> Plan {
        Plan {
            source,
            base: base.into(),
            base_profile: None,
            hops: Vec::new(),
        }
    }

    /// Whether resolving it calls STS: a role on top, or a token traded for a role.
    pub fn calls_sts(&self) -> bool {
        !self.hops.is_empty() || matches!(self.base, Base::WebIdentity(_) | Base::ServiceAccount(_))
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

    /// What keys its cache entries: the access key of static credentials (the Go helper's
    /// key), else the configuration and what tells principals apart on this machine.
    pub fn cache_identity(&self, env: &Env) -> crate::local::cache::Identity {
        match self.static_credentials() {
            Some(c) => crate::local::cache::Identity::AccessKey(c.access_key_id.clone()),
            None => match self.local_identity(env) {
                LocalIdentity::Unknown => crate::local::cache::Identity::Unknown,
                LocalIdentity::Nothing => crate::local::cache::Identity::Plan {
                    config: self.identity(),
                    local: None,
                },
                LocalIdentity::Token(t) => crate::local::cache::Identity::Plan {
                    config: self.identity(),
                    local: Some(t),
                },
            },
        }
    }

    /// [`Base::local_identity`].
    pub fn local_identity(&self, env: &Env) -> LocalIdentity {
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

    pub fn base_description(&self) -> String {
        match (&self.source, &self.base_profile) {
            (Source::Container | Source::Imds | Source::ServiceAccount { .. }, _) => {
                self.source.to_string()
            }
            (Source::Profile(p), Some(b)) if p != b => {
                format!("{}: {} of profile `{b}`", self.source, self.base.kind())
            }
            _ => format!("{} ({})", self.source, self.base.kind()),
        }
    }
}

/// Where a plan's first credentials come from: a closed set of sources, so that every use
/// is a `match` (no downcasts, no comparing names) and a new source cannot be half wired.
#[derive(Debug)]
pub enum Base {
    StaticKeys(StaticKeys),
    WebIdentity(WebIdentity),
    Sso(Sso),
    Login(Login),
    Process(Process),
    ServiceAccount(ServiceAccountToken),
    Container(Container),
    Imds(Imds),
    /// A profile with `mfa_serial`: the AWS CLI's cached session of its role.
    CliSession(CliSession),
}

impl Base {
    /// The source behind the base: the one place that lists them all.
    fn source(&self) -> &dyn Provider {
        match self {
            Base::StaticKeys(p) => p,
            Base::WebIdentity(p) => p,
            Base::Sso(p) => p,
            Base::Login(p) => p,
            Base::Process(p) => p,
            Base::ServiceAccount(p) => p,
            Base::Container(p) => p,
            Base::Imds(p) => p,
            Base::CliSession(p) => p,
        }
    }

    /// A person's name for the source (`credential_process`).
    pub fn kind(&self) -> &'static str {
        self.source().kind()
    }

    /// [`Provider::identity`].
    pub fn identity(&self) -> String {
        self.source().identity()
    }

    /// [`Provider::local_identity`].
    pub fn local_identity(&self, env: &Env) -> LocalIdentity {
        self.source().local_identity(env)
    }

    /// Gets the base credentials: the only step of a plan's base that does I/O.
    pub fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        self.source().provide(r)
    }

    /// The keys themselves when the base is static keys.
    pub fn static_credentials(&self) -> Option<&Credentials> {
        match self {
            Base::StaticKeys(StaticKeys(c)) => Some(c),
            _ => None,
        }
    }
}

macro_rules! base_from {
    ($($source:ident),*) => {$(
        impl From<$source> for Base {
            fn from(p: $source) -> Self {
                Base::$source(p)
            }
        }
    )*};
}
base_from!(
    StaticKeys,
    WebIdentity,
    Sso,
    Login,
    Process,
    Container,
    Imds,
    CliSession
);

impl From<ServiceAccountToken> for Base {
    fn from(p: ServiceAccountToken) -> Self {
        Base::ServiceAccount(p)
    }
}

/// The container provider the environment configures, if any.
pub fn container_plan(env: &Env) -> Result<Option<Container>, CredentialsError> {
    container::uri(env)
        .map(|u| u.map(|uri| Container { uri }))
        .map_err(CredentialsError::Environment)
}

pub fn imds_plan(config: &Config) -> Result<Imds, CredentialsError> {
    let endpoint = imds::endpoint(config).map_err(CredentialsError::Environment)?;
    Ok(Imds {
        endpoint,
        v1_disabled: imds::v1_disabled(config),
    })
}
