//! Where the config and credentials files are, per platform and environment.

use crate::local::env::Env;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Unix,
    Windows,
}

impl Platform {
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    fn separator(self) -> char {
        match self {
            Platform::Unix => '/',
            Platform::Windows => '\\',
        }
    }
}

/// The user's home: `HOME`; on Windows then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`.
/// With none of those set (systemd units, some CI runners) the platform's own answer (the
/// passwd entry on Unix) is used, so that a missing `HOME` neither hangs nor fails.
pub fn home_dir(env: &Env, platform: Platform) -> Option<String> {
    if let Some(h) = env.get("HOME") {
        return Some(h.to_string());
    }
    if platform == Platform::Windows {
        if let Some(h) = env.get("USERPROFILE") {
            return Some(h.to_string());
        }
        if let (Some(d), Some(p)) = (env.get("HOMEDRIVE"), env.get("HOMEPATH")) {
            return Some(format!("{d}{p}"));
        }
    }
    if platform == Platform::current() {
        return home::home_dir().and_then(|p| p.into_os_string().into_string().ok());
    }
    None
}

/// Expands a leading `~` path component (`~`, `~/x`, `~\x` on Windows) to the home directory.
pub fn expand_tilde(path: &str, env: &Env, platform: Platform) -> Option<String> {
    let Some(rest) = path.strip_prefix('~') else {
        return Some(path.to_string());
    };
    let sep_ok = rest.is_empty()
        || rest.starts_with('/')
        || (platform == Platform::Windows && rest.starts_with('\\'));
    if !sep_ok {
        return None; // `~user` is not supported
    }
    Some(format!("{}{rest}", home_dir(env, platform)?))
}

/// `(config file, credentials file)`.
pub fn file_locations(env: &Env, platform: Platform) -> (PathBuf, PathBuf) {
    let default = |name: &str| {
        let home = home_dir(env, platform).unwrap_or_default();
        let sep = platform.separator();
        format!("{home}{sep}.aws{sep}{name}")
    };
    let pick = |var: &str, name: &str| {
        let p = match env.get(var) {
            Some(p) => expand_tilde(p, env, platform).unwrap_or_else(|| p.to_string()),
            None => default(name),
        };
        PathBuf::from(p)
    };
    (
        pick("AWS_CONFIG_FILE", "config"),
        pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

/// The directory for the cache and the log: `AWS_ECR_CACHE_DIR` (with `~` expanded), or
/// `~/.ecr`. `None` when no home can be found, or when the directory may not be trusted
/// ([`cache_distrust`]): then there is no cache and no log.
pub fn cache_directory(env: &Env) -> Option<PathBuf> {
    let dir = configured_directory(env)?;
    distrust_of(&dir).is_none().then_some(dir)
}

fn configured_directory(env: &Env) -> Option<PathBuf> {
    let platform = Platform::current();
    match env.get("AWS_ECR_CACHE_DIR") {
        Some(dir) => expand_tilde(dir, env, platform).map(PathBuf::from),
        None => home_dir(env, platform).map(|h| Path::new(&h).join(".ecr")),
    }
}

/// Why the configured directory is not used, as `(the directory, the part that failed, why)`:
/// it, or a directory or link on the way to it, could let another user plant files or links
/// that would be served or written through.
pub fn cache_distrust(env: &Env) -> Option<(PathBuf, PathBuf, crate::local::files::Untrusted)> {
    let dir = configured_directory(env)?;
    let (part, why) = distrust_of(&dir)?;
    Some((dir, part, why))
}

fn distrust_of(dir: &Path) -> Option<(PathBuf, crate::local::files::Untrusted)> {
    // The log, the stderr report and the cache file each ask: check once per process.
    type Verdict = Option<(PathBuf, crate::local::files::Untrusted)>;
    static CHECKED: std::sync::Mutex<Option<(PathBuf, Verdict)>> = std::sync::Mutex::new(None);
    let mut checked = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((d, verdict)) = checked.as_ref()
        && d == dir
    {
        return verdict.clone();
    }
    // The directory alone: `log/` and `locks/` are checked where they are made and opened
    // (`create_private_dir`), which a hit never does.
    let verdict = crate::local::files::check_private_dir(dir).err();
    *checked = Some((dir.to_path_buf(), verdict.clone()));
    verdict
}
