//! What docker writes on stdin: the reader and the registry host parser.
#![no_main]
use docker_credential_ecr_login::commands::protocol;
use docker_credential_ecr_login::get::{ecr_endpoint, registry};
use docker_credential_ecr_login::local::settings::Settings;
use docker_credential_ecr_login::local::{config, env};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(url) = protocol::read_input(&mut &data[..]).and_then(|b| protocol::server_url(&b))
    else {
        return;
    };
    // What a `store` would be routed by.
    let _ = protocol::store_server_url(data);
    if let Ok(r) = registry::parse(&url) {
        let settings = Settings::new(env::Env::default());
        let no_files = config::ProfileSet::default();
        let _ = ecr_endpoint::for_registry(&r, &settings.config(&no_files));
        let _ = r.to_string();
    }
    let _ = protocol::credentials_json(&url, "AWS", &url);
});
