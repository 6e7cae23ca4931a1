//! The kubelet's image credential provider protocol: a `CredentialProviderRequest` on stdin,
//! a `CredentialProviderResponse` on stdout. The kubelet runs the binary with the argument
//! `kubelet-credential-provider` (the `args` of its `CredentialProviderConfig`).

use crate::commands::protocol::json_string;
use crate::get::{Token, get};
use crate::local::settings::Settings;
use serde_json::Value;
use time::OffsetDateTime;

const GROUP: &str = "credentialprovider.kubelet.k8s.io";
const VERSIONS: &[&str] = &["v1", "v1beta1", "v1alpha1"];

/// Answers one request; the error is a message for the kubelet's log.
pub fn respond(settings: &Settings, input: &[u8]) -> Result<String, String> {
    let req: Value = serde_json::from_slice(input).map_err(|e| {
        format!("the CredentialProviderRequest on stdin is not JSON ({e}); this action is for the kubelet")
    })?;
    let api_version = req
        .get("apiVersion")
        .and_then(Value::as_str)
        .ok_or("the request has no apiVersion")?;
    let known = api_version
        .strip_prefix(GROUP)
        .and_then(|v| v.strip_prefix('/'))
        .is_some_and(|v| VERSIONS.contains(&v));
    if !known {
        return Err(format!(
            "apiVersion {api_version:?} is not one of {GROUP}/v1, v1beta1 or v1alpha1"
        ));
    }
    if req.get("kind").and_then(Value::as_str) != Some("CredentialProviderRequest") {
        return Err("the request's kind is not CredentialProviderRequest".into());
    }
    let image = req
        .get("image")
        .and_then(Value::as_str)
        .filter(|i| !i.is_empty())
        .ok_or("the request has no image")?;
    let host = registry_of(image);
    if crate::get::registry::parse(host).is_err() {
        return Err(format!(
            "image {image:?} is not in an Amazon ECR registry; limit this provider's matchImages to ECR hosts"
        ));
    }
    let token = get(settings, host).map_err(|e| e.to_string())?;
    Ok(response(
        api_version,
        host,
        &token,
        OffsetDateTime::now_utc(),
    ))
}

/// `registry/path:tag` → `registry`.
fn registry_of(image: &str) -> &str {
    image.split('/').next().unwrap_or(image)
}

fn response(api_version: &str, host: &str, token: &Token, now: OffsetDateTime) -> String {
    let ttl = (token.refresh_at - now).whole_seconds().max(0);
    format!(
        "{{\"apiVersion\":{},\"kind\":\"CredentialProviderResponse\",\"cacheKeyType\":\"Registry\",\"cacheDuration\":\"{}\",\"auth\":{{{}:{{\"username\":{},\"password\":{}}}}}}}",
        json_string(api_version),
        go_duration(ttl),
        json_string(host),
        json_string(&token.username),
        json_string(&token.password)
    )
}

/// Go's `time.Duration` text, which the kubelet parses: `5h59m30s`, `0s`.
fn go_duration(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_hosts() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(59), "59s");
        assert_eq!(go_duration(61), "1m1s");
        assert_eq!(go_duration(6 * 3600), "6h0m0s");
        assert_eq!(
            registry_of("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1.2"),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com"
        );
        assert_eq!(registry_of("public.ecr.aws"), "public.ecr.aws");
    }

    #[test]
    fn response_shape() {
        let now = OffsetDateTime::now_utc();
        let token = Token {
            username: "AWS".into(),
            password: "pw".into(),
            refresh_at: now + time::Duration::hours(2),
            expires_at: now + time::Duration::hours(8),
        };
        let r: Value = serde_json::from_str(&response(
            "credentialprovider.kubelet.k8s.io/v1",
            "1.dkr",
            &token,
            now,
        ))
        .unwrap();
        assert_eq!(r["kind"], "CredentialProviderResponse");
        assert_eq!(r["cacheKeyType"], "Registry");
        assert_eq!(r["cacheDuration"], "2h0m0s");
        assert_eq!(r["auth"]["1.dkr"]["password"], "pw");
    }
}
