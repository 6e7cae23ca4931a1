//! Credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and Go's legacy
//! `AWS_ACCESS_KEY` / `AWS_SECRET_KEY`), with `AWS_SESSION_TOKEN` and `AWS_ACCOUNT_ID`.

use crate::aws::Credentials;
use crate::credentials::provider::StaticKeys;
use crate::local::env::Env;
use crate::local::secret::Secret;

/// Keys from the environment, or `None` when either half is missing (Go needs both).
pub fn keys(env: &Env) -> Option<StaticKeys> {
    // A blank key is never a key: treat it as unset, as the Rust SDK does.
    let get = |name: &str| env.get(name).filter(|v| !v.trim().is_empty());
    let id = get("AWS_ACCESS_KEY_ID").or_else(|| get("AWS_ACCESS_KEY"))?;
    let secret = get("AWS_SECRET_ACCESS_KEY").or_else(|| get("AWS_SECRET_KEY"))?;
    Some(StaticKeys(Credentials {
        access_key_id: id.to_string(),
        secret_access_key: Secret::new(secret.to_string()),
        session_token: env
            .get("AWS_SESSION_TOKEN")
            .map(|t| Secret::new(t.to_string())),
        expiry: None,
        account_id: env.get("AWS_ACCOUNT_ID").map(str::to_string),
    }))
}

/// `(set, missing)` when one half of a key pair is in the environment and the other is not:
/// the pair is then ignored, as in the SDKs, and a failure further down the chain should say
/// so, since that half is usually why the user expected the environment to be used.
pub fn half_keys(env: &Env) -> Option<(&'static str, &'static str)> {
    let set = |name: &str| env.get(name).is_some_and(|v| !v.trim().is_empty());
    let pairs = [
        ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
        ("AWS_ACCESS_KEY", "AWS_SECRET_KEY"),
    ];
    if keys(env).is_some() {
        return None;
    }
    pairs
        .into_iter()
        .find_map(|(id, secret)| match (set(id), set(secret)) {
            (true, false) => Some((id, secret)),
            (false, true) => Some((secret, id)),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_halves_needed() {
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]);
        assert!(keys(&env).is_none());
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "")]);
        assert!(keys(&env).is_none());
    }

    #[test]
    fn the_missing_half_is_named() {
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]);
        assert_eq!(
            half_keys(&env),
            Some(("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"))
        );
        let env = Env::from_pairs([("AWS_SECRET_ACCESS_KEY", "S"), ("AWS_ACCESS_KEY_ID", " ")]);
        assert_eq!(
            half_keys(&env),
            Some(("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"))
        );
        let both = Env::from_pairs([("AWS_ACCESS_KEY_ID", "A"), ("AWS_SECRET_ACCESS_KEY", "S")]);
        assert_eq!(half_keys(&both), None);
        assert_eq!(half_keys(&Env::from_pairs([])), None);
    }

    #[test]
    fn legacy_names_and_session_token() {
        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY", "AKID"),
            ("AWS_SECRET_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]);
        let StaticKeys(c) = keys(&env).unwrap();
        assert_eq!(c.access_key_id, "AKID");
        assert_eq!(c.secret_access_key.as_str(), "SECRET");
        assert_eq!(c.session_token.as_ref().map(Secret::as_str), Some("TOKEN"));
    }
}
