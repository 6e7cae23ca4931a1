//! One `get`, from the registry host to the token:
//! parse → plan → cache hit? → resolve credentials → GetAuthorizationToken → store.
//! A cache hit resolves no credentials and opens no connection.

use crate::cache::{self, Entry};
use crate::config::{ProfileSet, selected_profile};
use crate::credentials::{self, Plan, Resolver};
use crate::ecr;
use crate::endpoint::{self, EndpointSettings};
use crate::env::Env;
use crate::error::Error;
use crate::files;
use crate::http::Http;
use crate::lock;
use crate::log;
use crate::registry::{self, Registry};
use crate::retry;
use std::cell::OnceCell;
use std::path::PathBuf;
use std::time::Instant;
use time::OffsetDateTime;

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

/// A token for a registry: `(username, password)`.
pub struct Token {
    pub username: String,
    pub password: String,
}

pub fn get(ctx: &Context, server_url: &str) -> Result<Token, Error> {
    if server_url.is_empty() {
        return Err(Error::Input("no credentials server URL".into()));
    }
    let registry = registry::parse(server_url).map_err(|_| Error::NotEcr {
        host: redact_userinfo(server_url),
    })?;
    let plan = credentials::plan(&ctx.env, &mut || {
        ProfileSet::load(&ctx.env).map(|p| ctx.profiles.get_or_init(|| p).clone())
    })?;
    let now = OffsetDateTime::now_utc();
    let cache_file = cache::file(&ctx.env);
    let keys = cache::keys(&registry, &plan, &ctx.env);
    let cached = cache_file.as_ref().and_then(|f| lookup(f, &keys));
    if let Some((key, entry)) = &cached
        && entry.is_fresh(now)
        && let Ok((username, password)) = ecr::decode(&entry.token)
    {
        log::debug(
            "Using cached token",
            &[("key", key), ("registry", server_url)],
        );
        return Ok(Token { username, password });
    }
    // Miss: take the lock, then look again, since another helper may have just fetched it.
    let _lock = cache_file.as_ref().and_then(|f| {
        files::create_private_dir(f.parent()?).ok()?;
        lock::acquire(&f.with_extension("json.lock"), lock::WAIT)
    });
    let cached = match &_lock {
        Some(_) => cache_file.as_ref().and_then(|f| lookup(f, &keys)),
        None => cached,
    };
    if let Some((key, entry)) = &cached
        && entry.is_fresh(now)
        && let Ok((username, password)) = ecr::decode(&entry.token)
    {
        log::debug(
            "Using the token another helper just cached",
            &[("key", key)],
        );
        return Ok(Token { username, password });
    }
    match fetch(ctx, &registry, &plan) {
        Ok(token) => {
            let (username, password) =
                ecr::decode(&token.token).map_err(|detail| Error::BadResponse {
                    service: "ECR",
                    detail,
                })?;
            let now = OffsetDateTime::now_utc();
            if token.expires_at <= now {
                // Usable once (the clock may be wrong), but not worth keeping.
                log::warn(
                    "ECR returned a token that has already expired; not caching it",
                    &[("expiresAt", &token.expires_at.to_string())],
                );
            } else if let (Some(file), Some(key)) = (&cache_file, keys.first()) {
                let entry = Entry {
                    token: token.token,
                    requested_at: now,
                    expires_at: token.expires_at,
                    proxy_endpoint: token.proxy_endpoint,
                    service: match registry {
                        Registry::Private(_) => "ecr".into(),
                        Registry::Public { .. } => "ecr-public".into(),
                    },
                };
                if let Err(e) = cache::store(file, key, entry, now) {
                    log::warn(
                        "Could not save the token to the cache",
                        &[
                            ("file", &file.display().to_string()),
                            ("error", &e.to_string()),
                        ],
                    );
                }
            }
            log::info(
                "Got a new token",
                &[("registry", server_url), ("source", &plan.describe())],
            );
            Ok(Token { username, password })
        }
        Err(e) => {
            // A stale token that has not expired still works; an expired one never does.
            if let Some((key, entry)) = cached.filter(|(_, e)| !e.is_expired(now))
                && let Ok((username, password)) = ecr::decode(&entry.token)
            {
                log::warn(
                    "Could not refresh the token; using the cached one until it expires",
                    &[("key", &key), ("error", &e.to_string())],
                );
                return Ok(Token { username, password });
            }
            Err(e)
        }
    }
}

fn lookup(file: &std::path::Path, keys: &[String]) -> Option<(String, Entry)> {
    let entries = match cache::load(file) {
        Ok(e) => e,
        Err(problem) => {
            log::info(
                "Ignoring the cache file",
                &[
                    ("file", &file.display().to_string()),
                    ("problem", &problem.to_string()),
                ],
            );
            return None;
        }
    };
    keys.iter()
        .find_map(|k| entries.get(k).map(|e| (k.clone(), e.clone())))
}

/// The network part of a miss: credentials, endpoint, the API call.
fn fetch(
    ctx: &Context,
    registry: &Registry,
    plan: &Plan,
) -> Result<ecr::AuthorizationToken, Error> {
    let deadline = Instant::now() + retry::TOTAL_BUDGET;
    // A broken config file must not stop environment credentials from working.
    let empty = ProfileSet::default();
    let profiles = match ctx.profiles() {
        Ok(p) => p,
        Err(e) => {
            log::warn(
                "Ignoring the AWS config files for endpoint settings",
                &[("error", &e.to_string())],
            );
            &empty
        }
    };
    let (profile_name, _) = selected_profile(&ctx.env);
    let profile = profiles.profile(&profile_name);
    let ca_bundle = ctx
        .env
        .get("AWS_CA_BUNDLE")
        .or_else(|| profile.and_then(|p| p.get("ca_bundle")).map(String::as_str))
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let http = Http::new(&ctx.env, ca_bundle);
    let registry_region = match registry {
        Registry::Private(p) => p.region.as_str(),
        Registry::Public { .. } => endpoint::ECR_PUBLIC_REGION,
    };
    let resolver = Resolver {
        env: &ctx.env,
        profiles,
        http: &http,
        region: credentials::sts_region(&ctx.env, profiles, registry_region),
        deadline,
    };
    let creds = credentials::resolve(plan, &resolver)?;
    let settings = EndpointSettings {
        env: Some(&ctx.env),
        profile,
        profiles: Some(profiles),
    };
    let endpoint = endpoint::for_registry(registry, &settings);
    let policy = retry::Policy::from_env(&ctx.env, deadline);
    ecr::get_authorization_token(&http, policy, &endpoint, registry, &creds)
}

/// `https://user:pass@host/…` → `https://xxxxx@host/…`: user info never reaches a message.
pub fn redact_userinfo(input: &str) -> String {
    let (scheme, rest) = match input.find("://") {
        Some(i) => input.split_at(i + 3),
        None => ("", input),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}xxxxx{}", &rest[at..]),
        None => input.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_redacted() {
        assert_eq!(
            redact_userinfo("https://u:p@host/x@y"),
            "https://xxxxx@host/x@y"
        );
        assert_eq!(redact_userinfo("u:p@host"), "xxxxx@host");
        assert_eq!(redact_userinfo("host/a@b"), "host/a@b");
    }
}
