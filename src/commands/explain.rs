//! `explain HOST`: how a `get` would go, without a secret and without a network call
//! (unless `--resolve`): the registry, the credential source and why, the files read, the
//! endpoints, and the cache entry.

use super::{fallback, protocol};
use crate::aws::endpoint::{self, Service};
use crate::aws::loggable_url;
use crate::credentials::{Base, Plan, Source};
use crate::get::prepare::Prepared;
use crate::get::registry::{self, Registry};
use crate::get::route::{Route, Target};
use crate::local::cache;
use crate::local::config::{Platform, file_locations};
use crate::local::env::Env;
use crate::local::settings::{ChosenBy, Settings};
use crate::local::text::escaped;
use std::fmt::Write;
use time::OffsetDateTime;

/// The report, and whether everything needed for a `get` is in place.
pub fn explain(settings: &Settings, host: &str, resolve: bool) -> (String, bool) {
    let mut r = Report {
        out: String::new(),
        ok: true,
    };
    let _ = sections(&mut r, settings, host, resolve);
    (r.out, r.ok)
}

/// The report as it is written. Values come from the host, the files and answers: escaped,
/// so that none reaches the terminal as a control sequence.
struct Report {
    out: String,
    ok: bool,
}

/// A section found what stops a `get`: the report ends there.
struct Stop;

impl Report {
    fn heading(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }

    fn line(&mut self, k: &str, v: &str) {
        let _ = writeln!(self.out, "  {k:<13}{}", escaped(v));
    }

    /// An error line; the report goes on, but a get would fail.
    fn error(&mut self, e: impl std::fmt::Display) {
        self.line("error:", &e.to_string());
        self.ok = false;
    }

    /// An error line that ends the report.
    fn stop(&mut self, e: impl std::fmt::Display) -> Stop {
        self.error(e);
        Stop
    }
}

fn sections(r: &mut Report, settings: &Settings, host: &str, resolve: bool) -> Result<(), Stop> {
    r.heading(&format!("Registry {}", escaped(&loggable_url(host))));
    let route = match crate::get::route::route(settings, host) {
        Ok(route) => Some(route),
        Err(crate::error::Error::NotEcr { .. }) => None,
        Err(e) => return Err(r.stop(e)),
    };
    if let Some(route) = &route {
        mapped(r, route);
    }
    let settings = route
        .as_ref()
        .map_or(settings, |route| route.settings(settings));
    let registry = match route.as_ref().map(|route| route.target.clone()) {
        Some(Target::Registry(registry)) => registry,
        Some(Target::Default) => crate::get::default_registry(settings).map_err(|e| r.stop(e))?,
        None => return not_ecr(r, &settings.env, host),
    };
    registry_kind(r, &registry);
    let prepared = credentials(r, settings, registry)?;
    endpoints(r, &prepared)?;
    cache_entry(r, &prepared);
    if resolve {
        resolved(r, &prepared);
    }
    Ok(())
}

/// What the registry map said for the host: the section, the registry it stands for, the
/// profile it names.
fn mapped(r: &mut Report, route: &Route) {
    let Some((file, entry)) = &route.section else {
        return;
    };
    r.line(
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
        r.line("alias of:", &what);
    }
    if let Some(p) = &entry.profile {
        let what = match (p.as_str(), &route.settings) {
            ("auto", Some(s)) => format!(
                "`{}`, from the map (auto: the profile of the registry's account)",
                s.selected.name
            ),
            ("auto", None) => "auto, from the map: no profile of the registry's account (or AWS_PROFILE is set), so the normal chain".into(),
            _ => format!("`{p}`, from the map"),
        };
        r.line("profile:", &what);
    }
}

/// A host that is not ECR: why not, and who answers it instead.
fn not_ecr(r: &mut Report, env: &Env, host: &str) -> Result<(), Stop> {
    r.line(
        "kind:",
        "not an Amazon ECR or ECR Public registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com, the other partitions' forms, public.ecr.aws)",
    );
    if let Some(why) = registry::near_miss(host) {
        r.line("why:", &format!("it looks like one, but {why}"));
    }
    let f = match fallback::from_env(env) {
        None => {
            r.line(
                "answered by:",
                &format!(
                    "nobody: get says \"{}\"; {}=NAME would hand it to docker-credential-NAME",
                    protocol::NOT_FOUND,
                    fallback::VARIABLE
                ),
            );
            r.ok = false;
            return Ok(());
        }
        Some(found) => found.map_err(|e| r.stop(e))?,
    };
    let path = f.locate(env).map_err(|e| r.stop(e))?;
    r.line(
        "answered by:",
        &format!(
            "{} ({}={}), at {}: get, store, erase and list go to it unchanged",
            f.program(),
            fallback::VARIABLE,
            f.name,
            path.display()
        ),
    );
    Ok(())
}

