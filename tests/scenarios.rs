//! Data-driven scenarios: each folder under `tests/scenarios/` is one case, run through the
//! real binary against loopback stand-ins.
//!
//! A case folder holds:
//! - `case.json`: `docs`; `keys` (access key → secret, known to the stand-in); optional
//!   `tls` (serve HTTPS with a test CA, certificate names in `tls_names`) and `proxy` (a
//!   CONNECT proxy in front of it, which with `proxy_auth` (`user:password`) answers 407 to
//!   any other credentials), `socks` (a SOCKS5 proxy in front of it, at `{socks_addr}`,
//!   which records each destination as asked: `name:port`, or `ip a.b.c.d:port`); `runs`, each with `args` (default `["get"]`), `stdin`,
//!   `replies` (what the stand-in answers, in order: `{"token": "AWS:pw"}` or
//!   `{"status": 500, "body": "…"}`), the expected `exit`, `stdout`, `stderr_contains`,
//!   `requests` (per request: `target`, `scope`, `access_key`, `session_token`, `body`,
//!   `host`), `connects` (what the proxy was asked for), `socks_destinations`, `cache_keys` / `cache_absent`, `files_contain` / `files_lack` (path under home → strings).
//! - `env.json`: the helper's environment (nothing else is inherited but PATH).
//! - `home/`: files laid out under `$HOME`.
//!
//! Strings in `env.json`, `case.json` and `home/` may use `{ecr}` (the stand-in's URL),
//! `{ecr_port}`,
//! `{proxy}`, `{proxy_addr}` (its `host:port`), `{ca}` (the test CA's PEM file), `{home}`,
//! `{path:REL}` (`{home}/REL` as the helper names it: `Z:\…\REL` for the Windows build), `{time:+5h}` / `{time:-30m}`
//! (RFC 3339, relative to now).

mod support;

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use support::proxy::ConnectProxy;
use support::socks::SocksProxy;
use support::standin::{Reply, StandIn};
use support::tls::TestCa;

struct World {
    standin: StandIn,
    proxy: Option<ConnectProxy>,
    socks: Option<SocksProxy>,
    home: PathBuf,
    ca_file: PathBuf,
}

impl World {
    fn substitute(&self, s: &str) -> String {
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
        while let Some(start) = out.find("{time:") {
            let end = start + out[start..].find('}').expect("closed {time:…}");
            let spec = &out[start + 6..end];
            let (num, unit) = spec.split_at(spec.len() - 1);
            let n: i64 = num.parse().expect("{time:±N[smh]}");
            let secs = n * match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => panic!("unit of {spec}"),
            };
            let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
            let text = t
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            out.replace_range(start..=end, &text);
        }
        out
    }
}

fn copy_tree(from: &Path, to: &Path, world: &World) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target, world);
        } else {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(&target, world.substitute(&text)).unwrap();
        }
    }
}

/// `want` with `"*"` standing for any value, and `"text*"` for any string starting with `text`.
fn json_matches(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (_, Value::String(w)) if w == "*" => true,
        (Value::String(h), Value::String(w)) if w.ends_with('*') => {
            h.starts_with(&w[..w.len() - 1])
        }
        (Value::Object(h), Value::Object(w)) => {
            h.len() == w.len()
                && w.iter()
                    .all(|(k, wv)| h.get(k).is_some_and(|hv| json_matches(hv, wv)))
        }
        _ => have == want,
    }
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
    out
}

fn tree_text(dir: &Path) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            all.push_str(&tree_text(&e.path()));
        } else {
            all.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    all
}

