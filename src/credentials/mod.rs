//! AWS credentials: which source to use (the [`Plan`], from the environment and the config
//! files only, no network) and getting them from it ([`resolve`], where all the I/O is).
//!
//! The chain order is the Go SDK's: environment keys, environment web identity, the
//! selected profile, container credentials, IMDS. Once a source is chosen its failure is
//! final: it is never silently replaced by another source.
//! Each source is one module behind the small [`Provider`] trait.

pub mod error;
pub mod plan;
mod profile;
pub mod provider;
pub mod resolver;
pub mod sources;
pub mod value;

pub use crate::aws::Credentials;
pub use error::{CredentialsError, EnvironmentProblem, SourceFailure};
pub use plan::{Base, Plan};
pub use profile::plan_profile;
pub use provider::{LocalIdentity, Provider, Resolver, StaticKeys, token_file_identity};
pub use sources::container::{Container, uri as container_uri};
pub use sources::environment::half_keys;
pub use sources::imds::Imds;
pub use sources::imds::endpoint as imds_endpoint;
pub use sources::login::Login;
pub use sources::login::{LoginCacheProblem, LoginError, LoginRefusal};
pub use sources::process::{Process, TIMEOUT as PROCESS_TIMEOUT};
pub use sources::process::{ProcessError, ProcessProblem};
pub use sources::service_account::ServiceAccountToken;
pub use sources::sso::Sso;
pub use sources::sso::{SsoCacheProblem, SsoError};
pub use sources::sts::AssumeRole;
pub use sources::web_identity::WebIdentity;
pub use value::Source;

use crate::aws::endpoint::{Region, RegionOrigin};
use crate::local::settings::{ChosenBy, Config, Settings};
use plan::{container_plan, imds_plan};
use sources::{environment, imds, sts};

/// The region STS is called in, by the rule on [`Resolver::region`]: the configured one,
/// else the registry's.
pub fn sts_region(config: &Config, registry_region: Region) -> Region {
    match config.region() {
        Some(r) => Region::new(r, RegionOrigin::Configured),
        None => registry_region,
    }
}

/// Chooses the credential source. Reads the environment, and the config files only when the
/// environment does not settle it.
pub fn plan(settings: &Settings) -> Result<Plan, CredentialsError> {
    let env = &settings.env;
    // A profile chosen by the invocation comes first, as one set in code does in the SDKs.
    // So does the registry map's choice for this registry: it is the more specific one.
    let explicit = matches!(
        settings.selected.chosen_by,
        ChosenBy::Invocation | ChosenBy::RegistryMap
    );
    if !explicit && let Some(keys) = environment::keys(env) {
        return Ok(Plan::new(Source::Environment, keys));
    }
    if !explicit && let Some(token_file) = env.get("AWS_WEB_IDENTITY_TOKEN_FILE") {
        let role_arn = env
            .get("AWS_ROLE_ARN")
            .ok_or(CredentialsError::Environment(
                EnvironmentProblem::WebIdentityWithoutRole,
            ))?;
        return Ok(Plan::new(
            Source::Environment,
            WebIdentity {
                token_file: token_file.to_string(),
                role_arn: role_arn.to_string(),
                session_name: env.get("AWS_ROLE_SESSION_NAME").map(str::to_string),
            },
        ));
    }
    let config = settings.config(settings.files()?);
    if let Some(plan) = plan_profile(&config)? {
        return Ok(plan);
    }
    if let Some(container) = container_plan(env)? {
        return Ok(Plan::new(Source::Container, container));
    }
    if imds::disabled(env) {
        let mut detail = String::from("none in the environment");
        if config.profile.is_some() {
            detail.push_str(&format!(" or in profile `{}`", config.selected.name));
        }
        detail
            .push_str("; no container credentials; IMDS is disabled by AWS_EC2_METADATA_DISABLED");
        return Err(CredentialsError::NotFound { detail });
    }
    Ok(Plan::new(Source::Imds, imds_plan(&config)?))
}

/// Gets the credentials a plan names: the base, then each role in turn. Errors say which
/// source failed.
pub fn resolve(plan: &Plan, r: &Resolver) -> Result<Credentials, CredentialsError> {
    let wrap = |provider: String| {
        move |e: CredentialsError| CredentialsError::Provider {
            provider,
            error: Box::new(e),
        }
    };
    let mut creds = plan
        .base
        .provide(r)
        .map_err(wrap(plan.base_description()))?;
    for hop in &plan.hops {
        let role = format!("profile `{}`: assuming role {}", hop.profile, hop.role_arn);
        creds = sts::assume_role(r, &creds, hop).map_err(|e| wrap(role)(e.into()))?;
    }
    Ok(creds)
}
