//! `aws login`: the cache file (checked, then written back after a refresh answer), Sign-In's
//! refresh answer at any time, and the DPoP key reader on any PEM or DER bytes.
#![no_main]
use base64::Engine;
use docker_credential_ecr_login::credentials::sources::dpop::DpopKey;
use docker_credential_ecr_login::credentials::sources::login;
use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;

fuzz_target!(|data: &[u8]| {
    // The first eight bytes pick the clock, from the calendar's start to its end.
    let (clock, body) = data.split_at(data.len().min(8));
    let mut secs = [0u8; 8];
    secs[..clock.len()].copy_from_slice(clock);
    let now = OffsetDateTime::from_unix_timestamp(i64::from_le_bytes(secs) % 253_402_300_799)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let refreshed = login::parse_refresh(body, now);
    if let Ok(cached) = login::parse_cache(data) {
        let _ = cached.is_fresh(now);
        if let Ok(new) = &refreshed {
            let doc = login::updated(cached.doc.into_inner(), new);
            // What is written back is read back the same way.
            let text = serde_json::Value::Object(doc).to_string();
            assert!(login::parse_cache(text.as_bytes()).is_ok());
        }
    }
    let _ = DpopKey::from_pem(&String::from_utf8_lossy(data));
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    for label in ["EC PRIVATE KEY", "PRIVATE KEY"] {
        let pem = format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n");
        if let Ok(key) = DpopKey::from_pem(&pem) {
            assert!(key.proof("POST", "https://x/v1/token", 0).is_ok());
        }
    }
});
