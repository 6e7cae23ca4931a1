//! What the map says for a host: a section, and the pattern its header holds.

use std::fmt;

/// One `[registry PATTERN]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapEntry {
    pub pattern: Pattern,
    /// The line of its header.
    pub line: usize,
    /// `profile = NAME`.
    pub profile: Option<String>,
    /// `ecr = HOST` or `ecr = default`.
    pub ecr: Option<String>,
}

/// What a section's header matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// One host, as `get` normalises it.
    Exact(String),
    /// `*.SUFFIX`: every host ending `.SUFFIX` (whole labels).
    Suffix(String),
    /// `*`: every host.
    Any,
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Exact(h) => f.write_str(h),
            Pattern::Suffix(s) => write!(f, "*.{s}"),
            Pattern::Any => f.write_str("*"),
        }
    }
}
