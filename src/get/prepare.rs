//! One `get`, worked out before any network call: the registry, the credential plan, the
//! cache file and keys, and (on demand, so that a cache hit reads no config file it does not
//! need) the settings over the config files, the ECR endpoint and the STS region. `get`
//! executes it; `explain` prints it. Both see the same value, so they cannot drift apart.

use crate::aws::Client;
use crate::aws::endpoint::{Endpoint, Region};
use crate::credentials::{self, Credentials, Plan, Resolver};
use crate::error::Error;
use crate::get::registry::Registry;
use crate::get::{ecr, ecr_endpoint};
use crate::local::cache;
use crate::local::config::ProfileSet;
use crate::local::env::Env;
use crate::local::log;
use crate::local::settings::{Config, Settings};
use std::cell::OnceCell;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

/// What a `get` does for `registry`, before it does it.
pub struct Prepared<'a> {
    settings: &'a Settings,
    pub registry: Registry,
    pub plan: Plan,
    /// `None` when caching is off.
    pub cache_file: Option<PathBuf>,
    /// Newest form first; the first is the one written.
    pub keys: Vec<String>,
    /// The settings over the files, worked out on first use.
    config: OnceCell<Config<'a>>,
    /// The region STS must be called in whatever is configured (the kubelet's token mode).
    fixed_sts_region: Option<Region>,
}

/// The files as loaded, or none: a broken config file must not stop environment credentials.
static NO_FILES: LazyLock<ProfileSet> = LazyLock::new(ProfileSet::default);

impl<'a> Prepared<'a> {
    pub fn new(settings: &'a Settings, registry: Registry) -> Result<Prepared<'a>, Error> {
        let plan = credentials::plan(settings)?;
        let env = &settings.env;
        let keys = cache::keys(&registry.key_scope(), &plan.cache_identity(env), env);
        Ok(Prepared {
            settings,
            registry,
            plan,
            cache_file: cache::file(env),
            keys,
            config: OnceCell::new(),
            fixed_sts_region: None,
        })
    }

    /// A get with a pod's service-account token, as Kubernetes' ECR plugin makes it: that
    /// role in the registry's region (ECR Public's: us-east-1), and no disk cache, so that
    /// one service account's token never serves another or the node (the kubelet caches
    /// the answer per service account itself).
    pub fn for_pod(
        settings: &'a Settings,
        registry: Registry,
        pod: credentials::ServiceAccountToken,
    ) -> Prepared<'a> {
        let source = credentials::Source::ServiceAccount {
            role_arn: pod.role_arn.clone(),
        };
        Prepared {
            settings,
            fixed_sts_region: Some(registry.region()),
            registry,
            plan: Plan::new(source, pod),
            cache_file: None,
            keys: Vec::new(),
            config: OnceCell::new(),
        }
    }

    /// When the command must have answered, if its caller set a deadline.
    pub fn deadline(&self) -> Option<Instant> {
        self.settings.deadline
    }

    pub fn env(&self) -> &'a Env {
        &self.settings.env
    }

    /// The settings over the config files, read only when an endpoint or a credential source
    /// needs them, and once.
    pub fn config(&self) -> Config<'a> {
        *self.config.get_or_init(|| {
            let files = match self.settings.files() {
                Ok(p) => p,
                Err(e) => {
                    log::warn(
                        "Ignoring the AWS config files for endpoint settings",
                        &[("error", &e.to_string())],
                    );
                    &NO_FILES
                }
            };
            self.settings.config(files)
        })
    }

    /// Where `GetAuthorizationToken` goes.
    pub fn endpoint(&self) -> Endpoint {
        ecr_endpoint::for_registry(&self.registry, &self.config())
    }

    /// The region STS and Sign-In are called in: the configured region, else the registry's.
    /// It goes into host names, so the sources that call them check it ([`Region::checked`]),
    /// and so does `explain` where it prints their URLs: a source that calls neither never
    /// refuses it.
    pub fn sts_region(&self) -> Region {
        match &self.fixed_sts_region {
            Some(region) => region.clone(),
            None => credentials::sts_region(&self.config(), self.registry.region()),
        }
    }

    /// The network part of a miss: credentials, then the ECR call.
    pub fn fetch(&self) -> Result<ecr::AuthorizationToken, Error> {
        // The host's region goes into ECR's host name unless an endpoint is configured.
        let endpoint = self.endpoint();
        if !endpoint.configured {
            self.registry
                .region()
                .checked()
                .map_err(Error::InvalidRegion)?;
        }
        let client = self.client();
        let creds = self.resolve(&client)?;
        let token = ecr::get_authorization_token(&client, &endpoint, &self.registry, &creds)?;
        Ok(token)
    }

    /// The credentials alone (`explain --resolve`).
    pub fn credentials(&self) -> Result<Credentials, Error> {
        self.resolve(&self.client())
    }

    /// The one client of this command's calls: `AWS_CA_BUNDLE` or the profile's `ca_bundle`
    /// as its roots, the whole budget from now.
    pub(super) fn client(&self) -> Client<'a> {
        let ca_bundle = self
            .config()
            .lookup("AWS_CA_BUNDLE", "ca_bundle")
            .map(PathBuf::from);
        Client::new(
            self.env(),
            ca_bundle,
            Instant::now() + crate::aws::TOTAL_BUDGET,
        )
        .limited(self.settings.deadline)
    }

    /// The plan's credentials, resolved once per process: a command that makes two calls
    /// (`list`: the default registry and ECR Public) runs a `credential_process`, or assumes
    /// a role, once, as the SDKs' shared configuration does.
    fn resolve(&self, client: &Client) -> Result<Credentials, Error> {
        static RESOLVED: Mutex<Vec<(String, Credentials)>> = Mutex::new(Vec::new());
        let key = self.plan.identity();
        let known = RESOLVED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, creds)) = known.iter().find(|(k, _)| *k == key) {
            return Ok(creds.clone());
        }
        drop(known);
        let resolver = Resolver {
            config: self.config(),
            client,
            region: self.sts_region(),
        };
        let creds = credentials::resolve(&self.plan, &resolver)?;
        RESOLVED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((key, creds.clone()));
        Ok(creds)
    }
}
