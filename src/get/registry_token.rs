//! A pull token from ECR Public's own token service, for a client that fetches from
//! `public.ecr.aws` itself and sends only what it is given (Bazel's downloader). The registry
//! refuses an ECR Public token as `Basic` there; it takes the token its service
//! (`https://public.ecr.aws/token`) hands out for one repository in exchange for it.
//!
//! The ECR Public token comes from [`super::serve`], so it is cached and shared with every
//! other `get`; the pull token is cached beside it in `registry-tokens.json`, in the same
//! format, keyed by the ECR Public token's key and the scope, so a Docker `get` and `list`
//! never see it.

use super::prepare::Prepared;
use super::registry::Registry;
use super::{FETCH_BOUND, lookup, route, save, serve};
use crate::aws::Call;
use crate::aws::call::{CallError, Callee, ErrorFormat};
use crate::error::Error;
use crate::local::cache::{self, Entry, lock};
use crate::local::log;
use crate::local::secret::Secret;
use crate::local::settings::Settings;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use std::path::PathBuf;
use time::{Duration, OffsetDateTime};

/// The file of pull tokens, beside `cache.json`.
const FILE: &str = "registry-tokens.json";
/// A token's life when the answer does not say (the registry token specification's default).
const DEFAULT_LIFE: i64 = 60;
/// The longest life believed: ECR Public's own tokens live 12 hours at most.
const MAX_LIFE: i64 = 12 * 3600;

/// A pull token: the `Bearer` credential, and when this helper would fetch a new one.
#[derive(Debug)]
pub struct RegistryToken {
    pub token: Secret<String>,
    pub refresh_at: OffsetDateTime,
}

/// A pull token for `repository` at `authority` (`public.ecr.aws`, or `public.ecr.aws:PORT`),
/// which must be an ECR Public host itself, not an alias of one.
pub fn registry_token(
    settings: &Settings,
    authority: &str,
    repository: &str,
) -> Result<RegistryToken, Error> {
    let route = route::route(settings, authority)?;
    let registry = match &route.target {
        route::Target::Registry(r @ Registry::Public { .. }) => r.clone(),
        _ => return Err(Error::Input(format!("{authority} is not ECR Public"))),
    };
    let settings = route.settings(settings);
    let prepared = Prepared::new(settings, registry)?;
    let scope = format!("repository:{repository}:pull");
    let file: Option<PathBuf> = prepared.cache_file.as_ref().map(|f| f.with_file_name(FILE));
    let key = prepared.keys.first().map(|k| format!("{k} {scope}"));
    let keys: Vec<String> = key.iter().cloned().collect();
    let now = OffsetDateTime::now_utc();
    if let Some(token) = file.as_ref().and_then(|f| fresh(f, &keys, now)) {
        return Ok(token);
    }
    // Miss: as for an ECR token, one helper fetches, the others wait and read what it stored.
    let _lock = file.as_ref().zip(key.as_ref()).and_then(|(f, key)| {
        let path = cache::entry_lock(f, key);
        crate::local::files::create_private_dir(path.parent()?).ok()?;
        lock::acquire_by(&path, FETCH_BOUND, prepared.deadline())
    });
    if _lock.is_some()
        && let Some(token) = file
            .as_ref()
            .and_then(|f| fresh(f, &keys, OffsetDateTime::now_utc()))
    {
        return Ok(token);
    }
    let public = serve(&prepared, authority)?;
    let basic = STANDARD.encode(format!("{}:{}", public.username, public.password.expose()));
    let url = format!(
        "https://{authority}/token?service={}&scope={}",
        crate::aws::percent_encode(host_of(authority)),
        crate::aws::percent_encode(&scope)
    );
    let answer = Call::get(Callee::Registry, &url)
        .header("authorization", &format!("Basic {basic}"))
        .errors(ErrorFormat::Registry)
        .send(&prepared.client())?;
    let now = OffsetDateTime::now_utc();
    let (token, life) = parse(&answer.body).map_err(|e| e.without(&basic))?;
    let entry = Entry {
        token,
        requested_at: now,
        // Never past the ECR Public token it was had for.
        expires_at: (now + Duration::seconds(life)).min(public.expires_at),
        proxy_endpoint: format!("https://{authority}"),
        service: "registry-token".into(),
    };
    let answer = RegistryToken {
        token: entry.token.clone(),
        refresh_at: entry.refresh_at(),
    };
    log::info(
        "Got a registry token",
        &[("registry", authority), ("scope", &scope)],
    );
    if let (Some(file), Some(key)) = (&file, &key)
        && entry.expires_at > now
    {
        save(file, key, entry, now, prepared.deadline());
    }
    Ok(answer)
}

/// The cached pull token under `keys`, while fresh.
fn fresh(file: &std::path::Path, keys: &[String], now: OffsetDateTime) -> Option<RegistryToken> {
    let (key, entry) = lookup(file, keys)?;
    if !entry.is_fresh(now) {
        return None;
    }
    log::debug("Using the cached registry token", &[("key", &key)]);
    Some(RegistryToken {
        refresh_at: entry.refresh_at(),
        token: entry.token,
    })
}

/// `host:port` → `host`.
fn host_of(authority: &str) -> &str {
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// The token service's answer: `token` (or OAuth's `access_token`) and its life in seconds
/// (`expires_in`, else 60; at most 12 hours).
fn parse(body: &[u8]) -> Result<(Secret<String>, i64), CallError> {
    let bad = |detail: &str| CallError::bad_response(Callee::Registry, detail);
    let v: Value = serde_json::from_slice(body).map_err(|_| bad("the answer is not JSON"))?;
    let token = ["token", "access_token"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str).filter(|t| !t.is_empty()))
        .ok_or_else(|| bad("the answer has no token"))?;
    let life = match v.get("expires_in") {
        None | Some(Value::Null) => DEFAULT_LIFE,
        Some(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .filter(|n| *n > 0)
            .ok_or_else(|| bad("expires_in is not a positive number of seconds"))?,
    };
    Ok((Secret::new(token.to_string()), life.min(MAX_LIFE)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers() {
        let life = |body: &str| parse(body.as_bytes()).map(|(_, l)| l);
        assert_eq!(life(r#"{"token":"t"}"#).unwrap(), 60);
        assert_eq!(
            life(r#"{"access_token":"t","expires_in":3600}"#).unwrap(),
            3600
        );
        assert_eq!(life(r#"{"token":"t","expires_in":1e9}"#).unwrap(), MAX_LIFE);
        for bad in [
            r#"{"token":""}"#,
            r#"{"token":"t","expires_in":0}"#,
            r#"{"token":"t","expires_in":"soon"}"#,
            "[]",
            "<html>",
        ] {
            assert!(life(bad).is_err(), "{bad}");
        }
        assert_eq!(host_of("public.ecr.aws:8443"), "public.ecr.aws");
        assert_eq!(host_of("public.ecr.aws"), "public.ecr.aws");
    }
}
