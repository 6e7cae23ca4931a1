//! The process environment as a value.
//!
//! Every module reads variables through an [`Env`] passed down from `main`, never through
//! `std::env`, so tests and `explain` can run the same code on a made-up environment.

use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    /// A profile chosen by how the helper was invoked (`docker-credential-ecr-login-NAME`),
    /// which, like a profile set in code in the SDKs, comes before environment keys.
    explicit_profile: Option<String>,
}

impl Env {
    /// A snapshot of this process's environment. Variables whose name or value is not UTF-8
    /// are left out: no AWS setting can use them.
    pub fn from_process() -> Env {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        Env {
            vars,
            explicit_profile: None,
        }
    }

    /// The same environment with `profile` chosen explicitly.
    pub fn with_explicit_profile(mut self, profile: &str) -> Env {
        self.explicit_profile = Some(profile.to_string());
        self
    }

    pub fn explicit_profile(&self) -> Option<&str> {
        self.explicit_profile.as_deref()
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            explicit_profile: None,
        }
    }

    /// The value, if set at all (an empty value is returned as empty).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The value of the variable named `name` in any case: Windows names its variables so
    /// (`Path` for `PATH`). The exact name wins when both are there.
    pub fn raw_ignoring_case(&self, name: &str) -> Option<&str> {
        self.raw(name).or_else(|| {
            let mut names: Vec<&String> = self
                .vars
                .keys()
                .filter(|k| k.eq_ignore_ascii_case(name))
                .collect();
            names.sort();
            names.first().and_then(|k| self.raw(k))
        })
    }

    /// The value if set and non-empty: the SDKs treat an empty variable as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.raw(name).filter(|v| !v.is_empty())
    }
}

pub fn parse_bool(v: &str) -> Option<bool> {
    if v.trim().eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.trim().eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_in_any_case() {
        let env = Env::from_pairs([("Path", "C:\\Tools"), ("PATHEXT", ".EXE")]);
        assert_eq!(env.raw("PATH"), None);
        assert_eq!(env.raw_ignoring_case("PATH"), Some("C:\\Tools"));
        assert_eq!(env.raw_ignoring_case("pathext"), Some(".EXE"));
        let both = Env::from_pairs([("Path", "a"), ("PATH", "b")]);
        assert_eq!(both.raw_ignoring_case("PATH"), Some("b"));
        assert_eq!(env.raw_ignoring_case("HOME"), None);
    }
}
