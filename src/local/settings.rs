//! One settings context: the environment, the shared files (read at most once, when first
//! needed) and the selected profile, chosen once. Every "this environment variable, else this
//! profile key" lookup goes through [`Config::lookup`], as aws-config's standard properties do.

use crate::local::config::{ConfigError, ProfileSet, Properties};
use crate::local::env::Env;
use std::cell::OnceCell;
use std::time::Instant;

/// Who chose the selected profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenBy {
    /// The program's name, `docker-credential-ecr-login-NAME`.
    Invocation,
    AwsProfile,
    AwsDefaultProfile,
    /// The registry map's section for the registry (`profile = NAME` in `~/.ecr/config`).
    RegistryMap,
    /// Nobody: `default`.
    Default,
}

/// The selected profile's name and who chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedProfile {
    pub name: String,
    pub chosen_by: ChosenBy,
}

impl SelectedProfile {
    /// The one the invocation chose, then `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE` (Go's
    /// order), then `default`.
    pub fn of(env: &Env) -> SelectedProfile {
        let (name, chosen_by) = if let Some(p) = env.explicit_profile() {
            (p, ChosenBy::Invocation)
        } else if let Some(p) = env.get("AWS_PROFILE") {
            (p, ChosenBy::AwsProfile)
        } else if let Some(p) = env.get("AWS_DEFAULT_PROFILE") {
            (p, ChosenBy::AwsDefaultProfile)
        } else {
            ("default", ChosenBy::Default)
        };
        SelectedProfile {
            name: name.to_string(),
            chosen_by,
        }
    }

    /// Whether the user named it (a named profile that does not exist is an error).
    pub fn named(&self) -> bool {
        self.chosen_by != ChosenBy::Default
    }
}

/// The environment, the files on demand, and the selected profile.
#[derive(Debug)]
pub struct Settings {
    pub env: Env,
    pub selected: SelectedProfile,
    files: OnceCell<ProfileSet>,
    /// When the whole command must have answered, when its caller says (Bazel kills a helper
    /// after 10 s): every call, wait and `credential_process` ends by then.
    pub deadline: Option<Instant>,
}

impl Settings {
    pub fn new(env: Env) -> Settings {
        Settings {
            selected: SelectedProfile::of(&env),
            env,
            files: OnceCell::new(),
            deadline: None,
        }
    }

    /// The same settings, answering by `deadline`.
    pub fn with_deadline(mut self, deadline: Instant) -> Settings {
        self.deadline = Some(deadline);
        self
    }

    /// Settings whose files are already known (tests, and callers that loaded them).
    pub fn with_files(env: Env, files: ProfileSet) -> Settings {
        let settings = Settings::new(env);
        let _ = settings.files.set(files);
        settings
    }

    /// The same settings with another profile chosen (the registry map's), sharing the files
    /// already read.
    pub fn with_selected(&self, selected: SelectedProfile) -> Settings {
        let files = OnceCell::new();
        if let Some(f) = self.files.get() {
            let _ = files.set(f.clone());
        }
        Settings {
            env: self.env.clone(),
            selected,
            files,
            deadline: self.deadline,
        }
    }

    /// The config and credentials files, read on the first call. A failure is not kept: the
    /// caller decides whether it stops the get.
    pub fn files(&self) -> Result<&ProfileSet, ConfigError> {
        if let Some(files) = self.files.get() {
            return Ok(files);
        }
        let loaded = ProfileSet::load(&self.env)?;
        for (file, line) in &loaded.not_utf8 {
            crate::local::log::warn(
                "A config file is not UTF-8; reading it with those bytes replaced (save it as UTF-8)",
                &[
                    ("file", &file.display().to_string()),
                    ("line", &line.to_string()),
                ],
            );
        }
        Ok(self.files.get_or_init(|| loaded))
    }

    /// The lookups over `files`, which are these settings' files or none.
    pub fn config<'a>(&'a self, files: &'a ProfileSet) -> Config<'a> {
        Config {
            env: &self.env,
            files,
            selected: &self.selected,
            profile: files.profile(&self.selected.name),
        }
    }
}

/// The settings with the files in hand: what every lookup reads.
#[derive(Debug, Clone, Copy)]
pub struct Config<'a> {
    pub env: &'a Env,
    pub files: &'a ProfileSet,
    pub selected: &'a SelectedProfile,
    /// The selected profile's section, when the files have one.
    pub profile: Option<&'a Properties>,
}

impl<'a> Config<'a> {
    /// The selected profile's value for `key`; an empty value is unset, as in the SDKs.
    pub fn profile_value(&self, key: &str) -> Option<&'a str> {
        self.profile?
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// `env_var` when set (non-empty), else the selected profile's `key`.
    pub fn lookup(&self, env_var: &str, key: &str) -> Option<&'a str> {
        self.env.get(env_var).or_else(|| self.profile_value(key))
    }

    /// The region the user configured: `AWS_REGION`, `AWS_DEFAULT_REGION`, else the selected
    /// profile's `region`.
    pub fn region(&self) -> Option<&'a str> {
        self.env
            .get("AWS_REGION")
            .or_else(|| self.lookup("AWS_DEFAULT_REGION", "region"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::config::FileKind;

    #[test]
    fn one_selection_one_lookup_rule() {
        let env = |pairs: &[(&str, &str)]| Env::from_pairs(pairs.iter().copied());
        let chosen = |e: Env| SelectedProfile::of(&e);
        assert_eq!(chosen(env(&[])).chosen_by, ChosenBy::Default);
        let both = env(&[("AWS_PROFILE", "a"), ("AWS_DEFAULT_PROFILE", "b")]);
        assert_eq!(chosen(both.clone()).name, "a");
        assert_eq!(
            chosen(both.with_explicit_profile("c")).chosen_by,
            ChosenBy::Invocation
        );
        assert!(chosen(env(&[("AWS_DEFAULT_PROFILE", "b")])).named());

        let mut files = ProfileSet::default();
        files
            .merge(
                "[profile p]\nregion = eu-west-1\nca_bundle =\n",
                FileKind::Config,
            )
            .unwrap();
        let s = Settings::with_files(env(&[("AWS_PROFILE", "p")]), files);
        let c = s.config(s.files().unwrap());
        assert_eq!(c.region(), Some("eu-west-1"));
        assert_eq!(
            c.lookup("AWS_CA_BUNDLE", "ca_bundle"),
            None,
            "empty is unset"
        );
        // The environment comes before the profile.
        let s = Settings::new(env(&[
            ("AWS_PROFILE", "p"),
            ("AWS_DEFAULT_REGION", "us-east-2"),
        ]));
        let files = c.files;
        assert_eq!(s.config(files).region(), Some("us-east-2"));
    }
}
