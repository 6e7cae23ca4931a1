//! One `get`, from the registry host to the token:
//! parse → plan → cache hit? → resolve credentials → GetAuthorizationToken → store.
//! A cache hit resolves no credentials and opens no connection.

pub mod ecr;
pub mod ecr_endpoint;
pub mod prepare;
pub mod registry;
pub mod registry_token;
pub mod route;

use crate::aws::call::CallError;
use crate::credentials;
use crate::local::cache::lock;
use crate::local::cache::{self, Entry};
use crate::local::config::ProfileSet;
use crate::local::secret::Secret;

use crate::aws::endpoint::{self, Service};
use crate::aws::loggable_url;
use crate::error::Error;
use crate::local::env::Env;
use crate::local::files;
use crate::local::log;
use crate::local::settings::Settings;
use registry::Registry;
use time::OffsetDateTime;

use crate::get::prepare::Prepared;

/// A token for a registry.
#[derive(Debug)]
pub struct Token {
    pub username: String,
    pub password: Secret<String>,
    /// When this helper will fetch a new one (half its lifetime, as in Go).
    pub refresh_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl Token {
    fn from_entry(entry: &Entry) -> Option<Token> {
        let (username, password) = ecr::decode(entry.token.expose()).ok()?;
        Some(Token {
            username,
            password: Secret::new(password),
            refresh_at: entry.refresh_at(),
            expires_at: entry.expires_at,
        })
    }
}

/// The cached token if it is still fresh.
fn fresh(cached: &Option<(String, Entry)>, now: OffsetDateTime, what: &str) -> Option<Token> {
    let (key, entry) = cached.as_ref()?;
    if !entry.is_fresh(now) {
        return None;
    }
    let token = Token::from_entry(entry)?;
    log::debug(what, &[("key", key)]);
    Some(token)
}

/// Adds which key variable is missing when only half of the environment's pair is set.
fn with_half_keys(env: &Env, error: Error) -> Error {
    match credentials::half_keys(env) {
        Some((set, missing)) => Error::HalfKeys {
            error: Box::new(error),
            set,
            missing,
        },
        None => error,
    }
}

pub fn get(settings: &Settings, server_url: &str) -> Result<Token, Error> {
    get_inner(settings, server_url).map_err(|e| match e {
        Error::NotEcr { .. } | Error::Input(_) => e,
        e => with_half_keys(&settings.env, e),
    })
}

/// A get for the kubelet with a pod's service-account token: the role assumed with that
/// token, never the disk cache (see [`Prepared::for_pod`]).
pub fn get_for_pod(
    settings: &Settings,
    server_url: &str,
    pod: credentials::ServiceAccountToken,
) -> Result<Token, Error> {
    if server_url.is_empty() {
        return Err(Error::Input("no credentials server URL".into()));
    }
    // The map's aliases hold here too; its profiles do not: the pod's role is the identity.
    let route = route::route(settings, server_url)?;
    let registry = match route.target {
        route::Target::Registry(r) => r,
        route::Target::Default => default_registry(settings)?,
    };
    serve(&Prepared::for_pod(settings, registry, pod), server_url)
}

fn get_inner(settings: &Settings, server_url: &str) -> Result<Token, Error> {
    if server_url.is_empty() {
        return Err(Error::Input("no credentials server URL".into()));
    }
    let route = route::route(settings, server_url)?;
    let settings = route.settings(settings);
    match &route.target {
        route::Target::Registry(registry) => {
            serve(&Prepared::new(settings, registry.clone())?, server_url)
        }
        route::Target::Default => get_default_registry_inner(settings).map(|(_, token)| token),
    }
}

/// Runs a prepared get: the cache, then (on a miss, under the entry's lock) the fetch.
fn serve(prepared: &Prepared, server_url: &str) -> Result<Token, Error> {
    let now = OffsetDateTime::now_utc();
    let (cache_file, keys) = (&prepared.cache_file, &prepared.keys);
    let cached = cache_file.as_ref().and_then(|f| lookup(f, keys));
    if let Some(token) = fresh(&cached, now, "Using the cached token") {
        return Ok(token);
    }
    // Miss: take this entry's lock, then look again, since another helper may have just
    // fetched it. Other registries have locks of their own and never wait for this one.
    let _lock = cache_file.as_ref().zip(keys.first()).and_then(|(f, key)| {
        let path = cache::entry_lock(f, key);
        files::create_private_dir(path.parent()?).ok()?;
        lock::acquire_by(&path, FETCH_BOUND, prepared.deadline())
    });
    let cached = match &_lock {
        Some(_) => cache_file.as_ref().and_then(|f| lookup(f, keys)),
        None => cached,
    };
    // Freshness is judged at the moment a token is handed out: the lock wait, and below the
    // fetch, may have taken longer than the entry had left.
    let now = OffsetDateTime::now_utc();
    if let Some(token) = fresh(&cached, now, "Using the token another helper just cached") {
        return Ok(token);
    }
    match prepared.fetch() {
        Ok(token) => {
            let answer = keep(prepared, keys.first(), token)?;
            log::info(
                "Got a new token",
                &[
                    ("registry", &loggable_url(server_url)),
                    ("source", &prepared.plan.describe()),
                ],
            );
            Ok(answer)
        }
        Err(e) => {
            // A stale token that has not expired still works; an expired one never does,
            // and a hung refresh may have outlasted it.
            let now = OffsetDateTime::now_utc();
            if let Some((key, entry)) = cached.filter(|(_, e)| !e.is_expired(now))
                && let Some(token) = Token::from_entry(&entry)
            {
                log::warn(
                    "Could not refresh the token; using the cached one until it expires",
                    &[("key", &key), ("error", &e.to_string())],
                );
                return Ok(token);
            }
            Err(e)
        }
    }
}

/// How long a fetch may hold its entry's lock, which waiters give it: a `credential_process`
/// (60 s) and then up to three calls (STS, SSO or Sign-In, and ECR), each within its budget.
const FETCH_BOUND: std::time::Duration = std::time::Duration::from_secs(
    credentials::PROCESS_TIMEOUT.as_secs() + 3 * crate::aws::TOTAL_BUDGET.as_secs(),
);
/// How long a store may hold the file's lock: a read, a merge, a write and an fsync. Short,
/// so that waiters behind a stopped writer store their tokens soon; a writer that outlives
/// it is safe, as a store never renames over a file it did not read (`cache::store`).
const STORE_BOUND: std::time::Duration = std::time::Duration::from_secs(3);

/// Turns a fetched token into the answer and caches it under `key` (unless it has already
/// expired: usable once, the clock may be wrong, but not worth keeping).
fn keep(
    prepared: &Prepared,
    key: Option<&String>,
    token: ecr::AuthorizationToken,
) -> Result<Token, Error> {
    let now = OffsetDateTime::now_utc();
    let fetched = Entry {
        token: token.token,
        requested_at: now,
        expires_at: token.expires_at,
        proxy_endpoint: token.proxy_endpoint,
        service: match prepared.registry {
            Registry::Private(_) => "ecr".into(),
            Registry::Public { .. } => "ecr-public".into(),
        },
    };
    let answer = Token::from_entry(&fetched)
        .ok_or_else(|| CallError::bad_response(Service::Ecr, "the token does not decode"))?;
    if fetched.expires_at <= now {
        log::warn(
            "ECR returned a token that has already expired; not caching it",
            &[("expiresAt", &fetched.expires_at.to_string())],
        );
    } else if let (Some(file), Some(key)) = (&prepared.cache_file, key) {
        save(file, key, fetched, now, prepared.deadline());
    }
    Ok(answer)
}

/// Stores `entry` under `key` in the cache file `file`, waiting for its lock no later than
/// `limit`, logging what went wrong: a token that cannot be saved is still handed out.
fn save(
    file: &std::path::Path,
    key: &str,
    entry: Entry,
    now: OffsetDateTime,
    limit: Option<std::time::Instant>,
) {
    // The file-wide lock, only for the read, merge and rename of the store, so that writers
    // for different registries never lose each other's entries. Its directory first: on a
    // fresh machine nothing has made it yet.
    let dir = file.parent().unwrap_or(std::path::Path::new("."));
    let result = files::create_private_dir(dir).and_then(|()| {
        let write = lock::acquire_by(&file.with_extension("json.lock"), STORE_BOUND, limit);
        // Never a read, merge and rename without the lock: two of them at once lose an entry.
        match &write {
            Some(w) if w.is_current() => cache::store(file, key, entry, now),
            _ => Err(std::io::Error::other(
                "could not take the cache file's lock; this token is not saved",
            )),
        }
    });
    match result {
        Ok(None) => {}
        Ok(Some(cache::Replaced::Unusable(problem))) => log::warn(
            "Replaced the cache file, which could not be used",
            &[
                ("file", &file.display().to_string()),
                ("problem", &problem.to_string()),
            ],
        ),
        Err(e) => log::warn(
            "Could not save the token to the cache",
            &[
                ("file", &file.display().to_string()),
                ("error", &e.to_string()),
            ],
        ),
    }
}

/// The token of the default registry of the credentials' account, in the configured region,
/// as `aws ecr get-login-password` gets it: `(registry host, token)`.
pub fn get_default_registry(settings: &Settings) -> Result<(String, Token), Error> {
    let mapped = default_registry(settings)
        .ok()
        .map(|r| route::for_default(settings, &r))
        .transpose()?
        .flatten();
    let settings = mapped.as_ref().unwrap_or(settings);
    get_default_registry_inner(settings).map_err(|e| with_half_keys(&settings.env, e))
}

/// What `list` answers: each cached registry's proxy endpoint and user name, after fetching
/// what the cache lacks (see [`prime_for_list`]).
pub fn list(settings: &Settings) -> std::collections::BTreeMap<String, String> {
    prime_for_list(settings);
    let now = OffsetDateTime::now_utc();
    let entries = cache::file(&settings.env).map_or_else(Vec::new, |f| cache::unexpired(&f, now));
    entries
        .into_iter()
        .filter_map(|e| Some((e.proxy_endpoint, ecr::decode(e.token.expose()).ok()?.0)))
        .collect()
}

/// What `list` fetches first, as Amazon's helper does (the configured region's default
/// registry, and ECR Public), so that a first `docker build` with `credsStore` finds them;
/// but only what the cache lacks, so a warm `list` makes no call. Failures are only logged:
/// `list` answers with what the cache holds.
fn prime_for_list(settings: &Settings) {
    if cache::file(&settings.env).is_none() {
        return;
    }
    // Each answers from the cache when it can.
    let outcomes = [
        get_default_registry(settings).map(|_| ()),
        get(settings, "public.ecr.aws").map(|_| ()),
    ];
    for e in outcomes.into_iter().filter_map(Result::err) {
        log::debug(
            "list: could not fetch a token",
            &[("error", &e.to_string())],
        );
    }
}

/// The configured region's registry of the caller's own account (its id left empty: ECR
/// answers for the account of the credentials).
pub fn default_registry(settings: &Settings) -> Result<Registry, Error> {
    let no_files = ProfileSet::default();
    let region = settings
        .config(settings.files().unwrap_or(&no_files))
        .region()
        .ok_or(Error::NoRegion)?
        .to_ascii_lowercase();
    let checked = endpoint::Region::new(region.as_str(), endpoint::RegionOrigin::Configured);
    checked.checked().map_err(Error::InvalidRegion)?;
    Ok(Registry::Private(registry::PrivateRegistry {
        account_id: String::new(),
        suffix: endpoint::Partition::of_region(&region).dns_suffix,
        region,
        fips: false,
        dual_stack: false,
    }))
}

fn get_default_registry_inner(settings: &Settings) -> Result<(String, Token), Error> {
    let prepared = Prepared::new(settings, default_registry(settings)?)?;
    if let Some((host, entry)) = cached_default(&prepared, OffsetDateTime::now_utc())
        && let Some(token) = Token::from_entry(&entry)
    {
        log::debug("Using the cached token", &[("registry", &host)]);
        return Ok((host, token));
    }
    let token = prepared.fetch()?;
    let host = token
        .proxy_endpoint
        .trim_start_matches("https://")
        .to_string();
    let registry = registry::parse(&host).map_err(|_| {
        CallError::bad_response(Service::Ecr, format!("invalid proxyEndpoint {host:?}"))
    })?;
    let keys = cache::keys(
        &registry.key_scope(),
        &prepared.plan.cache_identity(&settings.env),
        &settings.env,
    );
    let answer = keep(&prepared, keys.first(), token)?;
    Ok((host, answer))
}

/// A fresh cached token of the default registry: its account is known only from ECR's
/// answer, so any fresh private-ECR entry of this identity in the configured region stands
/// for it (ECR's token serves every registry the principal may pull from), the one fresh the
/// longest. `(registry host, entry)`.
fn cached_default(prepared: &Prepared, now: OffsetDateTime) -> Option<(String, Entry)> {
    let file = prepared.cache_file.as_ref()?;
    // The key of the registry with no account id: `REGION-IDENTITY-`.
    let prefix = prepared.keys.first()?;
    cache::load(file)
        .ok()?
        .into_iter()
        .filter(|(k, e)| k.starts_with(prefix.as_str()) && e.service == "ecr" && e.is_fresh(now))
        .max_by_key(|(_, e)| e.refresh_at())
        .map(|(_, e)| {
            let host = e.proxy_endpoint.trim_start_matches("https://").to_string();
            (host, e)
        })
}

fn lookup(file: &std::path::Path, keys: &[String]) -> Option<(String, Entry)> {
    match cache::lookup(file, keys) {
        Ok(found) => found,
        Err(problem) => {
            log::info(
                "Ignoring the cache file",
                &[
                    ("file", &file.display().to_string()),
                    ("problem", &problem.to_string()),
                ],
            );
            None
        }
    }
}
