//! Many helpers at once, and helpers killed mid-write: one upstream call per registry, and
//! a cache file that always parses.

mod support;

use std::collections::HashMap;
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;
use support::standin::{Reply, StandIn};

const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const KEY: (&str, &str) = ("AKIDCONCURRENT", "concurrentSecretKey0123");

fn env(home: &std::path::Path, ecr: &StandIn) -> Vec<(String, String)> {
    [
        ("HOME", home.to_str().unwrap()),
        ("AWS_ACCESS_KEY_ID", KEY.0),
        ("AWS_SECRET_ACCESS_KEY", KEY.1),
        ("AWS_ENDPOINT_URL_ECR", &ecr.url()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Starts a `get` for `host` with only `env`; its stdin is written and closed.
fn spawn_get(host: &str, env: &[(String, String)], output: fn() -> Stdio) -> std::process::Child {
    let mut c = support::run::command(&support::run::bin())
        .arg("get")
        .env_clear()
        .envs(support::run::target_env(env))
        .stdin(Stdio::piped())
        .stdout(output())
        .stderr(output())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(host.as_bytes()).unwrap();
    c
}

/// Starts `n` helpers as close together as the OS allows, then collects their output.
fn stampede(n: usize, host: &str, env: &[(String, String)]) -> Vec<(i32, String)> {
    let children: Vec<_> = (0..n).map(|_| spawn_get(host, env, Stdio::piped)).collect();
    children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&o.stdout).into_owned(),
            )
        })
        .collect()
}

fn one_call_for(reply: Reply) {
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    ecr.push(reply);
    let home = tempfile::tempdir().unwrap();
    let want =
        format!("{{\"ServerURL\":\"{HOST}\",\"Username\":\"AWS\",\"Secret\":\"only-one-call\"}}\n");
    let results = stampede(64, HOST, &env(home.path(), &ecr));
    let good = results
        .iter()
        .filter(|(c, out)| *c == 0 && *out == want)
        .count();
    let calls = ecr.take().len();
    println!("64 helpers: {good} printed the token; the stand-in saw {calls} call(s)");
    assert_eq!(good, 64, "{results:?}");
    assert_eq!(calls, 1);
}

#[test]
fn sixty_four_helpers_one_call() {
    one_call_for(Reply::Token("AWS:only-one-call".into()));
}

#[test]
fn sixty_four_helpers_one_call_when_ecr_is_slow() {
    one_call_for(Reply::Slow(
        Duration::from_millis(1500),
        Box::new(Reply::Token("AWS:only-one-call".into())),
    ));
}

/// A random number from the standard library's randomly keyed hasher.
fn random(below: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(below);
    h.finish() % below
}

#[test]
fn killed_writers_never_leave_a_broken_cache() {
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    let home = tempfile::tempdir().unwrap();
    let env = env(home.path(), &ecr);
    let cache = home.path().join(".ecr/cache.json");
    let rounds = 60;
    let mut killed = 0;
    for round in 0..rounds {
        // A new registry each round, so every helper has a token to write.
        let host = format!(
            "{:012}.dkr.ecr.eu-west-1.amazonaws.com",
            100_000_000_000u64 + round
        );
        ecr.push(Reply::Token(format!("AWS:pw-{round}")));
        let mut child = spawn_get(&host, &env, Stdio::null);
        // Fault injection: kill it at a random point of its run (it takes a few ms).
        std::thread::sleep(Duration::from_micros(random(6000)));
        let _ = child.kill();
        if child.wait().is_ok_and(|s| s.code().is_none()) {
            killed += 1;
        }
        if let Ok(text) = std::fs::read(&cache) {
            let parsed: serde_json::Value = serde_json::from_slice(&text)
                .unwrap_or_else(|e| panic!("round {round}: cache.json does not parse: {e}"));
            assert_eq!(parsed["Version"], "1.0");
        }
        ecr.take();
    }
    // Replies that killed helpers never asked for are left; clear them with real calls.
    let out = support::run::helper(&["get"], HOST.as_bytes(), &env, home.path());
    println!(
        "{rounds} rounds, {killed} helpers killed mid-run (the others had finished); the cache always parsed"
    );
    assert!(
        killed > 0,
        "no helper was killed mid-run: the test proved nothing"
    );
    assert_eq!(out.code, 0, "{out:?}");
    let leftovers: Vec<_> = std::fs::read_dir(home.path().join(".ecr"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    // Killed writers can leave a temp file; writers remove those older than a minute.
    println!("temp files left by killed writers: {}", leftovers.len());
}

/// Sixteen helpers for sixteen registries at once: every write replaces `cache.json` while
/// other helpers have it open for reading (on Windows that needs the share modes the helper
/// opens files with), and no entry is lost between the writers.
#[test]
fn writers_replace_the_cache_while_others_read_it() {
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    let home = tempfile::tempdir().unwrap();
    let env = env(home.path(), &ecr);
    let hosts: Vec<String> = (0..16)
        .map(|i| {
            format!(
                "{:012}.dkr.ecr.eu-west-1.amazonaws.com",
                200_000_000_000u64 + i
            )
        })
        .collect();
    for _ in &hosts {
        ecr.push(Reply::Token("AWS:pw-shared".into()));
    }
    let children: Vec<_> = hosts
        .iter()
        .map(|h| spawn_get(h, &env, Stdio::piped))
        .collect();
    for (child, host) in children.into_iter().zip(&hosts) {
        let o = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{host}: {stdout}");
        assert!(
            stdout.contains("\"Secret\":\"pw-shared\""),
            "{host}: {stdout}"
        );
    }
    assert_eq!(ecr.take().len(), 16);
    let cache: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(home.path().join(".ecr/cache.json")).unwrap(),
    )
    .unwrap();
    let entries = cache["Registries"].as_object().unwrap().len();
    assert_eq!(entries, 16, "{cache}");
}
