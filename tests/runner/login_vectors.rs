//! The AWS SDK for Rust's `aws login` vectors (`login-provider-test-cases.json`, in
//! `tests/conformance/`), each turned into a scenario `login_vector_N` that runs the real
//! binary: the case's config and cache files in the home, its mocked Sign-In answer from the
//! stand-in (which checks the request body and the DPoP proof), and its outcome checked where
//! the helper shows it: ECR signed with the expected keys, or a failed get; the rewritten cache
//! file compared whole. The vectors pin the clock (2025-11-19T00:00:00Z, expiring 15 minutes
//! later); the binary runs on the real clock, so the new `expiresAt` is checked as now + 15
//! minutes.

use super::format::{Case, Env, Home, Reply, Request, Run, Scenario};
use serde_json::Value;
use std::collections::BTreeMap;

const HOST: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

pub fn all() -> Vec<Scenario> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/conformance/smithy-rs/aws-config/login-provider-test-cases.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases: Vec<Value> = serde_json::from_str(&text).expect("the vectors are JSON");
    assert_eq!(cases.len(), 8, "the published file has 8 cases");
    cases
        .iter()
        .enumerate()
        .map(|(n, c)| scenario(n + 1, c))
        .collect()
}

fn scenario(n: usize, c: &Value) -> Scenario {
    let docs = c["documentation"].as_str().unwrap_or("").to_string();
    let cache = c["cacheContents"].as_object().cloned().unwrap_or_default();
    let mut files = vec![(
        ".aws/config".to_string(),
        c["configContents"].as_str().unwrap_or("").to_string(),
    )];
    let mut keys = BTreeMap::new();
    for (name, content) in &cache {
        files.push((format!(".aws/login/cache/{name}"), content.to_string()));
        add_keys(&mut keys, &content["accessToken"]);
    }
    let mock = c["mockApiCalls"].get(0);
    let mut replies = Vec::new();
    let mut requests = Vec::new();
    if let Some(mock) = mock {
        let file = format!(
            ".aws/login/cache/{}",
            cache.keys().next().expect("a refresh needs a cache file")
        );
        requests.push(Request {
            method: Some("POST".into()),
            path: Some("/v1/token".into()),
            unsigned: true,
            body: Some(mock["request"]["tokenInput"].clone()),
            dpop: Some(file),
            ..Default::default()
        });
        replies.push(match mock["response"]["tokenOutput"].as_object() {
            Some(out) => {
                add_keys(&mut keys, &out["accessToken"]);
                Reply {
                    status: Some(200),
                    body: Some(Value::Object(out.clone()).to_string()),
                    ..Default::default()
                }
            }
            None => Reply {
                status: Some(mock["responseCode"].as_u64().unwrap_or(500) as u16),
                body: Some("{}".into()),
                ..Default::default()
            },
        });
    }
    let outcomes = c["outcomes"].as_array().cloned().unwrap_or_default();
    let mut run = Run {
        stdin: HOST.into(),
        ..Default::default()
    };
    for o in &outcomes {
        match o["result"].as_str() {
            Some("credentials") => {
                replies.push(Reply {
                    token: Some("AWS:vector-pw".into()),
                    ..Default::default()
                });
                requests.push(Request {
                    target: Some(
                        "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken".into(),
                    ),
                    access_key: o["accessKeyId"].as_str().map(str::to_string),
                    session_token: Some(o["sessionToken"].as_str().map(str::to_string)),
                    ..Default::default()
                });
                // The Go helper's field order, exactly.
                run.stdout = Some(format!(
                    r#"{{"ServerURL":"{HOST}","Username":"AWS","Secret":"vector-pw"}}"#
                ));
            }
            Some("cacheContents") => {
                for (name, want) in o.as_object().into_iter().flatten() {
                    if name == "result" {
                        continue;
                    }
                    let mut want = want.clone();
                    // The vector's clock is pinned; the binary's is not.
                    want["accessToken"]["expiresAt"] = "*near {time:+15m}".into();
                    run.files_json
                        .insert(format!(".aws/login/cache/{name}"), want);
                }
            }
            Some("error") => {
                run.exit = 1;
                run.stdout = Some("credentials not found in native keychain".into());
                run.stderr_contains = vec!["aws login --profile signin".into()];
            }
            other => panic!("case {n}: unknown outcome {other:?}"),
        }
    }
    run.replies = replies;
    run.requests = Some(requests);
    let env: Env = [
        ("AWS_ENDPOINT_URL_ECR", "{ecr}"),
        ("AWS_ENDPOINT_URL_SIGNIN", "{ecr}"),
        ("AWS_PROFILE", "signin"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), Some(v.to_string())))
    .collect();
    Scenario {
        name: format!("login_vector_{n}"),
        case: Case {
            docs: format!("AWS SDK for Rust login vector {n}: {docs}"),
            keys,
            tls: false,
            tls_names: None,
            proxy: false,
            proxy_auth: None,
            socks: false,
            hosts: Vec::new(),
            secrets: Vec::new(),
            allow_unused_replies: false,
            runs: vec![run],
        },
        env,
        home: Home::Files(files),
    }
}

fn add_keys(keys: &mut BTreeMap<String, String>, access: &Value) {
    if let (Some(id), Some(secret)) = (
        access["accessKeyId"].as_str(),
        access["secretAccessKey"].as_str(),
    ) {
        keys.insert(id.to_string(), secret.to_string());
    }
}