/// A JSON object of strings as pairs.
fn string_pairs(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn str_of<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn run_case(dir: &Path) -> Result<usize, String> {
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap())
            .map_err(|e| format!("case.json: {e}"))?;
    let env_json: Value = std::fs::read_to_string(dir.join("env.json"))
        .map(|t| serde_json::from_str(&t).expect("env.json parses"))
        .unwrap_or(Value::Object(Default::default()));
    let keys: HashMap<String, String> = string_pairs(case.get("keys")).into_iter().collect();
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let ca = TestCa::new();
    let ca_file = tmp.path().join("ca.pem");
    std::fs::write(&ca_file, &ca.pem).unwrap();
    let tls = case.get("tls").and_then(Value::as_bool).unwrap_or(false);
    let standin = if tls {
        let names: Vec<String> = case
            .get("tls_names")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_else(|| vec!["localhost".into()]);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        StandIn::start(keys.clone(), Some(ca.server_config(&names)))
    } else {
        StandIn::start(keys.clone(), None)
    };
    let proxy_auth = str_of(&case, "proxy_auth").map(str::to_string);
    let proxy = case
        .get("proxy")
        .and_then(Value::as_bool)
        .unwrap_or(false)
        .then(|| ConnectProxy::start_with_auth(standin.addr, proxy_auth));
    let socks = case
        .get("socks")
        .and_then(Value::as_bool)
        .unwrap_or(false)
        .then(|| SocksProxy::start(standin.addr));
    let world = World {
        standin,
        proxy,
        socks,
        home: home.clone(),
        ca_file,
    };
    if dir.join("home").is_dir() {
        copy_tree(&dir.join("home"), &home, &world);
    }
    let mut env: Vec<(String, String)> = vec![
        ("HOME".into(), home.display().to_string()),
        // Every scenario logs everything, and the log is searched for secrets.
        ("AWS_ECR_LOG_LEVEL".into(), "debug".into()),
        // Nothing in a test may reach a real metadata service.
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT".into(),
            "http://127.0.0.1:9".into(),
        ),
    ];
    for (k, v) in env_json.as_object().unwrap() {
        env.retain(|(name, _)| name != k);
        if let Some(v) = v.as_str() {
            env.push((k.clone(), world.substitute(v)));
        }
    }
    // Every secret the case knows: none may show up on stdout (but for the expected
    // `Secret`), stderr or the log.
    let mut secrets: Vec<String> = keys.values().cloned().collect();
    for (k, v) in &env {
        if k.contains("SECRET") || k.contains("TOKEN") && !k.contains("FILE") {
            secrets.push(v.clone());
        }
    }
    secrets.extend(harvest_secrets(&case.to_string()));
    for extra in case
        .get("secrets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        secrets.push(extra.as_str().unwrap().to_string());
    }
    if dir.join("home").is_dir() {
        secrets.extend(harvest_secrets(&tree_text(&dir.join("home"))));
    }
    let runs = case["runs"].as_array().ok_or("no runs")?;
    for (i, run) in runs.iter().enumerate() {
        let ctx = |msg: String| format!("run {}: {msg}", i + 1);
        for reply in run
            .get("replies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(t) = str_of(reply, "token") {
                secrets.push(t.split_once(':').unwrap().1.to_string());
                world.standin.push(Reply::Token(t.to_string()));
            } else if reply.get("hang").is_some() {
                world.standin.push(Reply::Hang);
            } else if let Some(body) = str_of(reply, "truncated") {
                world.standin.push(Reply::Truncated(body.to_string()));
            } else {
                let headers = string_pairs(reply.get("headers"));
                world.standin.push(Reply::Raw {
                    status: reply["status"].as_u64().unwrap() as u16,
                    body: world.substitute(str_of(reply, "body").unwrap_or("")),
                    headers,
                });
            }
        }
        for (path, text) in run
            .get("write_files")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let p = home.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, world.substitute(text.as_str().unwrap())).unwrap();
        }
        let mut run_env = env.clone();
        for (k, v) in run
            .get("env")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            run_env.retain(|(name, _)| name != k);
            if let Some(v) = v.as_str() {
                run_env.push((k.clone(), world.substitute(v)));
            }
        }
        let args: Vec<String> = run
            .get("args")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_else(|| vec!["get".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stdin = world.substitute(str_of(run, "stdin").unwrap_or(""));
        let started = std::time::Instant::now();
        let out = match str_of(run, "invoke_as") {
            Some(name) => {
                let link = support::run::install_as(&tmp.path().join("bin"), name);
                support::run::helper_at(&link, &args, stdin.as_bytes(), &run_env, tmp.path())
            }
            None => support::run::helper(&args, stdin.as_bytes(), &run_env, tmp.path()),
        };
        let took = started.elapsed();
        let recorded = world.standin.take();
        if let Some(max) = run.get("max_seconds").and_then(Value::as_f64)
            && took.as_secs_f64() > max
        {
            return Err(ctx(format!("took {took:?}, more than {max} s")));
        }
        for (path, wants) in run
            .get("files_contain")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let text = std::fs::read_to_string(home.join(path)).unwrap_or_default();
            for w in wants.as_array().unwrap() {
                let w = world.substitute(w.as_str().unwrap());
                if !text.contains(&w) {
                    return Err(ctx(format!("{path} lacks {w:?}: {text}")));
                }
            }
        }
        for (path, unwanted) in run
            .get("files_lack")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let text = std::fs::read_to_string(home.join(path)).unwrap_or_default();
            for w in unwanted.as_array().unwrap() {
                let w = world.substitute(w.as_str().unwrap());
                if text.contains(&w) {
                    return Err(ctx(format!("{path} holds {w:?}: {text}")));
                }
            }
        }
        for (path, n) in run
            .get("file_lines")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let lines = std::fs::read_to_string(home.join(path))
                .unwrap_or_default()
                .lines()
                .count();
            if lines as u64 != n.as_u64().unwrap() {
                return Err(ctx(format!("{path} has {lines} lines, want {n}")));
            }
        }
        let expected_exit = run.get("exit").and_then(Value::as_i64).unwrap_or(0) as i32;
        if out.code != expected_exit {
            return Err(ctx(format!(
                "exit {} (want {expected_exit}); stdout {:?}; stderr {:?}; requests {:?}",
                out.code,
                out.stdout,
                out.stderr,
                recorded.iter().map(|r| &r.verified).collect::<Vec<_>>()
            )));
        }
        if let Some(want) = str_of(run, "stdout") {
            let want = world.substitute(want);
            if out.stdout.trim_end_matches('\n') != want {
                return Err(ctx(format!("stdout {:?}, want {want:?}", out.stdout)));
            }
        }
        for (field, stream, text) in [
            ("stdout_contains", "stdout", &out.stdout),
            ("stderr_contains", "stderr", &out.stderr),
        ] {
            for want in run
                .get(field)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let want = world.substitute(want.as_str().unwrap());
                if !text.contains(&want) {
                    return Err(ctx(format!("{stream} {text:?} lacks {want:?}")));
                }
            }
        }
        if let Some(want) = run.get("stdout_json") {
            let have: Value = serde_json::from_str(&out.stdout)
                .map_err(|e| ctx(format!("stdout is not JSON ({e}): {:?}", out.stdout)))?;
            if !json_matches(&have, want) {
                return Err(ctx(format!("stdout {have}, want {want}")));
            }
        }
        if let Some(want) = run.get("requests").and_then(Value::as_array) {
            if recorded.len() != want.len() {
                return Err(ctx(format!(
                    "{} requests, want {}: {:?}",
                    recorded.len(),
                    want.len(),
                    recorded
                        .iter()
                        .map(|r| (&r.request.target, &r.verified))
                        .collect::<Vec<_>>()
                )));
            }
            for (n, (got, want)) in recorded.iter().zip(want).enumerate() {
                check_request(got, want, &world)
                    .map_err(|e| ctx(format!("request {}: {e}", n + 1)))?;
            }
        }
        if let Some(want) = run.get("socks_destinations").and_then(Value::as_array) {
            let got = world
                .socks
                .as_ref()
                .ok_or("socks_destinations without socks")?
                .take();
            let want: Vec<String> = want
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            if got != want {
                return Err(ctx(format!("SOCKS destinations {got:?}, want {want:?}")));
            }
        }
        if let Some(want) = run.get("connects").and_then(Value::as_array) {
            let got = world.proxy.as_ref().ok_or("connects without proxy")?.take();
            let want: Vec<String> = want
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            if got != want {
                return Err(ctx(format!("proxy CONNECTs {got:?}, want {want:?}")));
            }
        }
        let cache_file = home.join(".ecr/cache.json");
        let cache_text = std::fs::read_to_string(&cache_file).unwrap_or_default();
        #[cfg(unix)]
        if cache_file.exists() && support::targets::excluded("check:unix-modes").is_none() {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            // A seeded file keeps its own mode; one the helper created must be private.
            if !dir.join("home/.ecr").exists()
                && (mode(&cache_file) != 0o600 || mode(cache_file.parent().unwrap()) != 0o700)
            {
                return Err(ctx(format!(
                    "cache file mode {:o}, directory {:o}",
                    mode(&cache_file),
                    mode(cache_file.parent().unwrap())
                )));
            }
        }
        for k in run
            .get("cache_keys")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let k = k.as_str().unwrap();
            if !cache_text.contains(&format!("\"{k}\"")) {
                return Err(ctx(format!("cache lacks key {k}: {cache_text}")));
            }
        }
        for k in run
            .get("cache_absent")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let k = k.as_str().unwrap();
            if cache_text.contains(k) {
                return Err(ctx(format!("cache still has {k}: {cache_text}")));
            }
        }
        let log = std::fs::read_to_string(home.join(".ecr/log/ecr-login.log")).unwrap_or_default();
        let stdout_without_secret = match serde_json::from_str::<Value>(&out.stdout) {
            Ok(v) => v["ServerURL"].to_string(),
            Err(_) => out.stdout.clone(),
        };
        // What the run expects on stdout (a password for get-login-password) is allowed there.
        let expected_stdout = str_of(run, "stdout")
            .map(|w| world.substitute(w))
            .unwrap_or_default();
        for s in secrets.iter().filter(|s| s.len() >= 4) {
            for (name, text) in [
                ("stdout", &stdout_without_secret),
                ("stderr", &out.stderr),
                ("the log", &log),
            ] {
                if name == "stdout" && expected_stdout.contains(s.as_str()) {
                    continue;
                }
                if text.contains(s.as_str()) {
                    return Err(ctx(format!("a secret reached {name}: {s:?}")));
                }
            }
        }
    }
    let allow_unused = case.get("allow_unused_replies").and_then(Value::as_bool) == Some(true);
    if world.standin.unused_replies() != 0 && !allow_unused {
        return Err(format!(
            "{} scripted replies were never asked for",
            world.standin.unused_replies()
        ));
    }
    Ok(runs.len())
}

