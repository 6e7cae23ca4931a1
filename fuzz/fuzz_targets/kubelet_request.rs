//! What the kubelet writes on stdin: a CredentialProviderRequest, with or without a pod's
//! service-account token. Any bytes are read without a panic; and a token planted into any
//! request object never shows in the error or in the request's `Debug`.
#![no_main]
use docker_credential_ecr_login::commands::kubelet;
use docker_credential_ecr_login::local::env;
use docker_credential_ecr_login::local::settings::Settings;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const TOKEN: &str = "eyJ.planted-7f3a9c.sig";

fuzz_target!(|data: &[u8]| {
    let settings = Settings::new(env::Env::from_pairs([(
        "AWS_ECR_ROLE_ARN",
        "arn:aws:iam::1:role/default",
    )]));
    if let Ok(req) = kubelet::parse(&settings, data)
        && let Some(pod) = &req.pod
    {
        assert!(!pod.token.expose().is_empty() && !pod.role_arn.is_empty());
    }
    let Ok(Value::Object(mut request)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if String::from_utf8_lossy(data).contains("7f3a9c") {
        return;
    }
    request.insert("serviceAccountToken".into(), TOKEN.into());
    let planted = serde_json::to_vec(&request).unwrap();
    match kubelet::parse(&settings, &planted) {
        Ok(req) => {
            assert!(
                !format!("{req:?}").contains("7f3a9c"),
                "the token reached Debug"
            );
            if let Some(pod) = req.pod {
                assert_eq!(pod.token.expose(), TOKEN);
            }
        }
        Err(e) => assert!(
            !e.to_string().contains("7f3a9c"),
            "the token reached an error: {e}"
        ),
    }
});
