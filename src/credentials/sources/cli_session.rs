//! A profile with `mfa_serial`: the role session the AWS CLI cached after asking for the
//! code, `~/.aws/cli/cache/<key>.json`, read only. A credential helper has no terminal to
//! ask at (Docker, BuildKit and the kubelet run it without one), so it never prompts: with no
//! session, or one about to expire, it says which one command makes one.

use crate::aws::Credentials;
use crate::credentials::error::{CredentialsError, SourceFailure};
use crate::credentials::provider::{Provider, Resolver};
use crate::local::config::{Platform, home_dir};
use crate::local::env::Env;
use crate::local::secret::Secret;
use serde_json::Value;
use std::path::PathBuf;
use time::OffsetDateTime;

/// Keys with less than this left are not used: they would expire in flight.
const FRESH_FOR: time::Duration = time::Duration::minutes(5);
/// No cached session is anywhere near this.
const MAX_FILE: u64 = 1024 * 1024;

/// The AssumeRole of an MFA profile, as the AWS CLI made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliSession {
    pub profile: String,
    pub role_arn: String,
    pub mfa_serial: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub duration_seconds: Option<u64>,
}

impl CliSession {
    /// The file name botocore gives this session: the hex SHA-1 of the AssumeRole arguments
    /// as `json.dumps(args, sort_keys=True)` writes them (Python's separators `", "` and
    /// `": "`, non-ASCII as `\uXXXX`); a session name only when configured (the generated one
    /// is left out), `DurationSeconds` a number.
    pub fn cache_key(&self) -> String {
        let mut args: Vec<(&str, String)> = vec![
            ("RoleArn", py_json_string(&self.role_arn)),
            ("SerialNumber", py_json_string(&self.mfa_serial)),
        ];
        if let Some(e) = &self.external_id {
            args.push(("ExternalId", py_json_string(e)));
        }
        if let Some(n) = &self.session_name {
            args.push(("RoleSessionName", py_json_string(n)));
        }
        if let Some(d) = self.duration_seconds {
            args.push(("DurationSeconds", d.to_string()));
        }
        args.sort_by(|a, b| a.0.cmp(b.0));
        let body: Vec<String> = args.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
        let text = format!("{{{}}}", body.join(", "));
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, text.as_bytes());
        crate::local::sha256::hex(digest.as_ref())
    }

    /// For `explain`: the session file and whether it is usable, without a secret.
    pub fn state(&self, env: &Env) -> Vec<(&'static str, String)> {
        let path = match self.path(env) {
            Ok(p) => p,
            Err(e) => return vec![("MFA session:", e.to_string())],
        };
        let state = match self.load(&path) {
            Ok((_, expires)) if expires - OffsetDateTime::now_utc() > FRESH_FOR => format!(
                "usable until {}",
                (expires - FRESH_FOR)
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            ),
            Ok(_) => "expired, or expires within 5 minutes: the next get fails until it is renewed"
                .into(),
            Err(e) => e.to_string(),
        };
        vec![
            ("MFA session:", path.display().to_string()),
            ("MFA state:", state),
        ]
    }

    /// `~/.aws/cli/cache/<key>.json` (the home as for `~/.aws`).
    fn path(&self, env: &Env) -> Result<PathBuf, CredentialsError> {
        let home = home_dir(env, Platform::current()).ok_or(CredentialsError::NoHome)?;
        Ok(PathBuf::from(home)
            .join(".aws")
            .join("cli")
            .join("cache")
            .join(format!("{}.json", self.cache_key())))
    }

    fn needs_code(&self, why: String) -> CredentialsError {
        MfaSessionError {
            profile: self.profile.clone(),
            why,
        }
        .into()
    }
}

/// A string as Python's `json.dumps` writes it (`ensure_ascii`).
fn py_json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// botocore writes `Expiration` with `%Z`, which for UTC reads `2026-12-06T17:00:00UTC`;
/// RFC 3339 (`Z`, `+00:00`) is read too.
fn expiration(text: &str) -> Option<OffsetDateTime> {
    let rfc = time::format_description::well_known::Rfc3339;
    let text = text.trim();
    let text = match text.strip_suffix("UTC") {
        Some(t) => format!("{t}Z"),
        None => text.to_string(),
    };
    OffsetDateTime::parse(&text, &rfc).ok()
}

