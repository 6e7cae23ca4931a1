//! Checks: what one run did against what its [`Run`] expects. Each returns the first
//! difference, said so that the failing line of the case is easy to find.

use super::format::{Request, Run};
use super::world::World;
use crate::support;
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;
use support::run::Output;
use support::standin::Recorded;

/// What a run produced.
pub struct Outcome {
    pub out: Output,
    pub took: Duration,
    pub recorded: Vec<Recorded>,
}

pub fn all(world: &World, run: &Run, o: &Outcome) -> Result<(), String> {
    time(run, o)?;
    files(world, run)?;
    output(world, run, o)?;
    kubelet_answer(world, run, o)?;
    bazel_answer(world, run, o)?;
    requests(world, run, o)?;
    proxies(world, run)?;
    cache(world, run)?;
    secrets(world, run, o)
}

/// A run's own bound, plus what starting and ending one process costs on the target (see
/// [`support::targets::process_overhead`]): the bound is the helper's, not the emulator's.
fn time(run: &Run, o: &Outcome) -> Result<(), String> {
    let overhead = support::targets::process_overhead().as_secs_f64();
    match run.max_seconds.map(|m| m + overhead) {
        Some(max) if o.took.as_secs_f64() > max => {
            Err(format!("took {:?}, more than {max} s", o.took))
        }
        _ => Ok(()),
    }
}

fn files(world: &World, run: &Run) -> Result<(), String> {
    let read = |path: &str| std::fs::read_to_string(world.home.join(path)).unwrap_or_default();
    for (path, wants) in &run.files_contain {
        let text = read(path);
        for w in wants.iter().map(|w| world.substitute(w)) {
            if !text.contains(&w) {
                return Err(format!("{path} lacks {w:?}: {text}"));
            }
        }
    }
    for (path, want) in &run.files_json {
        let text = read(path);
        let have: Value =
            serde_json::from_str(&text).map_err(|e| format!("{path} is not JSON ({e}): {text}"))?;
        if !json_matches_in(world, &have, want) {
            return Err(format!("{path} holds {have}, want {want}"));
        }
    }
    for (path, unwanted) in &run.files_lack {
        let text = read(path);
        for w in unwanted.iter().map(|w| world.substitute(w)) {
            if text.contains(&w) {
                return Err(format!("{path} holds {w:?}: {text}"));
            }
        }
    }
    #[cfg(unix)]
    if support::targets::excluded("check:unix-modes").is_none() {
        use std::os::unix::fs::PermissionsExt;
        for path in &run.private_files {
            let mode = std::fs::metadata(world.home.join(path))
                .map_err(|e| format!("{path}: {e}"))?
                .permissions()
                .mode();
            if mode & 0o777 != 0o600 {
                return Err(format!("{path} has mode {:o}, want 600", mode & 0o777));
            }
        }
    }
    for (path, n) in &run.file_lines {
        let lines = read(path).lines().count();
        if lines != *n {
            return Err(format!("{path} has {lines} lines, want {n}"));
        }
    }
    Ok(())
}

fn output(world: &World, run: &Run, o: &Outcome) -> Result<(), String> {
    let out = &o.out;
    if out.code != run.exit {
        return Err(format!(
            "exit {} (want {}); stdout {:?}; stderr {:?}; requests {:?}",
            out.code,
            run.exit,
            out.stdout,
            out.stderr,
            o.recorded.iter().map(|r| &r.verified).collect::<Vec<_>>()
        ));
    }
    if let Some(want) = &run.stdout {
        let want = world.substitute(want);
        if out.stdout.trim_end_matches('\n') != want {
            return Err(format!("stdout {:?}, want {want:?}", out.stdout));
        }
    }
    for (wants, stream, text) in [
        (&run.stdout_contains, "stdout", &out.stdout),
        (&run.stderr_contains, "stderr", &out.stderr),
    ] {
        for want in wants.iter().map(|w| world.substitute(w)) {
            if !text.contains(&want) {
                return Err(format!("{stream} {text:?} lacks {want:?}"));
            }
        }
    }
    if let Some(want) = &run.stderr_starts {
        let want = world.substitute(want);
        if !out.stderr.starts_with(&want) {
            return Err(format!(
                "stderr {:?} does not start with {want:?}",
                out.stderr
            ));
        }
    }
    if let Some(n) = run.stderr_lines
        && out.stderr.lines().count() != n
    {
        return Err(format!("stderr has not {n} lines: {:?}", out.stderr));
    }
    if let Some(want) = &run.stdout_json {
        let have: Value = serde_json::from_str(&out.stdout)
            .map_err(|e| format!("stdout is not JSON ({e}): {:?}", out.stdout))?;
        if !json_matches_in(world, &have, want) {
            return Err(format!("stdout {have}, want {want}"));
        }
    }
    Ok(())
}

