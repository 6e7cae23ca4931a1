//! The one HTTP client: ureq over rustls (ring). TLS roots are loaded only when an HTTPS
//! request is made; proxies follow the environment; every call is bounded in time.

use crate::aws::http_error::{HttpError, MAX_BODY};
use crate::aws::message::{Request, Response};
use crate::aws::proxy::{
    has_unencoded_delimiters, proxy_for, resolves_names, resolves_to_loopback,
};
use crate::aws::roots::Verifier;
use crate::aws::target::target;
use crate::aws::tls::{INPUT_BUFFER, OUTPUT_BUFFER, TlsConnector, client_config};
use crate::local::env::Env;
use crate::local::url::{loggable_url, redact_userinfo};
use std::cell::OnceCell;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    ConnectProxyConnector, Connector, SocksConnector, TcpConnector,
};

pub struct Http<'a> {
    env: &'a Env,
    user_agent: String,
    ca_bundle: Option<PathBuf>,
    /// Made at the first HTTPS call, for every later one.
    tls: OnceCell<Result<Arc<rustls::ClientConfig>, HttpError>>,
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
            tls: OnceCell::new(),
        }
    }

    fn tls(&self) -> Result<Arc<rustls::ClientConfig>, HttpError> {
        let tls = self.tls.get_or_init(|| {
            let verifier = match &self.ca_bundle {
                Some(path) => Verifier::from_bundle(path)?,
                None => Verifier::default_roots(),
            };
            Ok(client_config(verifier))
        });
        match tls {
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
            .input_buffer_size(INPUT_BUFFER)
            .output_buffer_size(OUTPUT_BUFFER)
            .max_response_header_size(INPUT_BUFFER)
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
        // ureq's own chain (SOCKS, CONNECT, TCP) with our TLS last.
        let tls = match t.scheme.as_str() {
            "https" => Some(self.tls()?),
            _ => None,
        };
        let connector =
            ().chain(SocksConnector::default())
                .chain(ConnectProxyConnector::default())
                .chain(TcpConnector::default())
                .chain(TlsConnector(tls));
        let agent = ureq::Agent::with_parts(config.build(), connector, DefaultResolver::default());
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
