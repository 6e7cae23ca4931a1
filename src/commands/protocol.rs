//! The docker credential-helper protocol: what comes in on stdin, what goes out on stdout.

use std::io::Read;

/// Go's `bufio.Scanner` refuses lines over 64 KiB; no registry host comes near it.
pub const MAX_INPUT: usize = 64 * 1024;

/// What every failed `get` prints on stdout: docker, podman and skopeo then go on without
/// credentials, as they do for the Go helper.
pub const NOT_FOUND: &str = "credentials not found in native keychain";

/// What `get`, `store` and `erase` print for an empty server URL, as the Go helper does.
pub const NO_SERVER_URL: &str = "no credentials server URL";

pub const USAGE: &str = "Usage: docker-credential-ecr-login <store|get|erase|list|version>";

/// What is wrong with what came in on stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    Unreadable(String),
    TooLong,
    NotUtf8,
    /// `store`'s JSON, as serde_json read it.
    NotJson(String),
    NoServerUrl,
    NoUsername,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Unreadable(e) => {
                write!(f, "could not read the registry host from stdin: {e}")
            }
            InputError::TooLong => write!(
                f,
                "the registry host on stdin is longer than {} KiB; docker sends a host name such as 123456789012.dkr.ecr.us-east-1.amazonaws.com",
                MAX_INPUT / 1024
            ),
            InputError::NotUtf8 => f.write_str("the registry host on stdin is not UTF-8 text"),
            InputError::NotJson(e) => f.write_str(e),
            InputError::NoServerUrl => f.write_str(NO_SERVER_URL),
            InputError::NoUsername => f.write_str("no credentials username"),
        }
    }
}

impl std::error::Error for InputError {}

/// Reads stdin, at most [`MAX_INPUT`] bytes of it.
pub fn read_input(input: &mut dyn Read) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    input
        .take(MAX_INPUT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::Unreadable(e.to_string()))?;
    if bytes.len() > MAX_INPUT {
        return Err(InputError::TooLong);
    }
    Ok(bytes)
}

/// The server URL in `get`'s input: all lines joined with nothing between them, then trimmed.
pub fn server_url(bytes: &[u8]) -> Result<String, InputError> {
    let text = std::str::from_utf8(bytes).map_err(|_| InputError::NotUtf8)?;
    let joined: String = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    Ok(joined.trim().to_string())
}

/// The server URL a `store` is for, if its input says (the checks are [`validate_store`]'s).
pub fn store_server_url(input: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(input).ok()?;
    Some(v.get("ServerURL")?.as_str()?.to_string())
}

/// Writes `s` as a JSON string the way Go's encoder does: `<`, `>`, `&`, U+2028 and U+2029
/// escaped too.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    // Runs that need no escape (a token is all of one) are copied whole. Every character to
    // escape is ASCII but U+2028 and U+2029, which start with the byte 0xE2.
    let mut run = 0;
    for (at, &b) in s.as_bytes().iter().enumerate() {
        let escaped = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            b'<' | b'>' | b'&' => None,
            b if b < 0x20 => None,
            0xE2 if s[at..].starts_with(['\u{2028}', '\u{2029}']) => None,
            _ => continue,
        };
        // `at` starts a character: every byte matched above does.
        let c = s[at..].chars().next().unwrap_or_default();
        out.push_str(&s[run..at]);
        run = at + c.len_utf8();
        match escaped {
            Some(escaped) => out.push_str(escaped),
            None => out.push_str(&format!("\\u{:04x}", c as u32)),
        }
    }
    out.push_str(&s[run..]);
    out.push('"');
    out
}

/// The `get` answer, fields in the Go helper's order.
pub fn credentials_json(server_url: &str, username: &str, secret: &str) -> String {
    format!(
        "{{\"ServerURL\":{},\"Username\":{},\"Secret\":{}}}",
        json_string(server_url),
        json_string(username),
        json_string(secret)
    )
}

/// `store`'s input checks, in the order docker-credential-helpers makes them; the server URL.
pub fn validate_store(input: &[u8]) -> Result<String, InputError> {
    let v: serde_json::Value =
        serde_json::from_slice(input).map_err(|e| InputError::NotJson(e.to_string()))?;
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("");
    if text("ServerURL").is_empty() {
        return Err(InputError::NoServerUrl);
    }
    if text("Username").is_empty() {
        return Err(InputError::NoUsername);
    }
    Ok(text("ServerURL").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &[u8]) -> Result<String, InputError> {
        server_url(&read_input(&mut &s[..])?)
    }

    #[test]
    fn input_lines_are_joined_and_trimmed() {
        assert_eq!(
            read(b"  123456789012.dkr.ecr.\nus-west-2.amazonaws.com\r\n").unwrap(),
            "123456789012.dkr.ecr.us-west-2.amazonaws.com"
        );
        assert_eq!(read(b"").unwrap(), "");
        assert!(read(&vec![b'a'; MAX_INPUT + 1]).is_err());
        assert!(read(&vec![b'a'; MAX_INPUT]).is_ok());
        assert!(read(b"\xff\xfe").is_err());
    }

    #[test]
    fn json_like_go() {
        assert_eq!(
            credentials_json("https://h/<x>&", "AWS", "p\"w"),
            r#"{"ServerURL":"https://h/\u003cx\u003e\u0026","Username":"AWS","Secret":"p\"w"}"#
        );
    }

    #[test]
    fn every_escape_between_runs_of_plain_text() {
        assert_eq!(json_string(""), r#""""#);
        assert_eq!(json_string("plain"), r#""plain""#);
        assert_eq!(
            json_string("a\"b\\c\nd\re\tf\u{1}g\u{1f}h<i>j&k\u{2028}l\u{2029}m"),
            r#""a\"b\\c\nd\re\tf\u0001g\u001fh\u003ci\u003ej\u0026k\u2028l\u2029m""#
        );
        // Other characters, those starting with 0xE2 too, pass as they are.
        assert_eq!(
            json_string("é€\u{2027}\u{202a}→"),
            "\"é€\u{2027}\u{202a}→\""
        );
        assert_eq!(json_string("\u{2028}"), r#""\u2028""#);
        assert_eq!(json_string("x\u{7f}"), "\"x\u{7f}\"");
    }

    #[test]
    fn store_validation() {
        let problem = |input: &[u8]| validate_store(input).unwrap_err().to_string();
        assert_eq!(problem(b"{}"), "no credentials server URL");
        assert_eq!(problem(br#"{"ServerURL":"x"}"#), "no credentials username");
        assert!(validate_store(b"garbage").is_err());
        assert_eq!(
            validate_store(br#"{"ServerURL":"x","Username":"u","Secret":"s"}"#),
            Ok("x".into())
        );
    }
}
