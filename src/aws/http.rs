//! The one HTTP client: ureq over rustls (ring). TLS roots are loaded only when an HTTPS
//! request is made; proxies follow the environment; every call is bounded in time.

use crate::local::env::Env;
use std::cell::OnceCell;
use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};

/// No AWS answer this helper reads is anywhere near this; a larger body is an error.
const MAX_BODY: u64 = 1024 * 1024;

/// Per-attempt bounds: connect, and the whole exchange.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// `Debug` shows the method, the URL and the header names, never a header's value or the
/// body: they carry signatures, session tokens and, for SSO and Sign-In, refresh tokens.
#[derive(Clone)]
pub struct Request {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub timeouts: Timeouts,
}

/// How long one attempt may take to connect, and in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Timeouts {
    pub const DEFAULT: Timeouts = Timeouts {
        connect: CONNECT_TIMEOUT,
        total: ATTEMPT_TIMEOUT,
    };
}

/// `Debug` shows the status and the header names, never the body (it carries the tokens).
#[derive(Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &loggable_url(&self.url))
            .field("headers", &names(&self.headers))
            .field("body", &format_args!("{} bytes", self.body.len()))
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &names(&self.headers))
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

fn names(headers: &[(String, String)]) -> Vec<&str> {
    headers.iter().map(|(name, _)| name.as_str()).collect()
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
pub enum HttpError {
    InvalidUrl {
        url: String,
        reason: &'static str,
    },
    CaBundle {
        path: PathBuf,
        detail: String,
    },
    Connect {
        host: String,
        detail: String,
    },
    /// `connecting`: no connection was made (nothing listens, or packets are dropped).
    Timeout {
        host: String,
        connecting: bool,
    },
    Tls {
        host: String,
        detail: String,
    },
    /// A proxy of a kind this helper does not speak (SOCKS4).
    UnsupportedProxy {
        proxy: String,
    },
    /// The proxy (`proxy`, user info redacted) could not be reached.
    ProxyUnreachable {
        proxy: String,
        detail: String,
    },
    /// The proxy URL cannot be used as it is written.
    ProxyUrl {
        proxy: String,
        detail: String,
    },
    /// The proxy answered, but did not open the way (`status` when it said why).
    Proxy {
        proxy: String,
        status: Option<u16>,
        with_credentials: bool,
        detail: String,
    },
    Transfer {
        host: String,
        detail: String,
    },
    TooLarge {
        host: String,
    },
}

impl HttpError {
    /// Connection-level failures that the SDKs' standard retry mode retries.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            HttpError::Connect { .. }
                | HttpError::Timeout { .. }
                | HttpError::Transfer { .. }
                | HttpError::ProxyUnreachable { .. }
        )
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::InvalidUrl { url, reason } => write!(
                f,
                "the endpoint URL {url:?} is not usable ({reason}); check AWS_ENDPOINT_URL* and endpoint_url in your AWS config"
            ),
            HttpError::CaBundle { path, detail } => write!(
                f,
                "could not use the CA bundle {} ({detail}); point AWS_CA_BUNDLE at a PEM file of certificates",
                path.display()
            ),
            HttpError::Connect { host, detail } => write!(
                f,
                "could not connect to {host} ({detail}); check the network, DNS and HTTPS_PROXY"
            ),
            HttpError::Timeout { host, .. } => write!(
                f,
                "{host} did not answer in time; check the network and HTTPS_PROXY"
            ),
            HttpError::Tls { host, detail } => write!(
                f,
                "TLS with {host} failed ({detail}); if a proxy or private CA signs this connection, point AWS_CA_BUNDLE at its certificate"
            ),
            HttpError::UnsupportedProxy { proxy } => write!(
                f,
                "the proxy {proxy} is a SOCKS4 proxy, which this helper does not support; use socks5h://HOST:PORT (the proxy resolves names) or socks5://, or an HTTP proxy"
            ),
            HttpError::ProxyUnreachable { proxy, detail } => write!(
                f,
                "could not reach the proxy {proxy} ({detail}); check that it runs and that HTTPS_PROXY / HTTP_PROXY name it, or exempt AWS hosts with NO_PROXY"
            ),
            HttpError::Proxy {
                proxy,
                status: Some(407),
                with_credentials: false,
                ..
            } => write!(
                f,
                "the proxy {proxy} wants credentials (HTTP 407 Proxy Authentication Required); put them in the proxy URL: HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT (percent-encode special characters)"
            ),
            HttpError::Proxy {
                proxy,
                status: Some(407),
                with_credentials: true,
                ..
            } => write!(
                f,
                "the proxy {proxy} refused the user name and password in the proxy URL (HTTP 407 Proxy Authentication Required); check them (special characters must be percent-encoded)"
            ),
            HttpError::ProxyUrl { proxy, detail } => write!(
                f,
                "the proxy URL {proxy} is not usable ({detail}); fix HTTPS_PROXY / HTTP_PROXY"
            ),
            HttpError::Proxy { proxy, detail, .. } => write!(
                f,
                "the proxy {proxy} did not open the connection ({detail}); check HTTPS_PROXY / HTTP_PROXY and NO_PROXY"
            ),
            HttpError::Transfer { host, detail } => {
                write!(f, "the connection to {host} broke ({detail})")
            }
            HttpError::TooLarge { host } => {
                write!(f, "{host} sent an answer larger than {MAX_BODY} bytes")
            }
        }
    }
}

