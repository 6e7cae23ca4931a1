//! The selected profile of the shared files → a [`Plan`]: static keys, `role_arn` chains
//! through `source_profile` (any depth) or `credential_source`, web identity, SSO and
//! `credential_process`. The chain is walked as the SDKs' shared test suite
//! (`assume-role-tests.json`) specifies; nothing here does I/O.

use crate::aws::Credentials;
use crate::credentials::error::CredentialsError;
use crate::credentials::plan::Base;
use crate::credentials::plan::{Plan, container_plan, imds_plan};
use crate::credentials::provider::StaticKeys;
use crate::credentials::sources::environment;
use crate::credentials::sources::login::Login;
use crate::credentials::sources::process::Process;
use crate::credentials::sources::sso::Sso;
use crate::credentials::sources::sts::AssumeRole;
use crate::credentials::sources::web_identity::WebIdentity;
use crate::credentials::value::Source;
use crate::local::config::{ProfileSet, Properties};
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
                    format!(
                        "could not find source profile {current} referenced from {from}; add [profile {current}] or fix source_profile"
                    ),
                ));
            }
            return match named {
                true => Err(CredentialsError::ProfileNotFound { profile: current }),
                false => Ok(None),
            };
        };
        if seen.contains(&current) {
            return Err(invalid(
                &selected,
                format!(
                    "the profile formed an infinite loop through source_profile ({} → {current}); break the cycle",
                    visited.join(" → ")
                ),
            ));
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
            if get("mfa_serial").is_some() {
                return Err(invalid(
                    &current,
                    "mfa_serial needs an MFA code typed at a prompt, which a credential helper cannot show; use a profile without mfa_serial (for example a credential_process that caches an MFA session)".into(),
                ));
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
                        "the profile contained both source_profile and credential_source; keep one"
                            .into(),
                    ));
                }
                // `aws login` under a role in one profile: its keys assume the role, as the
                // Go SDK does (Rust and botocore refuse this configuration).
                (None, None) if let Some(login) = login(&current, props) => break login.into(),
                (None, None) => {
                    return Err(invalid(
                        &current,
                        "has role_arn, so the profile must contain `source_profile` or `credential_source` to say which credentials assume it".into(),
                    ));
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

fn invalid(profile: &str, problem: String) -> CredentialsError {
    CredentialsError::Invalid {
        what: format!("AWS profile `{profile}`"),
        problem,
    }
}

fn no_credentials(profile: &str) -> CredentialsError {
    invalid(
        profile,
        format!(
            "profile `{profile}` did not contain credential information (aws_access_key_id, role_arn, sso_session, credential_process, …); add it or point source_profile elsewhere"
        ),
    )
}

/// `Some` when the profile has both keys; an error when it has only one.
fn static_keys(name: &str, props: &Properties) -> Result<Option<StaticKeys>, CredentialsError> {
    let get = |k: &str| props.get(k).map(String::as_str).filter(|v| !v.is_empty());
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Ok(Some(StaticKeys(Credentials {
            access_key_id: id.to_string(),
            secret_access_key: secret.to_string(),
            session_token: get("aws_session_token").map(str::to_string),
            expiry: None,
            account_id: get("aws_account_id").map(str::to_string),
        }))),
        (Some(_), None) => Err(invalid(
            name,
            "profile missing aws_secret_access_key (it has aws_access_key_id); add the secret or remove the key id".into(),
        )),
        (None, Some(_)) => Err(invalid(
            name,
            "profile missing aws_access_key_id (it has aws_secret_access_key); add the key id or remove the secret".into(),
        )),
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
        let role_arn = get("role_arn").ok_or_else(|| {
            invalid(
                name,
                "`web_identity_token_file` was specified but `role_arn` was missing; add the role to assume".into(),
            )
        })?;
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
            command: command.to_string(),
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
            .ok_or_else(|| {
                invalid(
                    name,
                    "credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; the credential provider was not enabled".into(),
                )
            }),
        "ec2instancemetadata" => imds_plan(config).map(Base::from),
        "ecscontainer" => match container_plan(env)? {
            Some(c) => Ok(c.into()),
            None => Err(invalid(
                name,
                "credential_source = EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set".into(),
            )),
        },
        _ => Err(invalid(
            name,
            format!("profile referenced `{source}` provider but that provider is not supported; credential_source must be Environment, Ec2InstanceMetadata or EcsContainer"),
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
                format!("sso-session named `{session}` (referenced by profile `{name}`) was not found; add [sso-session {session}] to ~/.aws/config"),
            )
        })?;
        let from_session = |k: &str| section.get(k).map(String::as_str).filter(|v| !v.is_empty());
        for k in ["sso_start_url", "sso_region"] {
            if let Some(v) = get(k)
                && from_session(k) != Some(v)
            {
                return Err(invalid(
                    name,
                    format!(
                        "`{k}` can only be specified in the [sso-session] config when a session name is given; remove it from the profile"
                    ),
                ));
            }
        }
        let missing = |k: &str| invalid(name, format!("[sso-session {session}] has no {k}"));
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
        let missing = |k: &str| {
            invalid(
                name,
                format!(
                    "uses IAM Identity Center but is missing {k}; set sso_start_url, sso_region, sso_account_id and sso_role_name (or use sso_session)"
                ),
            )
        };
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
            return Err(invalid(
                name,
                "if `sso_account_id` is set, then `sso_role_name` must also be set".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(invalid(
                name,
                "if `sso_role_name` is set, then `sso_account_id` must also be set".into(),
            ));
        }
        (None, None) => {
            return Err(invalid(
                name,
                "uses an sso-session for a bearer token only (no sso_account_id and sso_role_name), which gives no AWS credentials; add both".into(),
            ));
        }
    };
    if !crate::aws::endpoint::valid_region(region) {
        return Err(invalid(
            name,
            format!(
                "sso_region {region:?} is not a region name (letters, digits and dashes, such as us-east-1)"
            ),
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
