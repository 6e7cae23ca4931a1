//! Container credentials: the ECS task role (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`) and
//! EKS Pod Identity or any local endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` / `_TOKEN`).

use crate::aws::Credentials;
use crate::aws::call::{CallError, Callee};
use crate::aws::request::Call;
use crate::aws::target;
use crate::credentials::error::{
    CONTAINER_HOSTS, CredentialsError, EnvironmentProblem, SourceFailure,
};
use crate::credentials::provider::{
    LocalIdentity, Provider, Resolver, token_file_identity, token_hash,
};
use crate::credentials::sources::document::{self, Document, DocumentError};
use crate::local::env::Env;
use std::fmt;
use std::net::{IpAddr, ToSocketAddrs};

const ECS_HOST: &str = "http://169.254.170.2";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub uri: String,
}

/// The endpoint the environment configures, `Ok(None)` when none is, or an error when the
/// full URI is not allowed. Relative wins over full.
pub fn uri(env: &Env) -> Result<Option<String>, EnvironmentProblem> {
    if let Some(rel) = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        // Appended to the agent's address: anything but a path (`.evil.example/creds`)
        // would name another host, and the authorization token would go there.
        if !rel.starts_with('/') {
            return Err(EnvironmentProblem::ContainerRelativeNotAPath(
                rel.to_string(),
            ));
        }
        return Ok(Some(format!("{ECS_HOST}{rel}")));
    }
    let Some(full) = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
        return Ok(None);
    };
    let t = target(full).map_err(|_| EnvironmentProblem::ContainerFullNotAUrl(full.to_string()))?;
    if t.scheme == "http" && allowed_address(&t.host) == Some(false) {
        return Err(EnvironmentProblem::ContainerFullHostNotAllowed(
            full.to_string(),
        ));
    }
    Ok(Some(full.to_string()))
}

/// Whether an `http` host is allowed, where that needs no DNS: an address (ECS, EKS Pod
/// Identity, loopback) or `localhost`. `None` for another name, which is looked up only when
/// credentials are fetched (a cache hit and `explain` make no DNS query).
fn allowed_address(host: &str) -> Option<bool> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return Some(true);
    }
    host.parse::<IpAddr>().ok().map(allowed_ip)
}

fn allowed_ip(ip: IpAddr) -> bool {
    ip.is_loopback()
        || ip == IpAddr::from([169, 254, 170, 2])
        || ip == IpAddr::from([169, 254, 170, 23])
        || ip == "fd00:ec2::23".parse::<IpAddr>().expect("literal")
}

/// ECS, EKS Pod Identity (IPv4 and IPv6) and loopback; a name must resolve only to those.
fn allowed_host(host: &str, port: u16) -> bool {
    if let Some(known) = allowed_address(host) {
        return known;
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match (host, port).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<_> = addrs.collect();
            !addrs.is_empty() && addrs.iter().all(|a| allowed_ip(a.ip()))
        }
        Err(_) => false,
    }
}

impl Provider for Container {
    fn kind(&self) -> &'static str {
        "container credentials"
    }

    fn identity(&self) -> String {
        format!("container\n{}", self.uri)
    }

    /// EKS Pod Identity and ECS tasks with a token: the token tells the pods apart.
    fn local_identity(&self, env: &Env) -> LocalIdentity {
        match env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            Some(path) => token_file_identity(path),
            None => match env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
                Some(t) => LocalIdentity::Token(token_hash(t)),
                None => LocalIdentity::Nothing,
            },
        }
    }

    fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        let authorization = authorization(r.env())?;
        let t = target(&self.uri).map_err(|error| CallError::http(Callee::Container, error))?;
        if t.scheme == "http" && !allowed_host(&t.host, t.port) {
            return Err(ContainerError::HostNotAllowed {
                uri: self.uri.clone(),
            }
            .into());
        }
        let call = Call::get(Callee::Container, &self.uri).header("accept", "application/json");
        let response = match &authorization {
            Some(a) => call.header("authorization", a),
            None => call,
        }
        .send(r.client)?;
        parse(&response.body)
            .map_err(|e| CallError::bad_response(Callee::Container, e.to_string()).into())
    }
}

/// No authorization token comes near this; a larger file is not one.
const TOKEN_LIMIT: u64 = 64 * 1024;

/// The token file is read on every call (EKS rotates it); no trimming, as in the SDKs, but
/// a line break cannot go into a header.
fn authorization(env: &Env) -> Result<Option<String>, CredentialsError> {
    let value = match env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        Some(path) => Some(
            crate::local::files::read_text(path.as_ref(), TOKEN_LIMIT).map_err(|e| {
                CredentialsError::Unreadable {
                    what: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    path: path.to_string(),
                    error: e.to_string(),
                }
            })?,
        ),
        None => env
            .get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
            .map(str::to_string),
    };
    if value.as_deref().is_some_and(|v| v.contains(['\r', '\n'])) {
        return Err(ContainerError::AuthorizationLineBreak.into());
    }
    Ok(value)
}

/// `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`, plus optional `AccountId`.
pub fn parse(body: &[u8]) -> Result<Credentials, DocumentError> {
    document::parse(body, Document::Container)
}

/// What goes wrong with the container endpoint beyond the call itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerError {
    /// The authorization token cannot go into a header.
    AuthorizationLineBreak,
    /// An `http` URI whose host (looked up now) is not allowed.
    HostNotAllowed { uri: String },
}

impl fmt::Display for ContainerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContainerError::AuthorizationLineBreak => f.write_str(
                "the container authorization token contains a line break, which cannot be sent in a header; remove it from the token (file)",
            ),
            ContainerError::HostNotAllowed { uri } => {
                write!(f, "AWS_CONTAINER_CREDENTIALS_FULL_URI {uri:?} {CONTAINER_HOSTS}")
            }
        }
    }
}

impl SourceFailure for ContainerError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_rules() {
        let e = |pairs: &[(&str, &str)]| uri(&Env::from_pairs(pairs.iter().copied()));
        assert_eq!(e(&[]), Ok(None));
        assert_eq!(
            e(&[("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/x?a=1")]),
            Ok(Some("http://169.254.170.2/v2/x?a=1".into()))
        );
        assert!(
            e(&[(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                ".evil.example/creds"
            )])
            .is_err_and(|m| m.to_string().contains("must begin with /"))
        );
        for ok in [
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://127.0.0.1:8080/c",
            "http://localhost:8080/c",
            "https://anything.example/c",
        ] {
            assert!(
                e(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", ok)])
                    .unwrap()
                    .is_some(),
                "{ok}"
            );
        }
        for bad in [
            "http://169.254.169.254/x",
            "http://10.0.0.1/x",
            "/credentials",
        ] {
            assert!(
                e(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", bad)]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn parses_answers() {
        let c = parse(br#"{"AccessKeyId":"AK","SecretAccessKey":"SK","Token":"T","Expiration":"2021-09-21T18:41:26Z","AccountId":"1"}"#).unwrap();
        assert_eq!(c.session_token.as_ref().map(|t| t.as_str()), Some("T"));
        assert!(parse(br#"{"AccessKeyId":"AK"}"#).is_err());
        assert!(parse(b"<html>").is_err());
    }
}
