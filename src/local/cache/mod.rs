//! `cache.json` in the Go helper's format: where it is, its keys, the half-life validity
//! rule, and atomic writes (temp file, rename).

pub mod lock;

use crate::local::config::cache_directory as directory;
use crate::local::env::Env;
use crate::local::files;
use crate::local::secret::Secret;
use crate::local::sha256::{hex, sha256};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const VERSION: &str = "1.0";
/// Refuse to read a cache file larger than this. Ten thousand registries with 2 KB tokens
/// make about 30 MB, which both Go helpers read; a larger file is left alone, never rewritten.
const MAX_CACHE_FILE: u64 = 128 * 1024 * 1024;

/// One cached token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// base64 of `user:password`, as ECR returns it.
    pub token: Secret<String>,
    pub requested_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub proxy_endpoint: String,
    /// `ecr` or `ecr-public`.
    pub service: String,
}

impl Entry {
    /// Valid until half its lifetime has passed, as in Go: `now < expires − (expires − requested)/2`,
    /// and never past its expiry, whatever `RequestedAt` says.
    pub fn is_fresh(&self, now: OffsetDateTime) -> bool {
        now < self.refresh_at()
    }

    /// When it stops being fresh: half-way through its life, and no later than its expiry
    /// (a `RequestedAt` after `ExpiresAt` would otherwise put it past the expiry).
    pub fn refresh_at(&self) -> OffsetDateTime {
        let half = (self.expires_at - self.requested_at) / 2;
        self.expires_at
            .checked_sub(half)
            .map_or(self.expires_at, |t| t.min(self.expires_at))
    }

    /// Past its expiry: never handed out.
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at
    }
}

/// The cache file, or `None` when caching is off (`AWS_ECR_DISABLE_CACHE` set to anything).
pub fn file(env: &Env) -> Option<PathBuf> {
    if env.get("AWS_ECR_DISABLE_CACHE").is_some() {
        return None;
    }
    Some(directory(env)?.join("cache.json"))
}

/// The lock file of one entry (`locks/<hash of its key>.lock` beside the cache file): held
/// while its token is fetched, so that concurrent helpers make one call per registry.
pub fn entry_lock(cache_file: &Path, key: &str) -> PathBuf {
    let name = hex(&sha256(key.as_bytes())[..12]);
    cache_file
        .parent()
        .unwrap_or(Path::new("."))
        .join("locks")
        .join(format!("{name}.lock"))
}

/// What a cache key is made of: the access key of static credentials (the Go helper's key),
/// or the configuration that selects the identity and what tells principals apart locally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    AccessKey(String),
    Plan {
        config: String,
        local: Option<String>,
    },
    /// Who this is cannot be told (a token file that cannot be read): no key at all, so
    /// nothing is looked up or stored.
    Unknown,
}

/// What a cache key is scoped to: a private registry's region and account, or ECR Public.
/// The get builds it from the registry host; the cache needs nothing else of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyScope {
    Private { region: String, account_id: String },
    Public,
}

/// The keys to look up, newest form first. For static keys these are the Go helper's:
/// `<region>-<base64 sha256(access key id)>-<registry id>` (`ecr-public-<…>` for ECR Public),
/// then the legacy `base64(access key id ‖ md5(""))` form, which is read but never written.
/// Other sources put a hash of the plan (the configuration that selects the identity) where
/// the access key's hash would be, so a hit needs no credentials at all.
pub fn keys(scope: &KeyScope, identity: &Identity, env: &Env) -> Vec<String> {
    let sha = |bytes: &[u8]| STANDARD.encode(sha256(bytes));
    let checksums = match identity {
        Identity::AccessKey(akid) => {
            let mut c = vec![sha(akid.as_bytes())];
            if !fips_only(env) {
                // The Go helper's pre-0.12 key appended md5 of nothing (a fixed value).
                const MD5_OF_EMPTY: [u8; 16] = [
                    0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04, 0xe9, 0x80, 0x09, 0x98, 0xec,
                    0xf8, 0x42, 0x7e,
                ];
                let mut legacy = akid.as_bytes().to_vec();
                legacy.extend_from_slice(&MD5_OF_EMPTY);
                c.push(STANDARD.encode(legacy));
            }
            c
        }
        Identity::Plan { config, local } => {
            // The configuration, and what tells principals apart on this machine: the user,
            // the machine, and a token-file source's token. Nothing here needs the network.
            let mut id = format!("plan v2\n{config}\n{}", local_principal(env));
            if let Some(local) = local {
                id.push('\n');
                id.push_str(local);
            }
            vec![format!("plan:{}", sha(id.as_bytes()))]
        }
        Identity::Unknown => return Vec::new(),
    };
    checksums
        .into_iter()
        .map(|c| match scope {
            KeyScope::Private { region, account_id } => format!("{region}-{c}-{account_id}"),
            KeyScope::Public => format!("ecr-public-{c}"),
        })
        .collect()
}