impl Provider for CliSession {
    fn kind(&self) -> &'static str {
        "the AWS CLI's MFA session"
    }

    fn identity(&self) -> String {
        format!(
            "cli-mfa-session\n{}\n{}\n{}",
            self.role_arn,
            self.mfa_serial,
            self.cache_key()
        )
    }

    fn provide(&self, r: &Resolver) -> Result<Credentials, CredentialsError> {
        let (creds, expires) = self.load(&self.path(r.env())?)?;
        if expires - OffsetDateTime::now_utc() <= FRESH_FOR {
            return Err(self.needs_code(
                "the AWS CLI's session has expired, or expires within 5 minutes".into(),
            ));
        }
        Ok(creds)
    }
}

impl CliSession {
    /// The session's keys and expiry, as the file holds them.
    fn load(
        &self,
        path: &std::path::Path,
    ) -> Result<(Credentials, OffsetDateTime), CredentialsError> {
        let text = match crate::local::files::read_text(path, MAX_FILE) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(self.needs_code(format!("no session in {}", path.display())));
            }
            Err(e) => {
                return Err(self.needs_code(format!("{} cannot be read ({e})", path.display())));
            }
        };
        let doc: Value = serde_json::from_str(&text).map_err(|_| {
            self.needs_code(format!(
                "{} is not a session the AWS CLI wrote",
                path.display()
            ))
        })?;
        let c = &doc["Credentials"];
        let field = |k: &str| c[k].as_str().filter(|v| !v.is_empty()).map(str::to_string);
        let (Some(id), Some(secret), Some(token)) = (
            field("AccessKeyId"),
            field("SecretAccessKey"),
            field("SessionToken"),
        ) else {
            return Err(self.needs_code(format!("{} holds no credentials", path.display())));
        };
        let expires = c["Expiration"]
            .as_str()
            .and_then(expiration)
            .ok_or_else(|| {
                self.needs_code(format!(
                    "{} has no expiration this helper can read",
                    path.display()
                ))
            })?;
        let account_id = doc["AssumedRoleUser"]["Arn"]
            .as_str()
            .and_then(|arn| arn.split(':').nth(4))
            .map(str::to_string);
        let creds = Credentials {
            access_key_id: id,
            secret_access_key: Secret::new(secret),
            session_token: Some(Secret::new(token)),
            expiry: Some(expires),
            account_id,
        };
        Ok((creds, expires))
    }
}

/// A profile with `mfa_serial` has no usable AWS CLI session (`why`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaSessionError {
    pub profile: String,
    pub why: String,
}

impl std::fmt::Display for MfaSessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let MfaSessionError { profile, why } = self;
        write!(
            f,
            "profile `{profile}` needs an MFA code ({why}): run `aws sts get-caller-identity --profile {profile}` once, and type the code there; this helper reuses the AWS CLI's session and never asks for a code itself"
        )
    }
}

impl SourceFailure for MfaSessionError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> CliSession {
        CliSession {
            profile: "admin".into(),
            role_arn: "arn:aws:iam::123456789012:role/admin".into(),
            mfa_serial: "arn:aws:iam::123456789012:mfa/alice".into(),
            external_id: None,
            session_name: None,
            duration_seconds: None,
        }
    }

    /// Vectors computed as botocore computes them:
    /// `sha1(json.dumps(args, sort_keys=True).encode()).hexdigest()` in Python 3.
    #[test]
    fn cache_keys_as_botocore_makes_them() {
        assert_eq!(
            session().cache_key(),
            "c08bbcd61d2960e17757c33319b79219a44dea4e"
        );
        let full = CliSession {
            external_id: Some("ext".into()),
            session_name: Some("alice-session".into()),
            duration_seconds: Some(3600),
            ..session()
        };
        assert_eq!(full.cache_key(), "24a288de92bfcc13f256c8836f6f3d80756ecf38");
        assert_eq!(py_json_string("café\"x"), "\"caf\\u00e9\\\"x\"");
    }

    #[test]
    fn expirations_botocore_writes() {
        let want = time::macros::datetime!(2026-12-06 17:00:00 UTC);
        assert_eq!(expiration("2026-12-06T17:00:00UTC"), Some(want));
        assert_eq!(expiration("2026-12-06T17:00:00Z"), Some(want));
        assert_eq!(expiration("2026-12-06T17:00:00+00:00"), Some(want));
        assert_eq!(expiration("tomorrow"), None);
    }
}
