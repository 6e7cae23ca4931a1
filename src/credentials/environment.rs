//! Credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and Go's legacy
//! `AWS_ACCESS_KEY` / `AWS_SECRET_KEY`), with `AWS_SESSION_TOKEN` and `AWS_ACCOUNT_ID`.

use super::{Credentials, StaticKeys};
use crate::env::Env;

/// Keys from the environment, or `None` when either half is missing (Go needs both).
pub fn keys(env: &Env) -> Option<StaticKeys> {
    // A blank key is never a key: treat it as unset, as the Rust SDK does.
    let get = |name: &str| env.get(name).filter(|v| !v.trim().is_empty());
    let id = get("AWS_ACCESS_KEY_ID").or_else(|| get("AWS_ACCESS_KEY"))?;
    let secret = get("AWS_SECRET_ACCESS_KEY").or_else(|| get("AWS_SECRET_KEY"))?;
    Some(StaticKeys(Credentials {
        access_key_id: id.to_string(),
        secret_access_key: secret.to_string(),
        session_token: env.get("AWS_SESSION_TOKEN").map(str::to_string),
        expiry: None,
        account_id: env.get("AWS_ACCOUNT_ID").map(str::to_string),
    }))
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
    fn legacy_names_and_session_token() {
        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY", "AKID"),
            ("AWS_SECRET_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]);
        let StaticKeys(c) = keys(&env).unwrap();
        assert_eq!(c.access_key_id, "AKID");
        assert_eq!(c.secret_access_key, "SECRET");
        assert_eq!(c.session_token.as_deref(), Some("TOKEN"));
    }
}
