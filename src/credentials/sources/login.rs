//! Console sign-in (`login_session`, written by `aws login`): the keys cached under
//! `~/.aws/login/cache/<sha256 of the session ARN>.json`, refreshed through AWS Sign-In
//! (`POST /v1/token` with the refresh token and a DPoP proof) when 5 minutes or less remain,
//! and written back with every other member kept.
//!
//! However many helpers start at once, one refreshes: a lock beside the cache file, and a
//! second look at the file once it is held (a refresh token may be single-use).

use crate::aws::Credentials;
use crate::aws::answer::AnswerProblem;
use crate::aws::call::{CallError, CallErrorKind, ErrorFormat};
use crate::aws::endpoint::{self, Service};
use crate::aws::request::Call;
use crate::aws::target;
use crate::credentials::error::{CredentialsError, SourceFailure};
use crate::credentials::provider::{Provider, Resolver};
use crate::credentials::sources::dpop::DpopKey;
use crate::local::cache::lock;
use crate::local::config::{Platform, home_dir};
use crate::local::env::Env;
use crate::local::secret::Secret;

/// How long a refresh may hold the login file's lock: one Sign-In call within its budget,
/// then the write of the file.
const REFRESH_BOUND: std::time::Duration =
    std::time::Duration::from_secs(crate::aws::TOTAL_BUDGET.as_secs() + 5);
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// Refresh when this little is left, as the Rust, Python, JS and Java SDKs do (the Go SDK
/// waits for expiry, which can hand ECR keys that expire in flight).
pub const REFRESH_WINDOW: Duration = Duration::minutes(5);

/// A cache file is a few kilobytes; anything near this is not one.
const MAX_FILE: u64 = 1024 * 1024;

/// The service name in messages and the log.
const SIGN_IN: Service = Service::Signin;

/// A profile's `login_session`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// The profile that names the session, for the `aws login --profile` advice.
    pub profile: String,
    /// The session's ARN, trimmed: it names the cache file and the identity.
    pub session: String,
}

/// What a cache file holds that this helper uses. `doc` is the whole object, for write-back.
#[derive(Debug)]
pub struct Cached {
    /// The whole file: it holds the refresh token and the DPoP key.
    pub doc: Secret<Map<String, Value>>,
    pub credentials: Credentials,
    pub expires_at: OffsetDateTime,
    client_id: String,
    refresh_token: Secret<String>,
    dpop_key: Secret<String>,
}

impl Cached {
    /// Usable as it is: more than [`REFRESH_WINDOW`] left.
    pub fn is_fresh(&self, now: OffsetDateTime) -> bool {
        self.expires_at - now > REFRESH_WINDOW
    }
}

/// What Sign-In answered to a refresh.
#[derive(Debug, PartialEq, Eq)]
pub struct Refreshed {
    pub access_key_id: String,
    pub secret_access_key: Secret<String>,
    pub session_token: Secret<String>,
    pub expires_at: OffsetDateTime,
    pub refresh_token: Secret<String>,
}

impl Login {
    /// `AWS_LOGIN_CACHE_DIRECTORY` as given (no `~` expansion, as in the Go SDK), else
    /// `~/.aws/login/cache`; the file is the lower-case hex SHA-256 of the session ARN.
    pub fn cache_file(&self, env: &Env) -> Result<PathBuf, CredentialsError> {
        let dir = match env.get("AWS_LOGIN_CACHE_DIRECTORY") {
            Some(d) => PathBuf::from(d),
            None => {
                let home = home_dir(env, Platform::current()).ok_or(CredentialsError::NoHome)?;
                PathBuf::from(home).join(".aws").join("login").join("cache")
            }
        };
        Ok(dir.join(format!("{}.json", session_file_stem(&self.session))))
    }

    fn cache_error(&self, path: &Path, problem: LoginCacheProblem) -> CredentialsError {
        LoginError::Cache {
            path: path.display().to_string(),
            problem,
            profile: self.profile.clone(),
        }
        .into()
    }

