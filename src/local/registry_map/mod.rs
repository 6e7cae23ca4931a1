//! The registry map, `~/.ecr/config` (or `AWS_ECR_CONFIG_FILE`): which AWS profile serves which
//! registry, and names of one's own that stand for an ECR registry. AWS INI syntax, read by the
//! parser of `~/.aws/config`:
//!
//! ```ini
//! [registry 111122223333.dkr.ecr.eu-west-1.amazonaws.com]
//! profile = prod
//!
//! [registry *.dkr.ecr.us-east-1.amazonaws.com]
//! profile = ci
//!
//! [registry registry.example.com]
//! ecr = 111122223333.dkr.ecr.eu-west-1.amazonaws.com
//! ```
//!
//! The exact host wins, then the longest `*.SUFFIX`, then `*`; ties go to the first in the
//! file. A file that does not parse, or that someone else could have written, fails every get
//! that consults it: an identity is never chosen by a file we cannot trust or read.

use crate::local::config::{ParseError, Platform, home_dir, parse};
use crate::local::env::Env;
use crate::local::files::{self, Untrusted};
use std::fmt;
use std::path::PathBuf;

mod entry;
mod quick;

pub use entry::{MapEntry, Pattern};

/// No map is anywhere near this; a larger file is refused, never half read.
const MAX_FILE: u64 = 1024 * 1024;

/// The variable that names the file (empty: no file).
pub const VARIABLE: &str = "AWS_ECR_CONFIG_FILE";

/// The file, its sections in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryMap {
    pub path: PathBuf,
    pub entries: Vec<MapEntry>,
}

/// Why the map cannot be used; each fails the get that consulted it.
#[derive(Debug)]
pub enum MapError {
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    TooLarge {
        path: PathBuf,
    },
    Parse {
        path: PathBuf,
        error: ParseError,
    },
    /// A `[registry …]` header whose pattern is not a host, `*.SUFFIX` or `*`.
    BadPattern {
        path: PathBuf,
        line: usize,
        pattern: String,
    },
    /// Someone else could have written it.
    Untrusted {
        path: PathBuf,
        part: PathBuf,
        why: Untrusted,
    },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fix = "fix it, or set AWS_ECR_CONFIG_FILE= (empty) to use no registry map";
        match self {
            MapError::Read { path, error } => write!(
                f,
                "could not read the registry map {}: {error}; {fix}",
                path.display()
            ),
            MapError::TooLarge { path } => write!(
                f,
                "the registry map {} is larger than {} KiB, which no map is; {fix}",
                path.display(),
                MAX_FILE / 1024
            ),
            MapError::Parse { path, error } => write!(
                f,
                "the registry map {} does not parse: {error}; {fix}",
                path.display()
            ),
            MapError::BadPattern {
                path,
                line,
                pattern,
            } => write!(
                f,
                "the registry map {} line {line}: [registry {pattern}] names no host (write a host, *.SUFFIX or *); {fix}",
                path.display()
            ),
            MapError::Untrusted { path, part, why } => {
                let what = match why {
                    Untrusted::Owner { owner, .. } | Untrusted::ParentOwner { owner } => {
                        format!("belongs to user id {owner}, neither root nor you")
                    }
                    Untrusted::Writable { mode } | Untrusted::ParentWritable { mode } => {
                        format!("may be written by others (mode {mode:o})")
                    }
                    Untrusted::LinkOwner { owner } => {
                        format!("is a link made by user id {owner}")
                    }
                    other => other.to_string(),
                };
                write!(
                    f,
                    "the registry map {} is not used, as it chooses identities and {} {what}; make it yours (or root's) and writable only by its owner (chmod go-w), or set AWS_ECR_CONFIG_FILE= (empty) to use no map",
                    path.display(),
                    part.display()
                )
            }
        }
    }
}

impl std::error::Error for MapError {}

/// Where the map is: `AWS_ECR_CONFIG_FILE` when set (empty: none), else `~/.ecr/config` (the
/// home as for `~/.aws`; `AWS_ECR_CACHE_DIR` does not move it).
pub fn location(env: &Env) -> Option<PathBuf> {
    match env.raw(VARIABLE) {
        Some("") => None,
        Some(path) => Some(PathBuf::from(path)),
        None => {
            let home = home_dir(env, Platform::current())?;
            Some(PathBuf::from(home).join(".ecr").join("config"))
        }
    }
}

/// The section for `key` (a host as `route::map_key` makes it) and the file it is in;
/// `Ok(None)` when there is no file (one failed open: a hit pays nothing more). A map written
/// the plain way is read once, by bytes, keeping only what could be the answer
/// ([`quick`]); anything else gets the full reading ([`entries`]), with its warnings.
pub fn find(env: &Env, key: &str) -> Result<Option<(PathBuf, Option<MapEntry>)>, MapError> {
    let Some((path, bytes)) = read(env)? else {
        return Ok(None);
    };
    match quick::quick(&bytes, key) {
        Some(entry) => Ok(Some((path, entry))),
        None => {
            let map = entries(path, &String::from_utf8_lossy(&bytes))?;
            let entry = map.lookup(key).cloned();
            Ok(Some((map.path, entry)))
        }
    }
}

