//! One `get`, worked out before any network call: the registry, the credential plan, the
//! cache file and keys, and (on demand, so that a cache hit reads no config file it does not
//! need) the endpoint settings, the ECR endpoint and the STS region. `get` executes it;
//! `explain` prints it. Both see the same value, so they cannot drift apart.

use crate::cache;
use crate::config::{ProfileSet, selected_profile};
use crate::credentials::{self, Credentials, Plan, Resolver};
use crate::ecr;
use crate::endpoint::{self, Endpoint, EndpointSettings};
use crate::env::Env;
use crate::error::Error;
use crate::http::Http;
use crate::log;
use crate::registry::Registry;
use crate::retry;
use std::cell::{Cell, OnceCell};
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Instant;

/// The environment, and the config files read at most once, on demand.
pub struct Context {
    pub env: Env,
    profiles: OnceCell<ProfileSet>,
}

impl Context {
    pub fn new(env: Env) -> Context {
        Context {
            env,
            profiles: OnceCell::new(),
        }
    }

    pub fn profiles(&self) -> Result<&ProfileSet, Error> {
        if let Some(p) = self.profiles.get() {
            return Ok(p);
        }
        let loaded = ProfileSet::load(&self.env)?;
        Ok(self.profiles.get_or_init(|| loaded))
    }
}

/// What a `get` does for `registry`, before it does it.
pub struct Prepared<'a> {
    ctx: &'a Context,
    pub registry: Registry,
    pub plan: Plan,
    /// `None` when caching is off.
    pub cache_file: Option<PathBuf>,
    /// Newest form first; the first is the one written.
    pub keys: Vec<String>,
    /// Whether the config files' failure to load was logged already.
    warned: Cell<bool>,
}

/// The files as loaded, or none: a broken config file must not stop environment credentials.
static NO_FILES: LazyLock<ProfileSet> = LazyLock::new(ProfileSet::default);

impl<'a> Prepared<'a> {
    pub fn new(ctx: &'a Context, registry: Registry) -> Result<Prepared<'a>, Error> {
        let plan = credentials::plan(&ctx.env, &mut || ctx.profiles())?;
        let keys = cache::keys(&registry, &plan.cache_identity(&ctx.env), &ctx.env);
        Ok(Prepared {
            ctx,
            registry,
            plan,
            cache_file: cache::file(&ctx.env),
            keys,
            warned: Cell::new(false),
        })
    }

    pub fn env(&self) -> &'a Env {
        &self.ctx.env
    }

    /// The config files, read only when an endpoint or a credential source needs them.
    pub fn profiles(&self) -> &'a ProfileSet {
        match self.ctx.profiles() {
            Ok(p) => p,
            Err(e) => {
                if !self.warned.replace(true) {
                    log::warn(
                        "Ignoring the AWS config files for endpoint settings",
                        &[("error", &e.to_string())],
                    );
                }
                &NO_FILES
            }
        }
    }

    /// The endpoint settings of the environment and the selected profile.
    pub fn settings(&self) -> EndpointSettings<'a> {
        let profiles = self.profiles();
        let (name, _) = selected_profile(self.env());
        EndpointSettings {
            env: Some(self.env()),
            profile: profiles.profile(&name),
            profiles: Some(profiles),
        }
    }

    /// Where `GetAuthorizationToken` goes.
    pub fn endpoint(&self) -> Endpoint {
        endpoint::for_registry(&self.registry, &self.settings())
    }

    /// The region STS is called in: the configured region, else the registry's.
    pub fn sts_region(&self) -> String {
        credentials::sts_region(self.env(), self.profiles(), self.registry.api_region())
    }

    /// The network part of a miss: credentials, then the ECR call.
    pub fn fetch(&self) -> Result<ecr::AuthorizationToken, Error> {
        let deadline = Instant::now() + retry::TOTAL_BUDGET;
        let http = self.http();
        let creds = self.resolve(&http, deadline)?;
        let policy = retry::Policy::from_env(self.env(), deadline);
        ecr::get_authorization_token(&http, policy, &self.endpoint(), &self.registry, &creds)
    }

    /// The credentials alone (`explain --resolve`).
    pub fn credentials(&self) -> Result<Credentials, Error> {
        let deadline = Instant::now() + retry::TOTAL_BUDGET;
        self.resolve(&self.http(), deadline)
    }

    /// The HTTP client, with `AWS_CA_BUNDLE` or the profile's `ca_bundle` as its roots.
    fn http(&self) -> Http<'a> {
        let settings = self.settings();
        let ca_bundle = self
            .env()
            .get("AWS_CA_BUNDLE")
            .or_else(|| {
                settings
                    .profile
                    .and_then(|p| p.get("ca_bundle"))
                    .map(String::as_str)
            })
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Http::new(self.env(), ca_bundle)
    }

    fn resolve(&self, http: &Http, deadline: Instant) -> Result<Credentials, Error> {
        let region = self.sts_region();
        if !endpoint::valid_region(&region) {
            return Err(credentials::CredentialsError::Invalid {
                what: "the region (AWS_REGION, AWS_DEFAULT_REGION or the profile's region)".into(),
                problem: format!(
                    "{region:?} is not a region name (letters, digits and dashes, such as us-east-1)"
                ),
            }
            .into());
        }
        let resolver = Resolver {
            env: self.env(),
            profiles: self.profiles(),
            http,
            region,
            deadline,
        };
        credentials::resolve(&self.plan, &resolver)
    }
}