impl std::error::Error for HttpError {}

use crate::local::url::userinfo_end;
pub use crate::local::url::{loggable_url, redact_userinfo};

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
fn has_unencoded_delimiters(proxy: &str) -> bool {
    let rest = proxy.split_once("://").map_or(proxy, |(_, rest)| rest);
    userinfo_end(rest).is_some_and(|at| rest[..at].contains(['/', '?', '#']))
}

/// Whether a host name resolves, and only, to loopback addresses (a DNS query: used only
/// for a plain-HTTP request that a proxy would otherwise carry).
/// A proxy that looks names up itself (`socks5h://`, as curl names it).
fn resolves_names(proxy: &str) -> bool {
    proxy
        .get(..9)
        .is_some_and(|s| s.eq_ignore_ascii_case("socks5h:/"))
}

fn resolves_to_loopback(host: &str, port: u16) -> bool {
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

pub struct Http<'a> {
    env: &'a Env,
    user_agent: String,
    ca_bundle: Option<PathBuf>,
    roots: OnceCell<Result<RootCerts, HttpError>>,
}

impl<'a> Http<'a> {
    /// `ca_bundle` is `AWS_CA_BUNDLE` or the profile's `ca_bundle`: when set, it replaces the
    /// default roots, as in the SDKs.
    pub fn new(env: &'a Env, ca_bundle: Option<PathBuf>) -> Http<'a> {
        let mut user_agent = format!(
            "docker-credential-ecr-login/{} (rust; {})",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS
        );
        if let Some(app) = env.get("AWS_SDK_UA_APP_ID") {
            user_agent.push_str(" app/");
            user_agent.push_str(app);
        }
        Http {
            env,
            user_agent,
            ca_bundle,
            roots: OnceCell::new(),
        }
    }

    fn roots(&self) -> Result<RootCerts, HttpError> {
        let roots = self.roots.get_or_init(|| match &self.ca_bundle {
            Some(path) => load_bundle(path),
            None => Ok(default_roots()),
        });
        match roots {
            Ok(r) => Ok(r.clone()),
            Err(HttpError::CaBundle { path, detail }) => Err(HttpError::CaBundle {
                path: path.clone(),
                detail: detail.clone(),
            }),
            Err(_) => unreachable!("roots only fail with CaBundle"),
        }
    }

    /// Sends one request, with `deadline` bounding the whole exchange.
    pub fn send(&self, req: &Request, deadline: Instant) -> Result<Response, HttpError> {
        let t = target(&req.url)?;
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(HttpError::Timeout {
                host: t.authority,
                connecting: false,
            });
        }
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(self.user_agent.as_str())
            .accept_encoding("identity")
            .timeout_connect(Some(req.timeouts.connect.min(remaining)))
            .timeout_global(Some(req.timeouts.total.min(remaining)));
        // A plain-HTTP endpoint whose name resolves to this machine (a container credentials
        // agent) never goes through a proxy, where its token would cross the network in clear.
        // Not asked of the local resolver when the proxy resolves names itself (`socks5h`):
        // the user chose that so that names are never looked up here.
        let proxy = proxy_for(self.env, &t.scheme, &t.host, t.port).filter(|p| {
            !(t.scheme == "http" && !resolves_names(p) && resolves_to_loopback(&t.host, t.port))
        });
        match &proxy {
            Some(p) if p.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("socks4")) => {
                return Err(HttpError::UnsupportedProxy {
                    proxy: redact_userinfo(p),
                });
            }
            Some(p) if has_unencoded_delimiters(p) => {
                return Err(HttpError::ProxyUrl {
                    proxy: redact_userinfo(p),
                    detail: "its user name or password holds a /, ? or # that is not percent-encoded: write them as %2F, %3F and %23".into(),
                });
            }
            Some(p) => {
                let parsed = ureq::Proxy::new(p).map_err(|_| HttpError::ProxyUrl {
                    proxy: redact_userinfo(p),
                    detail: "not a URL".into(),
                })?;
                config = config.proxy(Some(parsed));
            }
            None => config = config.proxy(None),
        }
        if t.scheme == "https" {
            // No crypto provider named: ureq takes ring's (its `_ring` feature, the only one
            // built in), so this code calls nothing that rustls 0.23.48 deprecates.
            config = config.tls_config(
                TlsConfig::builder()
                    .provider(TlsProvider::Rustls)
                    .root_certs(self.roots()?)
                    .build(),
            );
        }
        let agent: ureq::Agent = config.build().into();
        let mut builder = ureq::http::Request::builder()
            .method(req.method)
            .uri(&req.url);
        for (k, v) in &req.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let request = builder
            .body(req.body.clone())
            .map_err(|_| HttpError::InvalidUrl {
                url: loggable_url(&req.url),
                reason: "not a valid request",
            })?;
        let mut response = agent
            .run(request)
            .map_err(|e| blame_proxy(map_error(e, &t.authority), proxy.as_deref()))?;
        let status = response.status().as_u16();
        // A plain-HTTP request through a proxy gets the proxy's 407 as its answer.
        if let (407, Some(p)) = (status, &proxy) {
            return Err(proxy_error(p, "proxy server responded 407".into()));
        }
        let headers = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_BODY + 1)
            .read_to_end(&mut body)
            .map_err(|e| map_io(e, &t.authority))?;
        if body.len() as u64 > MAX_BODY {
            return Err(HttpError::TooLarge { host: t.authority });
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// Through a proxy, the only connection this side makes is to the proxy: a connection that
/// could not be made is the proxy's fault, and its refusals are named as its own.
fn blame_proxy(e: HttpError, proxy: Option<&str>) -> HttpError {
    let Some(p) = proxy else { return e };
    // socks5:// resolves the destination here first (curl's meaning); a name that does not
    // resolve is then this machine's answer, not the proxy's fault.
    let resolves_here = p
        .get(..9)
        .is_some_and(|s| s.eq_ignore_ascii_case("socks5://"));
    match e {
        HttpError::Connect { host, detail } if resolves_here && detail == "host not found" => {
            HttpError::Connect {
                host,
                detail: "host not found on this machine: socks5:// resolves names here; socks5h:// lets the proxy resolve them".into(),
            }
        }
        HttpError::Connect { detail, .. } => HttpError::ProxyUnreachable {
            proxy: redact_userinfo(p),
            detail,
        },
        HttpError::Timeout {
            connecting: true, ..
        } => HttpError::ProxyUnreachable {
            proxy: redact_userinfo(p),
            detail: "connection timed out".into(),
        },
        HttpError::Proxy { detail, .. } => proxy_error(p, detail),
        other => other,
    }
}

/// ureq says `proxy server responded 407/…`; the status is what tells the user what to do.
fn proxy_error(proxy: &str, detail: String) -> HttpError {
    let status = detail
        .strip_prefix("proxy server responded ")
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse().ok());
    HttpError::Proxy {
        proxy: redact_userinfo(proxy),
        status,
        with_credentials: proxy_has_credentials(proxy),
        detail,
    }
}

