//! What docker writes on stdin: the reader and the registry host parser.
#![no_main]
use docker_credential_ecr_login::{endpoint, protocol, registry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(url) = protocol::read_server_url(&mut &data[..]) else {
        return;
    };
    if let Ok(r) = registry::parse(&url) {
        let _ = endpoint::for_registry(&r, &endpoint::EndpointSettings::default());
        let _ = r.to_string();
    }
    let _ = protocol::credentials_json(&url, "AWS", &url);
});
