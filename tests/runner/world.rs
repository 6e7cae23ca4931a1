//! Set-up: what a case runs in. A home, a stand-in (and proxies) on loopback, the helper's
//! environment, and the secrets that must not show; then, per run, its replies, files and
//! environment.

use super::format::{Home, Reply, Run, Scenario};
use crate::support;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use support::proxy::ConnectProxy;
use support::socks::SocksProxy;
use support::standin::{self, StandIn};
use support::tls::TestCa;

pub struct World {
    pub standin: StandIn,
    pub proxy: Option<ConnectProxy>,
    pub socks: Option<SocksProxy>,
    pub tmp: tempfile::TempDir,
    pub home: PathBuf,
    ca_file: PathBuf,
    /// The private `/etc/hosts` of a case with `hosts`.
    pub hosts_file: Option<PathBuf>,
    /// Whether the case seeded `~/.ecr` (a seeded cache keeps its own mode).
    pub seeded_cache: bool,
    /// The helper's environment before a run's changes.
    pub env: Vec<(String, String)>,
    /// Every secret the case knows.
    pub secrets: Vec<String>,
}

impl World {
    pub fn set_up(s: &Scenario) -> World {
        let case = &s.case;
        let keys: HashMap<String, String> = case.keys.clone().into_iter().collect();
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let ca = TestCa::new();
        let ca_file = tmp.path().join("ca.pem");
        std::fs::write(&ca_file, &ca.pem).unwrap();
        let tls = case.tls.then(|| {
            let names = case
                .tls_names
                .clone()
                .unwrap_or_else(|| vec!["localhost".into()]);
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            ca.server_config(&names)
        });
        let standin = StandIn::start(keys, tls);
        let proxy = case
            .proxy
            .then(|| ConnectProxy::start_with_auth(standin.addr, case.proxy_auth.clone()));
        let socks = case.socks.then(|| SocksProxy::start(standin.addr));
        let hosts_file = (!case.hosts.is_empty()).then(|| {
            let file = tmp.path().join("hosts");
            let lines: String = ["localhost"]
                .iter()
                .map(|n| n.to_string())
                .chain(case.hosts.iter().cloned())
                .map(|n| format!("127.0.0.1 {n}\n"))
                .collect();
            std::fs::write(&file, lines).unwrap();
            file
        });
        let mut world = World {
            hosts_file,
            standin,
            proxy,
            socks,
            tmp,
            home,
            ca_file,
            seeded_cache: false,
            env: Vec::new(),
            secrets: Vec::new(),
        };
        let home_texts = world.lay_out_home(&s.home);
        world.seeded_cache = world.home.join(".ecr").exists();
        world.env = vec![
            ("HOME".into(), world.home.display().to_string()),
            // Every scenario logs everything, and the log is searched for secrets.
            ("AWS_ECR_LOG_LEVEL".into(), "debug".into()),
            // Nothing in a test may reach a real metadata service.
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT".into(),
                "http://127.0.0.1:9".into(),
            ),
        ];
        world.env = world.apply(&world.env, &s.env);
        world.secrets = case.keys.values().cloned().collect();
        for (k, v) in &world.env {
            if k.contains("SECRET") || k.contains("TOKEN") && !k.contains("FILE") {
                world.secrets.push(v.clone());
            }
        }
        world.secrets.extend(case.secrets.iter().cloned());
        for text in case
            .runs
            .iter()
            .flat_map(|r| {
                let bodies = r.replies.iter().filter_map(|p| p.body.as_deref());
                let files = r.write_files.values().map(String::as_str);
                // A kubelet request's service-account token.
                bodies.chain(files).chain([r.stdin.as_str()])
            })
            .chain(home_texts.iter().map(String::as_str))
        {
            world.secrets.extend(harvest_secrets(text));
        }
        world
    }

    /// Copies the home's files in, substituted; returns their texts as written in the case.
    fn lay_out_home(&self, home: &Home) -> Vec<String> {
        let mut texts = Vec::new();
        match home {
            Home::None => {}
            Home::Folder(dir) => self.copy_tree(dir, &self.home, &mut texts),
            Home::Files(files) => {
                for (path, text) in files {
                    self.write(path, text);
                    texts.push(text.clone());
                }
            }
        }
        texts
    }

    fn copy_tree(&self, from: &Path, to: &Path, texts: &mut Vec<String>) {
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                self.copy_tree(&entry.path(), &target, texts);
            } else {
                match std::fs::read_to_string(entry.path()) {
                    Ok(text) => {
                        std::fs::write(&target, self.substitute(&text)).unwrap();
                        // A stand-in program keeps its executable bit.
                        let mode = entry.metadata().unwrap().permissions();
                        std::fs::set_permissions(&target, mode).unwrap();
                        texts.push(text);
                    }
                    // A file that is not UTF-8 (a scenario about such files) is copied as it
                    // is, with no substitution.
                    Err(_) => {
                        std::fs::copy(entry.path(), &target).unwrap();
                    }
                }
            }
        }
    }

    /// Writes `text` (substituted) at `path` under the home.
    fn write(&self, path: &str, text: &str) {
        let p = self.home.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, self.substitute(text)).unwrap();
    }

    /// `base` with `changes` applied (substituted): a value replaces, `None` removes.
    fn apply(
        &self,
        base: &[(String, String)],
        changes: &std::collections::BTreeMap<String, Option<String>>,
    ) -> Vec<(String, String)> {
        let mut env = base.to_vec();
        for (k, v) in changes {
            env.retain(|(name, _)| name != k);
            if let Some(v) = v {
                env.push((k.clone(), self.substitute(v)));
            }
        }
        env
    }

    /// Before a run: its replies queued, its files written; returns its environment.
    pub fn prepare(&mut self, run: &Run) -> Vec<(String, String)> {
        for reply in &run.replies {
            let r = self.reply(reply);
            if let standin::Reply::Token(t) = &r {
                self.secrets.push(t.split_once(':').unwrap().1.to_string());
            }
            self.standin.push(r);
        }
        for (path, text) in &run.write_files {
            self.write(path, text);
        }
        self.apply(&self.env, &run.env)
    }

    fn reply(&self, r: &Reply) -> standin::Reply {
        let kinds = [
            r.token.is_some(),
            r.status.is_some(),
            r.hang,
            r.truncated.is_some(),
        ];
        assert_eq!(
            kinds.iter().filter(|k| **k).count(),
            1,
            "a reply is one of token, status, hang, truncated: {r:?}"
        );
        if let Some(t) = &r.token {
            standin::Reply::Token(t.clone())
        } else if r.hang {
            standin::Reply::Hang
        } else if let Some(body) = &r.truncated {
            standin::Reply::Truncated(body.clone())
        } else {
            standin::Reply::Raw {
                status: r.status.expect("one kind"),
                body: self.substitute(r.body.as_deref().unwrap_or("")),
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), self.substitute(v)))
                    .collect(),
            }
        }
    }

    pub fn substitute(&self, s: &str) -> String {
        let mut out = s
            .replace("{ecr}", &self.standin.url())
            .replace("{ecr_port}", &self.standin.addr.port().to_string())
            .replace("{home}", &self.home.display().to_string())
            .replace("{ca}", &self.ca_file.display().to_string());
        if let Some(p) = &self.proxy {
            out = out
                .replace("{proxy}", &p.url())
                .replace("{proxy_addr}", &p.addr.to_string());
        }
        if let Some(p) = &self.socks {
            out = out.replace("{socks_addr}", &p.addr.to_string());
        }
        // A file under the home as the helper names it in messages: a Windows path on Windows.
        while let Some(start) = out.find("{path:") {
            let end = start + out[start..].find('}').expect("closed {path:…}");
            let unix = format!("{}/{}", self.home.display(), &out[start + 6..end]);
            let shown = match support::targets::is_windows() {
                true => support::run::windows_path(&unix),
                false => unix,
            };
            out.replace_range(start..=end, &shown);
        }
        // Times relative to now, in three forms: `{time:+5h}` (RFC 3339), `{httpdate:+10m}`
        // (an HTTP `Date` header's), `{utctime:+1h}` (as botocore's JSONFileCache writes an
        // expiration, `…T19:00:00UTC`).
        let forms: [(&str, &[time::format_description::BorrowedFormatItem]); 2] = [
            (
                "{httpdate:",
                time::macros::format_description!(
                    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
                ),
            ),
            (
                "{utctime:",
                time::macros::format_description!(
                    "[year]-[month]-[day]T[hour]:[minute]:[second]UTC"
                ),
            ),
        ];
        for (prefix, format) in forms {
            while let Some(start) = out.find(prefix) {
                let end = start + out[start..].find('}').expect("closed {…}");
                let t = relative_time(&out[start + prefix.len()..end]);
                out.replace_range(start..=end, &t.format(format).unwrap());
            }
        }
        while let Some(start) = out.find("{time:") {
            let end = start + out[start..].find('}').expect("closed {time:…}");
            let t = relative_time(&out[start + 6..end]);
            let text = t
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            out.replace_range(start..=end, &text);
        }
        out
    }
}

