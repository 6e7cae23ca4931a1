//! STS answers: the credentials XML, the error XML, and the XML reader under both.
#![no_main]
use docker_credential_ecr_login::aws::Response;
use docker_credential_ecr_login::aws::call::{ErrorFormat, api_error};
use docker_credential_ecr_login::aws::endpoint::Service;
use docker_credential_ecr_login::aws::xml;
use docker_credential_ecr_login::credentials::sources::sts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = sts::parse_credentials(&text);
    let _ = xml::text(&text, "Code");
    // The whole text of an element, undecoded length and all: the slow-input check feeds it a
    // megabyte of entities.
    let _ = xml::text(&text, "Message");
    let _ = api_error(
        Service::Sts,
        ErrorFormat::Xml,
        &Response {
            status: 400,
            headers: vec![],
            body: data.to_vec(),
        },
    );
});
