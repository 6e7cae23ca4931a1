//! The shared config and credentials files: where they are, how they parse, and the
//! profiles, sso-sessions and services sections they define.

mod location;
pub mod parse;

pub use location::{
    Platform, cache_directory, cache_distrust, expand_tilde, file_locations, home_dir,
};
pub use parse::ParseError;

use crate::local::env::Env;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Property name → value, keys lower-cased.
pub type Properties = BTreeMap<String, String>;

/// Files larger than this are refused rather than read into memory.
const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    pub profiles: BTreeMap<String, Properties>,
    pub sso_sessions: BTreeMap<String, Properties>,
    pub services: BTreeMap<String, Properties>,
    /// Files that were not UTF-8, read with those bytes replaced: `(file, first bad line)`,
    /// for the caller to warn about (this module sits below the log).
    pub not_utf8: Vec<(PathBuf, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Config,
    Credentials,
}

#[derive(Debug)]
pub enum ConfigError {
    Parse {
        path: PathBuf,
        error: ParseError,
    },
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    TooLarge {
        path: PathBuf,
    },
    /// A directory, a FIFO or a device where a file is named.
    NotAFile {
        path: PathBuf,
        what: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Parse { path, error } => write!(
                f,
                "could not parse profile file {}: {error}; fix the file or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere",
                path.display()
            ),
            ConfigError::Read { path, error } => write!(
                f,
                "could not read {}: {error}; fix its permissions or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere",
                path.display()
            ),
            ConfigError::NotAFile { path, what } => write!(
                f,
                "{} is {what}, not a config file; point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a file, or move it away",
                path.display()
            ),
            ConfigError::TooLarge { path } => write!(
                f,
                "{} is larger than {} MiB, which no AWS config file is; point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at the right file",
                path.display(),
                MAX_FILE_SIZE / 1024 / 1024
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ProfileSet {
    /// Reads the config file, then the credentials file (which wins per key). A missing file
    /// is empty, as in every SDK.
    pub fn load(env: &Env) -> Result<ProfileSet, ConfigError> {
        let (config, credentials) = file_locations(env, Platform::current());
        let mut set = ProfileSet::default();
        if let Some(text) = read_optional(&config, &mut set.not_utf8)? {
            set.merge(&text, FileKind::Config)
                .map_err(|error| ConfigError::Parse {
                    path: config.clone(),
                    error,
                })?;
        }
        if let Some(text) = read_optional(&credentials, &mut set.not_utf8)? {
            set.merge(&text, FileKind::Credentials)
                .map_err(|error| ConfigError::Parse {
                    path: credentials.clone(),
                    error,
                })?;
        }
        Ok(set)
    }

    /// Parses `text` as a file of `kind` and merges its sections over what is already here.
    pub fn merge(&mut self, text: &str, kind: FileKind) -> Result<(), ParseError> {
        let sections = parse::parse(text)?;
        // `[profile default]` replaces `[default]` in the config file, whatever their order.
        let prefixed_default = kind == FileKind::Config
            && sections
                .iter()
                .any(|s| split_header(&s.header) == Some(("profile", "default")));
        for section in sections {
            let (table, name) = match (kind, split_header(&section.header)) {
                (FileKind::Config, Some(("profile", name))) => (&mut self.profiles, name),
                (FileKind::Config, Some(("sso-session", name))) => (&mut self.sso_sessions, name),
                (FileKind::Config, Some(("services", name))) => (&mut self.services, name),
                (FileKind::Config, None) if section.header == "default" && !prefixed_default => {
                    (&mut self.profiles, "default")
                }
                (FileKind::Credentials, None) => (&mut self.profiles, section.header.as_str()),
                _ => continue,
            };
            if !parse::valid_identifier(name) {
                continue;
            }
            table
                .entry(name.to_string())
                .or_default()
                .extend(section.properties);
        }
        Ok(())
    }

    pub fn profile(&self, name: &str) -> Option<&Properties> {
        self.profiles.get(name)
    }
}

/// `prefix name` → `(prefix, name)`; a header with no white space has no prefix.
fn split_header(header: &str) -> Option<(&str, &str)> {
    let i = header.find([' ', '\t'])?;
    Some((&header[..i], header[i..].trim_matches([' ', '\t'])))
}

/// The file's text; `None` when it does not exist. Bytes that are not UTF-8 (a Latin-1
/// `café` in a comment) are read as the Go SDK reads them, as they are, with only those bytes
/// replaced (by U+FFFD), and a warning names the file and line: never the whole file dropped
/// in silence, which made the helper use another source (the instance role) instead of the
/// profile.
fn read_optional(
    path: &Path,
    not_utf8: &mut Vec<(PathBuf, usize)>,
) -> Result<Option<String>, ConfigError> {
    match crate::local::files::read_limited(path, MAX_FILE_SIZE) {
        Ok(bytes) => Ok(bytes.map(|b| text_of(path, b, not_utf8))),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => Err(ConfigError::TooLarge {
            path: path.to_path_buf(),
        }),
        Err(error) => Err(match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => ConfigError::NotAFile {
                path: path.to_path_buf(),
                what: match m.is_dir() {
                    true => "a directory",
                    false => "not a regular file (a FIFO or a device)",
                },
            },
            _ => ConfigError::Read {
                path: path.to_path_buf(),
                error,
            },
        }),
    }
}

fn text_of(path: &Path, bytes: Vec<u8>, not_utf8: &mut Vec<(PathBuf, usize)>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            not_utf8.push((path.to_path_buf(), line));
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

/// A `[services NAME]` section's sub-properties for one service key, e.g.
/// `ecr = \n endpoint_url = https://…` → `{endpoint_url: https://…}`.
pub fn sub_properties(value: &str) -> Properties {
    value
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}