/// The file's path and bytes, if there is a file, once it has passed the trust walk.
fn read(env: &Env) -> Result<Option<(PathBuf, Vec<u8>)>, MapError> {
    let Some(path) = location(env) else {
        return Ok(None);
    };
    let bytes = match files::read_limited(&path, MAX_FILE) {
        Ok(None) => return Ok(None),
        Ok(Some(bytes)) => bytes,
        // A home that is a file (or a path through one) holds no map, as it holds no file.
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            return Err(MapError::TooLarge { path });
        }
        Err(error) => return Err(MapError::Read { path, error }),
    };
    // It exists: it must be one nobody else could have written.
    if let Err((part, why)) = files::check_trusted_file(&path) {
        return Err(MapError::Untrusted { path, part, why });
    }
    Ok(Some((path, bytes)))
}

/// Every section of the map's text, through the parser of `~/.aws/config`.
fn entries(path: PathBuf, text: &str) -> Result<RegistryMap, MapError> {
    let sections = match parse::parse(text) {
        Ok(s) => s,
        Err(error) => return Err(MapError::Parse { path, error }),
    };
    let mut entries = Vec::new();
    for section in sections {
        let Some(pattern) = section.header.strip_prefix("registry") else {
            crate::local::log::warn(
                "Ignoring a section of the registry map that is not [registry …]",
                &[
                    ("file", &path.display().to_string()),
                    ("line", &section.line.to_string()),
                ],
            );
            continue;
        };
        let raw = pattern.trim_matches([' ', '\t']);
        let Some(pattern) = pattern_of(raw).filter(|_| pattern.starts_with([' ', '\t'])) else {
            return Err(MapError::BadPattern {
                path,
                line: section.line,
                pattern: raw.to_string(),
            });
        };
        let mut entry = MapEntry {
            pattern,
            line: section.line,
            profile: None,
            ecr: None,
        };
        for (key, value) in section.properties {
            match key.as_str() {
                "profile" => entry.profile = Some(value),
                "ecr" => entry.ecr = Some(value.to_ascii_lowercase()),
                _ => crate::local::log::warn(
                    "Ignoring an unknown key of the registry map",
                    &[
                        ("file", &path.display().to_string()),
                        ("section", &entry.pattern.to_string()),
                        ("key", &key),
                    ],
                ),
            }
        }
        entries.push(entry);
    }
    Ok(RegistryMap { path, entries })
}

/// A header's pattern, normalised as `get` normalises a host (lower case, no trailing dot).
fn pattern_of(raw: &str) -> Option<Pattern> {
    let p = raw.to_ascii_lowercase();
    let p = p.strip_suffix('.').unwrap_or(&p);
    let label_chars = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && !s.ends_with('.')
            && !s.contains("..")
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
    };
    match p {
        "*" => Some(Pattern::Any),
        _ => match p.strip_prefix("*.") {
            Some(suffix) => label_chars(suffix).then(|| Pattern::Suffix(suffix.to_string())),
            None => label_chars(p).then(|| Pattern::Exact(p.to_string())),
        },
    }
}

