//! GetAuthorizationToken answers of ECR and ECR Public, and the token inside.
#![no_main]
use docker_credential_ecr_login::aws::endpoint;
use docker_credential_ecr_login::get::{ecr, registry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for host in [
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        "public.ecr.aws",
    ] {
        let r = registry::parse(host).expect("a valid host");
        if let Ok(t) = ecr::parse_response(endpoint::Service::Ecr, &r, data) {
            ecr::decode(t.token.expose()).expect("a parsed token decodes");
        }
    }
    let _ = ecr::decode(&String::from_utf8_lossy(data));
});
