//! The shared config / credentials file parser, and the chain planner over what it parsed:
//! any bytes give a profile set or a parse error, never a panic.
#![no_main]
use docker_credential_ecr_login::credentials::plan_profile;
use docker_credential_ecr_login::local::config::{FileKind, ProfileSet};
use docker_credential_ecr_login::local::env::Env;
use docker_credential_ecr_login::local::settings::Settings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first half is a config file, the second a credentials file.
    let (config, credentials) = data.split_at(data.len() / 2);
    let mut set = ProfileSet::default();
    if set
        .merge(&String::from_utf8_lossy(config), FileKind::Config)
        .is_err()
    {
        return;
    }
    if set
        .merge(&String::from_utf8_lossy(credentials), FileKind::Credentials)
        .is_err()
    {
        return;
    }
    for name in set.profiles.keys().take(4) {
        let env = Env::from_pairs([
            ("AWS_PROFILE", name.as_str()),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        let _ = plan_profile(&Settings::new(env).config(&set));
    }
});
