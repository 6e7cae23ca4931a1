//! The kubelet's image credential provider protocol: a `CredentialProviderRequest` on stdin,
//! a `CredentialProviderResponse` on stdout. The kubelet runs the binary with the argument
//! `kubelet-credential-provider` (the `args` of its `CredentialProviderConfig`).
//!
//! With `tokenAttributes` in that config, v1 requests also carry a token of the pulling
//! pod's service account and the annotations asked for; then the pull uses the role the
//! service account names, as Kubernetes' own `ecr-credential-provider` (v1.35+) chooses it.

use crate::commands::protocol::json_string;
use crate::credentials::ServiceAccountToken;
use crate::get::{Token, get, get_for_pod};
use crate::local::log;
use crate::local::settings::Settings;
use serde_json::Value;
use time::OffsetDateTime;

const GROUP: &str = "credentialprovider.kubelet.k8s.io";
const VERSIONS: &[&str] = &["v1", "v1beta1", "v1alpha1"];
/// The service-account annotation that names the role to pull with (upstream's key).
pub const ROLE_ANNOTATION: &str = "eks.amazonaws.com/ecr-role-arn";
/// The role for service accounts without the annotation, from the provider's `env`.
pub const ROLE_VARIABLE: &str = "AWS_ECR_ROLE_ARN";

/// One request, read: what to answer for, and as whom.
#[derive(Debug)]
pub struct Request {
    /// Echoed in the answer: the kubelet wants its own apiVersion back.
    pub api_version: String,
    /// The image's registry host.
    pub host: String,
    /// The pod's token and role, or `None` for the node's credentials.
    pub pod: Option<ServiceAccountToken>,
}

/// Why a request got no answer: a message for the kubelet's log, and what a failed
/// `credential_process` said on stderr (for stderr only).
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub process_stderr: Option<String>,
}

impl From<RequestProblem> for Failure {
    fn from(problem: RequestProblem) -> Self {
        Failure {
            message: problem.to_string(),
            process_stderr: None,
        }
    }
}

/// What is wrong with a CredentialProviderRequest. Never the token in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestProblem {
    NotJson(String),
    NoApiVersion,
    ApiVersion(String),
    Kind,
    NoImage,
    NotEcr(String),
    TokenNotAString,
    AnnotationNotAString,
    AnnotationsNotAnObject,
}

impl std::fmt::Display for RequestProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestProblem::NotJson(e) => write!(
                f,
                "the CredentialProviderRequest on stdin is not JSON ({e}); this action is for the kubelet"
            ),
            RequestProblem::NoApiVersion => f.write_str("the request has no apiVersion"),
            RequestProblem::ApiVersion(v) => write!(
                f,
                "apiVersion {v:?} is not one of {GROUP}/v1, v1beta1 or v1alpha1"
            ),
            RequestProblem::Kind => {
                f.write_str("the request's kind is not CredentialProviderRequest")
            }
            RequestProblem::NoImage => f.write_str("the request has no image"),
            RequestProblem::NotEcr(image) => write!(
                f,
                "image {image:?} is not in an Amazon ECR registry; limit this provider's matchImages to ECR hosts"
            ),
            RequestProblem::TokenNotAString => {
                f.write_str("the request's serviceAccountToken is not a string")
            }
            RequestProblem::AnnotationNotAString => write!(
                f,
                "the request's annotation {ROLE_ANNOTATION} is not a string"
            ),
            RequestProblem::AnnotationsNotAnObject => {
                f.write_str("the request's serviceAccountAnnotations is not an object")
            }
        }
    }
}

impl std::error::Error for RequestProblem {}

/// Answers one request.
pub fn respond(settings: &Settings, input: &[u8]) -> Result<String, Failure> {
    let req = parse(settings, input)?;
    let token = match req.pod {
        Some(pod) => get_for_pod(settings, &req.host, pod),
        None => get(settings, &req.host),
    }
    .map_err(|e| Failure {
        message: e.to_string(),
        process_stderr: e.process_stderr().map(str::to_string),
    })?;
    Ok(response(
        &req.api_version,
        &req.host,
        &token,
        OffsetDateTime::now_utc(),
    ))
}