/// The user and the machine, read locally: the effective user id on Unix,
/// `USERDOMAIN\USERNAME` on Windows; the kernel's host name (else `HOSTNAME` or
/// `COMPUTERNAME`). Two pods on one node have two host names; two users, two ids.
fn local_principal(env: &Env) -> String {
    #[cfg(unix)]
    let user = crate::local::user::effective_uid().to_string();
    #[cfg(not(unix))]
    let user = env
        .get("USERNAME")
        .map(|u| format!("{}\\{u}", env.get("USERDOMAIN").unwrap_or("")))
        .unwrap_or_default();
    let machine = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .or_else(|| env.get("HOSTNAME").map(str::to_string))
        .or_else(|| env.get("COMPUTERNAME").map(str::to_string));
    format!("user {user}\nmachine {}", machine.unwrap_or_default())
}

/// `GODEBUG=fips140=on|only` makes the Go helper skip its MD5-era keys; so do we.
fn fips_only(env: &Env) -> bool {
    env.get("GODEBUG").is_some_and(|v| {
        v.split(',')
            .map(str::trim)
            .any(|s| s == "fips140=on" || s == "fips140=only")
    })
}

/// Why a cache file was not used.
#[derive(Debug)]
pub enum LoadProblem {
    Unreadable(std::io::Error),
    TooLarge,
    Corrupt(String),
    ForeignVersion(String),
}

impl std::fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadProblem::Unreadable(e) => write!(f, "cannot be read ({e})"),
            LoadProblem::TooLarge => write!(f, "is larger than {MAX_CACHE_FILE} bytes"),
            LoadProblem::Corrupt(e) => write!(f, "is not valid ({e})"),
            // Not the value itself: nothing read from a file goes into a message or the log.
            LoadProblem::ForeignVersion(_) => write!(f, "has another version than {VERSION:?}"),
        }
    }
}

impl std::error::Error for LoadProblem {}

/// All entries of a cache file. A missing file is empty.
pub fn load(path: &Path) -> Result<BTreeMap<String, Entry>, LoadProblem> {
    match files::read_private(path, MAX_CACHE_FILE) {
        Ok(Some(bytes)) => parse(&bytes),
        Ok(None) => Ok(BTreeMap::new()),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => Err(LoadProblem::TooLarge),
        Err(e) => Err(LoadProblem::Unreadable(e)),
    }
}

/// Go reads JSON keys case-insensitively; so do we.
fn field<'a>(obj: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// Temp files of writers that were killed before their rename. Only old ones: a live writer
/// that went on without the lock may still be writing a new one.
fn remove_stale_temp_files(path: &Path) {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let prefix = format!(".{name}.tmp");
    let dir = path.parent().unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(60));
        if old && e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

pub fn parse(bytes: &[u8]) -> Result<BTreeMap<String, Entry>, LoadProblem> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| LoadProblem::Corrupt(e.to_string()))?;
    let obj = v
        .as_object()
        .ok_or_else(|| LoadProblem::Corrupt("not a JSON object".into()))?;
    let version = field(obj, "Version").and_then(Value::as_str).unwrap_or("");
    if version != VERSION {
        return Err(LoadProblem::ForeignVersion(version.to_string()));
    }
    let registries = field(obj, "Registries").and_then(Value::as_object);
    Ok(registries
        .into_iter()
        .flatten()
        .filter_map(|(key, e)| Some((key.clone(), entry(e)?)))
        .collect())
}

/// One entry's object; `None` when its times are missing or not RFC 3339 (skipped, as Go
/// skips what it cannot use).
fn entry(e: &Value) -> Option<Entry> {
    let e = e.as_object()?;
    let text = |n: &str| field(e, n).and_then(Value::as_str).unwrap_or("");
    let time = |n: &str| OffsetDateTime::parse(text(n), &Rfc3339).ok();
    let service = match text("Service") {
        "" => "ecr", // entries from before ECR Public had no Service
        s => s,
    };
    Some(Entry {
        token: Secret::new(text("AuthorizationToken").to_string()),
        requested_at: time("RequestedAt")?,
        expires_at: time("ExpiresAt")?,
        proxy_endpoint: text("ProxyEndpoint").to_string(),
        service: service.to_string(),
    })
}

