//! `GetAuthorizationToken` for ECR (JSON 1.1, `registryIds=[id]`) and ECR Public, and the
//! token they return.

use crate::aws::Client;
use crate::aws::call::CallError;
use crate::aws::endpoint::{Endpoint, Service};
use crate::aws::request::Call;
use crate::credentials::Credentials;
use crate::get::registry::{self, Registry};
use crate::local::secret::Secret;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use time::OffsetDateTime;

/// A token as ECR hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationToken {
    /// base64 of `user:password`.
    pub token: Secret<String>,
    pub expires_at: OffsetDateTime,
    pub proxy_endpoint: String,
}

/// Calls `GetAuthorizationToken` for `registry` at `endpoint`, retrying as the SDKs do.
pub fn get_authorization_token(
    client: &Client,
    endpoint: &Endpoint,
    registry: &Registry,
    creds: &Credentials,
) -> Result<AuthorizationToken, CallError> {
    let name = endpoint.service;
    let (target_name, body) = match registry {
        // No account id: the caller's default registry, as `aws ecr get-login-password`.
        Registry::Private(p) if p.account_id.is_empty() => (
            "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
            "{}".to_string(),
        ),
        Registry::Private(p) => (
            "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
            format!("{{\"registryIds\":[\"{}\"]}}", p.account_id),
        ),
        Registry::Public { .. } => (
            "SpencerFrontendService.GetAuthorizationToken",
            "{}".to_string(),
        ),
    };
    let response = Call::post(name, &endpoint.url, "application/x-amz-json-1.1", body)
        .header("x-amz-target", target_name)
        .attempt_header()
        .signed(creds, &endpoint.signing_region, name.signing_name())
        .send(client)?;
    parse_response(name, registry, &response.body)
}

pub fn parse_response(
    service: Service,
    registry: &Registry,
    body: &[u8],
) -> Result<AuthorizationToken, CallError> {
    let bad = |detail: &str| CallError::bad_response(service, detail);
    let v: Value = serde_json::from_slice(body).map_err(|_| bad("the body is not JSON"))?;
    let data = match registry {
        // ECR lists one entry per registry; the first complete one is ours, as in Go.
        Registry::Private(_) => v
            .get("authorizationData")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no authorizationData"))?
            .iter()
            .find(|d| {
                d.get("authorizationToken")
                    .and_then(Value::as_str)
                    .is_some()
                    && d.get("proxyEndpoint").and_then(Value::as_str).is_some()
            })
            .ok_or_else(|| bad("no authorizationData entry with a token"))?,
        Registry::Public { .. } => v
            .get("authorizationData")
            .filter(|d| d.is_object())
            .ok_or_else(|| bad("no authorizationData"))?,
    };
    let token = data
        .get("authorizationToken")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no authorizationToken"))?
        .to_string();
    decode(&token).map_err(|e| bad(&e.to_string()))?;
    let expires_at = data
        .get("expiresAt")
        .and_then(Value::as_f64)
        .and_then(|s| OffsetDateTime::from_unix_timestamp_nanos((s * 1e9) as i128).ok())
        .ok_or_else(|| bad("no expiresAt"))?;
    let proxy_endpoint = match registry {
        Registry::Private(_) => {
            let pe = data
                .get("proxyEndpoint")
                .and_then(Value::as_str)
                .unwrap_or("");
            match registry::parse(pe) {
                Ok(Registry::Private(_)) => pe.to_string(),
                _ => return Err(bad(&format!("invalid proxyEndpoint {pe:?}"))),
            }
        }
        Registry::Public { host } => format!("https://{host}"),
    };
    Ok(AuthorizationToken {
        token: Secret::new(token),
        expires_at,
        proxy_endpoint,
    })
}

/// What is wrong with an authorization token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    NotBase64,
    NotText,
    NoColon,
}

impl std::fmt::Display for TokenProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TokenProblem::NotBase64 => "the authorization token is not base64",
            TokenProblem::NotText => "the authorization token is not text",
            TokenProblem::NoColon => "the authorization token has no ':' between user and password",
        })
    }
}

/// base64 `user:password` → `(user, password)`, split at the first `:`.
pub fn decode(token: &str) -> Result<(String, String), TokenProblem> {
    let bytes = STANDARD
        .decode(token)
        .map_err(|_| TokenProblem::NotBase64)?;
    let text = String::from_utf8(bytes).map_err(|_| TokenProblem::NotText)?;
    match text.split_once(':') {
        Some((user, password)) => Ok((user.to_string(), password.to_string())),
        None => Err(TokenProblem::NoColon),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        STANDARD.encode(s)
    }

    #[test]
    fn decode_splits_at_first_colon() {
        assert_eq!(
            decode(&b64("AWS:pass:with:colons")),
            Ok(("AWS".into(), "pass:with:colons".into()))
        );
        assert!(decode(&b64("nocolon")).is_err());
        assert!(decode("!!!not base64").is_err());
        assert!(decode(&STANDARD.encode([0xff, 0xfe, b':'])).is_err());
    }

    #[test]
    fn private_response() {
        let reg = registry::parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com").unwrap();
        let body = format!(
            r#"{{"authorizationData":[{{"authorizationToken":"{}","expiresAt":1.7e9,"proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}}]}}"#,
            b64("AWS:secret")
        );
        let t = parse_response(Service::Ecr, &reg, body.as_bytes()).unwrap();
        assert_eq!(t.expires_at.unix_timestamp(), 1_700_000_000);
        assert_eq!(
            t.proxy_endpoint,
            "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"
        );
    }

    #[test]
    fn malformed_responses_are_errors() {
        let reg = registry::parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com").unwrap();
        let good = b64("AWS:secret");
        for body in [
            "not json".to_string(),
            "{}".to_string(),
            r#"{"authorizationData":[]}"#.to_string(),
            format!(r#"{{"authorizationData":[{{"authorizationToken":"{good}","expiresAt":1}}]}}"#),
            format!(
                r#"{{"authorizationData":[{{"authorizationToken":"{good}","proxyEndpoint":"https://notproxy","expiresAt":1}}]}}"#
            ),
            format!(
                r#"{{"authorizationData":[{{"authorizationToken":"{good}","proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}}]}}"#
            ),
            r#"{"authorizationData":[{"authorizationToken":"%%%","proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com","expiresAt":1}]}"#.to_string(),
        ] {
            assert!(
                matches!(parse_response(Service::Ecr, &reg, body.as_bytes()).map_err(|e| e.kind), Err(crate::aws::call::CallErrorKind::BadResponse(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn public_response() {
        let reg = registry::parse("public.ecr.aws").unwrap();
        let body = format!(
            r#"{{"authorizationData":{{"authorizationToken":"{}","expiresAt":1700000000}}}}"#,
            b64("AWS:pub")
        );
        let t = parse_response(Service::EcrPublic, &reg, body.as_bytes()).unwrap();
        assert_eq!(t.proxy_endpoint, "https://public.ecr.aws");
    }
}
