//! IAM Identity Center (SSO): the token `aws sso login` cached under
//! `~/.aws/sso/cache/<sha1>.json`, refreshed through SSO OIDC when it is about to expire
//! (`sso_session` profiles only), then `GetRoleCredentials`.

use crate::aws::Credentials;
use crate::aws::answer::AnswerProblem;
use crate::aws::call::CallError;
use crate::aws::endpoint::{self, Service};
use crate::aws::request::Call;
use crate::credentials::error::{CredentialsError, SourceFailure};
use crate::credentials::provider::{Provider, Resolver};
use crate::local::config::{Platform, home_dir};
use crate::local::secret::Secret;
use serde_json::{Map, Value};
use std::fmt;
use std::path::PathBuf;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// Refresh a token with less than this left, as the Rust SDK does.
const REFRESH_WINDOW: Duration = Duration::minutes(5);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sso {
    pub profile: String,
    /// The `[sso-session NAME]`, or `None` for a legacy profile with `sso_start_url`.
    pub session: Option<String>,
    pub start_url: String,
    pub region: String,
    pub account_id: String,
    pub role_name: String,
}

impl Sso {
    fn cache_problem(&self, path: &std::path::Path, problem: SsoCacheProblem) -> CredentialsError {
        SsoError::Cache {
            path: path.display().to_string(),
            problem,
            profile: self.profile.clone(),
        }
        .into()
    }

    fn cache_file(&self, r: &Resolver) -> Result<PathBuf, CredentialsError> {
        let key = self.session.as_deref().unwrap_or(&self.start_url);
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
        let name = crate::local::sha256::hex(digest.as_ref());
        let home = home_dir(r.env(), Platform::current()).ok_or(CredentialsError::NoHome)?;
        Ok(PathBuf::from(home)
            .join(".aws")
            .join("sso")
            .join("cache")
            .join(format!("{name}.json")))
    }

    /// The cached access token, refreshed when it is close to expiry and can be.
    fn access_token(&self, r: &Resolver) -> Result<String, CredentialsError> {
        let path = self.cache_file(r)?;
        let text = crate::local::files::read_text(&path, 1024 * 1024)
            .map_err(|e| self.cache_problem(&path, SsoCacheProblem::Unreadable(e.to_string())))?;
        let mut doc: Map<String, Value> = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .ok_or_else(|| self.cache_problem(&path, SsoCacheProblem::NotJson))?;
        let token = str_field(&doc, "accessToken")
            .ok_or_else(|| self.cache_problem(&path, SsoCacheProblem::NoAccessToken))?;
        let expires = str_field(&doc, "expiresAt")
            .and_then(|e| OffsetDateTime::parse(&e, &Rfc3339).ok())
            .ok_or_else(|| self.cache_problem(&path, SsoCacheProblem::NoExpiresAt))?;
        let now = OffsetDateTime::now_utc();
        if expires - now > REFRESH_WINDOW {
            return Ok(token);
        }
        if self.session.is_some() && refreshable(&doc, now) {
            match self.refresh(r, &mut doc, now) {
                Ok(new_token) => {
                    if let Err(e) = crate::local::files::write_atomically(
                        &path,
                        serde_json::to_string_pretty(&Value::Object(doc))
                            .unwrap_or_default()
                            .as_bytes(),
                    ) {
                        crate::local::log::warn(
                            "Could not save the refreshed SSO token",
                            &[
                                ("file", &path.display().to_string()),
                                ("error", &e.to_string()),
                            ],
                        );
                    }
                    return Ok(new_token);
                }
                Err(e) if expires > now => {
                    crate::local::log::warn(
                        "Could not refresh the SSO token; using it until it expires",
                        &[("error", &e.to_string())],
                    );
                    return Ok(token);
                }
                Err(e) => {
                    return Err(SsoError::Expired {
                        profile: self.profile.clone(),
                        refresh: Some(e.to_string()),
                    }
                    .into());
                }
            }
        }
        if expires <= now {
            return Err(SsoError::Expired {
                profile: self.profile.clone(),
                refresh: None,
            }
            .into());
        }
        Ok(token)
    }

