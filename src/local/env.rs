//! The process environment as a value.
//!
//! Every module reads variables through an [`Env`] passed down from `main`, never through
//! `std::env`, so tests and `explain` can run the same code on a made-up environment.

use std::cell::OnceCell;

#[derive(Debug, Clone, Default)]
pub struct Env {
    source: Source,
    /// A profile chosen by how the helper was invoked (`docker-credential-ecr-login-NAME`),
    /// which, like a profile set in code in the SDKs, comes before environment keys.
    explicit_profile: Option<String>,
}

#[derive(Debug, Clone)]
enum Source {
    /// This process's environment, each variable read when first asked for: a copy of the
    /// whole environment into a map was 40% of a cache hit's instructions, and the helper
    /// reads a few dozen names. A name outside [`NAMES`] falls back to one whole copy.
    Process {
        known: Box<[OnceCell<Option<String>>; NAMES.len()]>,
        all: OnceCell<Vec<(String, String)>>,
    },
    /// A made-up environment (tests, `explain` on given variables).
    Pairs(Vec<(String, String)>),
}

impl Default for Source {
    fn default() -> Source {
        Source::Pairs(Vec::new())
    }
}

/// Every variable the helper reads, looked up one by one in the process's environment.
const NAMES: [&str; 62] = [
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_ACCOUNT_ID",
    "AWS_CA_BUNDLE",
    "AWS_CONFIG_FILE",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_DEFAULT_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "AWS_EC2_METADATA_V1_DISABLED",
    "AWS_ECR_CACHE_DIR",
    "AWS_ECR_CONFIG_FILE",
    "AWS_ECR_DISABLE_CACHE",
    "AWS_ECR_FALLBACK_CREDS_STORE",
    "AWS_ECR_IGNORE_CREDS_STORAGE",
    "AWS_ECR_LOG_LEVEL",
    "AWS_ECR_ROLE_ARN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_ECR",
    "AWS_ENDPOINT_URL_ECR_PUBLIC",
    "AWS_ENDPOINT_URL_SIGNIN",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_ENDPOINT_URL_STS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_LOGIN_CACHE_DIRECTORY",
    "AWS_MAX_ATTEMPTS",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_SDK_UA_APP_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_TOKEN",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "COMPUTERNAME",
    "GODEBUG",
    "HOME",
    "HOMEDRIVE",
    "HOMEPATH",
    "HOSTNAME",
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "NO_PROXY",
    "PATH",
    "PATHEXT",
    "USERDOMAIN",
    "USERNAME",
    "USERPROFILE",
    "http_proxy",
    "https_proxy",
    "no_proxy",
];

/// Where each name of [`NAMES`] is: an open-addressed table made at compile time. A lookup
/// hashes the name and compares it once, where a binary search compared six names, each
/// through musl's byte-at-a-time `memcmp`.
const SLOTS: usize = 256;
const TABLE: [u8; SLOTS] = {
    let mut table = [u8::MAX; SLOTS];
    let mut i = 0;
    while i < NAMES.len() {
        let mut slot = hash(NAMES[i].as_bytes()) % SLOTS;
        while table[slot] != u8::MAX {
            slot = (slot + 1) % SLOTS;
        }
        table[slot] = i as u8;
        i += 1;
    }
    table
};

const fn hash(name: &[u8]) -> usize {
    let mut h: u32 = 0;
    let mut i = 0;
    while i < name.len() {
        h = h.wrapping_mul(31).wrapping_add(name[i] as u32);
        i += 1;
    }
    h as usize
}

fn known_index(name: &str) -> Option<usize> {
    let mut slot = hash(name.as_bytes()) % SLOTS;
    loop {
        let i = *TABLE.get(slot)? as usize;
        if NAMES.get(i)? == &name {
            return Some(i);
        }
        slot = (slot + 1) % SLOTS;
    }
}

impl Env {
    /// This process's environment. Variables whose name or value is not UTF-8 count as
    /// unset: no AWS setting can use them.
    pub fn from_process() -> Env {
        Env {
            source: Source::Process {
                known: Box::new(std::array::from_fn(|_| OnceCell::new())),
                all: OnceCell::new(),
            },
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
            source: Source::Pairs(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            explicit_profile: None,
        }
    }

    /// The value, if set at all (an empty value is returned as empty).
    pub fn raw(&self, name: &str) -> Option<&str> {
        match &self.source {
            Source::Process { known, all } => match known_index(name) {
                Some(i) => known[i].get_or_init(|| std::env::var(name).ok()).as_deref(),
                None => lookup(all.get_or_init(snapshot), name),
            },
            Source::Pairs(pairs) => lookup(pairs, name),
        }
    }

    /// The value of the variable named `name` in any case: Windows names its variables so
    /// (`Path` for `PATH`). The exact name wins when both are there.
    pub fn raw_ignoring_case(&self, name: &str) -> Option<&str> {
        self.raw(name).or_else(|| {
            let pairs = match &self.source {
                Source::Process { all, .. } => all.get_or_init(snapshot),
                Source::Pairs(pairs) => pairs,
            };
            let mut names: Vec<&String> = pairs
                .iter()
                .map(|(k, _)| k)
                .filter(|k| k.eq_ignore_ascii_case(name))
                .collect();
            names.sort();
            names.first().and_then(|k| lookup(pairs, k))
        })
    }

    /// The value if set and non-empty: the SDKs treat an empty variable as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.raw(name).filter(|v| !v.is_empty())
    }
}

/// The last value given for `name` (a made-up environment may repeat one, as a map would keep
/// the last).
fn lookup<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn snapshot() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
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

    #[test]
    fn the_process_environment_read_name_by_name() {
        // Every variable this process has (known names and others), and one it has not.
        let env = Env::from_process();
        for (name, value) in std::env::vars() {
            assert_eq!(env.raw(&name), Some(value.as_str()), "{name}");
        }
        assert_eq!(env.raw("no-such-variable"), None);
        let mut sorted = NAMES;
        sorted.sort();
        assert_eq!(sorted, NAMES, "NAMES is kept sorted, without repeats");
        assert!(NAMES.windows(2).all(|w| w[0] != w[1]));
        for (i, name) in NAMES.iter().enumerate() {
            assert_eq!(known_index(name), Some(i), "{name}");
        }
        for other in ["", "HOM", "HOMEX", "home", "AWS", "no-such-variable"] {
            assert_eq!(known_index(other), None, "{other}");
        }
    }
}
