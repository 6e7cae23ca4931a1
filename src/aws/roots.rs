//! The TLS roots: Mozilla's, bundled, and the system's where it has them, or the
//! `AWS_CA_BUNDLE` file instead.

use crate::aws::http_error::HttpError;
use ureq::tls::{Certificate, RootCerts};

/// Mozilla's roots, bundled so that an image with no CA files works, plus the system's
/// roots where the system has them (a corporate CA added to the system store keeps working).
pub(super) fn default_roots() -> RootCerts {
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
pub(super) fn load_bundle(path: &std::path::Path) -> Result<RootCerts, HttpError> {
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