    /// The cache file, checked whole, whatever its expiry.
    pub fn load(&self, path: &Path) -> Result<Cached, CredentialsError> {
        // A planted link or FIFO is refused without being followed or blocking.
        let bytes = match crate::local::files::read_private(path, MAX_FILE) {
            Ok(Some(b)) => b,
            Ok(None) => return Err(self.cache_error(path, LoginCacheProblem::NoFile)),
            Err(e) => {
                return Err(self.cache_error(path, LoginCacheProblem::Unreadable(e.to_string())));
            }
        };
        parse_cache(&bytes).map_err(|p| self.cache_error(path, p))
    }

    /// SigV4 keys for this session: the cached ones while fresh, else refreshed once.
    fn credentials(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        let path = self.cache_file(r.env())?;
        let cached = self.load(&path)?;
        if cached.is_fresh(OffsetDateTime::now_utc()) {
            return Ok(cached.credentials);
        }
        let lock_path = path.with_file_name(format!(
            "{}.lock",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("login")
        ));
        // No lock (a read-only directory): go on; the worst case is a second refresh.
        let _lock = lock::acquire_by(&lock_path, REFRESH_BOUND, r.client.limit());
        // Another helper may have refreshed while this one waited.
        let cached = self.load(&path)?;
        let now = OffsetDateTime::now_utc();
        if cached.is_fresh(now) {
            return Ok(cached.credentials);
        }
        let refreshed = match self.refresh(r, &cached, &path) {
            Ok(x) => x,
            Err(e) if cached.expires_at > now => {
                crate::local::log::warn(
                    "Could not refresh the aws login session; using its keys until they expire",
                    &[
                        ("error", &e.to_string()),
                        ("expiresAt", &rfc3339(cached.expires_at)),
                    ],
                );
                return Ok(cached.credentials);
            }
            Err(e) => return Err(e),
        };
        let doc = updated(cached.doc.into_inner(), &refreshed);
        let text = Value::Object(doc).to_string();
        if let Err(e) = crate::local::files::write_atomically(&path, text.as_bytes()) {
            crate::local::log::warn_user(
                &format!(
                    "could not save the refreshed aws login session to {} ({e}); this get goes on with it, but the next may need `aws login --profile {}` again",
                    path.display(),
                    self.profile
                ),
                &[
                    ("file", &path.display().to_string()),
                    ("error", &e.to_string()),
                ],
            );
        }
        Ok(Credentials {
            access_key_id: refreshed.access_key_id,
            secret_access_key: refreshed.secret_access_key,
            session_token: Some(refreshed.session_token),
            expiry: Some(refreshed.expires_at),
            account_id: cached.credentials.account_id,
        })
    }

    /// Sign-In's `CreateOAuth2Token` with the refresh token, a new proof for every attempt.
    fn refresh(
        &self,
        r: &Resolver,
        cached: &Cached,
        path: &Path,
    ) -> Result<Refreshed, CredentialsError> {
        let refused = |why: LoginRefusal| {
            CredentialsError::from(LoginError::Refused {
                profile: self.profile.clone(),
                why,
            })
        };
        // The key is read only when a refresh needs it, as the SDKs do.
        let key = DpopKey::from_pem(cached.dpop_key.expose())
            .map_err(|problem| self.cache_error(path, LoginCacheProblem::BadKey(problem)))?;
        let ep = endpoint::for_service(Service::Signin, r.region_for(Service::Signin)?, &r.config);
        let url = format!("{}/v1/token", ep.url.trim_end_matches('/'));
        // A URL that does not parse is refused here, in the words of a refusal.
        target(&url).map_err(|error| refused(LoginRefusal::Failed(error.to_string())))?;
        let body = serde_json::json!({
            "clientId": cached.client_id,
            "grantType": "refresh_token",
            "refreshToken": cached.refresh_token.expose(),
        })
        .to_string();
        crate::local::log::info(
            "Refreshing the aws login session",
            &[
                ("session", &self.session),
                ("url", &crate::aws::loggable_url(&url)),
            ],
        );
        let resp = Call::post(SIGN_IN, &url, "application/json", body)
            .errors(ErrorFormat::SignIn)
            .header_per_attempt("dpop", || {
                let iat = OffsetDateTime::now_utc().unix_timestamp();
                key.proof("POST", &url, iat)
                    .map_err(|_| CallError::signing(SIGN_IN, "could not make the DPoP proof"))
            })
            .send(r.client)
            // Sign-In may echo the request: its answer never shows the refresh token.
            .map_err(|e| refused(refusal(&e.without(cached.refresh_token.expose()))))?;
        parse_refresh(&resp.body, OffsetDateTime::now_utc()).map_err(|detail| {
            refused(LoginRefusal::Failed(format!(
                "{} sent an answer this helper cannot use: {detail}",
                SIGN_IN.display_name()
            )))
        })
    }

