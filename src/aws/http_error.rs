//! Why a request got no HTTP answer, in words that say what to fix.

use std::fmt;
use std::path::PathBuf;

/// No AWS answer this helper reads is anywhere near this; a larger body is an error.
pub(super) const MAX_BODY: u64 = 1024 * 1024;

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