impl RegistryMap {
    /// The section for `host` (normalised as `get` does: lower case, no trailing dot): the
    /// exact host, else the longest matching `*.SUFFIX`, else `*`; ties to the first.
    pub fn lookup(&self, host: &str) -> Option<&MapEntry> {
        let host = host.to_ascii_lowercase();
        let host = host.strip_suffix('.').unwrap_or(&host);
        let exact = self
            .entries
            .iter()
            .find(|e| matches!(&e.pattern, Pattern::Exact(h) if h == host));
        let suffix = || {
            self.entries
                .iter()
                .filter_map(|e| match &e.pattern {
                    Pattern::Suffix(s) if host.ends_with(&format!(".{s}")) => Some((s.len(), e)),
                    _ => None,
                })
                // The longest; among equals the first (max_by_key keeps the last).
                .fold(None::<(usize, &MapEntry)>, |best, (n, e)| match best {
                    Some((m, _)) if m >= n => best,
                    _ => Some((n, e)),
                })
                .map(|(_, e)| e)
        };
        let any = || {
            self.entries
                .iter()
                .find(|e| matches!(e.pattern, Pattern::Any))
        };
        exact.or_else(suffix).or_else(any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, &str)]) -> RegistryMap {
        RegistryMap {
            path: PathBuf::from("config"),
            entries: entries
                .iter()
                .enumerate()
                .map(|(i, (p, profile))| MapEntry {
                    pattern: pattern_of(p).unwrap(),
                    line: i + 1,
                    profile: Some(profile.to_string()),
                    ecr: None,
                })
                .collect(),
        }
    }

    #[test]
    fn exact_then_longest_suffix_then_any_whatever_the_order() {
        let m = map(&[
            ("*", "any"),
            ("*.amazonaws.com", "short"),
            ("*.dkr.ecr.eu-west-1.amazonaws.com", "long"),
            ("*.dkr.ecr.eu-west-1.amazonaws.com", "long-second"),
            ("1111.dkr.ecr.eu-west-1.amazonaws.com", "exact"),
        ]);
        let chosen = |h: &str| m.lookup(h).and_then(|e| e.profile.clone()).unwrap();
        assert_eq!(chosen("1111.dkr.ecr.eu-west-1.amazonaws.com"), "exact");
        assert_eq!(chosen("1111.DKR.ecr.eu-west-1.amazonaws.com."), "exact");
        assert_eq!(chosen("2222.dkr.ecr.eu-west-1.amazonaws.com"), "long");
        assert_eq!(chosen("2222.dkr.ecr.us-east-1.amazonaws.com"), "short");
        assert_eq!(chosen("ghcr.io"), "any");
        // A suffix matches whole labels only.
        assert_eq!(chosen("xamazonaws.com"), "any");
        let none = map(&[("*.example.com", "x")]);
        assert!(none.lookup("example.com").is_none());
        assert!(none.lookup("ghcr.io").is_none());
    }

    #[test]
    fn patterns() {
        assert_eq!(pattern_of("*"), Some(Pattern::Any));
        assert_eq!(
            pattern_of("*.Example.COM."),
            Some(Pattern::Suffix("example.com".into()))
        );
        assert_eq!(
            pattern_of("registry.example.com:5000"),
            Some(Pattern::Exact("registry.example.com:5000".into()))
        );
        for bad in ["", "a..b", "a b", "*x.com", "https://x/y", "**"] {
            assert_eq!(pattern_of(bad), None, "{bad}");
        }
    }

    /// Random maps from pieces that either reading takes, and pieces only the full one does:
    /// wherever the quick reading answers, it answers as the full reading does.
    #[test]
    fn quick_agrees_with_the_full_reading() {
        let headers = [
            "[registry *]",
            "[registry *.amazonaws.com]",
            "[registry *.dkr.ecr.eu-west-1.amazonaws.com]",
            "[registry *.DKR.ecr.eu-west-1.amazonaws.com.]",
            "[registry 111122223333.dkr.ecr.eu-west-1.amazonaws.com]",
            "[registry registry.example.com]",
            "[registry registry.example.com:5000]",
            "[registry *.example.com]",
            "  [registry *]  ",
            "[profile dev]",
            "[registry a..b]",
            "[registryx]",
            "[registry x] # note",
            "[registry ]",
            "[ registry  *.example.com ]",
            "[registry\t*]",
            "[registry a b]",
            "[registry *x.com]",
            "[registry **]",
            "[registry \u{e9}.example.com]",
            "[registry *.]",
            "[registry registry.example.com.]\r",
            "[registry *..example.com]",
        ];
        let lines = [
            "profile = a",
            "profile=b",
            "ecr = 111122223333.DKR.ecr.eu-west-1.amazonaws.com",
            "ecr = default",
            "colour = blue",
            "Profile = c",
            "profile = d # inline",
            "  continued",
            "# comment",
            "; comment",
            "",
            "   ",
            "profile =",
            "profile = e\r",
            "ecr\t=\tdefault ",
            "profile = caf\u{e9}",
            "profile = f\rg",
            "profiles = g",
            "\r",
        ];
        let hosts = [
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com",
            "222233334444.dkr.ecr.eu-west-1.amazonaws.com",
            "registry.example.com",
            "registry.example.com:5000",
            "x.example.com",
            "ghcr.io",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut quick_answers, mut checked) = (0, 0);
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..next(8) {
                text.push_str(headers[next(headers.len())]);
                text.push('\n');
                for _ in 0..next(4) {
                    text.push_str(lines[next(lines.len())]);
                    text.push('\n');
                }
            }
            for host in hosts {
                let full = entries(PathBuf::from("map"), &text).map(|m| m.lookup(host).cloned());
                checked += 1;
                match (quick::quick(text.as_bytes(), host), full) {
                    (None, _) => {}
                    (Some(q), Ok(f)) => {
                        quick_answers += 1;
                        assert_eq!(q, f, "{host} in:\n{text}");
                    }
                    (q, f) => panic!("{host}: quick {q:?}, full {f:?} in:\n{text}"),
                }
            }
        }
        // Both paths were exercised.
        assert!(
            quick_answers > checked / 10 && quick_answers < checked,
            "{quick_answers} of {checked}"
        );
    }

    #[test]
    fn where_the_file_is() {
        let env = Env::from_pairs([("HOME", "/h")]);
        assert_eq!(location(&env), Some(PathBuf::from("/h/.ecr/config")));
        let env = Env::from_pairs([("HOME", "/h"), (VARIABLE, "")]);
        assert_eq!(location(&env), None);
        let env = Env::from_pairs([("HOME", "/h"), (VARIABLE, "/etc/ecr-map")]);
        assert_eq!(location(&env), Some(PathBuf::from("/etc/ecr-map")));
    }
}