/// Every entry that has not expired (`list`); an unreadable file holds none.
pub fn unexpired(path: &Path, now: OffsetDateTime) -> Vec<Entry> {
    load(path)
        .unwrap_or_default()
        .into_values()
        .filter(|e| !e.is_expired(now))
        .collect()
}

/// The first of `keys` that the file holds. A hit parses only that entry, so that it stays
/// cheap however many registries the file holds; a file in another shape than the one both
/// helpers write gets the full parse.
pub fn lookup(path: &Path, keys: &[String]) -> Result<Option<(String, Entry)>, LoadProblem> {
    let bytes = match files::read_private(path, MAX_CACHE_FILE) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            return Err(LoadProblem::TooLarge);
        }
        Err(e) => return Err(LoadProblem::Unreadable(e)),
    };
    lookup_in(&bytes, keys)
}

/// [`lookup`] on the file's bytes.
pub fn lookup_in(bytes: &[u8], keys: &[String]) -> Result<Option<(String, Entry)>, LoadProblem> {
    if let Some(found) = find_entry(bytes, keys) {
        return Ok(found);
    }
    let all = parse(bytes)?;
    Ok(keys
        .iter()
        .find_map(|k| all.get(k).map(|e| (k.clone(), e.clone()))))
}

/// The entry of the first key present, found by its quoted key followed by `:` and an object,
/// in a file whose last member is `"Version": "1.0"` (how both helpers write it). `None`
/// when the file is not in that shape, so that the caller parses it all.
fn find_entry(bytes: &[u8], keys: &[String]) -> Option<Option<(String, Entry)>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let version = text.rfind("\"Version\"")?;
    let value = text[version + 9..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let tail = value.strip_prefix("\"1.0\"")?.trim_start();
    if tail != "}" {
        return None;
    }
    for key in keys {
        // The key as JSON writes it (quoted, escaped where it must be).
        let quoted = serde_json::to_string(key).ok()?;
        let mut from = 0;
        while let Some(i) = text[from..].find(&quoted) {
            from += i + quoted.len();
            let Some(object) = text[from..]
                .trim_start()
                .strip_prefix(':')
                .map(str::trim_start)
                .filter(|o| o.starts_with('{'))
            else {
                continue;
            };
            let start = text.len() - object.len();
            let value: Value = serde_json::Deserializer::from_str(&text[start..])
                .into_iter()
                .next()?
                .ok()?;
            return Some(entry(&value).map(|e| (key.clone(), e)));
        }
    }
    Some(None)
}

/// The file text in the Go helper's layout (two-space indent, sorted keys, no final newline).
pub fn render(entries: &BTreeMap<String, Entry>) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let t = |d: &OffsetDateTime| q(&d.format(&Rfc3339).unwrap_or_default());
    let mut out = String::from("{\n  \"Registries\": {");
    for (i, (key, e)) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&format!(
            "    {}: {{\n      \"AuthorizationToken\": {},\n      \"RequestedAt\": {},\n      \"ExpiresAt\": {},\n      \"ProxyEndpoint\": {},\n      \"Service\": {}\n    }}",
            q(key),
            q(e.token.expose()),
            t(&e.requested_at),
            t(&e.expires_at),
            q(&e.proxy_endpoint),
            q(&e.service)
        ));
    }
    if !entries.is_empty() {
        out.push_str("\n  ");
    }
    out.push_str("},\n  \"Version\": \"1.0\"\n}");
    out
}

/// What a store did with a file it could not use.
#[derive(Debug)]
pub enum Replaced {
    /// The file was readable but not a cache of ours (corrupt, another version): replaced
    /// by one holding the new entry, as the Go helper does.
    Unusable(LoadProblem),
}

/// Adds `entry` under `key`: reads the file again, drops expired entries (ours or the Go
/// helper's), and replaces it atomically. A file that parses as something else is replaced
/// (and that is returned, to be logged); one that could not be read whole is left alone, so
/// that no entry is ever lost to a read that failed.
pub fn store(
    path: &Path,
    key: &str,
    entry: Entry,
    now: OffsetDateTime,
) -> std::io::Result<Option<Replaced>> {
    // A writer stopped in mid-store (^Z, a stalled fsync) may resume after waiters replaced
    // its lock and stored their own tokens: it must not rename over what it never read. So
    // the file's version is taken before the read and checked again before the rename; a
    // change means read, merge and write again. (What is left is the instant between that
    // check and the rename.)
    for _ in 0..8 {
        let before = files::version(path)?;
        let (bytes, replaced) = merged(path, key, &entry, now)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        // Checked again now, not only at start: a directory on the way swapped during the
        // fetch must not redirect the write.
        files::create_private_dir(dir)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{e}; not saving")))?;
        let staged = files::stage(path, bytes.as_bytes())?;
        if files::version(path)? != before {
            continue;
        }
        staged.commit()?;
        remove_stale_temp_files(path);
        lock::sweep(&dir.join("locks"));
        return Ok(replaced);
    }
    Err(std::io::Error::other(
        "other helpers kept replacing the cache file while this one stored its token; not saved",
    ))
}

