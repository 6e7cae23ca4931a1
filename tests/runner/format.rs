//! The scenario format, in one place. A case is a folder under `tests/scenarios/` (or a row
//! of the fault table in `faults.rs`):
//!
//! - `case.json`: a [`Case`];
//! - `env.json` (optional): the helper's environment, name → value, `null` removing one of
//!   the runner's defaults (`HOME`, `AWS_ECR_LOG_LEVEL=debug`, and an IMDS endpoint on a
//!   closed loopback port); nothing else is inherited but `PATH`;
//! - `home/` (optional): files laid out under `$HOME`.
//!
//! Every field is checked against this schema: an unknown key (a typo) fails the case.
//!
//! Strings in `env.json`, in `home/` and in the run fields marked *substituted* may use:
//! `{ecr}` (the stand-in's URL), `{ecr_port}`, `{proxy}` and `{proxy_addr}` (the CONNECT
//! proxy's URL and `host:port`), `{socks_addr}`, `{ca}` (the test CA's PEM file), `{home}`,
//! `{path:REL}` (`{home}/REL` as the helper names it: `Z:\…\REL` for the Windows build) and
//! `{time:+5h}` / `{time:-30m}` / `{time:+10s}` (RFC 3339, relative to now), and
//! `{httpdate:+10m}` (the same as an HTTP `Date`; reply headers are substituted too) and
//! `{utctime:+1h}` (as botocore writes an expiration: `2026-12-06T19:00:00UTC`).
//!
//! Every secret the case knows (the keys, the secret fields of the replies and home files,
//! environment values named `*SECRET*` or `*TOKEN*`, `secrets`, ECR passwords) is checked
//! never to reach stdout (but for an expected `Secret`), stderr or the log.

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// `case.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows, for people.
    pub docs: String,
    /// Access key → secret key: the keys the stand-in accepts (it verifies every signature).
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    /// Serve HTTPS, with a certificate of the test CA for `tls_names` (default `localhost`).
    #[serde(default)]
    pub tls: bool,
    pub tls_names: Option<Vec<String>>,
    /// A CONNECT proxy in front of the stand-in; with `proxy_auth` (`user:password`) it
    /// answers 407 to any other credentials.
    #[serde(default)]
    pub proxy: bool,
    pub proxy_auth: Option<String>,
    /// A SOCKS5 proxy in front of the stand-in, which records each destination as asked:
    /// `name:port`, or `ip a.b.c.d:port`.
    #[serde(default)]
    pub socks: bool,
    /// Names that resolve to 127.0.0.1 for the helper, through a private `/etc/hosts`: each
    /// run in a user and mount namespace of its own (`unshare`, Linux), so the stand-in is
    /// reached by a real registry's name (`https://public.ecr.aws:{ecr_port}`).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// More strings that must never be shown.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Replies left unasked at the end are not an error (a server that never answers).
    #[serde(default)]
    pub allow_unused_replies: bool,
    /// The helper's invocations, in order, sharing the home and the stand-in.
    pub runs: Vec<Run>,
}

/// One invocation of the helper, and what to check after it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// Default `["get"]`.
    pub args: Option<Vec<String>>,
    /// *Substituted.*
    #[serde(default)]
    pub stdin: String,
    /// Changes to the case's environment for this run (*substituted*); `null` removes.
    #[serde(default)]
    pub env: BTreeMap<String, Option<String>>,
    /// Files written under the home before the run: path → text (*substituted*).
    #[serde(default)]
    pub write_files: BTreeMap<String, String>,
    /// Run through a link (a copy on Windows) of this name: `docker-credential-ecr-login-prod`.
    pub invoke_as: Option<String>,
    /// What the stand-in answers, in order.
    #[serde(default)]
    pub replies: Vec<Reply>,

    /// The exit code (default 0).
    #[serde(default)]
    pub exit: i32,
    /// All of stdout but its final line break (*substituted*).
    pub stdout: Option<String>,
    /// *Substituted.*
    #[serde(default)]
    pub stdout_contains: Vec<String>,
    /// *Substituted.*
    #[serde(default)]
    pub stderr_contains: Vec<String>,
    /// What stderr begins with (*substituted*): what a person reads first.
    pub stderr_starts: Option<String>,
    /// The number of lines on stderr (the kubelet copies a failing plugin's stderr into its
    /// log).
    pub stderr_lines: Option<usize>,
    /// stdout as JSON, `"*"` matching any value, `"text*"` any string starting `text`, and
    /// `"*near T"` a time within 2 minutes of T, as in `files_json`.
    pub stdout_json: Option<Value>,
    /// The requests the stand-in received, all of them, in order.
    pub requests: Option<Vec<Request>>,
    /// What the CONNECT proxy was asked for (`host:port`), in order.
    pub connects: Option<Vec<String>>,
    /// What the SOCKS proxy was asked for, in order.
    pub socks_destinations: Option<Vec<String>>,
    /// Keys that `~/.ecr/cache.json` holds afterwards.
    #[serde(default)]
    pub cache_keys: Vec<String>,
    /// Strings that `~/.ecr/cache.json` does not hold afterwards, anywhere: pick one no
    /// timestamp can hold (`"2.0"` with its quotes, not `2.0`, which `11:43:52.05` holds).
    #[serde(default)]
    pub cache_absent: Vec<String>,
    /// Path under the home → strings the file holds afterwards (*substituted*).
    #[serde(default)]
    pub files_contain: BTreeMap<String, Vec<String>>,
    /// Path under the home → the JSON the file holds afterwards, matched as `stdout_json` is;
    /// `"*near T"` (T *substituted*, `{time:+15m}`) matches a time within 2 minutes of T.
    #[serde(default)]
    pub files_json: BTreeMap<String, Value>,
    /// Path under the home → strings the file does not hold (*substituted*).
    #[serde(default)]
    pub files_lack: BTreeMap<String, Vec<String>>,
    /// Paths under the home that must be private afterwards: mode 0600 (Unix).
    #[serde(default)]
    pub private_files: Vec<String>,
    /// Path under the home → its number of lines.
    #[serde(default)]
    pub file_lines: BTreeMap<String, usize>,
    /// An upper bound on the run's wall time, for cases about time-outs.
    pub max_seconds: Option<f64>,
}

