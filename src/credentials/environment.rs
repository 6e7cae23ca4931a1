//! Credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and Go's legacy
//! `AWS_ACCESS_KEY` / `AWS_SECRET_KEY`), with `AWS_SESSION_TOKEN`.

use super::{Credentials, Plan, Source};
use crate::env::Env;

/// Keys from the environment, or `None` when either half is missing (Go needs both).
pub fn plan(env: &Env) -> Option<Plan> {
    let id = env
        .get("AWS_ACCESS_KEY_ID")
        .or_else(|| env.get("AWS_ACCESS_KEY"))?;
    let secret = env
        .get("AWS_SECRET_ACCESS_KEY")
        .or_else(|| env.get("AWS_SECRET_KEY"))?;
    Some(Plan::Static {
        source: Source::Environment,
        credentials: Credentials {
            access_key_id: id.to_string(),
            secret_access_key: secret.to_string(),
            session_token: env.get("AWS_SESSION_TOKEN").map(str::to_string),
            expiry: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_halves_needed() {
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]);
        assert_eq!(plan(&env), None);
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "")]);
        assert_eq!(plan(&env), None);
    }

    #[test]
    fn legacy_names_and_session_token() {
        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY", "AKID"),
            ("AWS_SECRET_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]);
        let Some(Plan::Static {
            credentials,
            source,
        }) = plan(&env)
        else {
            panic!()
        };
        assert_eq!(source, Source::Environment);
        assert_eq!(credentials.access_key_id, "AKID");
        assert_eq!(credentials.secret_access_key, "SECRET");
        assert_eq!(credentials.session_token.as_deref(), Some("TOKEN"));
    }
}