    /// For `explain`: the cache file, its expiry and whether a refresh is due; no secret.
    pub fn state(&self, env: &Env) -> Vec<(&'static str, String)> {
        let path = match self.cache_file(env) {
            Ok(p) => p,
            Err(e) => return vec![("login cache:", e.to_string())],
        };
        let mut lines = vec![
            ("login ARN:", self.session.clone()),
            ("login cache:", path.display().to_string()),
        ];
        match self.load(&path) {
            Err(e) => lines.push(("login state:", e.to_string())),
            Ok(c) => {
                let now = OffsetDateTime::now_utc();
                let when = rfc3339(c.expires_at);
                lines.push((
                    "login state:",
                    match c.is_fresh(now) {
                        true => format!("keys valid until {when}: no refresh due"),
                        false => format!(
                            "keys expire {when}: a get that misses the cache refreshes them through {}",
                            SIGN_IN.display_name()
                        ),
                    },
                ));
            }
        }
        lines
    }
}

/// The lower-case hex SHA-256 of the session ARN, trimmed, as `aws login` names the file.
pub fn session_file_stem(session: &str) -> String {
    crate::local::sha256::sha256_hex(session.trim().as_bytes())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// A member by name in any case, as the Go and Rust SDKs match them.
fn member<'a>(doc: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    doc.get(name).or_else(|| {
        doc.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn text(doc: &Map<String, Value>, name: &str) -> Option<String> {
    member(doc, name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A cache file's bytes, every member the SDKs require checked, as they check on each load.
pub fn parse_cache(bytes: &[u8]) -> Result<Cached, LoginCacheProblem> {
    let doc = match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => m,
        _ => return Err(LoginCacheProblem::NotAnObject),
    };
    let access = member(&doc, "accessToken")
        .and_then(Value::as_object)
        .ok_or(LoginCacheProblem::Missing("accessToken"))?;
    let need = |name: &'static str, full: &'static str| {
        text(access, name).ok_or(LoginCacheProblem::Missing(full))
    };
    let access_key_id = need("accessKeyId", "accessToken.accessKeyId")?;
    let secret_access_key = need("secretAccessKey", "accessToken.secretAccessKey")?;
    let session_token = need("sessionToken", "accessToken.sessionToken")?;
    let account_id = need("accountId", "accessToken.accountId")?;
    let expires = need("expiresAt", "accessToken.expiresAt")?;
    // RFC 3339 with `Z` or an offset and any fraction: the CLI, Go, Rust and JS forms.
    let expires_at = OffsetDateTime::parse(&expires, &Rfc3339)
        .map_err(|_| LoginCacheProblem::BadExpiresAt(expires.chars().take(40).collect()))?;
    let top = |name: &'static str| text(&doc, name).ok_or(LoginCacheProblem::Missing(name));
    let client_id = top("clientId")?;
    let refresh_token = top("refreshToken")?;
    let dpop_key = top("dpopKey")?;
    Ok(Cached {
        credentials: Credentials {
            access_key_id,
            secret_access_key: Secret::new(secret_access_key),
            session_token: Some(Secret::new(session_token)),
            expiry: Some(expires_at),
            account_id: Some(account_id),
        },
        expires_at,
        client_id,
        refresh_token: Secret::new(refresh_token),
        dpop_key: Secret::new(dpop_key),
        doc: Secret::new(doc),
    })
}

/// Sign-In's answer: `{"accessToken":{"accessKeyId","secretAccessKey","sessionToken"},
/// "expiresIn":s,"refreshToken"}`. Anything missing is an error, never a panic.
pub fn parse_refresh(body: &[u8], now: OffsetDateTime) -> Result<Refreshed, AnswerProblem> {
    let missing = |name: &str| AnswerProblem::Missing(name.into());
    let v = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(AnswerProblem::NotJsonObject),
    };
    let access = member(&v, "accessToken")
        .and_then(Value::as_object)
        .ok_or(missing("accessToken"))?;
    let field = |name: &str| text(access, name).ok_or(missing(&format!("accessToken.{name}")));
    let expires_in = member(&v, "expiresIn")
        .and_then(Value::as_i64)
        .ok_or(missing("expiresIn"))?;
    let expires_at = now
        .checked_add(Duration::seconds(expires_in))
        .filter(|_| expires_in > 0)
        .and_then(|t| t.replace_nanosecond(0).ok())
        .ok_or(AnswerProblem::OutOfRange("expiresIn"))?;
    Ok(Refreshed {
        access_key_id: field("accessKeyId")?,
        secret_access_key: Secret::new(field("secretAccessKey")?),
        session_token: Secret::new(field("sessionToken")?),
        expires_at,
        refresh_token: Secret::new(text(&v, "refreshToken").ok_or(missing("refreshToken"))?),
    })
}

/// The cache object after a refresh: the new keys, expiry (UTC, whole seconds, `Z`) and
/// refresh token, under the names the file already used; every other member kept.
pub fn updated(mut doc: Map<String, Value>, new: &Refreshed) -> Map<String, Value> {
    fn set(map: &mut Map<String, Value>, name: &str, value: Value) {
        let key = map
            .keys()
            .find(|k| k.eq_ignore_ascii_case(name))
            .cloned()
            .unwrap_or_else(|| name.to_string());
        map.insert(key, value);
    }
    let access_key = doc
        .keys()
        .find(|k| k.eq_ignore_ascii_case("accessToken"))
        .cloned()
        .unwrap_or_else(|| "accessToken".into());
    let mut access = doc
        .remove(&access_key)
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    set(&mut access, "accessKeyId", new.access_key_id.clone().into());
    set(
        &mut access,
        "secretAccessKey",
        new.secret_access_key.expose().clone().into(),
    );
    set(
        &mut access,
        "sessionToken",
        new.session_token.expose().clone().into(),
    );
    let expires = new
        .expires_at
        .to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default();
    set(&mut access, "expiresAt", expires.into());
    doc.insert(access_key, Value::Object(access));
    set(
        &mut doc,
        "refreshToken",
        new.refresh_token.expose().clone().into(),
    );
    doc
}

/// What a failed `CreateOAuth2Token` means for the person at the keyboard.
fn refusal(e: &CallError) -> LoginRefusal {
    match &e.kind {
        CallErrorKind::Api { code, .. } if code == "TOKEN_EXPIRED" => LoginRefusal::Expired,
        CallErrorKind::Api { code, .. } if code == "USER_CREDENTIALS_CHANGED" => {
            LoginRefusal::CredentialsChanged
        }
        CallErrorKind::Api { code, .. } if code == "INSUFFICIENT_PERMISSIONS" => {
            LoginRefusal::MissingPermission
        }
        CallErrorKind::Api {
            status,
            code,
            message,
        } => {
            let mut answer = format!("{} answered HTTP {status}", e.callee);
            if !code.is_empty() {
                answer.push_str(&format!(" {code}"));
            }
            if !message.is_empty() {
                answer.push_str(&format!(": {message}"));
            }
            LoginRefusal::Failed(answer)
        }
        _ => LoginRefusal::Failed(e.to_string()),
    }
}

impl Provider for Login {
    fn kind(&self) -> &'static str {
        "aws login session"
    }

    /// The session names the principal; the cache key adds the user and the machine.
    fn identity(&self) -> String {
        format!("login\n{}", self.session)
    }

    fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        self.credentials(r)
    }
}

