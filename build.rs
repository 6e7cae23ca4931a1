//! Embeds the git commit for `-v` and `version`: `ECR_LOGIN_GIT_COMMIT` when set (release and
//! vendored builds set it, so both produce the same bytes), else `git rev-parse`, else empty.
//! And Mozilla's roots as trust anchors parsed here, once, rather than in every process that
//! makes an HTTPS call (`src/aws/roots.rs` includes them).
use std::fmt::Write;
use std::process::Command;

fn main() {
    bundled_roots();
    println!("cargo:rerun-if-env-changed=ECR_LOGIN_GIT_COMMIT");
    // Rebuild when HEAD moves: HEAD itself, the branch it names, and the packed refs.
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/packed-refs");
    if let Ok(head) = std::fs::read_to_string(".git/HEAD")
        && let Some(branch) = head.trim().strip_prefix("ref: ")
    {
        println!("cargo:rerun-if-changed=.git/{branch}");
    }
    let commit = std::env::var("ECR_LOGIN_GIT_COMMIT").unwrap_or_else(|_| {
        Command::new("git")
            .args(["rev-parse", "--short=7", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    });
    println!("cargo:rustc-env=ECR_LOGIN_GIT_COMMIT={commit}");
}

/// `OUT_DIR/roots.rs`: a slice of `TrustAnchor`s (subject, key, name constraints) made from
/// webpki-root-certs' DER certificates by rustls-webpki, as rustls would make them at run time.
fn bundled_roots() {
    let der = |bytes: &[u8]| {
        let mut s = String::from("Der::from_slice(b\"");
        for b in bytes {
            let _ = write!(s, "\\x{b:02x}");
        }
        s + "\")"
    };
    let mut out = String::from("&[\n");
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let anchor = webpki::anchor_from_trusted_cert(cert).expect("Mozilla's roots parse");
        let constraints = match &anchor.name_constraints {
            Some(c) => format!("Some({})", der(c.as_ref())),
            None => "None".into(),
        };
        let _ = writeln!(
            out,
            "    TrustAnchor {{ subject: {}, subject_public_key_info: {}, name_constraints: {constraints} }},",
            der(anchor.subject.as_ref()),
            der(anchor.subject_public_key_info.as_ref()),
        );
    }
    out.push(']');
    let path = std::path::Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("roots.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
}
