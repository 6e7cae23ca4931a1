//! The helper working end to end with no AWS account: a loopback stand-in for ECR that
//! checks SigV4 signatures (the same one the tests use), and the real binary run twice.
//!
//! Run it with `scripts/demo.sh`, or `cargo run --example demo -- PATH/TO/docker-credential-ecr-login`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use support::standin::{Reply, StandIn};

const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

fn main() {
    let (key, secret) = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let ecr = StandIn::start(HashMap::from([(key.to_string(), secret.to_string())]), None);
    ecr.push(Reply::Token("AWS:demo-password-from-the-stand-in".into()));
    let home = tempfile::tempdir().unwrap();
    let env: Vec<(String, String)> = [
        ("HOME", home.path().to_str().unwrap()),
        ("AWS_ACCESS_KEY_ID", key),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_ENDPOINT_URL_ECR", &ecr.url()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    println!(
        "A stand-in for ECR listens on {} and verifies every SigV4 signature.",
        ecr.url()
    );
    println!(
        "Environment: HOME={} AWS_ACCESS_KEY_ID={key} AWS_SECRET_ACCESS_KEY=… AWS_ENDPOINT_URL_ECR={}\n",
        home.path().display(),
        ecr.url()
    );
    let mut ok = true;
    // The same binary answers Bazel's `--credential_helper` request, from the same cache.
    let bazel = format!(r#"{{"uri":"https://{HOST}/v2/app/manifests/1.0"}}"#);
    for (round, input) in [
        ("first get: cache miss", HOST.to_string()),
        ("second get: cache hit", HOST.to_string()),
        ("as Bazel asks: the same cache", bazel),
    ] {
        println!("$ printf '{input}' | docker-credential-ecr-login get      # {round}");
        let out = support::run::helper(&["get"], input.as_bytes(), &env, home.path());
        print!("{}{}", out.stdout, out.stderr);
        let seen = ecr.take();
        for r in &seen {
            match &r.verified {
                Ok(v) => println!(
                    "  stand-in: {} signed by {}, scope {}/{}: signature verified",
                    r.request.header("x-amz-target").unwrap_or("?"),
                    v.access_key,
                    v.region,
                    v.service
                ),
                Err(e) => {
                    ok = false;
                    println!("  stand-in: signature REJECTED: {e}")
                }
            }
        }
        if seen.is_empty() {
            println!("  stand-in: no request (the token came from the cache)");
        }
        ok &= out.code == 0;
        println!();
    }
    let cache = home.path().join(".ecr/cache.json");
    println!(
        "{}:\n{}",
        cache.display(),
        std::fs::read_to_string(&cache).unwrap_or_default()
    );
    if !ok {
        eprintln!("demo FAILED");
        std::process::exit(1);
    }
}