/// Now plus `spec`: `+5h`, `-30m`, `+10s`.
fn relative_time(spec: &str) -> time::OffsetDateTime {
    let (num, unit) = spec.split_at(spec.len() - 1);
    let n: i64 = num.parse().expect("{time:±N[smh]}");
    let secs = n * match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => panic!("unit of {spec}"),
    };
    time::OffsetDateTime::now_utc() + time::Duration::seconds(secs)
}

/// Values of the secret fields of AWS answers and caches in `text`: JSON (`"Field": "v"`,
/// escaped or not) and XML (`<Field>v</Field>`).
fn harvest_secrets(text: &str) -> Vec<String> {
    const FIELDS: &[&str] = &[
        "SecretAccessKey",
        "SessionToken",
        "Token",
        "secretAccessKey",
        "sessionToken",
        "accessToken",
        "refreshToken",
        "clientSecret",
        "idToken",
        "serviceAccountToken",
        // A registry token service's answer.
        "token",
        "access_token",
    ];
    let text = text.replace("\\\"", "\"");
    let mut out = Vec::new();
    for f in FIELDS {
        for open in [
            format!("\"{f}\": \""),
            format!("\"{f}\":\""),
            format!("<{f}>"),
        ] {
            let close = if open.starts_with('<') { '<' } else { '"' };
            let mut rest = text.as_str();
            while let Some(i) = rest.find(&open) {
                rest = &rest[i + open.len()..];
                let v: String = rest
                    .chars()
                    .take_while(|c| *c != close && *c != '\\')
                    .collect();
                if !v.is_empty() && !v.starts_with('{') {
                    out.push(v);
                }
            }
        }
    }
    // A PEM key inside JSON: each line of its base64 body.
    for open in ["\"dpopKey\": \"", "\"dpopKey\":\""] {
        let mut rest = text.as_str();
        while let Some(i) = rest.find(open) {
            rest = &rest[i + open.len()..];
            let value: String = rest.chars().take_while(|c| *c != '"').collect();
            out.extend(
                value
                    .split("\\n")
                    .filter(|l| l.len() >= 16 && !l.starts_with("-----"))
                    .map(str::to_string),
            );
        }
    }
    out
}
