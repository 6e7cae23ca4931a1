//! The AWS SDK for Rust's own test vectors (`../shared/conformance/smithy-rs`), run as they
//! are. Where this project deliberately differs, the case is on an allow-list with its reason.

use docker_credential_ecr_login::config::{
    FileKind, Platform, ProfileSet, file_locations, selected_profile,
};
use docker_credential_ecr_login::env::Env;
use serde_json::Value;
use std::path::PathBuf;

fn conformance(path: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/smithy-rs")
        .join(path);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the conformance data sits beside the repository)",
            p.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

fn as_table(
    v: &Value,
) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(name, props)| {
                    let props = props
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                        .collect();
                    (name.clone(), props)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn profile_parser_tests() {
    let suite = conformance("aws-runtime/profile-parser-tests.json");
    let tests = suite["tests"].as_array().unwrap();
    let mut failed = Vec::new();
    for t in tests {
        let name = t["name"].as_str().unwrap();
        let mut set = ProfileSet::default();
        let mut result = Ok(());
        if let Some(c) = t["input"]["configFile"].as_str() {
            result = set.merge(c, FileKind::Config);
        }
        if result.is_ok()
            && let Some(c) = t["input"]["credentialsFile"].as_str()
        {
            result = set.merge(c, FileKind::Credentials);
        }
        let out = &t["output"];
        let ok = match (out.get("errorContaining").and_then(Value::as_str), result) {
            (Some(want), Err(e)) => e.to_string().contains(want),
            (Some(_), Ok(())) => false,
            (None, Err(_)) => false,
            (None, Ok(())) => {
                let profiles_ok = as_table(&out["config"]["profiles"]) == set.profiles;
                let sso_ok = match out["config"].get("sso_sessions") {
                    Some(s) => as_table(s) == set.sso_sessions,
                    None => true,
                };
                profiles_ok && sso_ok
            }
        };
        if !ok {
            failed.push(name.to_string());
        }
    }
    println!(
        "profile-parser-tests: {} passed, {} failed",
        tests.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "failed: {failed:#?}");
    assert_eq!(tests.len(), 65);
}

#[test]
fn file_location_tests() {
    let suite = conformance("aws-runtime/file-location-tests.json");
    let tests = suite["tests"].as_array().unwrap();
    for t in tests {
        let name = t["name"].as_str().unwrap();
        let env = Env::from_pairs(
            t["environment"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap())),
        );
        let platform = match t["platform"].as_str().unwrap() {
            "windows" => Platform::Windows,
            _ => Platform::Unix,
        };
        let (config, credentials) = file_locations(&env, platform);
        assert_eq!(
            config.to_str().unwrap(),
            t["configLocation"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            credentials.to_str().unwrap(),
            t["credentialsLocation"].as_str().unwrap(),
            "{name}"
        );
        if let Some(p) = t.get("profile").and_then(Value::as_str) {
            assert_eq!(selected_profile(&env).0, p, "{name}");
        }
    }
    println!("file-location-tests: {} passed, 0 failed", tests.len());
}
