//! A loopback stand-in for ECR that answers every `GetAuthorizationToken` with a token, after
//! checking its SigV4 signature (the tests' stand-in). For `scripts/bench.sh`,
//! `scripts/e2e-clients.sh`, and for trying the helper by hand:
//!
//! ```sh
//! cargo run --release --example standin              # password: password-from-the-stand-in
//! cargo run --release --example standin -- OTHER     # another password
//! cargo run --release --example standin -- --fail    # HTTP 500 to everything
//! cargo run --release --example standin -- --sts     # STS: AssumeRoleWithWebIdentity's answer
//! cargo run --release --example standin -- --tls CA.pem   # HTTPS, its CA written to CA.pem
//! ```
//! With `--sts` it stands for STS, answering every request with `AKIDEXAMPLE`'s keys, valid
//! for an hour.
//! It prints its URL and serves until its stdin closes. The access key it knows is
//! `AKIDEXAMPLE` with the AWS documentation's example secret.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::io::Read;
use support::standin::{Reply, StandIn};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--tls CA.pem`: HTTPS for `localhost`, from a throw-away CA whose PEM goes to CA.pem.
    let tls = match args.iter().position(|a| a == "--tls") {
        Some(i) => {
            let path = args
                .get(i + 1)
                .cloned()
                .expect("--tls names the CA file to write");
            args.drain(i..i + 2);
            let ca = support::tls::TestCa::new();
            std::fs::write(path, &ca.pem).expect("the CA file can be written");
            Some(ca.server_config(&["localhost"]))
        }
        None => None,
    };
    let ecr = StandIn::start(
        HashMap::from([(
            "AKIDEXAMPLE".to_string(),
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_string(),
        )]),
        tls,
    );
    let reply = match args.first().map(String::as_str) {
        Some("--fail") => Reply::Raw {
            status: 500,
            body: r#"{"__type":"ServerException","message":"the stand-in fails on purpose"}"#
                .into(),
            headers: vec![],
        },
        Some("--sts") => Reply::Raw {
            status: 200,
            body: sts_answer(),
            headers: vec![("Content-Type".into(), "text/xml".into())],
        },
        Some(password) => Reply::Token(format!("AWS:{password}")),
        None => Reply::Token("AWS:password-from-the-stand-in".into()),
    };
    ecr.set_fallback(reply);
    ecr.set_recording(false);
    println!("{}", ecr.url());
    // Serve until whoever started us closes our stdin.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

fn sts_answer() -> String {
    let expires = (time::OffsetDateTime::now_utc() + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    format!(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>AKIDEXAMPLE</AccessKeyId>\
         <SecretAccessKey>wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY</SecretAccessKey>\
         <SessionToken>stand-in-session</SessionToken><Expiration>{expires}</Expiration>\
         </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
    )
}
