//! The selected profile of the shared files → a [`Plan`]: static keys, `role_arn` chains
//! through `source_profile` (any depth) or `credential_source`, web identity, SSO and
//! `credential_process`. The chain is walked as the SDKs' shared test suite
//! (`assume-role-tests.json`) specifies; nothing here does I/O.

use crate::aws::Credentials;
use crate::credentials::error::{CredentialsError, ProfileProblem};
use crate::credentials::plan::Base;
use crate::credentials::plan::{Plan, container_plan, imds_plan};
use crate::credentials::provider::StaticKeys;
use crate::credentials::sources::cli_session::CliSession;
use crate::credentials::sources::environment;
use crate::credentials::sources::login::Login;
use crate::credentials::sources::process::Process;
use crate::credentials::sources::sso::Sso;
use crate::credentials::sources::sts::AssumeRole;
use crate::credentials::sources::web_identity::WebIdentity;
use crate::credentials::value::Source;
use crate::local::config::{ProfileSet, Properties};
use crate::local::secret::Secret;
use crate::local::settings::Config;

/// `Ok(None)` when the selected profile has no credentials of its own (or there is none and
/// nobody asked for one): the chain goes on to container credentials and IMDS.
pub fn plan_profile(config: &Config) -> Result<Option<Plan>, CredentialsError> {
    let profiles = config.files;
    let selected = config.selected.name.clone();
    let named = config.selected.named();
    let mut visited: Vec<String> = Vec::new();
    // The same names, for a cycle check that stays linear in the length of the chain.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut hops: Vec<AssumeRole> = Vec::new();
    let mut current = selected.clone();
    let base: Base = loop {
        let first = visited.is_empty();
        let Some(props) = profiles.profile(&current) else {
            if let Some(from) = visited.last() {
                return Err(invalid(
                    from,
                    ProfileProblem::SourceProfileMissing {
                        source: current,
                        from: from.clone(),
                    },
                ));
            }
            return match named {
                true => Err(CredentialsError::ProfileNotFound { profile: current }),
                false => Ok(None),
            };
        };
        if seen.contains(&current) {
            visited.push(current);
            return Err(invalid(&selected, ProfileProblem::Loop { chain: visited }));
        }
        visited.push(current.clone());
        seen.insert(current.clone());
        let get = |k: &str| props.get(k).map(String::as_str).filter(|v| !v.is_empty());
        // A source profile with keys ends the chain, even if it names a role itself.
        if !first && let Some(keys) = static_keys(&current, props)? {
            break keys.into();
        }
        if let Some(role_arn) = get("role_arn")
            && get("web_identity_token_file").is_none()
        {
            // The code is typed at the AWS CLI, never here: its cached session of this role
            // is the base, and the roles above it (this profile as a source_profile) stay hops.
            if let Some(serial) = get("mfa_serial") {
                break CliSession {
                    profile: current.clone(),
                    role_arn: role_arn.to_string(),
                    mfa_serial: serial.to_string(),
                    external_id: get("external_id").map(str::to_string),
                    session_name: get("role_session_name").map(str::to_string),
                    duration_seconds: get("duration_seconds").and_then(|d| d.trim().parse().ok()),
                }
                .into();
            }
            hops.push(AssumeRole {
                role_arn: role_arn.to_string(),
                external_id: get("external_id").map(str::to_string),
                session_name: get("role_session_name").map(str::to_string),
                duration_seconds: get("duration_seconds").and_then(|d| d.trim().parse().ok()),
                profile: current.clone(),
            });
            match (get("source_profile"), get("credential_source")) {
                (Some(_), Some(_)) => {
                    return Err(invalid(
                        &current,
                        ProfileProblem::SourceProfileAndCredentialSource,
                    ));
                }
                // `aws login` under a role in one profile: its keys assume the role, as the
                // Go SDK does (Rust and botocore refuse this configuration).
                (None, None) if let Some(login) = login(&current, props) => break login.into(),
                (None, None) => {
                    return Err(invalid(&current, ProfileProblem::RoleWithoutSource));
                }
                (None, Some(source)) => break named_source(config, &current, source)?,
                (Some(src), None) if src == current => match base_of(config, &current, props)? {
                    Some(b) => break b,
                    None => return Err(no_credentials(&current)),
                },
                (Some(src), None) => {
                    current = src.to_string();
                    continue;
                }
            }
        }
        match base_of(config, &current, props)? {
            Some(b) => break b,
            None if first => return Ok(None),
            None => return Err(no_credentials(&current)),
        }
    };
    hops.reverse();
    Ok(Some(Plan {
        source: Source::Profile(selected),
        base,
        base_profile: Some(current),
        hops,
    }))
}

fn invalid(profile: &str, problem: ProfileProblem) -> CredentialsError {
    CredentialsError::Profile {
        profile: profile.to_string(),
        problem,
    }
}

fn no_credentials(profile: &str) -> CredentialsError {
    let problem = ProfileProblem::NoCredentials {
        profile: profile.to_string(),
    };
    invalid(profile, problem)
}

/// `Some` when the profile has both keys; an error when it has only one.
fn static_keys(name: &str, props: &Properties) -> Result<Option<StaticKeys>, CredentialsError> {
    let get = |k: &str| props.get(k).map(String::as_str).filter(|v| !v.is_empty());
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Ok(Some(StaticKeys(Credentials {
            access_key_id: id.to_string(),
            secret_access_key: Secret::new(secret.to_string()),
            session_token: get("aws_session_token").map(|t| Secret::new(t.to_string())),
            expiry: None,
            account_id: get("aws_account_id").map(str::to_string),
        }))),
        (Some(_), None) => Err(invalid(name, ProfileProblem::MissingSecretKey)),
        (None, Some(_)) => Err(invalid(name, ProfileProblem::MissingAccessKeyId)),
        (None, None) => Ok(None),
    }
}

