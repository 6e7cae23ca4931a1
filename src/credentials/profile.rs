//! Credentials from the selected profile of the shared config and credentials files.

use super::{Credentials, CredentialsError, Plan, Source};
use crate::config::{ProfileSet, selected_profile};
use crate::env::Env;

/// Profile keys that select a source other than static keys, with a name for messages.
const OTHER_SOURCES: &[(&str, &str)] = &[
    ("role_arn", "role_arn (assume role)"),
    ("credential_source", "credential_source"),
    ("web_identity_token_file", "web_identity_token_file"),
    ("sso_session", "IAM Identity Center (sso_session)"),
    ("sso_start_url", "IAM Identity Center (sso_start_url)"),
    ("sso_account_id", "IAM Identity Center (sso_account_id)"),
    ("login_session", "console sign-in (login_session)"),
    ("credential_process", "credential_process"),
];

/// `Ok(None)` when the profile has nothing to offer and the chain goes on.
pub fn plan(env: &Env, profiles: &ProfileSet) -> Result<Option<Plan>, CredentialsError> {
    let (name, named) = selected_profile(env);
    let Some(profile) = profiles.profile(&name) else {
        return if named {
            Err(CredentialsError::ProfileNotFound { profile: name })
        } else {
            Ok(None)
        };
    };
    let get = |k: &str| profile.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let source = Source::Profile(name.clone());
    if let Some((_, what)) = OTHER_SOURCES.iter().find(|(k, _)| get(k).is_some()) {
        if get("mfa_serial").is_some() {
            return Err(CredentialsError::InvalidProfile {
                profile: name,
                problem: "mfa_serial needs an MFA code typed at a prompt, which a credential helper cannot show; use a profile without mfa_serial (for example one whose credential_process caches an MFA session)".into(),
            });
        }
        return Err(CredentialsError::Unsupported {
            source,
            what: what.to_string(),
        });
    }
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Ok(Some(Plan::Static {
            source,
            credentials: Credentials {
                access_key_id: id.to_string(),
                secret_access_key: secret.to_string(),
                session_token: get("aws_session_token").map(str::to_string),
                expiry: None,
            },
        })),
        (Some(_), None) => Err(CredentialsError::InvalidProfile {
            profile: name,
            problem: "has aws_access_key_id but no aws_secret_access_key; add the secret key or remove the key id".into(),
        }),
        (None, Some(_)) => Err(CredentialsError::InvalidProfile {
            profile: name,
            problem: "has aws_secret_access_key but no aws_access_key_id; add the key id or remove the secret".into(),
        }),
        (None, None) if named => Err(CredentialsError::InvalidProfile {
            profile: name,
            problem: "has no credentials (no aws_access_key_id, role_arn, sso_session, credential_process, …); add them or choose another profile".into(),
        }),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FileKind;

    fn set(config: &str, credentials: &str) -> ProfileSet {
        let mut s = ProfileSet::default();
        s.merge(config, FileKind::Config).unwrap();
        s.merge(credentials, FileKind::Credentials).unwrap();
        s
    }

    #[test]
    fn static_keys_from_default_and_named_profiles() {
        let s = set(
            "[profile dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = DEVSECRET\n",
            "[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\naws_session_token = TOK\n",
        );
        let Some(Plan::Static {
            credentials,
            source,
        }) = plan(&Env::default(), &s).unwrap()
        else {
            panic!()
        };
        assert_eq!(source, Source::Profile("default".into()));
        assert_eq!(credentials.session_token.as_deref(), Some("TOK"));
        let env = Env::from_pairs([("AWS_PROFILE", "dev")]);
        let Some(Plan::Static { credentials, .. }) = plan(&env, &s).unwrap() else {
            panic!()
        };
        assert_eq!(credentials.access_key_id, "DEVKEY");
        let env = Env::from_pairs([("AWS_DEFAULT_PROFILE", "dev")]);
        assert!(plan(&env, &s).unwrap().is_some());
    }

    #[test]
    fn missing_named_profile_is_an_error_and_missing_default_is_not() {
        let s = set("", "");
        assert_eq!(plan(&Env::default(), &s), Ok(None));
        let env = Env::from_pairs([("AWS_PROFILE", "nope")]);
        assert_eq!(
            plan(&env, &s),
            Err(CredentialsError::ProfileNotFound {
                profile: "nope".into()
            })
        );
    }

    #[test]
    fn partial_keys_and_mfa() {
        let s = set("", "[default]\naws_access_key_id = AKID\n");
        assert!(matches!(
            plan(&Env::default(), &s),
            Err(CredentialsError::InvalidProfile { .. })
        ));
        let s = set(
            "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = x\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n",
            "",
        );
        let err = plan(&Env::default(), &s).unwrap_err().to_string();
        assert!(err.contains("mfa_serial"), "{err}");
    }
}
