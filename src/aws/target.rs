//! An endpoint URL's parts, and the encodings the SDKs send.

use crate::aws::http_error::HttpError;
use crate::local::url::{loggable_url, userinfo_end};

/// RFC 3986 percent-encoding: everything but unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `application/x-www-form-urlencoded` with RFC 3986 escaping, as the SDKs send it.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Parsed parts of an endpoint URL.
pub struct Target {
    pub scheme: String,
    pub host: String,
    pub port: u16,
    /// `host` or `host:port` as the `Host` header carries it.
    pub authority: String,
}

pub fn target(url: &str) -> Result<Target, HttpError> {
    let invalid = |reason| HttpError::InvalidUrl {
        url: loggable_url(url),
        reason,
    };
    let uri: ureq::http::Uri = url.parse().map_err(|_| invalid("not a URL"))?;
    let scheme = uri
        .scheme_str()
        .ok_or(invalid("no scheme"))?
        .to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(invalid("only http and https are supported"));
    }
    let authority = uri.authority().ok_or(invalid("no host"))?;
    // Judged on the text too: `user:1/x@host` parses as host `user`, which must not be
    // looked up (the user name would go to DNS).
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    if authority.as_str().contains('@') || userinfo_end(after_scheme).is_some() {
        return Err(invalid("user info is not supported"));
    }
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or(invalid("no host"))?;
    let default_port = if scheme == "https" { 443 } else { 80 };
    let port = uri.port_u16().unwrap_or(default_port);
    let authority = if port == default_port {
        host.to_string()
    } else {
        format!("{host}:{port}")
    };
    Ok(Target {
        scheme,
        host: host.to_string(),
        port,
        authority,
    })
}
