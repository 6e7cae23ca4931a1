//! The AWS SDK for Rust's whole-chain cases (`default-credential-provider-chain/`) and
//! profile-provider cases (`profile-provider/`), replayed against recorded traffic on
//! loopback, through this crate's planner and resolver.
//!
//! How a case is laid out here: `fs/` is copied under a temporary root (so `/home` becomes
//! `<root>/home`, and paths in the environment and the config files follow); HTTPS and
//! plain-HTTP API calls go through the replayer as a proxy (`HTTPS_PROXY`/`HTTP_PROXY`, with
//! the test CA in `AWS_CA_BUNDLE`), so the host each request names is checked as recorded;
//! IMDS and container endpoints, which are never proxied, are pointed at the replayer
//! (`AWS_EC2_METADATA_SERVICE_ENDPOINT`, a loopback `AWS_CONTAINER_CREDENTIALS_FULL_URI`)
//! and checked by path. The registry region is us-east-1.

mod support;

use docker_credential_ecr_login::aws::Client;
use docker_credential_ecr_login::aws::endpoint::{Region, RegionOrigin};
use docker_credential_ecr_login::credentials::{self, Resolver};
use docker_credential_ecr_login::local::config::ProfileSet;
use docker_credential_ecr_login::local::env::Env;
use docker_credential_ecr_login::local::settings::Settings;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::replay::{Replayer, load};
use support::tls::TestCa;

/// Cases where this helper deliberately does what the Go SDK does, or says the same thing
/// in other words: (case, reason, what our error says instead, if it is an error).
const DEVIATIONS: &[(&str, &str, Option<&str>)] = &[
    (
        "default-credential-provider-chain/profile_overrides_web_identity",
        "Go's order: web identity from the environment comes before the profile, so the recorded run (profile first, no request) differs",
        None,
    ),
    (
        "default-credential-provider-chain/imds_token_fail",
        "Go falls back to IMDSv1 when the token call answers 403 (DECISIONS.md); the Rust SDK stops",
        None,
    ),
    (
        "default-credential-provider-chain/imds_default_chain_error",
        "same outcome (an error); worded for people",
        Some("this EC2 instance has no IAM role"),
    ),
    (
        "default-credential-provider-chain/imds_no_iam_role",
        "same outcome (an error); worded for people",
        Some("this EC2 instance has no IAM role"),
    ),
    (
        "default-credential-provider-chain/imds_disabled",
        "same outcome (an error); worded for people",
        Some("no AWS credentials found"),
    ),
    (
        "default-credential-provider-chain/sso_server_error",
        "same outcome (an error); worded for people",
        Some("SSO answered HTTP 503"),
    ),
    (
        "default-credential-provider-chain/web_identity_token_invalid_jwt",
        "same outcome; STS's own code (InvalidIdentityToken) where the Rust SDK appends Exception",
        Some("InvalidIdentityToken: No OpenIDConnect provider found in your account"),
    ),
    (
        "profile-provider/credential_process_failure",
        "same outcome (an error); worded for people",
        Some("exited with status 1"),
    ),
    (
        "profile-provider/credential_process_invalid",
        "same outcome (an error); worded for people",
        Some("its output is not JSON"),
    ),
    (
        "profile-provider/empty_config",
        "same outcome (no credentials from the profile); the planner reports it as `None`",
        Some("not enabled"),
    ),
    (
        "profile-provider/sso_token",
        "same outcome (an error); worded for people",
        Some("for a bearer token only"),
    ),
    (
        "profile-provider/invalid_sso_credentials_config",
        "same outcome (an error); worded for people",
        Some("for a bearer token only"),
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/smithy-rs/aws-config")
}

fn copy_tree(from: &Path, to: &Path, files: &mut Vec<String>, prefix: &str) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let target = to.join(&name);
        let logical = format!("{prefix}/{name}");
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target, files, &logical);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            files.push(logical);
        }
    }
}