fn proxy_has_credentials(proxy: &str) -> bool {
    redact_userinfo(proxy) != proxy
}

fn map_io(e: std::io::Error, host: &str) -> HttpError {
    // ureq reports timeouts and TLS failures inside the body reader as io errors.
    match e.into_inner() {
        Some(inner) => match inner.downcast::<ureq::Error>() {
            Ok(ue) => map_error(*ue, host),
            Err(other) => HttpError::Transfer {
                host: host.to_string(),
                detail: other.to_string(),
            },
        },
        None => HttpError::Transfer {
            host: host.to_string(),
            detail: "connection closed early".into(),
        },
    }
}

fn map_error(e: ureq::Error, host: &str) -> HttpError {
    let host = host.to_string();
    match e {
        ureq::Error::Timeout(t) => HttpError::Timeout {
            host,
            connecting: matches!(t, ureq::Timeout::Connect | ureq::Timeout::Resolve),
        },
        ureq::Error::HostNotFound => HttpError::Connect {
            host,
            detail: "host not found".into(),
        },
        ureq::Error::ConnectionFailed => HttpError::Connect {
            host,
            detail: "connection failed".into(),
        },
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => HttpError::Connect {
                host,
                detail: "connection refused".into(),
            },
            // No route: off EC2 (169.254.169.254), or no network at all.
            std::io::ErrorKind::NetworkUnreachable
            | std::io::ErrorKind::HostUnreachable
            | std::io::ErrorKind::NetworkDown
            | std::io::ErrorKind::AddrNotAvailable => HttpError::Connect {
                host,
                detail: "network unreachable".into(),
            },
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => HttpError::Timeout {
                host,
                connecting: false,
            },
            // The resolver's failures come as plain io errors.
            _ if io.to_string().contains("lookup address") || is_host_not_found(&io) => {
                HttpError::Connect {
                    host,
                    detail: "host not found".into(),
                }
            }
            _ => match io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                Some(tls) => HttpError::Tls {
                    host,
                    detail: tls.to_string(),
                },
                None => HttpError::Transfer {
                    host,
                    detail: io.to_string(),
                },
            },
        },
        ureq::Error::Rustls(tls) => HttpError::Tls {
            host,
            detail: tls.to_string(),
        },
        ureq::Error::Tls(detail) => HttpError::Tls {
            host,
            detail: detail.to_string(),
        },
        // The proxy's URL is filled in by `blame_proxy`, which knows it.
        ureq::Error::ConnectProxyFailed(detail) => HttpError::Proxy {
            proxy: String::new(),
            status: None,
            with_credentials: false,
            detail,
        },
        ureq::Error::InvalidProxyUrl => HttpError::Proxy {
            proxy: String::new(),
            status: None,
            with_credentials: false,
            detail: "the proxy URL is not valid".into(),
        },
        ureq::Error::BodyExceedsLimit(_) => HttpError::TooLarge { host },
        other => HttpError::Transfer {
            host,
            detail: other.to_string(),
        },
    }
}