/// One answer of the stand-in: exactly one of `token`, `status`, `hang`, `truncated`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// A `GetAuthorizationToken` answer for this `user:password`.
    pub token: Option<String>,
    /// An answer with this status, `body` (*substituted*) and `headers`.
    pub status: Option<u16>,
    pub body: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Accept the request and never answer.
    #[serde(default)]
    pub hang: bool,
    /// Send the headers and this part of a body, then close the connection.
    pub truncated: Option<String>,
}

/// What one received request must be; a field left out is not checked. The user agent is
/// always checked.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub method: Option<String>,
    /// The request target, path and query (*substituted*).
    pub path: Option<String>,
    /// No SigV4 signature.
    #[serde(default)]
    pub unsigned: bool,
    /// `X-Amz-Target` (and the JSON 1.1 content type).
    pub target: Option<String>,
    /// Any of `scope`, `access_key`, `session_token` makes the signature checked: the
    /// credential scope's `region/service`, the signing key, the session token (`null`: none).
    pub scope: Option<String>,
    pub access_key: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub session_token: Option<Option<String>>,
    /// The JSON body, exactly.
    pub body: Option<Value>,
    /// Form fields (*substituted*): a value, `*absent*` or `*present*`.
    pub form: Option<BTreeMap<String, String>>,
    /// Header values (*substituted*; `"text*"` matches a value starting `text`, `"*near T"` an
    /// `X-Amz-Date` within 2 minutes of T); `null`: the header is absent.
    #[serde(default)]
    pub headers: BTreeMap<String, Option<String>>,
    /// The `Host` header (*substituted*).
    pub host: Option<String>,
    /// The `aws login` cache file (a path under the home) whose `dpopKey` must have made the
    /// request's `DPoP` proof: signature, public key, `htm`, `htu` (the exact URL), `iat` and
    /// a `jti` that no other request of the run used.
    pub dpop: Option<String>,
}

/// A field that is present, even as `null`, is `Some`: `null` is a value to check.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// `env.json`.
pub type Env = BTreeMap<String, Option<String>>;

/// The files of a case's `home/`: path → text, or the folder to copy.
#[derive(Debug, Clone, PartialEq)]
pub enum Home {
    None,
    Folder(std::path::PathBuf),
    Files(Vec<(String, String)>),
}

/// A case with its environment and home, from a folder or the fault table.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub case: Case,
    pub env: Env,
    pub home: Home,
}

impl Scenario {
    /// The case in `dir`.
    pub fn load(dir: &std::path::Path) -> Result<Scenario, String> {
        let text = |name: &str| std::fs::read_to_string(dir.join(name));
        let case: Case = serde_json::from_str(&text("case.json").map_err(|e| e.to_string())?)
            .map_err(|e| format!("case.json: {e}"))?;
        let env: Env = match text("env.json") {
            Ok(t) => serde_json::from_str(&t).map_err(|e| format!("env.json: {e}"))?,
            Err(_) => Env::new(),
        };
        let home = match dir.join("home").is_dir() {
            true => Home::Folder(dir.join("home")),
            false => Home::None,
        };
        Ok(Scenario {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            case,
            env,
            home,
        })
    }
}
