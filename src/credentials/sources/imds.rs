//! EC2 instance metadata (IMDS): IMDSv2 token, then the role, then its credentials. Off EC2
//! it fails fast: 1 s per request, and a connection that cannot be made is not retried.

use crate::aws::Credentials;
use crate::aws::call::{CallError, CallErrorKind, Callee};
use crate::aws::request::Call;
use crate::aws::{HttpError, Request, Response, Timeouts, target};
use crate::credentials::error::{CredentialsError, EnvironmentProblem, SourceFailure};
use crate::credentials::provider::{Provider, Resolver};
use crate::credentials::sources::document::{self, Document, DocumentError};
use crate::local::env::{Env, parse_bool};
use crate::local::settings::Config;
use std::fmt;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const IPV4: &str = "http://169.254.169.254";
const IPV6: &str = "http://[fd00:ec2::254]";
const TOKEN_TTL: &str = "21600";
/// Per request: connect within 1 s, answer within a little more, so that a connect timeout
/// (nothing there) and an answer timeout (IMDSv2 blocked by the hop limit) tell apart.
const TIMEOUTS: Timeouts = Timeouts {
    connect: Duration::from_secs(1),
    total: Duration::from_millis(1200),
};
const ATTEMPTS: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imds {
    /// Base URL, no trailing slash.
    pub endpoint: String,
    pub v1_disabled: bool,
}

/// `AWS_EC2_METADATA_DISABLED=true` turns the IMDS provider off.
pub fn disabled(env: &Env) -> bool {
    env.get("AWS_EC2_METADATA_DISABLED")
        .and_then(parse_bool)
        .unwrap_or(false)
}

/// The base URL: the configured endpoint, else the one for the configured mode (IPv4 by
/// default). Environment before profile.
pub fn endpoint(config: &Config) -> Result<String, EnvironmentProblem> {
    if let Some(ep) = config.lookup(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        "ec2_metadata_service_endpoint",
    ) {
        target(ep).map_err(|_| EnvironmentProblem::ImdsEndpointNotAUrl(ep.to_string()))?;
        return Ok(ep.trim_end_matches('/').to_string());
    }
    match config.lookup(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
        "ec2_metadata_service_endpoint_mode",
    ) {
        None => Ok(IPV4.into()),
        Some(m) if m.eq_ignore_ascii_case("ipv4") => Ok(IPV4.into()),
        Some(m) if m.eq_ignore_ascii_case("ipv6") => Ok(IPV6.into()),
        Some(m) => Err(EnvironmentProblem::ImdsEndpointMode(m.to_string())),
    }
}

pub fn v1_disabled(config: &Config) -> bool {
    config
        .lookup("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled")
        .and_then(parse_bool)
        .unwrap_or(false)
}

impl Provider for Imds {
    fn kind(&self) -> &'static str {
        "EC2 instance metadata"
    }

    fn identity(&self) -> String {
        format!("imds\n{}", self.endpoint)
    }

    fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        let mut token = self.token(r)?;
        let base = format!(
            "{}/latest/meta-data/iam/security-credentials/",
            self.endpoint
        );
        let list = self.get(r, &base, &mut token)?;
        if list.status == 404 {
            return Err(ImdsError::NoInstanceRole.into());
        }
        let body = ok_body(&list)?;
        let role = body.lines().next().unwrap_or("").trim().to_string();
        if role.is_empty() {
            return Err(ImdsError::NoInstanceRole.into());
        }
        let creds = self.get(r, &format!("{base}{role}"), &mut token)?;
        let creds = parse(ok_body(&creds)?.as_bytes()).map_err(CredentialsError::Document)?;
        if creds.expiry.is_some_and(|e| e <= OffsetDateTime::now_utc()) {
            crate::local::log::warn(
                "IMDS returned credentials that have already expired; using them once",
                &[],
            );
        }
        Ok(creds)
    }
}