/// Windows' resolver says so with a code (WSAHOST_NOT_FOUND, WSATRY_AGAIN, WSANO_DATA), not
/// with the text glibc and musl give.
fn is_host_not_found(e: &std::io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(11001 | 11002 | 11004))
}

/// Mozilla's roots, bundled so that an image with no CA files works, plus the system's
/// roots where the system has them (a corporate CA added to the system store keeps working).
fn default_roots() -> RootCerts {
    let mut certs: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    let bundled = certs.len();
    certs.extend(system_roots());
    crate::local::log::debug(
        "Loaded TLS roots",
        &[
            ("bundled", &bundled.to_string()),
            ("system", &(certs.len() - bundled).to_string()),
        ],
    );
    RootCerts::from(certs)
}

#[cfg(unix)]
fn system_roots() -> Vec<Certificate<'static>> {
    // The usual bundle locations of Debian, RHEL, Alpine, SUSE and macOS; the first found wins.
    const FILES: &[&str] = &[
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ];
    FILES
        .iter()
        .find_map(|f| std::fs::read(f).ok())
        .map(|pem| pem_certs(&pem))
        .unwrap_or_default()
}

#[cfg(not(unix))]
fn system_roots() -> Vec<Certificate<'static>> {
    Vec::new()
}

fn pem_certs(pem: &[u8]) -> Vec<Certificate<'static>> {
    ureq::tls::parse_pem(pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect()
}

