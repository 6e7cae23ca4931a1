//! Whom TLS trusts: Mozilla's roots, bundled as trust anchors parsed at build time (so an
//! image with no CA files works, and no process parses them), then the system's CA file,
//! read only when those do not vouch for a server (a corporate CA, a TLS-inspecting proxy),
//! inside the same verification: no second handshake. Or the `AWS_CA_BUNDLE` file instead
//! of both, as in the SDKs. Of a CA file, only the certificates that a server's chain names
//! as an issuer are decoded and parsed: a 200 KiB bundle read whole cost 8M instructions.

use crate::aws::http_error::HttpError;
use crate::aws::pem;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, Der, ServerName, TrustAnchor, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use std::sync::{Arc, OnceLock};

/// Mozilla's roots (webpki-root-certs), as `build.rs` parsed them.
static BUNDLED: &[TrustAnchor<'static>] = include!(concat!(env!("OUT_DIR"), "/roots.rs"));

/// A server's certificate checked against the bundled roots, then against those of a CA
/// file (the system's, read at most once and only when needed); or against a CA bundle's
/// alone.
#[derive(Debug)]
pub(super) struct Verifier {
    /// The bundled roots' verifier; its signature checks serve both sets of roots.
    bundled: Arc<WebPkiServerVerifier>,
    /// Whether the bundled roots are trusted (not with `AWS_CA_BUNDLE`).
    trust_bundled: bool,
    file: CaFile,
}

#[derive(Debug)]
enum CaFile {
    System(OnceLock<Vec<u8>>),
    Bundle(Vec<u8>),
}

impl Verifier {
    /// The bundled roots, then the system's.
    pub(super) fn default_roots() -> Verifier {
        Verifier {
            bundled: bundled(),
            trust_bundled: true,
            file: CaFile::System(OnceLock::new()),
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
        if !pem::blocks(&pem).any(|b| pem::decode(b, usize::MAX).is_some()) {
            return Err(failed("no PEM certificate in it".into()));
        }
        Ok(Verifier {
            bundled: bundled(),
            trust_bundled: false,
            file: CaFile::Bundle(pem),
        })
    }

    /// A verifier of the file's roots that `chain` names as an issuer (any root a path from
    /// it could end at): only their blocks of the file are decoded in full and parsed.
    fn file_verifier(&self, chain: &[&CertificateDer<'_>]) -> Option<Arc<WebPkiServerVerifier>> {
        let pem = match &self.file {
            CaFile::System(file) => file.get_or_init(system_file),
            CaFile::Bundle(pem) => pem,
        };
        let issuers: Vec<&[u8]> = chain
            .iter()
            .filter_map(|c| Some(pem::issuer_and_subject(c)?.0))
            .collect();
        let (mut found, mut named) = (0, Vec::new());
        for block in pem::blocks(pem) {
            found += 1;
            // Decoded only as far as its names: most subjects end within 300 bytes.
            let mut der = pem::Decoder::new(block);
            let mut ok = der.fill(240);
            let subject = loop {
                if let Some((_, subject)) = pem::issuer_and_subject(der.bytes()) {
                    break Some(subject);
                }
                if !ok || der.is_done() {
                    break None;
                }
                ok = der.fill(der.bytes().len() + 96);
            };
            if subject.is_some_and(|s| issuers.contains(&s)) && der.fill(usize::MAX) {
                named.push(CertificateDer::from(der.into_bytes()));
            }
        }
        crate::local::log::debug(
            "Loaded TLS roots",
            &[
                (
                    "bundled",
                    &(if self.trust_bundled { BUNDLED.len() } else { 0 }).to_string(),
                ),
                (
                    match self.file {
                        CaFile::System(_) => "system",
                        CaFile::Bundle(_) => "ca_bundle",
                    },
                    &found.to_string(),
                ),
                ("matching", &named.len().to_string()),
            ],
        );
        let mut store = RootCertStore::empty();
        store.add_parsable_certificates(named);
        verifier(store)
    }
}

fn bundled() -> Arc<WebPkiServerVerifier> {
    let store = RootCertStore {
        roots: BUNDLED.to_vec(),
    };
    verifier(store).expect("the bundled roots are not empty")
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
        let first = match self.trust_bundled {
            true => match verify(&self.bundled) {
                Err(Error::InvalidCertificate(e)) => e,
                other => return other,
            },
            false => CertificateError::UnknownIssuer,
        };
        let chain: Vec<&CertificateDer<'_>> =
            std::iter::once(end_entity).chain(intermediates).collect();
        match self.file_verifier(&chain) {
            // The file's answer, unless it knows the issuer no better.
            Some(file) => verify(&file).map_err(|e| match e {
                Error::InvalidCertificate(CertificateError::UnknownIssuer) => {
                    Error::InvalidCertificate(first)
                }
                other => other,
            }),
            None => Err(Error::InvalidCertificate(first)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.bundled.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.bundled.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.bundled.supported_verify_schemes()
    }
}

/// The system's CA file: the first of the usual bundle locations of Debian, RHEL, Alpine,
/// SUSE and macOS; empty where there is none.
#[cfg(unix)]
fn system_file() -> Vec<u8> {
    const FILES: &[&str] = &[
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ];
    FILES
        .iter()
        .find_map(|f| {
            crate::local::files::read_limited(std::path::Path::new(f), MAX_BUNDLE).ok()?
        })
        .unwrap_or_default()
}

#[cfg(not(unix))]
fn system_file() -> Vec<u8> {
    Vec::new()
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
}
