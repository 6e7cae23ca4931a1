//! The floor a miss is measured against (`scripts/bench.sh`): the least a program can do to
//! make the helper's call, with the same crates. It signs one ECR `GetAuthorizationToken` with
//! aws-sigv4, sends it with ureq over rustls (ring), trusting only the CA file it is given,
//! and prints the body. No profiles, no cache, no retries, no checks.
//!
//! ```sh
//! AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… floor_client URL [CA.pem]
//! ```

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::io::Read;
use ureq::tls::{PemItem, RootCerts, TlsConfig};

fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("usage: floor_client URL [CA.pem]");
    let key = |name| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set"));
    let identity: Identity = aws_credential_types::Credentials::new(
        key("AWS_ACCESS_KEY_ID"),
        key("AWS_SECRET_ACCESS_KEY"),
        None,
        None,
        "floor",
    )
    .into();
    let body = b"{}";
    let headers = [
        ("content-type", "application/x-amz-json-1.1"),
        (
            "x-amz-target",
            "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
        ),
    ];
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("eu-west-1")
        .name("ecr")
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (signed, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = ureq::http::Request::post(&url);
    for (k, v) in headers.iter().copied().chain(signed.headers()) {
        request = request.header(k, v);
    }
    let mut config = ureq::Agent::config_builder()
        .input_buffer_size(16 * 1024)
        .output_buffer_size(8 * 1024);
    if let Some(ca) = args.next() {
        let pem = std::fs::read(ca).unwrap();
        let certs = ureq::tls::parse_pem(&pem)
            .filter_map(|item| match item {
                Ok(PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect::<Vec<_>>();
        config = config.tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::from(certs))
                .build(),
        );
    }
    let agent: ureq::Agent = config.build().into();
    let mut response = agent.run(request.body(body.to_vec()).unwrap()).unwrap();
    let mut text = String::new();
    response
        .body_mut()
        .as_reader()
        .read_to_string(&mut text)
        .unwrap();
    println!("{text}");
}
