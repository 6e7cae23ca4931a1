//! Where a request goes, by the registry map (`local::registry_map`): which ECR registry
//! answers it (the host itself, the registry an alias names, or the caller's default
//! registry) and with which AWS profile. Every door that takes a host (`get`,
//! `get-login-password HOST`, the kubelet provider, `explain`) goes through [`route`].

use crate::error::Error;
use crate::get::registry::{self, Registry};
use crate::local::registry_map::{self, MapEntry};
use crate::local::settings::{ChosenBy, SelectedProfile, Settings};
use std::path::PathBuf;

/// The ECR registry that answers a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Registry(Registry),
    /// `ecr = default`: the caller's own default registry in the configured region.
    Default,
}

/// A request's way through the map.
#[derive(Debug)]
pub struct Route {
    pub target: Target,
    /// The section that decided, with its file.
    pub section: Option<(PathBuf, MapEntry)>,
    /// The settings to get with: the caller's, or theirs with the section's profile chosen.
    pub settings: Option<Settings>,
}

impl Route {
    /// The settings this request uses.
    pub fn settings<'a>(&'a self, caller: &'a Settings) -> &'a Settings {
        self.settings.as_ref().unwrap_or(caller)
    }

    /// Whether the host asked for is an alias (its answer comes from another registry).
    pub fn is_alias(&self) -> bool {
        self.section.as_ref().is_some_and(|(_, e)| e.ecr.is_some())
    }
}

/// Whether the map names `host` an alias of an ECR registry: such a host is this helper's to
/// answer, never the fallback store's. A map that cannot be read counts as ours too, so that
/// the get reports it rather than hand the host on.
pub fn is_alias(env: &crate::local::env::Env, host: &str) -> bool {
    let Some(key) = map_key(host) else {
        return false;
    };
    match registry_map::find(env, &key) {
        Ok(Some((_, entry))) => entry.is_some_and(|e| e.ecr.is_some()),
        Ok(None) => false,
        Err(_) => true,
    }
}

/// The settings for the caller's default registry (`get-login-password` without a host,
/// `list`): its account is unknown until ECR answers, so the sections that can name it are a
/// `*.SUFFIX` of its region's hosts and `*` (it is looked up as `default.dkr.ecr.REGION.…`,
/// which no exact host is); `profile = auto` names no account there. `None`: the caller's.
pub fn for_default(settings: &Settings, registry: &Registry) -> Result<Option<Settings>, Error> {
    let Registry::Private(p) = registry else {
        return Ok(None);
    };
    let key = format!("default.dkr.ecr.{}.{}", p.region, p.suffix);
    match registry_map::find(&settings.env, &key).map_err(Error::Map)? {
        Some((file, Some(entry))) => chosen_settings(settings, &file, &entry, &Target::Default),
        _ => Ok(None),
    }
}

/// The key a host is looked up by: as `get` normalises it (lower case, no scheme, user info,
/// path or trailing dot); an ECR host without a port, any other host with its port.
pub fn map_key(server_url: &str) -> Option<String> {
    key_of(server_url, registry::parse(server_url).is_ok())
}

/// [`map_key`] for a host already known to be ECR or not (a get parses it once).
fn key_of(server_url: &str, is_ecr: bool) -> Option<String> {
    let host = registry::host_port(server_url)?.to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host).to_string();
    match is_ecr {
        true => Some(
            host.rsplit_once(':')
                .map_or(host.clone(), |(h, _)| h.to_string()),
        ),
        false => Some(host),
    }
}