/// What goes wrong with an `aws login` profile beyond the call itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    /// The cache file of a `login_session` profile is missing or unusable.
    Cache {
        path: String,
        problem: LoginCacheProblem,
        profile: String,
    },
    /// AWS Sign-In did not refresh the session.
    Refused { profile: String, why: LoginRefusal },
}

/// Why an `aws login` cache file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginCacheProblem {
    NoFile,
    Unreadable(String),
    /// Not JSON, or JSON but not an object (`null`).
    NotAnObject,
    /// A required member is missing or empty: its path, `accessToken.sessionToken`.
    Missing(&'static str),
    /// `accessToken.expiresAt` is not an RFC 3339 time with a zone (the first characters).
    BadExpiresAt(String),
    /// `dpopKey` cannot sign.
    BadKey(crate::credentials::sources::dpop::KeyProblem),
}

/// Why AWS Sign-In refused or failed a refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    /// `TOKEN_EXPIRED`: the session (up to 12 hours) is over.
    Expired,
    /// `USER_CREDENTIALS_CHANGED`: the password changed since `aws login`.
    CredentialsChanged,
    /// `INSUFFICIENT_PERMISSIONS`: no `signin:CreateOAuth2Token`.
    MissingPermission,
    /// Anything else, said as it came (no secret is in it).
    Failed(String),
}

