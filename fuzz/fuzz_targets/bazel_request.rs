//! What Bazel writes on stdin of `get`: the request reader, and the host it names.
#![no_main]
use docker_credential_ecr_login::commands::bazel;
use docker_credential_ecr_login::get::registry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if !bazel::is_request(data) {
        return;
    }
    if let Ok(target) = bazel::parse(data) {
        assert!(!target.authority.is_empty());
        assert!(target.full_url || target.repository.is_none());
        let _ = registry::parse(&target.authority);
    }
});
