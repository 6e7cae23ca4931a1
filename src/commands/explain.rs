//! `explain HOST`: how a `get` would go, without a secret and without a network call
//! (unless `--resolve`): the registry, the credential source and why, the files read, the
//! endpoints, and the cache entry.

use crate::aws::endpoint::{self, Service};
use crate::aws::http::loggable_url;
use crate::credentials::{Base, Plan, Source};
use crate::get::prepare::Prepared;
use crate::get::registry::{self, Registry};
use crate::local::cache;
use crate::local::config::{Platform, file_locations};
use crate::local::settings::{ChosenBy, Settings};
use crate::local::text::escaped;
use std::fmt::Write;
use time::OffsetDateTime;

/// The report, and whether everything needed for a `get` is in place.
pub fn explain(settings: &Settings, host: &str, resolve: bool) -> (String, bool) {
    let mut out = String::new();
    let mut ok = true;
    let env = &settings.env;
    // Values come from the host, the files and answers: escaped, so that none reaches the
    // terminal as a control sequence.
    let line = |out: &mut String, k: &str, v: &str| {
        let _ = writeln!(out, "  {k:<13}{}", escaped(v));
    };
    let _ = writeln!(out, "Registry {}", escaped(&loggable_url(host)));
    let route = match crate::get::route::route(settings, host) {
        Ok(r) => Some(r),
        Err(crate::error::Error::NotEcr { .. }) => None,
        Err(e) => {
            line(&mut out, "error:", &e.to_string());
            return (out, false);
        }
    };
    let mapped = route.as_ref().and_then(|r| r.section.as_ref());
    if let Some((file, entry)) = mapped {
        line(
            &mut out,
            "mapped by:",
            &format!(
                "{} line {}, [registry {}]",
                file.display(),
                entry.line,
                entry.pattern
            ),
        );
        if let Some(ecr) = &entry.ecr {
            let what = match ecr.as_str() {
                "default" => "the caller's default registry in the configured region".to_string(),
                _ => ecr.clone(),
            };
            line(&mut out, "alias of:", &what);
        }
        if let Some(p) = &entry.profile {
            let chosen = route.as_ref().and_then(|r| r.settings.as_ref());
            let what = match (p.as_str(), chosen) {
                ("auto", Some(s)) => format!(
                    "`{}`, from the map (auto: the profile of the registry's account)",
                    s.selected.name
                ),
                ("auto", None) => "auto, from the map: no profile of the registry's account (or AWS_PROFILE is set), so the normal chain".into(),
                _ => format!("`{p}`, from the map"),
            };
            line(&mut out, "profile:", &what);
        }
    }
    let settings = match &route {
        Some(r) => r.settings(settings),
        None => settings,
    };
    let target = route.as_ref().map(|r| r.target.clone());
    let registry = match target {
        Some(crate::get::route::Target::Registry(r)) => Ok(r),
        Some(crate::get::route::Target::Default) => match crate::get::default_registry(settings) {
            Ok(r) => Ok(r),
            Err(e) => {
                line(&mut out, "error:", &e.to_string());
                return (out, false);
            }
        },
        None => Err(()),
    };
    let registry = match registry {
        Ok(r) => r,
        Err(()) => {
            line(
                &mut out,
                "kind:",
                "not an Amazon ECR or ECR Public registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com, the other partitions' forms, public.ecr.aws)",
            );
            if let Some(why) = registry::near_miss(host) {
                line(&mut out, "why:", &format!("it looks like one, but {why}"));
            }
            let ok = match super::fallback::from_env(env) {
                None => {
                    line(
                        &mut out,
                        "answered by:",
                        &format!(
                            "nobody: get says \"{}\"; {}=NAME would hand it to docker-credential-NAME",
                            crate::commands::protocol::NOT_FOUND,
                            super::fallback::VARIABLE
                        ),
                    );
                    false
                }
                Some(Ok(f)) => match f.locate(env) {
                    Ok(path) => {
                        line(
                            &mut out,
                            "answered by:",
                            &format!(
                                "{} ({}={}), at {}: get, store, erase and list go to it unchanged",
                                f.program(),
                                super::fallback::VARIABLE,
                                f.name,
                                path.display()
                            ),
                        );
                        true
                    }
                    Err(e) => {
                        line(&mut out, "error:", &e.to_string());
                        false
                    }
                },
                Some(Err(e)) => {
                    line(&mut out, "error:", &e.to_string());
                    false
                }
            };
            return (out, ok);
        }
    };
    match &registry {
        Registry::Private(p) => {
            line(&mut out, "kind:", "private ECR");
            line(&mut out, "account:", &p.account_id);
            line(&mut out, "region:", &p.region);
            line(&mut out, "partition:", p.partition().id);
            line(&mut out, "FIPS:", if p.fips { "yes" } else { "no" });
            line(
                &mut out,
                "dual-stack:",
                if p.dual_stack { "yes" } else { "no" },
            );
        }
        Registry::Public { host } => {
            line(
                &mut out,
                "kind:",
                &format!("ECR Public ({host}), API in us-east-1"),
            );
        }
    }

    let _ = writeln!(out, "Credentials");
    let (config, creds_file) = file_locations(env, Platform::current());
    for (what, path) in [("config:", &config), ("credentials:", &creds_file)] {
        let state = match std::fs::metadata(path) {
            Ok(m) if m.is_file() => "present",
            Ok(_) => "not a file",
            Err(_) => "not found",
        };
        line(&mut out, what, &format!("{} ({state})", path.display()));
    }
    // The same preparation a `get` makes: what is printed is what a get would do.
    let prepared = match Prepared::new(settings, registry) {
        Ok(p) => p,
        Err(e) => {
            line(&mut out, "error:", &e.to_string());
            return (out, false);
        }
    };
    let plan = &prepared.plan;
    line(&mut out, "source:", &plan.describe());
    line(&mut out, "why:", &why(settings, plan));
    if let Some(c) = plan.static_credentials() {
        line(&mut out, "access key:", &mask(&c.access_key_id));
    }
    let login = match &plan.base {
        Base::Login(login) => Some(login),
        _ => None,
    };
    if let Some(login) = login {
        for (k, v) in login.state(env) {
            line(&mut out, k, &v);
        }
    }
    if let Base::CliSession(session) = &plan.base {
        for (k, v) in session.state(env) {
            line(&mut out, k, &v);
        }
    }

    let _ = writeln!(out, "Endpoints");
    let config = prepared.config();
    let ep = prepared.endpoint();
    // A get refuses a region that cannot go into a host name where it would call that
    // host; so does explain, rather than print URLs no request would go to.
    let host_region = prepared.registry.region();
    match host_region.checked() {
        Err(bad) if !ep.configured => {
            line(&mut out, "error:", &bad.to_string());
            ok = false;
        }
        _ => line(
            &mut out,
            &format!("{}:", ep.service.display_name()),
            &format!(
                "{} (signed for {})",
                loggable_url(&ep.url),
                ep.signing_region
            ),
        ),
    }
    let sts_region = prepared.sts_region();
    let calls_sts = !plan.hops.is_empty() || matches!(plan.base, Base::WebIdentity(_));
    let sts_region = match sts_region.checked() {
        Ok(r) => r.to_string(),
        Err(bad) if calls_sts || login.is_some() => {
            line(&mut out, "error:", &bad.to_string());
            return (out, false);
        }
        Err(_) => String::new(),
    };
    if calls_sts {
        line(
            &mut out,
            "STS:",
            &loggable_url(&endpoint::for_service(Service::Sts, &sts_region, &config).url),
        );
    }
    if let Base::Sso(sso) = &plan.base {
        line(
            &mut out,
            "SSO:",
            &loggable_url(&endpoint::for_service(Service::Sso, &sso.region, &config).url),
        );
    }

    if login.is_some() {
        line(
            &mut out,
            "Sign-In:",
            &format!(
                "{}/v1/token (when the login keys need a refresh)",
                loggable_url(&endpoint::for_service(Service::Signin, &sts_region, &config).url)
                    .trim_end_matches('/')
            ),
        );
    }

    let _ = writeln!(out, "Cache");
    match &prepared.cache_file {
        None => line(
            &mut out,
            "file:",
            "off (AWS_ECR_DISABLE_CACHE is set, or there is no home directory)",
        ),
        Some(file) => {
            line(&mut out, "file:", &file.display().to_string());
            let keys = &prepared.keys;
            line(
                &mut out,
                "key:",
                keys.first().map(String::as_str).unwrap_or(""),
            );
            let now = OffsetDateTime::now_utc();
            let state = match cache::lookup(file, keys) {
                Err(problem) => format!("the file {problem}; the next get goes on without it"),
                Ok(found) => match found.as_ref().map(|(_, e)| e) {
                    None => "no entry: the next get calls AWS".into(),
                    Some(e) if e.is_fresh(now) => format!(
                        "fresh until {} (expires {}): the next get makes no call",
                        rfc3339(e.refresh_at()),
                        rfc3339(e.expires_at)
                    ),
                    Some(e) if !e.is_expired(now) => format!(
                        "stale (expires {}): the next get refreshes it, and serves it if that fails",
                        rfc3339(e.expires_at)
                    ),
                    Some(e) => format!(
                        "expired at {}: the next get calls AWS",
                        rfc3339(e.expires_at)
                    ),
                },
            };
            line(&mut out, "entry:", &state);
        }
    }

    if resolve {
        let _ = writeln!(out, "Resolved (network calls made)");
        match prepared.credentials() {
            Ok(c) => {
                line(&mut out, "access key:", &mask(&c.access_key_id));
                line(
                    &mut out,
                    "temporary:",
                    if c.session_token.is_some() {
                        "yes"
                    } else {
                        "no"
                    },
                );
                if let Some(a) = &c.account_id {
                    line(&mut out, "account:", a);
                }
                if let Some(x) = c.expiry {
                    line(&mut out, "expires:", &rfc3339(x));
                }
            }
            Err(e) => {
                line(&mut out, "error:", &e.to_string());
                ok = false;
            }
        }
    }
    (out, ok)
}