fn aws_login(profile: &str) -> String {
    format!("run `aws login --profile {profile}`")
}

impl std::fmt::Display for LoginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginError::Cache {
                path,
                problem,
                profile,
            } => {
                match problem {
                    LoginCacheProblem::NoFile => write!(
                        f,
                        "no aws login session is cached for profile `{profile}` ({path} does not exist)"
                    ),
                    LoginCacheProblem::Unreadable(e) => {
                        write!(f, "could not read the aws login cache {path}: {e}")
                    }
                    LoginCacheProblem::NotAnObject => {
                        write!(f, "the aws login cache {path} is not a JSON object")
                    }
                    LoginCacheProblem::Missing(member) => {
                        write!(f, "the aws login cache {path} has no {member}")
                    }
                    LoginCacheProblem::BadExpiresAt(v) => write!(
                        f,
                        "the aws login cache {path} has an accessToken.expiresAt that is not an RFC 3339 time with a zone ({v:?})"
                    ),
                    LoginCacheProblem::BadKey(k) => write!(
                        f,
                        "the dpopKey of the aws login cache {path} cannot sign: {k}"
                    ),
                }?;
                write!(f, "; {}", aws_login(profile))
            }
            LoginError::Refused { profile, why } => match why {
                LoginRefusal::Expired => write!(
                    f,
                    "the aws login session of profile `{profile}` has expired (AWS Sign-In: TOKEN_EXPIRED); {} again",
                    aws_login(profile)
                ),
                LoginRefusal::CredentialsChanged => write!(
                    f,
                    "the aws login session of profile `{profile}` ended because the password changed (AWS Sign-In: USER_CREDENTIALS_CHANGED); {} again",
                    aws_login(profile)
                ),
                LoginRefusal::MissingPermission => write!(
                    f,
                    "AWS Sign-In refused to refresh the aws login session of profile `{profile}` (INSUFFICIENT_PERMISSIONS): allow signin:CreateOAuth2Token for this principal (the managed policy SignInLocalDevelopmentAccess has it), then {} again",
                    aws_login(profile)
                ),
                LoginRefusal::Failed(answer) => write!(
                    f,
                    "could not refresh the aws login session of profile `{profile}` ({answer}); if this persists, {} again",
                    aws_login(profile)
                ),
            },
        }
    }
}