/// What the kubelet would make of a `kubelet-credential-provider` run: a success passes its
/// strict v1 decode, echoes the request's apiVersion and is cached for no longer than an
/// ECR token lives (12 hours); a failure leaves stdout empty.
fn kubelet_answer(world: &World, run: &Run, o: &Outcome) -> Result<(), String> {
    let args = run.args.as_deref().unwrap_or_default();
    if args.first().map(String::as_str) != Some("kubelet-credential-provider") {
        return Ok(());
    }
    if o.out.code != 0 {
        return match o.out.stdout.is_empty() {
            true => Ok(()),
            false => Err(format!("a failure with stdout {:?}", o.out.stdout)),
        };
    }
    let req: Value = serde_json::from_str(&world.substitute(&run.stdin))
        .map_err(|e| format!("the case's kubelet request is not JSON: {e}"))?;
    let api = req["apiVersion"].as_str().unwrap_or_default();
    let (_, secs) = support::kubelet::decode(o.out.stdout.trim_end_matches('\n'), api)
        .map_err(|e| format!("the kubelet would reject the answer: {e}: {}", o.out.stdout))?;
    match secs {
        Some(s) if !(0.0..=12.0 * 3600.0).contains(&s) => Err(format!(
            "cacheDuration of {s} s is outside the token's life"
        )),
        _ => Ok(()),
    }
}

/// What Bazel would make of a `get` with its JSON request: a success passes the response
/// schema and Bazel's `expires` pattern, carries one `Authorization` value, and asks again
/// within the token's life (12 hours at most); a failure leaves stdout empty (Bazel would
/// fail to parse anything else instead of going on without credentials).
fn bazel_answer(world: &World, run: &Run, o: &Outcome) -> Result<(), String> {
    let args = run.args.as_deref().unwrap_or_default();
    let stdin = world.substitute(&run.stdin);
    if !(args.is_empty() || args == ["get"]) || !stdin.trim_start().starts_with('{') {
        return Ok(());
    }
    if o.out.code != 0 {
        return match o.out.stdout.is_empty() {
            true => Ok(()),
            false => Err(format!("a failure with stdout {:?}", o.out.stdout)),
        };
    }
    let answer = support::bazel::decode(o.out.stdout.trim_end_matches('\n'))
        .map_err(|e| format!("Bazel would reject the answer: {e}: {}", o.out.stdout))?;
    match answer.headers.as_slice() {
        [(name, values)] if name == "Authorization" && values.len() == 1 => {}
        other => return Err(format!("headers {other:?}, not one Authorization value")),
    }
    let now = time::OffsetDateTime::now_utc();
    match answer.expires {
        Some(t) if t <= now + time::Duration::hours(12) => Ok(()),
        other => Err(format!(
            "expires {other:?} is missing or past a token's life"
        )),
    }
}

/// `want` with `"*"` standing for any value, `"text*"` for any string starting with `text`,
/// and `"*near T"`: an RFC 3339 time within 2 minutes of T (substituted).
fn json_matches_in(world: &World, have: &Value, want: &Value) -> bool {
    let rfc = &time::format_description::well_known::Rfc3339;
    json_matches_with(have, want, &|(h, w)| {
        let t = world.substitute(w.strip_prefix("*near ")?);
        let (h, t) = (
            time::OffsetDateTime::parse(h, rfc).ok(),
            time::OffsetDateTime::parse(&t, rfc).ok(),
        );
        Some(matches!((h, t), (Some(h), Some(t)) if (h - t).abs() <= time::Duration::minutes(2)))
    })
}

/// An `X-Amz-Date` (`20261206T170208Z`) within 2 minutes of `*near T` (T substituted).
fn amz_date_near(world: &World, have: &str, want: &str) -> bool {
    let amz = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let rfc = &time::format_description::well_known::Rfc3339;
    let t = world.substitute(want.trim_start_matches("*near "));
    match (
        time::PrimitiveDateTime::parse(have, amz),
        time::OffsetDateTime::parse(&t, rfc),
    ) {
        (Ok(h), Ok(t)) => (h.assume_utc() - t).abs() <= time::Duration::minutes(2),
        _ => false,
    }
}

