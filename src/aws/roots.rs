//! Whom TLS trusts: Mozilla's roots, bundled as trust anchors parsed at build time (so an
//! image with no CA files works, and no process parses them), then the system's CA file,
//! read only when those do not vouch for a server (a corporate CA, a TLS-inspecting proxy),
//! inside the same verification: no second handshake. Or the `AWS_CA_BUNDLE` file instead
//! of both, as in the SDKs.

use crate::aws::http_error::HttpError;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, Der, ServerName, TrustAnchor, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use std::sync::{Arc, OnceLock};

/// Mozilla's roots (webpki-root-certs), as `build.rs` parsed them.
static BUNDLED: &[TrustAnchor<'static>] = include!(concat!(env!("OUT_DIR"), "/roots.rs"));

/// A server's certificate checked against the first set of roots, and against the system's
/// when the first does not vouch for it.
#[derive(Debug)]
pub(super) struct Verifier {
    first: Arc<WebPkiServerVerifier>,
    /// `None` with `AWS_CA_BUNDLE`; else the system's roots, read at most once, when needed.
    system: Option<OnceLock<Option<Arc<WebPkiServerVerifier>>>>,
}

impl Verifier {
    /// The bundled roots, then the system's.
    pub(super) fn default_roots() -> Verifier {
        let store = RootCertStore {
            roots: BUNDLED.to_vec(),
        };
        Verifier {
            first: verifier(store).expect("the bundled roots are not empty"),
            system: Some(OnceLock::new()),
        }
    }

    /// Only the certificates of a CA bundle file.
    pub(super) fn from_bundle(path: &std::path::Path) -> Result<Verifier, HttpError> {
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
            return Err(failed("no PEM certificate in it".into()));
        }
        let mut store = RootCertStore::empty();
        store.add_parsable_certificates(certs);
        let first = verifier(store).ok_or_else(|| failed("no certificate in it is a CA".into()))?;
        Ok(Verifier {
            first,
            system: None,
        })
    }

    fn system(&self) -> Option<&Arc<WebPkiServerVerifier>> {
        self.system
            .as_ref()?
            .get_or_init(|| {
                let mut store = RootCertStore::empty();
                let (system, _) = store.add_parsable_certificates(system_roots());
                crate::local::log::debug(
                    "Loaded TLS roots",
                    &[
                        ("bundled", &BUNDLED.len().to_string()),
                        ("system", &system.to_string()),
                    ],
                );
                verifier(store)
            })
            .as_ref()
    }
}

fn verifier(store: RootCertStore) -> Option<Arc<WebPkiServerVerifier>> {
    WebPkiServerVerifier::builder(Arc::new(store)).build().ok()
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let verify = |v: &WebPkiServerVerifier| {
            v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        };
        match verify(&self.first) {
            Err(Error::InvalidCertificate(first)) => match self.system() {
                // The system's answer, unless it knows the issuer no better.
                Some(system) => verify(system).map_err(|e| match e {
                    Error::InvalidCertificate(CertificateError::UnknownIssuer) => {
                        Error::InvalidCertificate(first)
                    }
                    other => other,
                }),
                None => Err(Error::InvalidCertificate(first)),
            },
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.first.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.first.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.first.supported_verify_schemes()
    }
}

#[cfg(unix)]
fn system_roots() -> Vec<CertificateDer<'static>> {
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
fn system_roots() -> Vec<CertificateDer<'static>> {
    Vec::new()
}

/// The `CERTIFICATE` blocks of a PEM file. Certificates are public: their base64 needs no
/// constant-time decoder (which made reading the system's 200 KiB bundle 8.8M instructions).
/// A block that does not decode is skipped, as rustls' own reader skips what it cannot use.
fn pem_certs(pem: &[u8]) -> Vec<CertificateDer<'static>> {
    use base64::Engine;
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let mut certs = Vec::new();
    let mut rest = pem;
    let mut text = Vec::new();
    while let Some(begin) = find(rest, BEGIN) {
        let body = &rest[begin + BEGIN.len()..];
        let Some(end) = find(body, END) else { break };
        text.clear();
        text.extend(body[..end].iter().filter(|b| !b.is_ascii_whitespace()));
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(&text) {
            certs.push(CertificateDer::from(der));
        }
        rest = &body[end + END.len()..];
    }
    certs
}

/// Where `needle` (which starts with `-`, as no base64 does) first is in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = hay[from..].iter().position(|&b| b == needle[0]) {
        if hay[from + i..].starts_with(needle) {
            return Some(from + i);
        }
        from += i + 1;
    }
    None
}

/// No CA bundle is this large (Debian's, every public root, is about 200 KiB).
const MAX_BUNDLE: u64 = 8 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_anchors_are_mozillas() {
        // Every Mozilla root the build parsed, each with a subject and a key.
        assert!(BUNDLED.len() > 100, "{}", BUNDLED.len());
        assert!(
            BUNDLED.iter().all(|a| !a.subject.as_ref().is_empty()
                && !a.subject_public_key_info.as_ref().is_empty())
        );
    }

    #[test]
    fn pem_blocks() {
        let pem = b"junk\n-----BEGIN CERTIFICATE-----\nTWFu\r\nTWE=\n-----END CERTIFICATE-----\n\
            -----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n\
            -----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n\
            -----BEGIN CERTIFICATE-----\nQQ==\n-----END CERTIFICATE-----\n\
            -----BEGIN CERTIFICATE-----\nQQ==";
        let certs: Vec<Vec<u8>> = pem_certs(pem).iter().map(|c| c.to_vec()).collect();
        assert_eq!(certs, [b"ManMa".to_vec(), b"A".to_vec()]);
    }
}