impl SourceFailure for LoginError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_sdks() {
        // The AWS SDK for Rust's `login/cache.rs` vectors.
        assert_eq!(
            session_file_stem("arn:aws:sts::012345678910:assumed-role/Admin/admin"),
            "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255"
        );
        assert_eq!(
            session_file_stem(" arn:aws:iam::0123456789012:user/Admin "),
            "36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726"
        );
    }

    fn file(expires: &str) -> String {
        format!(
            r#"{{"accessToken":{{"accessKeyId":"AK","secretAccessKey":"SK","sessionToken":"ST","accountId":"012345678901","expiresAt":"{expires}"}},"tokenType":"aws_sigv4","clientId":"c","refreshToken":"r","idToken":"i","dpopKey":"k","extra":1}}"#
        )
    }

    #[test]
    fn every_expiry_form_the_sdks_write() {
        for e in [
            "2026-12-02T06:46:48Z",
            "2026-12-02T07:46:48.736397693+01:00",
            "2026-12-02T06:46:48.123456Z",
            "2026-12-02T06:46:48.000Z",
        ] {
            let c = parse_cache(file(e).as_bytes()).unwrap_or_else(|p| panic!("{e}: {p:?}"));
            assert_eq!(c.expires_at.unix_timestamp() / 60, 1796194008 / 60, "{e}");
        }
        for e in ["2026-12-02T06:46:48", "1796194008", "tomorrow"] {
            assert!(matches!(
                parse_cache(file(e).as_bytes()),
                Err(LoginCacheProblem::BadExpiresAt(_))
            ));
        }
    }

    #[test]
    fn every_required_member_is_checked() {
        assert_eq!(
            parse_cache(b"null").unwrap_err(),
            LoginCacheProblem::NotAnObject
        );
        for (field, name) in [
            ("\"accessKeyId\":\"AK\"", "accessToken.accessKeyId"),
            ("\"secretAccessKey\":\"SK\"", "accessToken.secretAccessKey"),
            ("\"sessionToken\":\"ST\"", "accessToken.sessionToken"),
            ("\"accountId\":\"012345678901\"", "accessToken.accountId"),
            ("\"clientId\":\"c\"", "clientId"),
            ("\"refreshToken\":\"r\"", "refreshToken"),
            ("\"dpopKey\":\"k\"", "dpopKey"),
        ] {
            let text = file("2026-12-02T06:46:48Z").replace(field, "\"x\":\"\"");
            assert_eq!(
                parse_cache(text.as_bytes()).unwrap_err(),
                LoginCacheProblem::Missing(name)
            );
        }
        // Members in another case are found, as the SDKs find them.
        let upper = file("2026-12-02T06:46:48Z").replace("refreshToken", "RefreshToken");
        assert!(parse_cache(upper.as_bytes()).is_ok());
    }

    #[test]
    fn write_back_keeps_every_other_member() {
        let c = parse_cache(file("2026-12-02T06:46:48+02:00").as_bytes()).unwrap();
        let now = OffsetDateTime::parse("2025-11-19T00:00:00.5Z", &Rfc3339).unwrap();
        let new = parse_refresh(
            br#"{"accessToken":{"accessKeyId":"NK","secretAccessKey":"NS","sessionToken":"NT"},"expiresIn":900,"refreshToken":"nr","tokenType":"aws_sigv4"}"#,
            now,
        )
        .unwrap();
        let doc = Value::Object(updated(c.doc.into_inner(), &new));
        assert_eq!(doc["accessToken"]["expiresAt"], "2025-11-19T00:15:00Z");
        assert_eq!(doc["accessToken"]["accountId"], "012345678901");
        assert_eq!(doc["accessToken"]["accessKeyId"], "NK");
        assert_eq!(doc["refreshToken"], "nr");
        assert_eq!(doc["idToken"], "i");
        assert_eq!(doc["extra"], 1);
        assert_eq!(doc["tokenType"], "aws_sigv4");
    }

    #[test]
    fn refresh_answers_without_parts_are_errors() {
        let now = OffsetDateTime::now_utc();
        for body in [
            "null",
            "{}",
            r#"{"accessToken":{"accessKeyId":"a","secretAccessKey":"s","sessionToken":"t"},"refreshToken":"r"}"#,
            r#"{"accessToken":{"accessKeyId":"a","secretAccessKey":"s","sessionToken":"t"},"expiresIn":900}"#,
            r#"{"accessToken":{"accessKeyId":"a","secretAccessKey":"s"},"expiresIn":900,"refreshToken":"r"}"#,
            r#"{"accessToken":{"accessKeyId":"a","secretAccessKey":"s","sessionToken":"t"},"expiresIn":-1,"refreshToken":"r"}"#,
            r#"{"accessToken":{"accessKeyId":"a","secretAccessKey":"s","sessionToken":"t"},"expiresIn":9223372036854775807,"refreshToken":"r"}"#,
        ] {
            assert!(parse_refresh(body.as_bytes(), now).is_err(), "{body}");
        }
    }
}