/// Why the chain stopped where it did.
fn why(settings: &Settings, plan: &Plan) -> String {
    let env = &settings.env;
    match &plan.source {
        Source::Environment if env.get("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() && plan.static_credentials().is_none() => {
            "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are set, and no access keys are".into()
        }
        Source::Environment => "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set (they come first)".into(),
        Source::Profile(name) => {
            let by = match settings.selected.chosen_by {
                ChosenBy::Invocation => "the helper's name (docker-credential-ecr-login-NAME), which comes before environment keys",
                ChosenBy::AwsProfile => "AWS_PROFILE",
                ChosenBy::AwsDefaultProfile => "AWS_DEFAULT_PROFILE",
                ChosenBy::RegistryMap => "the registry map's section for this registry (above), which comes before AWS_PROFILE and environment keys",
                ChosenBy::Default => "default, as no AWS_PROFILE is set",
            };
            format!("no access keys or web identity in the environment; profile `{name}` chosen by {by}")
        }
        Source::Container => "nothing in the environment or profile; AWS_CONTAINER_CREDENTIALS_* is set".into(),
        Source::Imds => "nothing in the environment, profile or container variables; IMDS is last in the chain (AWS_EC2_METADATA_DISABLED=true turns it off)".into(),
        Source::ServiceAccount { .. } => "the kubelet sent the pod's service-account token, and a role is named for it".into(),
    }
}

/// A time as every other output of this helper writes it: RFC 3339, UTC, whole seconds.
fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`: enough to tell keys apart.
fn mask(key: &str) -> String {
    if key.len() <= 8 || !key.is_ascii() {
        return "…".into();
    }
    format!("{}…{}", &key[..4], &key[key.len() - 4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keys() {
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(mask("short"), "…");
    }
}