/// `special` decides a (have, want) pair of strings when it returns `Some`.
fn json_matches_with(
    have: &Value,
    want: &Value,
    special: &dyn Fn((&str, &str)) -> Option<bool>,
) -> bool {
    if let (Value::String(h), Value::String(w)) = (have, want)
        && let Some(verdict) = special((h, w))
    {
        return verdict;
    }
    match (have, want) {
        (_, Value::String(w)) if w == "*" => true,
        (Value::String(h), Value::String(w)) if w.ends_with('*') => {
            h.starts_with(&w[..w.len() - 1])
        }
        (Value::Object(h), Value::Object(w)) => {
            h.len() == w.len()
                && w.iter().all(|(k, wv)| {
                    h.get(k)
                        .is_some_and(|hv| json_matches_with(hv, wv, special))
                })
        }
        _ => have == want,
    }
}

fn requests(world: &World, run: &Run, o: &Outcome) -> Result<(), String> {
    let Some(want) = &run.requests else {
        return Ok(());
    };
    if o.recorded.len() != want.len() {
        return Err(format!(
            "{} requests, want {}: {:?}",
            o.recorded.len(),
            want.len(),
            o.recorded
                .iter()
                .map(|r| (&r.request.target, &r.verified))
                .collect::<Vec<_>>()
        ));
    }
    let mut jtis = std::collections::HashSet::new();
    for (n, (got, want)) in o.recorded.iter().zip(want).enumerate() {
        request(got, want, world).map_err(|e| format!("request {}: {e}", n + 1))?;
        if let Some(file) = &want.dpop {
            let jti =
                dpop(got, world, file).map_err(|e| format!("request {}: DPoP: {e}", n + 1))?;
            if !jtis.insert(jti.clone()) {
                return Err(format!("request {}: DPoP jti {jti} was used before", n + 1));
            }
        }
    }
    Ok(())
}