fn registry_kind(r: &mut Report, registry: &Registry) {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    match registry {
        Registry::Private(p) => {
            r.line("kind:", "private ECR");
            r.line("account:", &p.account_id);
            r.line("region:", &p.region);
            r.line("partition:", p.partition().id);
            r.line("FIPS:", yes_no(p.fips));
            r.line("dual-stack:", yes_no(p.dual_stack));
        }
        Registry::Public { host } => {
            r.line("kind:", &format!("ECR Public ({host}), API in us-east-1"));
        }
    }
}

/// The files, and the source the plan chose and why: the same preparation a `get` makes, so
/// what is printed is what a get would do.
fn credentials<'s>(
    r: &mut Report,
    settings: &'s Settings,
    registry: Registry,
) -> Result<Prepared<'s>, Stop> {
    r.heading("Credentials");
    let env = &settings.env;
    let (config, creds_file) = file_locations(env, Platform::current());
    for (what, path) in [("config:", &config), ("credentials:", &creds_file)] {
        let state = match std::fs::metadata(path) {
            Ok(m) if m.is_file() => "present",
            Ok(_) => "not a file",
            Err(_) => "not found",
        };
        r.line(what, &format!("{} ({state})", path.display()));
    }
    let prepared = Prepared::new(settings, registry).map_err(|e| r.stop(e))?;
    let plan = &prepared.plan;
    r.line("source:", &plan.describe());
    r.line("why:", &why(settings, plan));
    if let Some(c) = plan.static_credentials() {
        r.line("access key:", &mask(&c.access_key_id));
    }
    let state = match &plan.base {
        Base::Login(login) => login.state(env),
        Base::CliSession(session) => session.state(env),
        _ => Vec::new(),
    };
    for (k, v) in state {
        r.line(k, &v);
    }
    Ok(prepared)
}

/// Where the calls would go: the registry's service, and STS, SSO and Sign-In when the plan
/// calls them.
fn endpoints(r: &mut Report, prepared: &Prepared) -> Result<(), Stop> {
    r.heading("Endpoints");
    let plan = &prepared.plan;
    let config = prepared.config();
    let ep = prepared.endpoint();
    // A get refuses a region that cannot go into a host name where it would call that
    // host; so does explain, rather than print URLs no request would go to.
    match prepared.registry.region().checked() {
        Err(bad) if !ep.configured => r.error(bad),
        _ => r.line(
            &format!("{}:", ep.service.display_name()),
            &format!(
                "{} (signed for {})",
                loggable_url(&ep.url),
                ep.signing_region
            ),
        ),
    }
    let login = matches!(plan.base, Base::Login(_));
    let sts_region = match prepared.sts_region().checked() {
        Ok(region) => region.to_string(),
        Err(bad) if plan.calls_sts() || login => return Err(r.stop(bad)),
        Err(_) => String::new(),
    };
    let url =
        |service, region: &str| loggable_url(&endpoint::for_service(service, region, &config).url);
    if plan.calls_sts() {
        r.line("STS:", &url(Service::Sts, &sts_region));
    }
    if let Base::Sso(sso) = &plan.base {
        r.line("SSO:", &url(Service::Sso, &sso.region));
    }
    if login {
        r.line(
            "Sign-In:",
            &format!(
                "{}/v1/token (when the login keys need a refresh)",
                url(Service::Signin, &sts_region).trim_end_matches('/')
            ),
        );
    }
    Ok(())
}

/// The cache file, the key, and what the next get would do with the entry.
fn cache_entry(r: &mut Report, prepared: &Prepared) {
    r.heading("Cache");
    let Some(file) = &prepared.cache_file else {
        r.line(
            "file:",
            "off (AWS_ECR_DISABLE_CACHE is set, or there is no home directory)",
        );
        return;
    };
    r.line("file:", &file.display().to_string());
    let keys = &prepared.keys;
    r.line("key:", keys.first().map(String::as_str).unwrap_or(""));
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
    r.line("entry:", &state);
}

/// `--resolve`: the credentials themselves, resolved as a get would (network calls made).
fn resolved(r: &mut Report, prepared: &Prepared) {
    r.heading("Resolved (network calls made)");
    match prepared.credentials() {
        Ok(c) => {
            r.line("access key:", &mask(&c.access_key_id));
            r.line(
                "temporary:",
                if c.session_token.is_some() {
                    "yes"
                } else {
                    "no"
                },
            );
            if let Some(a) = &c.account_id {
                r.line("account:", a);
            }
            if let Some(x) = c.expiry {
                r.line("expires:", &rfc3339(x));
            }
        }
        Err(e) => r.error(e),
    }
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
