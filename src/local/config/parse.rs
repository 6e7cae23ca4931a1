//! The shared config / credentials file grammar, as the AWS SDKs' shared test suite
//! (`profile-parser-tests.json`) defines it.

use std::fmt;

/// One `[header]` block as written, before the config/credentials rules name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The text between the brackets, trimmed (`profile foo`, `default`, `sso-session x`).
    pub header: String,
    /// The line the header is on, for messages that point at it.
    pub line: usize,
    /// Properties in file order; keys lower-cased.
    pub properties: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// `s` without leading and trailing spaces and tabs, by bytes: both are ASCII, so the cut
/// is on a character boundary (a `char` trim costs several times more at `opt-level = "z"`,
/// and every `get` with a registry map or a config file reads every line).
pub(crate) fn trim_ws(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b
        .iter()
        .position(|&c| c != b' ' && c != b'\t')
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != b'\t')
        .map_or(start, |i| i + 1);
    &s[start..end.max(start)]
}

/// Where a continuation line goes.
enum Open {
    None,
    /// Index of the property in the current section; `sub` when its value was empty, so that
    /// continuations must be `key = value` sub-properties.
    Property {
        index: usize,
        sub: bool,
    },
    /// A property with an invalid name: its continuations are dropped with it.
    Ignored,
}

pub fn parse(text: &str) -> Result<Vec<Section>, ParseError> {
    let mut sections: Vec<Section> = Vec::new();
    let mut open = Open::None;
    for (n, raw) in text.split('\n').enumerate() {
        let line_no = n + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let err = |message| {
            Err(ParseError {
                line: line_no,
                message,
            })
        };
        if trim_ws(line).is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            let header = trim_ws(line);
            // By bytes: a `[char; 2]` pattern's search costs thousands of instructions a line.
            let header = header
                .bytes()
                .position(|b| b == b'#' || b == b';')
                .map_or(header, |i| trim_ws(&header[..i]));
            let Some(inner) = header.strip_prefix('[').and_then(|h| h.strip_suffix(']')) else {
                return err("Profile definition must end with ']'");
            };
            sections.push(Section {
                header: trim_ws(inner).to_string(),
                line: line_no,
                properties: Vec::new(),
            });
            open = Open::None;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return err("Expected a profile definition");
        };
        if line.starts_with(is_ws) {
            let value = trim_ws(line);
            match open {
                Open::None => return err("Expected a property definition, found continuation"),
                Open::Ignored => {}
                Open::Property { index, sub } => {
                    if sub {
                        let Some((k, _)) = value.split_once('=') else {
                            return err("Expected an '=' sign defining a sub-property");
                        };
                        if trim_ws(k).is_empty() {
                            return err("Sub-property did not have a name");
                        }
                    }
                    let v = &mut section.properties[index].1;
                    v.push('\n');
                    v.push_str(value);
                }
            }
            continue;
        }
        let line = strip_inline_comment(trim_ws(line));
        let Some((key, value)) = line.split_once('=') else {
            return err("Expected an '=' sign defining a property");
        };
        let key = trim_ws(key);
        let value = trim_ws(value);
        if key.is_empty() {
            return err("Property did not have a name");
        }
        if !valid_identifier(key) {
            open = Open::Ignored;
            continue;
        }
        section
            .properties
            .push((key.to_ascii_lowercase(), value.to_string()));
        open = Open::Property {
            index: section.properties.len() - 1,
            sub: value.is_empty(),
        };
    }
    Ok(sections)
}

/// A `#` or `;` that follows a space or tab starts a comment; `a=b#c` keeps `b#c`.
fn strip_inline_comment(line: &str) -> &str {
    // By bytes: `#`, `;`, space and tab are ASCII, never inside a multi-byte character.
    let b = line.as_bytes();
    for i in 1..b.len() {
        if (b[i] == b'#' || b[i] == b';') && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
            return trim_ws(&line[..i]);
        }
    }
    line
}

/// Profile, section and property names: `[A-Za-z0-9_\-/.%@:+]+`.
pub fn valid_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-/.%@:+".contains(&b))
}