/// The request's DPoP proof, checked against the key in the login cache `file`.
fn dpop(got: &Recorded, world: &World, file: &str) -> Result<String, String> {
    let text =
        std::fs::read_to_string(world.home.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
    let pem = doc["dpopKey"]
        .as_str()
        .ok_or(format!("{file} has no dpopKey"))?;
    let point = support::dpop::public_point(pem)?;
    let proof = got.request.header("dpop").ok_or("no DPoP header")?;
    let url = format!("{}{}", world.standin.url(), got.request.target);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    support::dpop::verify(proof, &point, &got.request.method, &url, now)
}

fn request(got: &Recorded, want: &Request, world: &World) -> Result<(), String> {
    let req = &got.request;
    if let Some(m) = &want.method
        && req.method != *m
    {
        return Err(format!("method {}, want {m}", req.method));
    }
    if let Some(p) = &want.path {
        let p = world.substitute(p);
        if req.target != p {
            return Err(format!("path {}, want {p}", req.target));
        }
    }
    if want.unsigned
        && req
            .header("authorization")
            .is_some_and(|a| a.starts_with("AWS4-"))
    {
        return Err("the request is signed; it should not be".into());
    }
    let signed = want.scope.is_some()
        || want.access_key.is_some()
        || want.session_token.is_some()
        || want.target.is_some();
    if signed {
        let v = got
            .verified
            .as_ref()
            .map_err(|e| format!("signature rejected: {e}"))?;
        if let Some(scope) = &want.scope {
            let have = format!("{}/{}", v.region, v.service);
            if have != *scope {
                return Err(format!("scope {have}, want {scope}"));
            }
        }
        if let Some(k) = &want.access_key
            && v.access_key != *k
        {
            return Err(format!("signed by {}, want {k}", v.access_key));
        }
        match &want.session_token {
            Some(Some(t)) if v.session_token.as_deref() != Some(t) => {
                return Err(format!("session token {:?}, want {t:?}", v.session_token));
            }
            Some(None) if v.session_token.is_some() => {
                return Err("a session token was sent".into());
            }
            _ => {}
        }
    }
    if let Some(t) = &want.target {
        let have = req.header("x-amz-target").unwrap_or("");
        if have != t {
            return Err(format!("X-Amz-Target {have:?}, want {t:?}"));
        }
        if req.header("content-type") != Some("application/x-amz-json-1.1") {
            return Err(format!("content-type {:?}", req.header("content-type")));
        }
    }
    if let Some(body) = &want.body {
        let have: Value = serde_json::from_slice(&req.body).map_err(|e| e.to_string())?;
        if &have != body {
            return Err(format!("body {have}, want {body}"));
        }
    }
    if let Some(form) = &want.form {
        let text = String::from_utf8_lossy(&req.body).into_owned();
        let pairs: HashMap<String, String> = text
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (decode(k), decode(v)))
            .collect();
        for (k, v) in form {
            let want_v = world.substitute(v);
            match (pairs.get(k), want_v.as_str()) {
                (None, "*absent*") => {}
                (Some(_), "*present*") => {}
                (Some(have), w) if have == w => {}
                (have, w) => return Err(format!("form {k} = {have:?}, want {w:?}")),
            }
        }
    }
    for (k, v) in &want.headers {
        let have = req.header(k);
        match v {
            None if have.is_none() => {}
            Some(w) if have == Some(world.substitute(w).as_str()) => {}
            Some(w)
                if w.ends_with('*')
                    && have.is_some_and(|h| h.starts_with(w.trim_end_matches('*'))) => {}
            Some(w)
                if w.starts_with("*near ") && have.is_some_and(|h| amz_date_near(world, h, w)) => {}
            _ => return Err(format!("header {k} = {have:?}, want {v:?}")),
        }
    }
    if let Some(h) = &want.host {
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

fn proxies(world: &World, run: &Run) -> Result<(), String> {
    if let Some(want) = &run.socks_destinations {
        let got = world
            .socks
            .as_ref()
            .ok_or("socks_destinations without socks")?
            .take();
        if got != *want {
            return Err(format!("SOCKS destinations {got:?}, want {want:?}"));
        }
    }
    if let Some(want) = &run.connects {
        let got = world.proxy.as_ref().ok_or("connects without proxy")?.take();
        if got != *want {
            return Err(format!("proxy CONNECTs {got:?}, want {want:?}"));
        }
    }
    Ok(())
}

fn cache(world: &World, run: &Run) -> Result<(), String> {
    let cache_file = world.home.join(".ecr/cache.json");
    let cache_text = std::fs::read_to_string(&cache_file).unwrap_or_default();
    #[cfg(unix)]
    if cache_file.exists() && support::targets::excluded("check:unix-modes").is_none() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // A seeded file keeps its own mode; one the helper created must be private.
        if !world.seeded_cache
            && (mode(&cache_file) != 0o600 || mode(cache_file.parent().unwrap()) != 0o700)
        {
            return Err(format!(
                "cache file mode {:o}, directory {:o}",
                mode(&cache_file),
                mode(cache_file.parent().unwrap())
            ));
        }
    }
    for k in &run.cache_keys {
        if !cache_text.contains(&format!("\"{k}\"")) {
            return Err(format!("cache lacks key {k}: {cache_text}"));
        }
    }
    for k in &run.cache_absent {
        if cache_text.contains(k.as_str()) {
            return Err(format!("cache still has {k}: {cache_text}"));
        }
    }
    Ok(())
}

/// No secret on stdout (but the expected one), stderr, in the log or the cache file (which
/// holds ECR tokens only, base64-encoded).
fn secrets(world: &World, run: &Run, o: &Outcome) -> Result<(), String> {
    let out = &o.out;
    let log =
        std::fs::read_to_string(world.home.join(".ecr/log/ecr-login.log")).unwrap_or_default();
    let cache = std::fs::read_to_string(world.home.join(".ecr/cache.json")).unwrap_or_default();
    let stdout_without_secret = match serde_json::from_str::<Value>(&out.stdout) {
        Ok(v) => v["ServerURL"].to_string(),
        Err(_) => out.stdout.clone(),
    };
    // What the run expects on stdout (a password for get-login-password) is allowed there.
    let expected_stdout = run
        .stdout
        .as_deref()
        .map(|w| world.substitute(w))
        .unwrap_or_default();
    // The proofs the helper sent are secrets too: a log line with one could replay it.
    let proofs: Vec<String> = o
        .recorded
        .iter()
        .filter_map(|r| r.request.header("dpop"))
        .flat_map(|p| {
            [
                p.to_string(),
                p.rsplit('.').next().unwrap_or("").to_string(),
            ]
        })
        .collect();
    for s in world.secrets.iter().chain(&proofs).filter(|s| s.len() >= 4) {
        for (name, text) in [
            ("stdout", &stdout_without_secret),
            ("stderr", &out.stderr),
            ("the log", &log),
            ("the cache", &cache),
        ] {
            if name == "stdout" && expected_stdout.contains(s.as_str()) {
                continue;
            }
            if text.contains(s.as_str()) {
                return Err(format!("a secret reached {name}: {s:?}"));
            }
        }
    }
    Ok(())
}
