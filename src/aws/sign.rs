//! SigV4 request signing through `aws-sigv4`.

use crate::aws::credentials::Credentials;
use crate::aws::message::Request;
use crate::local::secret::Secret;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

/// How far the services' clock is ahead of ours, in seconds, once a call has found out
/// (an answer that refused our time and carried its own `Date`); 0 until then.
static SKEW: AtomicI64 = AtomicI64::new(0);

/// The time to sign with: ours, corrected by what the services said of it.
pub fn now() -> SystemTime {
    let skew = SKEW.load(Ordering::Relaxed);
    let now = SystemTime::now();
    match skew >= 0 {
        true => now + Duration::from_secs(skew.unsigned_abs()),
        false => now - Duration::from_secs(skew.unsigned_abs()),
    }
}

/// Notes the server's time from an answer's `Date`, as the SDKs do after a clock-skew error:
/// true when ours was off by more than four minutes (then a new attempt, signed with the
/// corrected time, can succeed), false when the clocks agree or this was already known.
pub fn note_server_time(server: SystemTime) -> bool {
    let signed = now();
    let off = match server.duration_since(signed) {
        Ok(ahead) => ahead.as_secs() as i64,
        Err(behind) => -(behind.duration().as_secs() as i64),
    };
    if off.abs() <= 240 {
        return false;
    }
    let local = SystemTime::now();
    let skew = match server.duration_since(local) {
        Ok(ahead) => ahead.as_secs() as i64,
        Err(behind) => -(behind.duration().as_secs() as i64),
    };
    SKEW.store(skew, Ordering::Relaxed);
    true
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningError {
    AccessKeyId,
    SessionToken,
    /// What the SigV4 signer said.
    Signer(String),
}

impl std::fmt::Display for SigningError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigningError::AccessKeyId => f.write_str("the access key id holds a character that cannot go into a request (a space, a control character or a NUL); check AWS_ACCESS_KEY_ID, aws_access_key_id, or what the credential source printed"),
            SigningError::SessionToken => f.write_str("the session token holds a character that cannot go into a request (a space, a control character or a NUL); check AWS_SESSION_TOKEN, aws_session_token, or what the credential source printed"),
            SigningError::Signer(detail) => f.write_str(detail),
        }
    }
}

impl std::error::Error for SigningError {}

/// Adds `X-Amz-Date`, `Authorization` and, for temporary credentials,
/// `X-Amz-Security-Token` to `req`. The request must already carry its `host` header.
pub fn sign_request(
    req: &mut Request,
    creds: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
) -> Result<(), SigningError> {
    // Both go into headers: a control character (a NUL, a line break from a file) would make
    // the request unsendable, and the failure would be blamed on the endpoint.
    let header_safe = |v: &str| v.bytes().all(|b| (0x21..0x7f).contains(&b));
    if !header_safe(&creds.access_key_id) {
        return Err(SigningError::AccessKeyId);
    }
    if !creds
        .session_token
        .as_ref()
        .map(Secret::as_str)
        .is_none_or(header_safe)
    {
        return Err(SigningError::SessionToken);
    }
    let identity: Identity = aws_credential_types::Credentials::new(
        &creds.access_key_id,
        creds.secret_access_key.expose(),
        creds.session_token.as_ref().map(|t| t.expose().clone()),
        None,
        "docker-credential-ecr-login",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| SigningError::Signer(e.to_string()))?
        .into();
    let signable = SignableRequest::new(
        req.method,
        &req.url,
        req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(&req.body),
    )
    .map_err(|e| SigningError::Signer(e.to_string()))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| SigningError::Signer(e.to_string()))?
        .into_parts();
    for (name, value) in instructions.headers() {
        req.headers.push((name.to_string(), value.to_string()));
    }
    Ok(())
}
