//! URLs as they may be shown: without user info (an endpoint's or a proxy's password) and
//! without a query or fragment (a query can carry a token). Every wing shows URLs, so this
//! is a leaf.

/// Where the user info of `rest` (a URL after its `scheme://`) ends: the index of its `@`.
/// Decided conservatively, so that a password holding an unencoded `/`, `?` or `#`
/// (`user:pa/ss@host`) is still user info, never a host followed by a path: there is user
/// info when an `@` comes before the first `/`, `?` or `#`, or when the text before the
/// first `@` holds a `:` (a path with an `@` after a port, `host:5000/x@y`, is over-redacted,
/// never shown). It ends at the last `@` before the host's own `/`, `?` or `#`.
///
/// ```
/// use docker_credential_ecr_login::local::url::userinfo_end;
/// assert_eq!(userinfo_end("u:p/s#s?@host/x"), Some(8));
/// assert_eq!(userinfo_end("host/v2/repo@sha256"), None);
/// ```
pub fn userinfo_end(rest: &str) -> Option<usize> {
    // Bytes, not `char` patterns (every hit parses its host): the delimiters are ASCII.
    let bytes = rest.as_bytes();
    let first_at = bytes.iter().position(|&b| b == b'@')?;
    let delimiter = |b: &u8| matches!(b, b'/' | b'?' | b'#');
    let authority_end = bytes.iter().position(delimiter).unwrap_or(rest.len());
    if first_at > authority_end && !bytes[..first_at].contains(&b':') {
        return None;
    }
    let host_end = bytes[first_at..]
        .iter()
        .position(delimiter)
        .map_or(rest.len(), |i| first_at + i);
    bytes[..host_end].iter().rposition(|&b| b == b'@')
}

/// `https://user:pass@host/…` → `https://xxxxx@host/…`: user info never reaches a message.
pub fn redact_userinfo(input: &str) -> String {
    let (scheme, rest) = match input.find("://") {
        Some(i) => input.split_at(i + 3),
        None => ("", input),
    };
    match userinfo_end(rest) {
        Some(at) => format!("{scheme}xxxxx{}", &rest[at..]),
        None => input.to_string(),
    }
}

/// A URL as it may be shown or logged: no user info (an endpoint's password), and no query or
/// fragment (a query can carry a token: `?access_token=…`), each replaced by `xxxxx`.
pub fn loggable_url(url: &str) -> String {
    let url = redact_userinfo(url);
    match url.find(['?', '#']) {
        Some(i) => format!("{}{}xxxxx", &url[..i], &url[i..i + 1]),
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_whatever_it_holds() {
        for (input, shown) in [
            ("https://u:p@h/x", "https://xxxxx@h/x"),
            ("https://u:pa/ss@h/x", "https://xxxxx@h/x"),
            ("https://u:p#w?rd@h", "https://xxxxx@h"),
            ("https://u:p@ss@h:443/", "https://xxxxx@h:443/"),
            ("u:1/2@h", "xxxxx@h"),
            ("token@h/p", "xxxxx@h/p"),
            ("https://h/v2/repo@sha256:x", "https://h/v2/repo@sha256:x"),
            ("https://h:5000/v2/r@sha256:x", "https://xxxxx@sha256:x"),
            ("https://h/x?q=@", "https://h/x?q=@"),
            ("h", "h"),
        ] {
            assert_eq!(redact_userinfo(input), shown, "{input}");
        }
        assert_eq!(
            loggable_url("https://u:p/w@h/c?token=s#f"),
            "https://xxxxx@h/c?xxxxx"
        );
    }
}