/// Reads a request, with no network call: the settings give `AWS_ECR_ROLE_ARN`.
pub fn parse(settings: &Settings, input: &[u8]) -> Result<Request, RequestProblem> {
    let req: Value =
        serde_json::from_slice(input).map_err(|e| RequestProblem::NotJson(e.to_string()))?;
    let api_version = req
        .get("apiVersion")
        .and_then(Value::as_str)
        .ok_or(RequestProblem::NoApiVersion)?;
    let version = api_version
        .strip_prefix(GROUP)
        .and_then(|v| v.strip_prefix('/'))
        .filter(|v| VERSIONS.contains(v))
        .ok_or_else(|| RequestProblem::ApiVersion(api_version.to_string()))?;
    if req.get("kind").and_then(Value::as_str) != Some("CredentialProviderRequest") {
        return Err(RequestProblem::Kind);
    }
    let image = req
        .get("image")
        .and_then(Value::as_str)
        .filter(|i| !i.is_empty())
        .ok_or(RequestProblem::NoImage)?;
    let host = registry_of(image);
    if crate::get::registry::parse(host).is_err()
        && !crate::get::route::is_alias(&settings.env, host)
    {
        return Err(RequestProblem::NotEcr(image.to_string()));
    }
    Ok(Request {
        api_version: api_version.to_string(),
        host: host.to_string(),
        pod: pod_role(settings, &req, version == "v1")?,
    })
}

/// The pod's token and the role to assume with it, or `None` for the node's credentials:
/// no token (older versions never carry one; an empty one is none), or no role. The role
/// is the annotation's when its key was sent, even empty (then no role, and the variable is
/// not consulted), else `AWS_ECR_ROLE_ARN`: upstream's rule since v1.35.
fn pod_role(
    settings: &Settings,
    req: &Value,
    v1: bool,
) -> Result<Option<ServiceAccountToken>, RequestProblem> {
    if !v1 {
        return Ok(None);
    }
    // Never the value in a message: it is the token.
    let token = match req.get("serviceAccountToken") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if t.is_empty() => None,
        Some(Value::String(t)) => Some(t),
        Some(_) => return Err(RequestProblem::TokenNotAString),
    };
    let annotation = match req.get("serviceAccountAnnotations") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => match map.get(ROLE_ANNOTATION) {
            None => None,
            Some(Value::String(role)) => Some(role.as_str()),
            Some(_) => return Err(RequestProblem::AnnotationNotAString),
        },
        Some(_) => return Err(RequestProblem::AnnotationsNotAnObject),
    };
    let Some(token) = token else {
        return Ok(None);
    };
    let role = match annotation {
        Some(role) => role,
        None => settings.env.get(ROLE_VARIABLE).unwrap_or(""),
    };
    if role.is_empty() {
        let why = match annotation {
            Some(_) => format!("the service account's {ROLE_ANNOTATION} annotation is empty"),
            None => {
                format!("no {ROLE_ANNOTATION} annotation was sent and {ROLE_VARIABLE} is not set")
            }
        };
        log::info(
            "No role for the pod's service-account token; using the node's credentials",
            &[("why", &why)],
        );
        return Ok(None);
    }
    Ok(Some(ServiceAccountToken {
        role_arn: role.to_string(),
        token: crate::local::secret::Secret::new(token.clone()),
    }))
}

/// `registry/path:tag` → `registry`.
fn registry_of(image: &str) -> &str {
    image.split('/').next().unwrap_or(image)
}

/// The longest `cacheDuration` we answer with: ECR's tokens live 12 hours, and an entry that
/// claims more (a hand-edited or hostile cache file) must not give the kubelet a duration its
/// parser rejects (past 2^63 ns, about 292 years) or one that outlives any real token.
const MAX_CACHE_SECONDS: i64 = 12 * 3600;

fn response(api_version: &str, host: &str, token: &Token, now: OffsetDateTime) -> String {
    let ttl = (token.refresh_at - now)
        .whole_seconds()
        .clamp(0, MAX_CACHE_SECONDS);
    format!(
        "{{\"apiVersion\":{},\"kind\":\"CredentialProviderResponse\",\"cacheKeyType\":\"Registry\",\"cacheDuration\":\"{}\",\"auth\":{{{}:{{\"username\":{},\"password\":{}}}}}}}",
        json_string(api_version),
        go_duration(ttl),
        json_string(host),
        json_string(&token.username),
        json_string(token.password.expose())
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
            password: crate::local::secret::Secret::new("pw".into()),
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
        // An entry "expiring in 9999" (the review's): at most 12 hours, never Go's overflow.
        let far = Token {
            refresh_at: now + time::Duration::days(365 * 7000),
            expires_at: now + time::Duration::days(365 * 7000),
            username: "AWS".into(),
            password: crate::local::secret::Secret::new("pw".into()),
        };
        let r: Value = serde_json::from_str(&response("v1", "h", &far, now)).unwrap();
        assert_eq!(r["cacheDuration"], "12h0m0s");
    }
}
