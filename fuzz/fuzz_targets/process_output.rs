//! credential_process output (Version 1 JSON).
#![no_main]
use docker_credential_ecr_login::credentials::sources::process;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = process::parse(data);
});