fn check_request(
    got: &support::standin::Recorded,
    want: &Value,
    world: &World,
) -> Result<(), String> {
    let req = &got.request;
    if let Some(m) = str_of(want, "method")
        && req.method != m
    {
        return Err(format!("method {}, want {m}", req.method));
    }
    if let Some(p) = str_of(want, "path") {
        let p = world.substitute(p);
        if req.target != p {
            return Err(format!("path {}, want {p}", req.target));
        }
    }
    if want.get("unsigned").and_then(Value::as_bool) == Some(true)
        && req
            .header("authorization")
            .is_some_and(|a| a.starts_with("AWS4-"))
    {
        return Err("the request is signed; it should not be".into());
    }
    let signed = ["scope", "access_key", "session_token", "target"]
        .iter()
        .any(|k| want.get(*k).is_some());
    if signed {
        let v = got
            .verified
            .as_ref()
            .map_err(|e| format!("signature rejected: {e}"))?;
        if let Some(scope) = str_of(want, "scope") {
            let have = format!("{}/{}", v.region, v.service);
            if have != scope {
                return Err(format!("scope {have}, want {scope}"));
            }
        }
        if let Some(k) = str_of(want, "access_key")
            && v.access_key != k
        {
            return Err(format!("signed by {}, want {k}", v.access_key));
        }
        match want.get("session_token") {
            Some(Value::String(t)) if v.session_token.as_deref() != Some(t) => {
                return Err(format!("session token {:?}, want {t:?}", v.session_token));
            }
            Some(Value::Null) if v.session_token.is_some() => {
                return Err("a session token was sent".into());
            }
            _ => {}
        }
    }
    if let Some(t) = str_of(want, "target") {
        let have = req.header("x-amz-target").unwrap_or("");
        if have != t {
            return Err(format!("X-Amz-Target {have:?}, want {t:?}"));
        }
        if req.header("content-type") != Some("application/x-amz-json-1.1") {
            return Err(format!("content-type {:?}", req.header("content-type")));
        }
    }
    if let Some(body) = want.get("body") {
        let have: Value = serde_json::from_slice(&req.body).map_err(|e| e.to_string())?;
        if &have != body {
            return Err(format!("body {have}, want {body}"));
        }
    }
    if let Some(form) = want.get("form").and_then(Value::as_object) {
        let text = String::from_utf8_lossy(&req.body).into_owned();
        let pairs: HashMap<String, String> = text
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (decode(k), decode(v)))
            .collect();
        for (k, v) in form {
            let want_v = world.substitute(v.as_str().unwrap());
            match (pairs.get(k), want_v.as_str()) {
                (None, "*absent*") => {}
                (Some(_), "*present*") => {}
                (Some(have), w) if have == w => {}
                (have, w) => return Err(format!("form {k} = {have:?}, want {w:?}")),
            }
        }
    }
    for (k, v) in want
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let have = req.header(k);
        match v {
            Value::Null if have.is_none() => {}
            Value::String(w) if have == Some(world.substitute(w).as_str()) => {}
            _ => return Err(format!("header {k} = {have:?}, want {v}")),
        }
    }
    if let Some(h) = str_of(want, "host") {
        let h = world.substitute(h);
        let have = req.header("host").unwrap_or("");
        if have != h {
            return Err(format!("Host {have:?}, want {h:?}"));
        }
    }
    let ua = req.header("user-agent").unwrap_or("");
    if !ua.starts_with(concat!(
        "docker-credential-ecr-login/",
        env!("CARGO_PKG_VERSION")
    )) {
        return Err(format!("user-agent {ua:?}"));
    }
    Ok(())
}