/// Routes `server_url`: without a map, or without a section for it, the host itself with the
/// caller's settings (a host that is not ECR stays `NotEcr`). A map that cannot be trusted or
/// read fails the request: an identity is never chosen around it.
pub fn route(settings: &Settings, server_url: &str) -> Result<Route, Error> {
    let direct = registry::parse(server_url);
    let found = match key_of(server_url, direct.is_ok()) {
        Some(key) => registry_map::find(&settings.env, &key).map_err(Error::Map)?,
        None => None,
    };
    let Some((file, Some(entry))) = found else {
        return direct
            .map(|r| Route {
                target: Target::Registry(r),
                section: None,
                settings: None,
            })
            .map_err(|_| not_ecr(server_url));
    };
    let target = match (&direct, &entry.ecr) {
        (Ok(r), None) => Target::Registry(r.clone()),
        (Ok(r), Some(_)) => {
            crate::local::log::warn(
                "The registry map names an alias for a host that is ECR itself; ignoring its ecr",
                &[
                    ("file", &file.display().to_string()),
                    ("line", &entry.line.to_string()),
                ],
            );
            Target::Registry(r.clone())
        }
        (Err(_), None) => return Err(not_ecr(server_url)),
        (Err(_), Some(ecr)) if ecr == "default" => Target::Default,
        (Err(_), Some(ecr)) => match registry::parse(ecr) {
            Ok(r) => Target::Registry(r),
            Err(_) => {
                return Err(Error::BadAlias {
                    file: file.clone(),
                    line: entry.line,
                    ecr: ecr.clone(),
                });
            }
        },
    };
    let settings = chosen_settings(settings, &file, &entry, &target)?;
    Ok(Route {
        target,
        section: Some((file, entry)),
        settings,
    })
}

/// The caller's settings with the section's profile chosen, unless the link name chose one
/// (it wins over the map, as it wins over everything).
fn chosen_settings(
    settings: &Settings,
    file: &std::path::Path,
    entry: &MapEntry,
    target: &Target,
) -> Result<Option<Settings>, Error> {
    let Some(profile) = &entry.profile else {
        return Ok(None);
    };
    if settings.selected.chosen_by == ChosenBy::Invocation {
        return Ok(None);
    }
    let name = match profile.as_str() {
        "auto" => match auto_profile(settings, file, entry, target)? {
            Some(name) => name,
            None => return Ok(None),
        },
        _ => profile.clone(),
    };
    Ok(Some(settings.with_selected(SelectedProfile {
        name,
        chosen_by: ChosenBy::RegistryMap,
    })))
}

/// `profile = auto`: the profile of the registry's account, the one whose `role_arn`
/// account, `sso_account_id` or `aws_account_id` is the registry's; among several, those in
/// the registry's region; still several, an error naming them all (an identity is never
/// guessed). None: the normal chain. A profile named in `AWS_PROFILE` (or
/// `AWS_DEFAULT_PROFILE`) beats it.
fn auto_profile(
    settings: &Settings,
    file: &std::path::Path,
    entry: &MapEntry,
    target: &Target,
) -> Result<Option<String>, Error> {
    if matches!(
        settings.selected.chosen_by,
        ChosenBy::AwsProfile | ChosenBy::AwsDefaultProfile
    ) {
        return Ok(None);
    }
    let Target::Registry(Registry::Private(registry)) = target else {
        return Ok(None); // ECR Public and the default registry name no account
    };
    let files = settings.files()?;
    let account_of = |p: &crate::local::config::Properties| {
        let role = p
            .get("role_arn")
            .and_then(|arn| arn.split(':').nth(4))
            .map(str::to_string);
        [
            role,
            p.get("sso_account_id").cloned(),
            p.get("aws_account_id").cloned(),
        ]
        .into_iter()
        .flatten()
        .any(|a| a.trim() == registry.account_id)
    };
    let candidates: Vec<&String> = files
        .profiles
        .iter()
        .filter(|(_, p)| account_of(p))
        .map(|(name, _)| name)
        .collect();
    let in_region: Vec<&String> = candidates
        .iter()
        .copied()
        .filter(|name| {
            files.profiles[*name]
                .get("region")
                .is_some_and(|r| r.eq_ignore_ascii_case(&registry.region))
        })
        .collect();
    let chosen = match (candidates.len(), in_region.len()) {
        (0, _) => return Ok(None),
        (1, _) => candidates[0],
        (_, 1) => in_region[0],
        _ => {
            let tied = if in_region.is_empty() {
                &candidates
            } else {
                &in_region
            };
            return Err(Error::AutoAmbiguous {
                file: file.to_path_buf(),
                line: entry.line,
                account: registry.account_id.clone(),
                profiles: tied.iter().map(|n| n.to_string()).collect(),
            });
        }
    };
    crate::local::log::debug(
        "The registry map's profile = auto chose a profile",
        &[("profile", chosen), ("account", &registry.account_id)],
    );
    Ok(Some(chosen.clone()))
}

fn not_ecr(server_url: &str) -> Error {
    Error::NotEcr {
        host: crate::aws::loggable_url(server_url),
    }
}
