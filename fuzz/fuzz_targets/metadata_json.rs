//! The JSON answers of IMDS, the container endpoint and SSO, and AWS JSON errors.
#![no_main]
use docker_credential_ecr_login::aws::Response;
use docker_credential_ecr_login::aws::call::{ErrorFormat, api_error};
use docker_credential_ecr_login::aws::endpoint::Service;
use docker_credential_ecr_login::credentials::sources::{container, imds, sso};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = imds::parse(data);
    let _ = container::parse(data);
    let _ = sso::parse(data);
    let _ = api_error(
        Service::Sso,
        ErrorFormat::Json,
        &Response {
            status: 400,
            headers: vec![(
                "x-amzn-errortype".into(),
                String::from_utf8_lossy(data).into_owned(),
            )],
            body: data.to_vec(),
        },
    );
});