/// No CA bundle is this large (Debian's, every public root, is about 200 KiB).
const MAX_BUNDLE: u64 = 8 * 1024 * 1024;

/// Reads the bundle as any config file is read: a FIFO or a device is refused without
/// blocking, and no more than [`MAX_BUNDLE`] is read (`/dev/zero` once ate all memory).
fn load_bundle(path: &std::path::Path) -> Result<RootCerts, HttpError> {
    let failed = |detail: String| HttpError::CaBundle {
        path: path.to_path_buf(),
        detail,
    };
    let pem = match crate::local::files::read_limited(path, MAX_BUNDLE) {
        Ok(Some(pem)) => pem,
        Ok(None) => return Err(failed("it does not exist".into())),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            return Err(failed(format!(
                "it is larger than {} MiB, which no CA bundle is",
                MAX_BUNDLE / 1024 / 1024
            )));
        }
        Err(e) => return Err(failed(e.to_string())),
    };
    let certs = pem_certs(&pem);
    if certs.is_empty() {
        return Err(HttpError::CaBundle {
            path: path.to_path_buf(),
            detail: "no PEM certificate in it".into(),
        });
    }
    Ok(RootCerts::from(certs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn urls_as_shown() {
        assert_eq!(
            loggable_url("https://user:hunter2@ecr.example:8443/path?access_token=abc#f"),
            "https://xxxxx@ecr.example:8443/path?xxxxx"
        );
        assert_eq!(
            loggable_url("http://127.0.0.1:9/x#frag"),
            "http://127.0.0.1:9/x#xxxxx"
        );
        assert_eq!(loggable_url("https://ecr.example/"), "https://ecr.example/");
        let Err(e) = target("https://user:hunter2@ecr.example/") else {
            panic!("user info accepted")
        };
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }

    #[test]
    fn proxy_selection() {
        let e = env(&[
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("http_proxy", "http://p2"),
        ]);
        assert_eq!(
            proxy_for(&e, "https", "api.ecr.us-east-1.amazonaws.com", 443).as_deref(),
            Some("http://proxy:3128")
        );
        assert_eq!(
            proxy_for(&e, "http", "example.com", 80).as_deref(),
            Some("http://p2")
        );
        for local in [
            "127.0.0.1",
            "localhost",
            "169.254.169.254",
            "[fd00:ec2::254]",
            "::1",
        ] {
            assert_eq!(proxy_for(&e, "https", local, 443), None, "{local}");
        }
    }

    #[test]
    fn no_proxy_rules() {
        let e = env(&[
            ("HTTPS_PROXY", "http://proxy"),
            ("NO_PROXY", "amazonaws.com, .internal,*.corp, other:8443"),
        ]);
        let p = |h: &str, port| proxy_for(&e, "https", h, port);
        assert_eq!(p("api.ecr.us-east-1.amazonaws.com", 443), None);
        assert_eq!(p("amazonaws.com", 443), None);
        assert_eq!(p("x.internal", 443), None);
        assert_eq!(p("a.corp", 443), None);
        assert_eq!(p("other", 8443), None);
        assert!(p("other", 443).is_some());
        assert!(p("amazonaws.com.evil", 443).is_some());
        let all = env(&[("HTTPS_PROXY", "http://proxy"), ("no_proxy", "*")]);
        assert_eq!(proxy_for(&all, "https", "x", 443), None);
    }

    #[test]
    fn userinfo_is_redacted() {
        assert_eq!(
            redact_userinfo("https://u:p@host/x@y"),
            "https://xxxxx@host/x@y"
        );
        assert_eq!(redact_userinfo("u:p@host"), "xxxxx@host");
        assert_eq!(redact_userinfo("host/a@b"), "host/a@b");
    }

    #[test]
    fn targets() {
        let t = target("https://api.ecr.us-east-1.amazonaws.com").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.authority.as_str()),
            (
                "api.ecr.us-east-1.amazonaws.com",
                443,
                "api.ecr.us-east-1.amazonaws.com"
            )
        );
        let t = target("http://127.0.0.1:8080/x").unwrap();
        assert_eq!(t.authority, "127.0.0.1:8080");
        assert!(target("ftp://x").is_err());
        assert!(target("not a url").is_err());
        assert!(target("https://user:pw@host").is_err());
    }
}