    /// SSO OIDC `CreateToken` with the refresh token; updates `doc` in place (unknown
    /// fields kept) and returns the new access token.
    fn refresh(
        &self,
        r: &Resolver,
        doc: &mut Map<String, Value>,
        now: OffsetDateTime,
    ) -> Result<String, CredentialsError> {
        let ep = endpoint::for_service(Service::SsoOidc, &self.region, &r.config);
        let url = format!("{}/token", ep.url.trim_end_matches('/'));
        let body = serde_json::json!({
            "clientId": str_field(doc, "clientId"),
            "clientSecret": str_field(doc, "clientSecret"),
            "grantType": "refresh_token",
            "refreshToken": str_field(doc, "refreshToken"),
        })
        .to_string();
        let resp = Call::post(ep.service, &url, "application/json", body)
            .send(r.client)
            // SSO OIDC may echo the request: its answer never shows what was sent.
            .map_err(|e| {
                e.without(&str_field(doc, "refreshToken").unwrap_or_default())
                    .without(&str_field(doc, "clientSecret").unwrap_or_default())
            })?;
        let new = parse_token(&resp.body, now)
            .map_err(|detail| CallError::bad_response(ep.service, detail.to_string()))?;
        doc.insert(
            "accessToken".into(),
            Value::String(new.access_token.expose().clone()),
        );
        doc.insert("expiresAt".into(), Value::String(new.expires_at));
        if let Some(rt) = new.refresh_token {
            doc.insert("refreshToken".into(), Value::String(rt.into_inner()));
        }
        Ok(new.access_token.into_inner())
    }
}

/// What SSO OIDC's `CreateToken` answers to a refresh.
#[derive(Debug)]
pub struct RefreshedToken {
    pub access_token: Secret<String>,
    /// RFC 3339, whole seconds, as the CLI writes it into the token cache.
    pub expires_at: String,
    pub refresh_token: Option<Secret<String>>,
}

/// `{"accessToken","expiresIn"(s),"refreshToken"?}`; an `expiresIn` that is not a positive
/// time from `now` within the calendar is an error, not a panic.
pub fn parse_token(body: &[u8], now: OffsetDateTime) -> Result<RefreshedToken, AnswerProblem> {
    let v: Value = serde_json::from_slice(body).map_err(|_| AnswerProblem::NotJson)?;
    let access_token = v
        .get("accessToken")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or(AnswerProblem::Missing("accessToken".into()))?
        .to_string();
    let expires_in = v
        .get("expiresIn")
        .and_then(Value::as_i64)
        .ok_or(AnswerProblem::Missing("expiresIn".into()))?;
    let out_of_range = AnswerProblem::OutOfRange("expiresIn");
    let expires_at = now
        .checked_add(Duration::seconds(expires_in))
        .filter(|_| expires_in > 0)
        .ok_or(out_of_range.clone())?
        .replace_nanosecond(0)
        .unwrap_or(now)
        .format(&Rfc3339)
        .map_err(|_| out_of_range)?;
    Ok(RefreshedToken {
        access_token: Secret::new(access_token),
        expires_at,
        refresh_token: v
            .get("refreshToken")
            .and_then(Value::as_str)
            .map(|t| Secret::new(t.to_string())),
    })
}

fn str_field(doc: &Map<String, Value>, k: &str) -> Option<String> {
    doc.get(k)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn refreshable(doc: &Map<String, Value>, now: OffsetDateTime) -> bool {
    ["clientId", "clientSecret", "refreshToken"]
        .iter()
        .all(|k| str_field(doc, k).is_some())
        && str_field(doc, "registrationExpiresAt")
            .and_then(|e| OffsetDateTime::parse(&e, &Rfc3339).ok())
            .is_some_and(|e| e > now)
}

impl Provider for Sso {
    fn kind(&self) -> &'static str {
        "IAM Identity Center (SSO)"
    }

    fn identity(&self) -> String {
        format!(
            "sso\n{}\n{}\n{}\n{}",
            self.session.as_deref().unwrap_or(""),
            self.start_url,
            self.account_id,
            self.role_name
        )
    }

    fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        let token = self.access_token(r)?;
        let ep = endpoint::for_service(Service::Sso, &self.region, &r.config);
        let url = format!(
            "{}/federation/credentials?account_id={}&role_name={}",
            ep.url.trim_end_matches('/'),
            crate::aws::percent_encode(&self.account_id),
            crate::aws::percent_encode(&self.role_name)
        );
        let resp = Call::get(ep.service, &url)
            .header("x-amz-sso_bearer_token", &token)
            .send(r.client)
            .map_err(|e| e.without(&token))
            .map_err(|e| match e.api() {
                Some((401 | 403, _)) => CredentialsError::from(SsoError::Rejected {
                    answer: e.to_string(),
                    profile: self.profile.clone(),
                }),
                _ => CredentialsError::from(e),
            })?;
        let mut creds = parse(&resp.body)
            .map_err(|detail| CallError::bad_response(ep.service, detail.to_string()))?;
        creds.account_id = Some(self.account_id.clone());
        Ok(creds)
    }
}