/// The file's text with `entry` under `key` and expired entries dropped.
fn merged(
    path: &Path,
    key: &str,
    entry: &Entry,
    now: OffsetDateTime,
) -> std::io::Result<(String, Option<Replaced>)> {
    let (mut entries, replaced) = match load(path) {
        Ok(entries) => (entries, None),
        Err(LoadProblem::Unreadable(e)) => return Err(e),
        Err(LoadProblem::TooLarge) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                format!("the cache file is larger than {MAX_CACHE_FILE} bytes; not rewriting it"),
            ));
        }
        Err(problem) => (BTreeMap::new(), Some(Replaced::Unusable(problem))),
    };
    entries.retain(|_, e| !e.is_expired(now));
    entries.insert(key.to_string(), entry.clone());
    Ok((render(&entries), replaced))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn static_key(akid: &str) -> Identity {
        Identity::AccessKey(akid.into())
    }

    /// No key for an identity that cannot be told: nothing is looked up, nothing stored.
    #[test]
    fn an_unknown_identity_has_no_key() {
        let env = Env::from_pairs([]);
        assert!(keys(&KeyScope::Public, &Identity::Unknown, &env).is_empty());
    }

    #[test]
    fn go_cache_keys() {
        let reg = KeyScope::Private {
            region: "us-west-2".into(),
            account_id: "123456789012".into(),
        };
        let keys = keys(&reg, &static_key("accessKey"), &Env::default());
        assert_eq!(
            keys,
            [
                "us-west-2-xOV45/s/9aT8cbO8tDicjEV1KKkfpLdKrQs0ipPGgGc=-123456789012",
                "us-west-2-YWNjZXNzS2V51B2M2Y8AsgTpgAmY7PhCfg==-123456789012"
            ]
        );
        let public = KeyScope::Public;
        let env = Env::from_pairs([("GODEBUG", "x=1, fips140=only")]);
        assert_eq!(
            keys_for(&public, &env),
            ["ecr-public-xOV45/s/9aT8cbO8tDicjEV1KKkfpLdKrQs0ipPGgGc="]
        );
    }

    fn keys_for(reg: &KeyScope, env: &Env) -> Vec<String> {
        keys(reg, &static_key("accessKey"), env)
    }

    #[test]
    fn half_life_rule() {
        let e = Entry {
            token: Secret::default(),
            requested_at: datetime!(2026-01-01 00:00 UTC),
            expires_at: datetime!(2026-01-01 12:00 UTC),
            proxy_endpoint: String::new(),
            service: "ecr".into(),
        };
        assert!(e.is_fresh(datetime!(2026-01-01 05:59:59 UTC)));
        assert!(!e.is_fresh(datetime!(2026-01-01 06:00 UTC)));
        assert!(!e.is_expired(datetime!(2026-01-01 11:59:59 UTC)));
        assert!(e.is_expired(datetime!(2026-01-01 12:00 UTC)));
    }

    #[test]
    fn reads_go_written_files() {
        let go = r#"{
  "Registries": {
    "us-west-2-abc-123456789012": {
      "AuthorizationToken": "QVdTOnBhc3M=",
      "RequestedAt": "2026-11-26T20:45:02.588344901-05:00",
      "ExpiresAt": "2026-11-27T13:45:02.587Z",
      "ProxyEndpoint": "https://123456789012.dkr.ecr.us-west-2.amazonaws.com",
      "Service": "ecr"
    },
    "old": {
      "authorizationtoken": "QVdTOnBhc3M=",
      "RequestedAt": "2026-11-26T20:45:02Z",
      "ExpiresAt": "2026-11-27T08:45:02Z",
      "ProxyEndpoint": "https://123456789012.dkr.ecr.us-west-2.amazonaws.com"
    }
  },
  "Version": "1.0"
}"#;
        let entries = parse(go.as_bytes()).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries["old"].service, "ecr");
        assert_eq!(entries["old"].token.as_str(), "QVdTOnBhc3M=");
        assert_eq!(
            entries["us-west-2-abc-123456789012"].expires_at,
            datetime!(2026-11-27 13:45:02.587 UTC)
        );
        // What we write reads back the same.
        assert_eq!(parse(render(&entries).as_bytes()).unwrap(), entries);
    }

    #[test]
    fn foreign_or_corrupt_files() {
        assert!(matches!(
            parse(br#"{"Registries":{},"Version":"2.0"}"#),
            Err(LoadProblem::ForeignVersion(_))
        ));
        assert!(matches!(parse(b"garbage"), Err(LoadProblem::Corrupt(_))));
        assert!(matches!(parse(b"[1]"), Err(LoadProblem::Corrupt(_))));
        assert_eq!(
            render(&BTreeMap::new()),
            "{\n  \"Registries\": {},\n  \"Version\": \"1.0\"\n}"
        );
    }

    #[test]
    fn a_hit_finds_its_entry_as_the_full_parse_does() {
        let mut entries = BTreeMap::new();
        for i in 0..50u64 {
            entries.insert(
                format!("eu-west-1-key{i}=-{:012}", 100 + i),
                Entry {
                    token: Secret::new(STANDARD.encode(format!("AWS:pw{i}"))),
                    requested_at: datetime!(2030-01-01 0:00 UTC),
                    expires_at: datetime!(2030-01-01 12:00 UTC),
                    proxy_endpoint: format!(
                        "https://{:012}.dkr.ecr.eu-west-1.amazonaws.com",
                        100 + i
                    ),
                    service: "ecr".into(),
                },
            );
        }
        let text = render(&entries);
        let all = parse(text.as_bytes()).unwrap();
        for (k, e) in &all {
            // The fast path answers (not the fallback), and agrees with the full parse.
            let quick = find_entry(text.as_bytes(), std::slice::from_ref(k))
                .expect("the fast path applies");
            assert_eq!(quick, Some((k.clone(), e.clone())));
        }
        let missing = vec!["eu-west-1-nothere=-1".to_string()];
        assert_eq!(find_entry(text.as_bytes(), &missing), Some(None));
        // A key that appears only as a value is not an entry.
        let tricky = text.replace(
            "\"Service\": \"ecr\"",
            "\"Service\": \"eu-west-1-nothere=-1\"",
        );
        assert_eq!(lookup_in(tricky.as_bytes(), &missing).unwrap(), None);
        // Another shape (keys in other letter case, Version first) takes the full parse.
        let other = format!(
            "{{\"version\": \"1.0\", \"registries\": {}}}",
            &text[text.find(": {").unwrap() + 2..text.rfind(",\n  \"Version\"").unwrap()]
        );
        assert_eq!(find_entry(other.as_bytes(), &missing), None);
        let (k, e) = all.iter().next().unwrap();
        assert_eq!(
            lookup_in(other.as_bytes(), std::slice::from_ref(k)).unwrap(),
            Some((k.clone(), e.clone()))
        );
    }

    #[test]
    fn an_entry_requested_after_it_expired_is_never_fresh() {
        let e = Entry {
            token: Secret::default(),
            requested_at: datetime!(2030-01-01 0:00 UTC),
            expires_at: datetime!(2020-01-01 0:00 UTC),
            proxy_endpoint: String::new(),
            service: "ecr".into(),
        };
        assert!(!e.is_fresh(datetime!(2025-01-01 0:00 UTC)));
        assert!(e.refresh_at() <= e.expires_at);
        // Extremes do not overflow.
        let far = Entry {
            requested_at: datetime!(-9999-01-01 0:00 UTC),
            expires_at: datetime!(9999-12-31 23:59 UTC),
            ..e.clone()
        };
        assert!(far.refresh_at() <= far.expires_at);
        let back = Entry {
            requested_at: datetime!(9999-12-31 23:59 UTC),
            expires_at: datetime!(-9999-01-01 0:00 UTC),
            ..e
        };
        assert_eq!(back.refresh_at(), back.expires_at);
    }

    #[test]
    fn directory_and_switches() {
        let env = Env::from_pairs([("HOME", "/h")]);
        assert_eq!(file(&env), Some(PathBuf::from("/h/.ecr/cache.json")));
        let env = Env::from_pairs([("HOME", "/h"), ("AWS_ECR_CACHE_DIR", "~/c")]);
        assert_eq!(file(&env), Some(PathBuf::from("/h/c/cache.json")));
        let env = Env::from_pairs([("HOME", "/h"), ("AWS_ECR_DISABLE_CACHE", "false")]);
        assert_eq!(file(&env), None);
    }
}
