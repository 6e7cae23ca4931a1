//! Which proxy a request goes through: `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, as the
//! other tools read them; the machine's own endpoints never.

use crate::local::env::Env;
use crate::local::url::userinfo_end;

/// The proxy to use for `url`, following the `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`
/// conventions (either case). Loopback and link-local hosts (IMDS, the ECS and EKS
/// credential endpoints) are never proxied.
pub fn proxy_for(env: &Env, scheme: &str, host: &str, port: u16) -> Option<String> {
    let pick = |a: &str, b: &str| env.get(a).or_else(|| env.get(b)).map(str::to_string);
    let proxy = match scheme {
        "https" => pick("HTTPS_PROXY", "https_proxy")?,
        _ => pick("HTTP_PROXY", "http_proxy")?,
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if is_local(&host) {
        return None;
    }
    let no_proxy = env
        .get("NO_PROXY")
        .or_else(|| env.get("no_proxy"))
        .unwrap_or("");
    for entry in no_proxy.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        if entry == "*" {
            return None;
        }
        let entry = entry.to_ascii_lowercase();
        let (name, entry_port) = match entry.rsplit_once(':') {
            Some((n, p)) if !n.contains(':') && p.parse::<u16>().is_ok() => {
                (n.to_string(), p.parse::<u16>().ok())
            }
            _ => (entry.clone(), None),
        };
        if entry_port.is_some_and(|p| p != port) {
            continue;
        }
        let name = name.trim_start_matches('*');
        let bare = name.trim_start_matches('.');
        if host == bare || host.ends_with(&format!(".{bare}")) {
            return None;
        }
    }
    Some(proxy)
}

/// A proxy URL whose user info runs past a `/`, `?` or `#` (an unencoded one in the
/// password): a URL parser would take the user name for the host and look it up.
pub(super) fn has_unencoded_delimiters(proxy: &str) -> bool {
    let rest = proxy.split_once("://").map_or(proxy, |(_, rest)| rest);
    userinfo_end(rest).is_some_and(|at| rest[..at].contains(['/', '?', '#']))
}

/// Whether a host name resolves, and only, to loopback addresses (a DNS query: used only
/// for a plain-HTTP request that a proxy would otherwise carry).
/// A proxy that looks names up itself (`socks5h://`, as curl names it).
pub(super) fn resolves_names(proxy: &str) -> bool {
    proxy
        .get(..9)
        .is_some_and(|s| s.eq_ignore_ascii_case("socks5h:/"))
}

pub(super) fn resolves_to_loopback(host: &str, port: u16) -> bool {
    use std::net::ToSocketAddrs;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.parse::<std::net::IpAddr>().is_ok() {
        return false; // an address: proxy_for has already judged it
    }
    (host, port)
        .to_socket_addrs()
        .map(|a| a.collect::<Vec<_>>())
        .is_ok_and(|a| !a.is_empty() && a.iter().all(|a| a.ip().is_loopback()))
}

fn is_local(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => ip.is_loopback() || ip.is_link_local(),
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.segments()[0] & 0xffc0 == 0xfe80 || ip.segments()[0] == 0xfd00
        }
        Err(_) => false,
    }
}