/// The case's outcome: `Ok` credentials fields or `Err` message, with the temp root mapped
/// back to `/`.
fn run_case(case: &Path, profile_only: bool) -> Result<Result<Value, String>, String> {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().display().to_string();
    let mut files = Vec::new();
    if case.join("fs").is_dir() {
        copy_tree(&case.join("fs"), tmp.path(), &mut files, "");
    }
    // Absolute paths inside config files point into the copied tree.
    for f in &files {
        let p = tmp.path().join(f.trim_start_matches('/'));
        if let Ok(text) = std::fs::read_to_string(&p) {
            let mut t = text.clone();
            for other in files.iter().filter(|o| !o.starts_with("/home/")) {
                t = t.replace(other.as_str(), &format!("{top}{other}"));
            }
            if t != text {
                std::fs::write(&p, t).unwrap();
            }
        }
    }
    let ca = TestCa::new();
    let ca_file = tmp.path().join("test-ca.pem");
    std::fs::write(&ca_file, &ca.pem).unwrap();
    let replayer = Replayer::start(load(&case.join("http-traffic.json")), &ca);
    let env_json: Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("env.json")).unwrap()).unwrap();
    let mut env: Vec<(String, String)> = Vec::new();
    for (k, v) in env_json.as_object().unwrap() {
        let v = v.as_str().unwrap().to_string();
        let v = if v.starts_with('/') && (k == "HOME" || k.ends_with("_FILE")) {
            format!("{top}{v}")
        } else {
            v
        };
        env.push((k.clone(), v));
    }
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    // Link-local endpoints are not proxied: point them at the replayer.
    let get = |env: &Vec<(String, String)>, k: &str| {
        env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    };
    if let Some(rel) = get(&env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        env.retain(|(k, _)| k != "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        env.push((
            "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
            format!("{}{rel}", replayer.url()),
        ));
    } else if let Some(full) = get(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI") {
        let path = full.splitn(4, '/').nth(3).unwrap_or("");
        env.retain(|(k, _)| k != "AWS_CONTAINER_CREDENTIALS_FULL_URI");
        env.push((
            "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
            format!("{}/{path}", replayer.url()),
        ));
    }
    if get(&env, "AWS_EC2_METADATA_SERVICE_ENDPOINT").is_none() {
        env.push(("AWS_EC2_METADATA_SERVICE_ENDPOINT".into(), replayer.url()));
    }
    env.push(("HTTPS_PROXY".into(), replayer.url()));
    env.push(("HTTP_PROXY".into(), replayer.url()));
    env.push(("AWS_CA_BUNDLE".into(), ca_file.display().to_string()));
    if name == "sso_server_error" {
        // The recording was made with retries off.
        env.push(("AWS_MAX_ATTEMPTS".into(), "1".into()));
    }
    let env = Env::from_pairs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));

    let outcome = (|| -> Result<credentials::Credentials, String> {
        let settings = Settings::new(env.clone());
        let plan = if profile_only {
            let files = settings.files().map_err(|e| e.to_string())?;
            credentials::plan_profile(&settings.config(files))
                .map_err(|e| e.to_string())?
                .ok_or("the profile provider was not enabled")?
        } else {
            credentials::plan(&settings).map_err(|e| e.to_string())?
        };
        // The files as the plan left them: read when it needed them, else none.
        let no_files = ProfileSet::default();
        let config = settings.config(settings.files().unwrap_or(&no_files));
        let client = Client::new(
            &env,
            env.get("AWS_CA_BUNDLE").map(PathBuf::from),
            Instant::now() + Duration::from_secs(10),
        );
        let resolver = Resolver {
            config,
            client: &client,
            region: credentials::sts_region(
                &config,
                Region::new("us-east-1", RegionOrigin::Configured),
            ),
        };
        credentials::resolve(&plan, &resolver).map_err(|e| e.to_string())
    })();
    let problems = replayer.problems.lock().unwrap().clone();
    if !problems.is_empty() {
        return Err(format!("traffic: {problems:?}"));
    }
    if outcome.is_ok() && replayer.unused() != 0 {
        return Err(format!(
            "{} recorded requests were never made",
            replayer.unused()
        ));
    }
    Ok(outcome
        .map(|c| {
            serde_json::json!({
                "access_key_id": c.access_key_id,
                "secret_access_key": c.secret_access_key.expose(),
                "session_token": c.session_token.as_ref().map(|t| t.expose()),
                "account_id": c.account_id,
                "expiry": c.expiry.map(|e| e.unix_timestamp()),
            })
        })
        .map_err(|e| e.replace(&top, "")))
}

fn check(suite: &str, profile_only: bool) -> (usize, usize, Vec<String>) {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join(suite))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("test-case.json").is_file())
        .collect();
    cases.sort();
    let (mut passed, mut deviations, mut failed) = (0, 0, Vec::new());
    for case in &cases {
        let id = format!("{suite}/{}", case.file_name().unwrap().to_string_lossy());
        let tc: Value =
            serde_json::from_str(&std::fs::read_to_string(case.join("test-case.json")).unwrap())
                .unwrap();
        let deviation = DEVIATIONS.iter().find(|(c, _, _)| *c == id);
        let got = run_case(case, profile_only);
        let ok = match (
            &got,
            tc["result"].get("Ok"),
            tc["result"].get("ErrorContains"),
        ) {
            (Ok(Ok(have)), Some(want), _) => {
                want.as_object().unwrap().iter().all(|(k, v)| &have[k] == v)
            }
            (Ok(Err(e)), None, Some(want)) => e.contains(want.as_str().unwrap()),
            _ => false,
        };
        if ok {
            passed += 1;
            continue;
        }
        let explained = match (deviation, &got) {
            (Some((_, _, Some(ours))), Ok(Err(e))) => e.contains(ours),
            (Some((_, _, None)), _) => true,
            _ => false,
        };
        if explained {
            deviations += 1;
        } else {
            failed.push(format!("{id}: {got:?}"));
        }
    }
    support::report(&format!(
        "conformance {suite}, {} cases: {passed} passed, {} failed, {deviations} allow-listed deviations",
        cases.len(),
        failed.len()
    ));
    (passed, deviations, failed)
}

#[test]
fn default_credential_provider_chain() {
    let (passed, deviations, failed) = check("default-credential-provider-chain", false);
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(passed + deviations, 29);
}

#[test]
fn profile_provider() {
    let (passed, deviations, failed) = check("profile-provider", true);
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(passed + deviations, 18);
}