fn ok_body(r: &Response) -> Result<String, CredentialsError> {
    if r.status != 200 {
        let message = String::from_utf8_lossy(&r.body).chars().take(200).collect();
        return Err(CallError::new(
            Callee::Imds,
            CallErrorKind::Api {
                status: r.status,
                code: String::new(),
                message,
            },
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&r.body).into_owned())
}

impl Imds {
    /// Sends with at most [`ATTEMPTS`] tries: a 5xx is tried again; a connection that cannot
    /// be made, or an answer that does not come, is not, so that off EC2 this costs seconds.
    fn send(&self, r: &Resolver, req: &Request) -> Result<Response, CredentialsError> {
        let mut last = None;
        for _ in 0..ATTEMPTS {
            let deadline = (Instant::now() + TIMEOUTS.total).min(r.deadline());
            match r.client.http().send(req, deadline) {
                Ok(resp) if resp.status >= 500 => last = Some(resp),
                Ok(resp) => return Ok(resp),
                Err(
                    e @ (HttpError::Connect { .. }
                    | HttpError::Timeout {
                        connecting: true, ..
                    }),
                ) => {
                    return Err(not_reachable(&self.endpoint, e));
                }
                Err(error) => {
                    return Err(CallError::http(Callee::Imds, error).into());
                }
            }
        }
        Ok(last.expect("at least one attempt"))
    }

    /// The IMDSv2 session token, or `None` to go on with IMDSv1 (the token call answered
    /// 403, 404 or 405, or never answered: a container behind the default hop limit).
    fn token(&self, r: &Resolver) -> Result<Option<String>, CredentialsError> {
        let req = Call::put(Callee::Imds, &format!("{}/latest/api/token", self.endpoint))
            .header("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL)
            .timeouts(TIMEOUTS)
            .request()?;
        let fallback = |why: String| {
            if self.v1_disabled {
                Err(ImdsError::V1Disabled { why }.into())
            } else {
                crate::local::log::info("Falling back to IMDSv1", &[("reason", &why)]);
                Ok(None)
            }
        };
        match self.send(r, &req) {
            Ok(resp) if resp.status == 200 => {
                Ok(Some(String::from_utf8_lossy(&resp.body).trim().to_string()))
            }
            Ok(resp) if (403..=405).contains(&resp.status) => {
                fallback(format!("HTTP {}", resp.status))
            }
            Ok(resp) => ok_body(&resp).map(|_| None),
            Err(CredentialsError::Call(e))
                if matches!(e.kind, CallErrorKind::Http(HttpError::Timeout { .. })) =>
            {
                fallback("the token request timed out".into())
            }
            Err(e) => Err(e),
        }
    }

    /// A GET with the token; a 401 means the token expired: get a new one, once.
    fn get(
        &self,
        r: &Resolver,
        url: &str,
        token: &mut Option<String>,
    ) -> Result<Response, CredentialsError> {
        let request = |t: &Option<String>| {
            let call = Call::get(Callee::Imds, url).timeouts(TIMEOUTS);
            match t {
                Some(t) => call.header("x-aws-ec2-metadata-token", t),
                None => call,
            }
            .request()
        };
        let resp = self.send(r, &request(token)?)?;
        if resp.status == 401 && token.is_some() {
            *token = self.token(r)?;
            return self.send(r, &request(token)?);
        }
        Ok(resp)
    }
}

fn not_reachable(endpoint: &str, e: HttpError) -> CredentialsError {
    ImdsError::Unreachable {
        endpoint: endpoint.to_string(),
        detail: match e {
            HttpError::Timeout { .. } => "connection timed out".to_string(),
            HttpError::Connect { detail, .. } => detail,
            other => other.to_string(),
        },
    }
    .into()
}

/// `{"Code":"Success","AccessKeyId",…,"Token","Expiration"}`; a missing `Code` counts as
/// success.
pub fn parse(body: &[u8]) -> Result<Credentials, DocumentError> {
    document::parse(body, Document::Imds)
}

/// What goes wrong with IMDS beyond the call itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImdsError {
    /// The instance has no IAM role attached.
    NoInstanceRole,
    /// Nothing answers at the metadata service's address.
    Unreachable { endpoint: String, detail: String },
    /// IMDSv2 gave no token and IMDSv1 is off.
    V1Disabled { why: String },
}

impl fmt::Display for ImdsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImdsError::NoInstanceRole => f.write_str(
                "this EC2 instance has no IAM role (instance profile) attached: attach one, or configure other credentials",
            ),
            ImdsError::Unreachable { endpoint, detail } => write!(
                f,
                "the EC2 instance metadata service at {endpoint} is not reachable ({detail}); this is not an EC2 instance, or its metadata service is off. Configure credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE, …), or set AWS_EC2_METADATA_DISABLED=true to skip IMDS"
            ),
            ImdsError::V1Disabled { why } => write!(
                f,
                "IMDS gave no IMDSv2 token ({why}) and IMDSv1 is disabled (AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled)"
            ),
        }
    }
}

impl SourceFailure for ImdsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_rules() {
        let e = |pairs: &[(&str, &str)]| {
            let settings =
                crate::local::settings::Settings::new(Env::from_pairs(pairs.iter().copied()));
            endpoint(&settings.config(&Default::default()))
        };
        assert_eq!(e(&[]).unwrap(), IPV4);
        assert_eq!(
            e(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipV6")]).unwrap(),
            IPV6
        );
        assert!(
            e(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv7")])
                .unwrap_err()
                .to_string()
                .contains("`IPv7` is not a valid endpoint mode")
        );
        assert_eq!(
            e(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://override:456/")]).unwrap(),
            "http://override:456"
        );
        assert!(e(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "not a uri")]).is_err());
    }

    #[test]
    fn parses_credentials() {
        let c = parse(br#"{"Code":"Success","AccessKeyId":"AK","SecretAccessKey":"SK","Token":"T","Expiration":"2021-09-21T04:16:53Z"}"#).unwrap();
        assert_eq!(c.access_key_id, "AK");
        assert!(
            parse(br#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"no"}"#)
                .unwrap_err()
                .to_string()
                .contains("trust relationship")
        );
        assert!(parse(b"{}").is_err());
    }
}
