//! STS `AssumeRole` (signed) and `AssumeRoleWithWebIdentity` (unsigned), in the query
//! protocol, at the regional endpoint.

use crate::aws::Credentials;
use crate::aws::answer::AnswerProblem;
use crate::aws::call::{CallError, ErrorFormat};
use crate::aws::endpoint::{self, Service};
use crate::aws::form_encode;
use crate::aws::request::Call;
use crate::credentials::resolver::Resolver;
use crate::local::secret::Secret;
use std::time::SystemTime;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One role hop of a profile chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub duration_seconds: Option<u64>,
    /// The profile that names the role, for messages.
    pub profile: String,
}

/// A default session name: what the role's CloudTrail entries will show.
pub fn default_session_name(prefix: &str) -> String {
    let ms = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("{prefix}-{ms}")
}

/// Go's rule: the profile's `duration_seconds` when it is more than 15 minutes, else 900.
fn duration(d: Option<u64>) -> u64 {
    match d {
        Some(d) if d / 60 > 15 => d,
        _ => 900,
    }
}

pub fn assume_role(
    r: &Resolver,
    source: &Credentials,
    hop: &AssumeRole,
) -> Result<Credentials, CallError> {
    let session = hop
        .session_name
        .clone()
        .unwrap_or_else(|| default_session_name("docker-credential-ecr-login"));
    let duration = duration(hop.duration_seconds).to_string();
    let mut form = vec![
        ("Action", "AssumeRole"),
        ("Version", "2011-06-15"),
        ("RoleArn", hop.role_arn.as_str()),
        ("RoleSessionName", session.as_str()),
        ("DurationSeconds", duration.as_str()),
    ];
    if let Some(id) = &hop.external_id {
        form.push(("ExternalId", id));
    }
    call(r, "AssumeRole", &form_encode(&form), Some(source))
}

pub fn assume_role_with_web_identity(
    r: &Resolver,
    role_arn: &str,
    session_name: &str,
    token: &str,
) -> Result<Credentials, CallError> {
    let form = [
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", role_arn),
        ("RoleSessionName", session_name),
        ("WebIdentityToken", token),
    ];
    // STS may echo the request: its answer never shows the token.
    call(r, "AssumeRoleWithWebIdentity", &form_encode(&form), None).map_err(|e| e.without(token))
}

fn call(
    r: &Resolver,
    action: &str,
    body: &str,
    signer: Option<&Credentials>,
) -> Result<Credentials, CallError> {
    let ep = endpoint::for_service(Service::Sts, r.region_for(Service::Sts)?, &r.config);
    let call = Call::post(
        ep.service,
        &ep.url,
        "application/x-www-form-urlencoded",
        body,
    )
    .errors(ErrorFormat::Xml);
    let response = match signer {
        Some(creds) => call.signed(creds, &ep.signing_region, ep.service.signing_name()),
        None => call,
    }
    .send(r.client)?;
    parse_credentials(&String::from_utf8_lossy(&response.body))
        .map_err(|detail| CallError::bad_response(ep.service, format!("{action}: {detail}")))
}

/// `Credentials/{AccessKeyId, SecretAccessKey, SessionToken, Expiration}` and the account
/// from `AssumedRoleUser/Arn`.
pub fn parse_credentials(xml: &str) -> Result<Credentials, AnswerProblem> {
    let field = |name: &'static str| {
        crate::aws::xml::text(xml, name)
            .filter(|v| !v.is_empty())
            .ok_or(AnswerProblem::MissingElement(name))
    };
    let expiry = OffsetDateTime::parse(&field("Expiration")?, &Rfc3339)
        .map_err(|_| AnswerProblem::NotRfc3339("Expiration"))?;
    Ok(Credentials {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: Secret::new(field("SecretAccessKey")?),
        session_token: Some(Secret::new(field("SessionToken")?)),
        expiry: Some(expiry),
        account_id: crate::aws::xml::text(xml, "Arn")
            .and_then(|arn| arn.split(':').nth(4).map(str::to_string))
            .filter(|a| !a.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding() {
        assert_eq!(
            form_encode(&[
                ("RoleArn", "arn:aws:iam::123456789012:role/a b"),
                ("T", "x\n")
            ]),
            "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fa%20b&T=x%0A"
        );
    }

    #[test]
    fn duration_rule() {
        assert_eq!(duration(None), 900);
        assert_eq!(duration(Some(959)), 900);
        assert_eq!(duration(Some(960)), 960);
        assert_eq!(duration(Some(3600)), 3600);
    }

    #[test]
    fn parses_assume_role_response() {
        let xml = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROA:s</AssumedRoleId>
      <Arn>arn:aws:sts::130633740322:assumed-role/r/s</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIARCORRECT</AccessKeyId>
      <SecretAccessKey>secretkeycorrect</SecretAccessKey>
      <SessionToken>tokencorrect</SessionToken>
      <Expiration>2021-09-21T18:41:26Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
</AssumeRoleResponse>"#;
        let c = parse_credentials(xml).unwrap();
        assert_eq!(c.access_key_id, "ASIARCORRECT");
        assert_eq!(c.account_id.as_deref(), Some("130633740322"));
        assert_eq!(c.expiry.unwrap().unix_timestamp(), 1632249686);
        assert!(parse_credentials("<x/>").is_err());
        assert!(parse_credentials(&xml.replace("2021-09-21T18:41:26Z", "soon")).is_err());
    }
}