/// Form decoding: `+` and `%XX`.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap_or(b'?'));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn the_verifier_accepts_the_published_example() {
    support::sigv4::self_check();
}

enum Run {
    /// The case ran, with this many runs of the binary.
    Ran(usize),
    /// It does not apply to this target, for this reason.
    Excluded(&'static str),
}

/// The longest a case may take by its own `max_seconds` bounds (0 when it sets none).
fn slowest(dir: &Path) -> f64 {
    let text = std::fs::read_to_string(dir.join("case.json")).unwrap_or_default();
    let case: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    case["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("max_seconds").and_then(Value::as_f64))
        .sum()
}

#[test]
fn scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    dirs.sort();
    // `SCENARIOS=a,b` runs only those (while working on them; the full run is the check).
    if let Ok(only) = std::env::var("SCENARIOS") {
        let only: Vec<&str> = only.split(',').collect();
        dirs.retain(|d| only.iter().any(|o| d.file_name().is_some_and(|n| n == *o)));
    }
    assert!(!dirs.is_empty(), "no scenarios under {}", root.display());
    // The slowest first, so that the long waits overlap with everything else.
    dirs.sort_by(|a, b| slowest(b).total_cmp(&slowest(a)));
    // A bounded pool, not a thread per case: on two busy cores, a hundred helpers and their
    // stand-ins at once starve each other past the helper's own (one-second) IMDS bounds.
    let workers = std::env::var("SCENARIO_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8usize);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(d) = dirs.get(i) else { break };
                    let name = d.file_name().unwrap().to_string_lossy().into_owned();
                    let r = match support::targets::excluded(&name) {
                        Some(why) => Ok(Run::Excluded(why)),
                        None => std::panic::catch_unwind(|| run_case(d).map(Run::Ran))
                            .unwrap_or_else(|_| Err("panicked".into())),
                    };
                    results.lock().unwrap().push((name, r));
                }
            });
        }
    });
    let mut results: Vec<(String, Result<Run, String>)> = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failed = Vec::new();
    let mut excluded = 0;
    for (name, r) in &results {
        match r {
            Ok(Run::Ran(runs)) => println!("scenario {name}: ok ({runs} runs)"),
            Ok(Run::Excluded(why)) => {
                excluded += 1;
                support::report(&format!(
                    "excluded on {}: scenario {name}: {why}",
                    support::targets::target()
                ));
            }
            Err(e) => {
                println!("scenario {name}: FAILED: {e}");
                failed.push(name.clone());
            }
        }
    }
    support::report(&format!(
        "scenarios on {}, {} cases: {} passed, {} failed, {excluded} excluded",
        support::targets::target(),
        results.len(),
        results.len() - failed.len() - excluded,
        failed.len()
    ));
    assert!(failed.is_empty(), "failed scenarios: {failed:?}");
}
