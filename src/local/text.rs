//! Text from elsewhere (a server's answer, a host on stdin, a file), made safe to show on a
//! terminal or in the log: every control character escaped, so that no escape sequence,
//! carriage return or forged line gets through, and its length bounded.

/// `text` with each control character written as an escape (`\u{1b}`, `\r`), cut to `max`
/// characters; `…` marks a cut.
///
/// ```
/// use docker_credential_ecr_login::local::text::shown;
/// assert_eq!(shown("a\u{1b}[2J\rb", 100), "a\\u{1b}[2J\\rb");
/// assert_eq!(shown("abcdef", 3), "abc…");
/// ```
pub fn shown(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 8);
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c.is_control() {
            true => out.extend(c.escape_default()),
            false => out.push(c),
        }
    }
    out
}

/// [`shown`] without a bound: for a line whose pieces are bounded where they come in.
pub fn escaped(text: &str) -> String {
    shown(text, usize::MAX)
}

/// `text` with every occurrence of `secret` replaced, and a cut copy of its beginning at the
/// end (a bounded message that stopped inside it) removed: for an answer that echoes what
/// was sent.
pub fn without(text: &str, secret: &str) -> String {
    if secret.len() < 8 {
        return text.to_string();
    }
    let mut out = text.replace(secret, "[redacted]");
    let trimmed = out.trim_end_matches('…');
    let cut = (8..secret.len())
        .rev()
        .find(|&n| secret.is_char_boundary(n) && trimmed.ends_with(&secret[..n]));
    if let Some(n) = cut {
        let keep = trimmed.len() - n;
        out.truncate(keep);
        out.push_str("[redacted]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_bounds_and_redacts() {
        assert_eq!(shown("ok text", 100), "ok text");
        assert_eq!(shown("line\nforged", 100), "line\\nforged");
        assert_eq!(shown("\u{7}\u{9b}x", 100), "\\u{7}\\u{9b}x");
        assert_eq!(shown(&"x".repeat(1_000_000), 5), "xxxxx…");
        assert_eq!(shown("é\u{1b}", 1), "é…");
        let token = "aorAAAAAGtoken0123456789";
        assert_eq!(
            without(&format!("bad {token}, try again"), token),
            "bad [redacted], try again"
        );
        assert_eq!(
            without(&format!("echo: {}…", &token[..12]), token),
            "echo: [redacted]"
        );
        assert_eq!(without("short", "abc"), "short");
    }
}