/// `{"roleCredentials":{"accessKeyId","secretAccessKey","sessionToken","expiration"(ms)}}`
pub fn parse(body: &[u8]) -> Result<Credentials, AnswerProblem> {
    let v: Value = serde_json::from_slice(body).map_err(|_| AnswerProblem::NotJson)?;
    let rc = v
        .get("roleCredentials")
        .ok_or(AnswerProblem::Missing("roleCredentials".into()))?;
    let field = |k: &str| {
        rc.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| AnswerProblem::Missing(k.into()))
    };
    let expiry = rc
        .get("expiration")
        .and_then(Value::as_i64)
        .and_then(|ms| OffsetDateTime::from_unix_timestamp(ms / 1000).ok());
    Ok(Credentials {
        access_key_id: field("accessKeyId")?,
        secret_access_key: Secret::new(field("secretAccessKey")?),
        session_token: Some(Secret::new(field("sessionToken")?)),
        expiry,
        account_id: None,
    })
}

/// What goes wrong with an SSO profile beyond the calls themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoError {
    /// The SSO token cache file is missing or unusable.
    Cache {
        path: String,
        problem: SsoCacheProblem,
        profile: String,
    },
    /// The SSO session expired; `refresh` says why a refresh failed, when one was tried.
    Expired {
        profile: String,
        refresh: Option<String>,
    },
    /// SSO refused the token (HTTP 401 or 403); `answer` is the API error's message.
    Rejected { answer: String, profile: String },
}

/// Why the SSO token cache cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoCacheProblem {
    Unreadable(String),
    NotJson,
    NoAccessToken,
    NoExpiresAt,
}

fn sso_login(profile: &str) -> String {
    format!("run `aws sso login --profile {profile}`")
}

impl fmt::Display for SsoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SsoError::Cache {
                path,
                problem,
                profile,
            } => {
                match problem {
                    SsoCacheProblem::Unreadable(e) => write!(f, "failed to read `{path}`: {e}"),
                    SsoCacheProblem::NotJson => {
                        write!(f, "the SSO token cache {path} is not valid JSON")
                    }
                    SsoCacheProblem::NoAccessToken => {
                        write!(f, "the SSO token cache {path} has no accessToken")
                    }
                    SsoCacheProblem::NoExpiresAt => {
                        write!(f, "the SSO token cache {path} has no valid expiresAt")
                    }
                }?;
                write!(f, "; {}", sso_login(profile))
            }
            SsoError::Expired {
                profile,
                refresh: Some(e),
            } => write!(
                f,
                "the SSO session has expired and could not be refreshed ({e}); {}",
                sso_login(profile)
            ),
            SsoError::Expired {
                profile,
                refresh: None,
            } => write!(
                f,
                "the SSO session has expired or is invalid; {}",
                sso_login(profile)
            ),
            SsoError::Rejected { answer, profile } => write!(
                f,
                "{answer}; the SSO session is no longer valid: {}",
                sso_login(profile)
            ),
        }
    }
}

impl SourceFailure for SsoError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_role_credentials() {
        let c = parse(br#"{"roleCredentials":{"accessKeyId":"AK","secretAccessKey":"SK","sessionToken":"T","expiration":1234567890000}}"#).unwrap();
        assert_eq!(c.expiry.unwrap().unix_timestamp(), 1234567890);
        assert!(parse(br#"{"roleCredentials":{"accessKeyId":"AK"}}"#).is_err());
    }

    #[test]
    fn refreshable_needs_all_parts() {
        let now = OffsetDateTime::now_utc();
        let doc: Map<String, Value> = serde_json::from_str(
            r#"{"clientId":"c","clientSecret":"s","refreshToken":"r","registrationExpiresAt":"2999-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert!(refreshable(&doc, now));
        let mut d2 = doc.clone();
        d2.remove("refreshToken");
        assert!(!refreshable(&d2, now));
        let mut d3 = doc;
        d3.insert(
            "registrationExpiresAt".into(),
            Value::String("2000-01-01T00:00:00Z".into()),
        );
        assert!(!refreshable(&d3, now));
    }
}