/// The profile's own credentials, first match: `credential_source`, web identity, SSO,
/// `login_session`, `credential_process`, static keys.
fn base_of(
    config: &Config,
    name: &str,
    props: &Properties,
) -> Result<Option<Base>, CredentialsError> {
    let get = |k: &str| props.get(k).map(String::as_str).filter(|v| !v.is_empty());
    if let Some(source) = get("credential_source") {
        return named_source(config, name, source).map(Some);
    }
    if let Some(token_file) = get("web_identity_token_file") {
        let role_arn =
            get("role_arn").ok_or_else(|| invalid(name, ProfileProblem::WebIdentityWithoutRole))?;
        return Ok(Some(Base::from(WebIdentity {
            token_file: token_file.to_string(),
            role_arn: role_arn.to_string(),
            session_name: get("role_session_name").map(str::to_string),
        })));
    }
    if let Some(sso) = sso(config.files, name, props)? {
        return Ok(Some(Base::from(sso)));
    }
    if let Some(login) = login(name, props) {
        return Ok(Some(Base::from(login)));
    }
    if let Some(command) = get("credential_process") {
        return Ok(Some(Base::from(Process {
            command: Secret::new(command.to_string()),
            profile: name.to_string(),
            account_id: get("aws_account_id").map(str::to_string),
        })));
    }
    Ok(static_keys(name, props)?.map(Base::from))
}

/// `login_session`, its value trimmed of spaces and quotes (`aws login` may quote it).
fn login(name: &str, props: &Properties) -> Option<Login> {
    let session = props.get("login_session")?.trim().trim_matches('"').trim();
    (!session.is_empty()).then(|| Login {
        profile: name.to_string(),
        session: session.to_string(),
    })
}

/// `Environment`, `Ec2InstanceMetadata` or `EcsContainer`, in any case.
fn named_source(config: &Config, name: &str, source: &str) -> Result<Base, CredentialsError> {
    let env = config.env;
    match source.to_ascii_lowercase().as_str() {
        "environment" => environment::keys(env)
            .map(Base::from)
            .ok_or_else(|| invalid(name, ProfileProblem::EnvironmentSourceWithoutKeys)),
        "ec2instancemetadata" => imds_plan(config).map(Base::from),
        "ecscontainer" => match container_plan(env)? {
            Some(c) => Ok(c.into()),
            None => Err(invalid(name, ProfileProblem::ContainerSourceWithoutUri)),
        },
        _ => Err(invalid(
            name,
            ProfileProblem::UnknownCredentialSource {
                source: source.to_string(),
            },
        )),
    }
}

/// An SSO base when the profile uses IAM Identity Center, checked as the SDKs check it.
fn sso(
    profiles: &ProfileSet,
    name: &str,
    props: &Properties,
) -> Result<Option<Sso>, CredentialsError> {
    let get = |k: &str| props.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let (account, role) = (get("sso_account_id"), get("sso_role_name"));
    let (session, start_url, region) = if let Some(session) = get("sso_session") {
        let section = profiles.sso_sessions.get(session).ok_or_else(|| {
            invalid(
                name,
                ProfileProblem::SsoSessionNotFound {
                    session: session.to_string(),
                    profile: name.to_string(),
                },
            )
        })?;
        let from_session = |k: &str| section.get(k).map(String::as_str).filter(|v| !v.is_empty());
        for k in ["sso_start_url", "sso_region"] {
            if let Some(v) = get(k)
                && from_session(k) != Some(v)
            {
                return Err(invalid(
                    name,
                    ProfileProblem::SsoKeyBesideSession { key: k },
                ));
            }
        }
        let missing = |key: &'static str| {
            let session = session.to_string();
            invalid(name, ProfileProblem::SsoSessionIncomplete { session, key })
        };
        (
            Some(session.to_string()),
            from_session("sso_start_url").ok_or_else(|| missing("sso_start_url"))?,
            from_session("sso_region").ok_or_else(|| missing("sso_region"))?,
        )
    } else if get("sso_start_url").is_some()
        || get("sso_region").is_some()
        || account.is_some()
        || role.is_some()
    {
        let missing = |key: &'static str| invalid(name, ProfileProblem::SsoIncomplete { key });
        (
            None,
            get("sso_start_url").ok_or_else(|| missing("sso_start_url"))?,
            get("sso_region").ok_or_else(|| missing("sso_region"))?,
        )
    } else {
        return Ok(None);
    };
    let (account_id, role_name) = match (account, role) {
        (Some(a), Some(r)) => (a, r),
        (Some(_), None) => {
            return Err(invalid(name, ProfileProblem::SsoAccountWithoutRole));
        }
        (None, Some(_)) => {
            return Err(invalid(name, ProfileProblem::SsoRoleWithoutAccount));
        }
        (None, None) => {
            return Err(invalid(name, ProfileProblem::SsoBearerOnly));
        }
    };
    if !crate::aws::endpoint::valid_region(region) {
        let region = region.to_string();
        return Err(invalid(
            name,
            ProfileProblem::SsoRegionNotARegion { region },
        ));
    }
    Ok(Some(Sso {
        profile: name.to_string(),
        session,
        start_url: start_url.to_string(),
        region: region.to_string(),
        account_id: account_id.to_string(),
        role_name: role_name.to_string(),
    }))
}
