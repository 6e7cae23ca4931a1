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

/// Held by every test that starts a crowd of helpers at once. Each get has its own time
/// budget (10 s for its network calls, lock waits included), and two crowds side by side on
/// an emulated target (64 arm64 Wines under qemu-user on two cores, beside 8 more) once
/// pushed the smaller one past it: a test of the locks must not fail on the other test's CPU.
fn one_crowd_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static CROWD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A crowd test that failed poisons the lock; the next one still runs.
    CROWD.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts `n` helpers as close together as the OS allows, then collects their exit codes,
/// stdout and stderr (kept for the failure message: it says why a helper failed).
fn stampede(n: usize, host: &str, env: &[(String, String)]) -> Vec<(i32, String, String)> {
    let children: Vec<_> = (0..n).map(|_| spawn_get(host, env, Stdio::piped)).collect();
    children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .collect()
}

fn one_call_for(reply: Reply) {
    let _crowd = one_crowd_at_a_time();
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    ecr.push(reply);
    let home = tempfile::tempdir().unwrap();
    let want =
        format!("{{\"ServerURL\":\"{HOST}\",\"Username\":\"AWS\",\"Secret\":\"only-one-call\"}}\n");
    let n = support::targets::crowd(64);
    let results = stampede(n, HOST, &env(home.path(), &ecr));
    let good = results
        .iter()
        .filter(|(c, out, _)| *c == 0 && *out == want)
        .count();
    let calls = ecr.take().len();
    println!("{n} helpers: {good} printed the token; the stand-in saw {calls} call(s)");
    assert_eq!(good, n, "{results:?}");
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
    // A helper killed before its call leaves its reply, served first; when every helper got
    // to its call (a fast run), this one is the next get's.
    ecr.push(Reply::Token("AWS:after-the-rounds".into()));
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
    let _crowd = one_crowd_at_a_time();
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

/// A cache of 10,000 registries with realistic 2 KB tokens (about 30 MB, which both Go
/// helpers read): a hit is served from it with no call, and a miss adds its entry and keeps
/// every other one.
#[test]
fn ten_thousand_entries_hit_and_keep() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    let home = tempfile::tempdir().unwrap();
    let env = env(home.path(), &ecr);
    let akid_hash = b64.encode(ring::digest::digest(
        &ring::digest::SHA256,
        KEY.0.as_bytes(),
    ));
    big_cache(home.path(), 10_000, &format!("eu-west-1-{akid_hash}-"));
    let cache = home.path().join(".ecr/cache.json");
    let size = std::fs::metadata(&cache).unwrap().len();
    assert!(size > 29 * 1024 * 1024, "{size} bytes");

    let hit = format!(
        "{:012}.dkr.ecr.eu-west-1.amazonaws.com",
        300_000_000_000u64 + 7777
    );
    let o = spawn_get(&hit, &env, Stdio::piped)
        .wait_with_output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("\"Secret\":\"pw-7777-xxx"),
        "{stdout} {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(ecr.take().len(), 0, "a hit makes no call");

    ecr.push(Reply::Token("AWS:pw-new".into()));
    let miss = "999999999999.dkr.ecr.eu-west-1.amazonaws.com";
    let o = spawn_get(miss, &env, Stdio::piped)
        .wait_with_output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"Secret\":\"pw-new\""));
    assert_eq!(ecr.take().len(), 1);
    let after: serde_json::Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    assert_eq!(after["Registries"].as_object().unwrap().len(), 10_001);
}

/// Sixteen cold gets of sixteen registries at once, with ECR taking two seconds to answer:
/// each registry has its own lock, so they fetch side by side (about two seconds in all),
/// where one lock for the whole file made them queue (over ten).
#[test]
fn unrelated_registries_never_wait_for_each_other() {
    if support::targets::skip("reliability::unrelated_registries_never_wait_for_each_other") {
        return;
    }
    let _crowd = one_crowd_at_a_time();
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    let home = tempfile::tempdir().unwrap();
    let env = env(home.path(), &ecr);
    for _ in 0..16 {
        ecr.push(Reply::Slow(
            Duration::from_secs(2),
            Box::new(Reply::Token("AWS:pw-slow".into())),
        ));
    }
    let started = std::time::Instant::now();
    let children: Vec<_> = (0..16u64)
        .map(|i| {
            let host = format!(
                "{:012}.dkr.ecr.eu-west-1.amazonaws.com",
                400_000_000_000u64 + i
            );
            spawn_get(&host, &env, Stdio::piped)
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(String::from_utf8_lossy(&o.stdout).contains("pw-slow"));
    }
    let took = started.elapsed();
    assert_eq!(ecr.take().len(), 16);
    // Two seconds of waiting, side by side; eight leaves room for a machine four times slower.
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

/// An `aws login` home whose cached keys have expired: every get must refresh first.
const LOGIN_CONFIG: &str = "[default]\nlogin_session = arn:aws:iam::123456789012:user/Admin\n";
const LOGIN_FILE: &str =
    ".aws/login/cache/10cabd19777b6651ac57333b55c7c10a1242b1c2337f40e674926d7324698347.json";
const LOGIN_CACHE: &str = r#"{"accessToken": {"accessKeyId": "ASIAOLDLOGINEXAMPLE", "secretAccessKey": "oldLoginSecret0123456", "sessionToken": "oldLoginSessionToken", "accountId": "123456789012", "expiresAt": "2020-01-01T00:00:00Z"}, "clientId": "arn:aws:signin:::devtools/same-device", "refreshToken": "single-use-refresh-token", "idToken": "id", "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n"}"#;
const REFRESHED: &str = r#"{"accessToken": {"accessKeyId": "ASIANEWLOGINEXAMPLE", "secretAccessKey": "newLoginSecret0123456789", "sessionToken": "newLoginSessionToken"}, "expiresIn": 900, "refreshToken": "next-refresh-token"}"#;
const NEW_KEY: (&str, &str) = ("ASIANEWLOGINEXAMPLE", "newLoginSecret0123456789");

fn login_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws/login/cache")).unwrap();
    std::fs::write(home.path().join(".aws/config"), LOGIN_CONFIG).unwrap();
    std::fs::write(home.path().join(LOGIN_FILE), LOGIN_CACHE).unwrap();
    home
}

fn login_env(home: &std::path::Path, standin: &StandIn) -> Vec<(String, String)> {
    [
        ("HOME", home.to_str().unwrap()),
        ("AWS_ENDPOINT_URL_ECR", &standin.url()),
        ("AWS_ENDPOINT_URL_SIGNIN", &standin.url()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Eight helpers for eight registries, started together with an expired login: exactly one
/// Sign-In call (a refresh token may be single-use), and all eight sign ECR with its keys.
#[test]
fn eight_registries_one_login_refresh() {
    let _crowd = one_crowd_at_a_time();
    let standin = StandIn::start(HashMap::from([(NEW_KEY.0.into(), NEW_KEY.1.into())]), None);
    // The refresh takes a while (as over a real network), so the others meet the lock.
    standin.push(Reply::Slow(
        Duration::from_millis(500),
        Box::new(Reply::Raw {
            status: 200,
            body: REFRESHED.into(),
            headers: vec![],
        }),
    ));
    standin.set_fallback(Reply::Token("AWS:login-pw".into()));
    let home = login_home();
    let env = login_env(home.path(), &standin);
    let hosts: Vec<String> = (0..8)
        .map(|i| {
            format!(
                "{:012}.dkr.ecr.eu-west-1.amazonaws.com",
                100_000_000_000u64 + i
            )
        })
        .collect();
    let children: Vec<_> = hosts
        .iter()
        .map(|h| spawn_get(h, &env, Stdio::piped))
        .collect();
    let results: Vec<(i32, String, String)> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .collect();
    let recorded = standin.take();
    let refreshes = recorded
        .iter()
        .filter(|r| r.request.target == "/v1/token")
        .count();
    let signed_with_new_keys = recorded
        .iter()
        .filter(|r| r.verified.as_ref().is_ok_and(|v| v.access_key == NEW_KEY.0))
        .count();
    println!("8 registries: {refreshes} Sign-In call(s), {signed_with_new_keys} ECR calls");
    assert_eq!(refreshes, 1, "{results:?}");
    assert_eq!(signed_with_new_keys, 8, "{results:?}");
    for ((code, out, err), host) in results.iter().zip(&hosts) {
        assert_eq!(*code, 0, "{host}: {err}");
        assert!(out.contains(&format!("\"ServerURL\":\"{host}\"")), "{out}");
    }
    let saved = std::fs::read_to_string(home.path().join(LOGIN_FILE)).unwrap();
    assert!(saved.contains("next-refresh-token"), "{saved}");
}

/// A login cache that cannot be written (a read-only mount of `~/.aws/login/cache`, so that
/// it holds for root too): the refreshed keys still serve this get, with one warning on
/// stderr and in the log, and the file is left as it was.
#[cfg(target_os = "linux")]
#[test]
fn a_read_only_login_cache_still_serves_the_get() {
    if support::targets::skip("reliability::a_read_only_login_cache_still_serves_the_get") {
        return;
    }
    let standin = StandIn::start(HashMap::from([(NEW_KEY.0.into(), NEW_KEY.1.into())]), None);
    standin.push(Reply::Raw {
        status: 200,
        body: REFRESHED.into(),
        headers: vec![],
    });
    standin.push(Reply::Token("AWS:login-pw".into()));
    let home = login_home();
    let dir = home.path().join(".aws/login/cache");
    let env = login_env(home.path(), &standin);
    let mut script = format!(
        "mount --bind '{0}' '{0}' && mount -o remount,bind,ro '{0}' && exec",
        dir.display()
    );
    if let Some(r) = support::run::runner() {
        script.push_str(&format!(" '{r}'"));
    }
    script.push_str(&format!(" '{}' get", support::run::bin().display()));
    let mut cmd = std::process::Command::new("unshare");
    cmd.args([
        "--user",
        "--map-root-user",
        "--mount",
        "--",
        "sh",
        "-c",
        &script,
    ])
    .env_clear()
    .envs(env)
    .env("PATH", std::env::var("PATH").unwrap_or_default())
    .env("AWS_ECR_LOG_LEVEL", "debug");
    let o = support::run::piped(
        &mut cmd,
        HOST.as_bytes(),
        "unshare (util-linux) gives the helper a mount namespace of its own",
    );
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(
        !err.contains("unshare:"),
        "this test needs user namespaces: {err}"
    );
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(out.contains("\"Secret\":\"login-pw\""), "{out}");
    assert!(
        err.contains("warning: could not save the refreshed aws login session")
            && err.contains("Read-only file system"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    let log = std::fs::read_to_string(home.path().join(".ecr/log/ecr-login.log")).unwrap();
    assert!(
        log.contains("could not save the refreshed aws login session"),
        "{log}"
    );
    for secret in [
        NEW_KEY.1,
        "newLoginSessionToken",
        "next-refresh-token",
        "single-use-refresh-token",
    ] {
        assert!(
            !err.contains(secret) && !log.contains(secret),
            "{secret} leaked"
        );
    }
    let kept = std::fs::read_to_string(home.path().join(LOGIN_FILE)).unwrap();
    assert_eq!(kept, LOGIN_CACHE);
}

/// Holds `path` (a lock file) as a stuck helper would: locked, with a claim that it needs
/// `secs` more seconds. The lock is held until the returned file is dropped.
fn hold_as_stuck(path: &std::path::Path, secs: u64) -> std::fs::File {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .unwrap();
    file.lock().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    file.set_len(0).unwrap();
    writeln!(file, "pid=999999 since={now} until={}", now + secs).unwrap();
    file
}

/// A stuck holder of a registry's fetch lock (a helper stopped with ^Z in mid-fetch), with
/// eight helpers waiting: they wait out the holder's own claim, one replaces its lock file,
/// and one call is made for all eight (they used to give up after 10 s and all call ECR).
#[test]
fn a_stuck_fetch_lock_holder_and_eight_waiters_make_one_call() {
    if support::targets::skip(
        "reliability::a_stuck_fetch_lock_holder_and_eight_waiters_make_one_call",
    ) {
        return;
    }
    let _crowd = one_crowd_at_a_time();
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    let home = tempfile::tempdir().unwrap();
    let env = env(home.path(), &ecr);
    // A first get makes the registry's lock file; then the entry goes, so the next is a miss.
    ecr.push(Reply::Token("AWS:first".into()));
    assert_eq!(
        support::run::helper(&["get"], HOST.as_bytes(), &env, home.path()).code,
        0
    );
    std::fs::remove_file(home.path().join(".ecr/cache.json")).unwrap();
    ecr.take();
    let locks: Vec<_> = std::fs::read_dir(home.path().join(".ecr/locks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(locks.len(), 1, "{locks:?}");
    let _stuck = hold_as_stuck(&locks[0], 1);
    ecr.push(Reply::Token("AWS:after-the-stuck-one".into()));
    let want = format!(
        "{{\"ServerURL\":\"{HOST}\",\"Username\":\"AWS\",\"Secret\":\"after-the-stuck-one\"}}\n"
    );
    let results = stampede(8, HOST, &env);
    let good = results
        .iter()
        .filter(|(c, out, _)| *c == 0 && *out == want)
        .count();
    assert_eq!(good, 8, "{results:?}");
    assert_eq!(ecr.take().len(), 1, "one call for the eight waiters");
}

/// A stuck holder of `cache.json.lock` and eight helpers of eight registries that must each
/// store a token: none stores without the lock (read, merge and rename at once lose entries:
/// 6 of 8 survived), so after the holder's claim runs out they store one at a time, all 8.
#[test]
fn a_stuck_store_lock_holder_and_eight_writers_lose_nothing() {
    if support::targets::skip(
        "reliability::a_stuck_store_lock_holder_and_eight_writers_lose_nothing",
    ) {
        return;
    }
    let _crowd = one_crowd_at_a_time();
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    let home = tempfile::tempdir().unwrap();
    let env = env(home.path(), &ecr);
    std::fs::create_dir_all(home.path().join(".ecr")).unwrap();
    let _stuck = hold_as_stuck(&home.path().join(".ecr/cache.json.lock"), 1);
    for _ in 0..8 {
        ecr.push(Reply::Token("AWS:pw-stored".into()));
    }
    let hosts: Vec<String> = (0..8u64)
        .map(|i| {
            format!(
                "{:012}.dkr.ecr.eu-west-1.amazonaws.com",
                500_000_000_000u64 + i
            )
        })
        .collect();
    let children: Vec<_> = hosts
        .iter()
        .map(|h| spawn_get(h, &env, Stdio::piped))
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("pw-stored"),
            "{o:?}"
        );
    }
    assert_eq!(ecr.take().len(), 8);
    let cache: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.path().join(".ecr/cache.json")).unwrap())
            .unwrap();
    let stored = cache["Registries"].as_object().unwrap().len();
    assert_eq!(stored, 8, "entries lost: {cache}");
}

/// A holder that dies (killed with -9 while it holds the lock and claims ten minutes more):
/// the OS releases its lock, and the waiters go on at once, not after its claim.
#[cfg(unix)]
#[test]
fn a_dead_holder_is_skipped_at_once() {
    if support::targets::skip("reliability::a_dead_holder_is_skipped_at_once") {
        return;
    }
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    let home = tempfile::tempdir().unwrap();
    let env = env(home.path(), &ecr);
    std::fs::create_dir_all(home.path().join(".ecr")).unwrap();
    let lock = home.path().join(".ecr/cache.json.lock");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    std::fs::write(&lock, format!("pid=1 since={now} until={}\n", now + 600)).unwrap();
    // flock(1), from util-linux: takes the lock as the helper does (flock(2)), then waits.
    let mut holder = std::process::Command::new("flock")
        .arg(&lock)
        .args(["sleep", "600"])
        .spawn()
        .expect("flock (util-linux)");
    let held = (0..)
        .map(|_| {
            let f = std::fs::File::open(&lock).unwrap();
            let busy = matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock));
            if !busy {
                std::thread::yield_now();
            }
            busy
        })
        .take(1_000_000)
        .any(|busy| busy);
    assert!(held, "flock never took the lock");
    holder.kill().unwrap();
    holder.wait().unwrap();
    ecr.push(Reply::Token("AWS:pw-after-death".into()));
    let started = std::time::Instant::now();
    let o = support::run::helper(&["get"], HOST.as_bytes(), &env, home.path());
    assert_eq!(o.code, 0, "{o:?}");
    // Its claim ran for ten minutes; a live claim would have held us that long.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

/// Sends `signal` (`STOP`, `CONT`) to a helper: kill(1), so that the test needs no libc.
#[cfg(unix)]
fn signal(child: &std::process::Child, signal: &str) {
    let ok = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -{signal} {}", child.id());
}

/// The entries of the cache file under `home`.
#[cfg(unix)]
fn cache_keys(home: &std::path::Path) -> Vec<String> {
    let bytes = std::fs::read(home.join(".ecr/cache.json")).unwrap_or_default();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    doc["Registries"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// A `~/.ecr/cache.json` of `n` fresh entries with 2 KB tokens (10,000 make about 30 MB, which
/// both Go helpers read), keyed `PREFIX<account>`, accounts from 300000000000.
fn big_cache(home: &std::path::Path, n: u64, prefix: &str) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let rfc = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let now = time::OffsetDateTime::now_utc();
    let filler = "x".repeat(2050);
    let mut registries = serde_json::Map::new();
    for i in 0..n {
        let account = format!("{:012}", 300_000_000_000u64 + i);
        registries.insert(
            format!("{prefix}{account}"),
            serde_json::json!({
                "AuthorizationToken": b64.encode(format!("AWS:pw-{i}-{filler}")),
                "RequestedAt": rfc(now - time::Duration::hours(1)),
                "ExpiresAt": rfc(now + time::Duration::hours(11)),
                "ProxyEndpoint": format!("https://{account}.dkr.ecr.eu-west-1.amazonaws.com"),
                "Service": "ecr",
            }),
        );
    }
    let doc = serde_json::json!({"Registries": registries, "Version": "1.0"});
    let dir = home.join(".ecr");
    std::fs::create_dir_all(&dir).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::write(
        dir.join("cache.json"),
        serde_json::to_vec_pretty(&doc).unwrap(),
    )
    .unwrap();
}

/// The third review's: a writer stopped inside its store (after its read, before its rename)
/// while four others store: they wait out its short claim, replace its lock and store theirs
/// within 20 s; when it resumes it must not rename over what it never read (it used to: 4 of
/// 5 new entries lost). The writer is stopped once its temp file exists, which it writes
/// after reading; a try where it had already renamed is not counted, and tried again.
#[cfg(unix)]
#[test]
fn a_writer_stopped_in_mid_store_loses_no_entry() {
    if support::targets::skip("reliability::a_writer_stopped_in_mid_store_loses_no_entry") {
        return;
    }
    let _crowd = one_crowd_at_a_time();
    let host = |i: u64| {
        format!(
            "{:012}.dkr.ecr.eu-west-1.amazonaws.com",
            600_000_000_000u64 + i
        )
    };
    for attempt in 1..=5 {
        let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
        let home = tempfile::tempdir().unwrap();
        let env = env(home.path(), &ecr);
        big_cache(home.path(), 4000, "eu-west-1-other-");
        let dir = home.path().join(".ecr");
        for _ in 0..5 {
            ecr.push(Reply::Token("AWS:pw-stored".into()));
        }
        let staging = || {
            std::fs::read_dir(&dir).unwrap().flatten().any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".cache.json.tmp")
            })
        };
        let mut first = spawn_get(&host(0), &env, Stdio::piped);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let mut finished = false;
        while !staging() && std::time::Instant::now() < deadline {
            if first.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
        }
        // A writer that finished (and was reaped) before it could be stopped is a try that did
        // not catch it, not a failure: there is no process left to signal.
        if !finished {
            signal(&first, "STOP");
        }
        let caught = !finished && staging() && cache_keys(home.path()).len() == 4000;
        if !caught {
            if !finished {
                signal(&first, "CONT");
            }
            first.wait_with_output().unwrap();
            support::report(&format!(
                "a_writer_stopped_in_mid_store_loses_no_entry: try {attempt} did not stop the writer in mid-store; again"
            ));
            continue;
        }
        let started = std::time::Instant::now();
        let others: Vec<_> = (1..5)
            .map(|i| spawn_get(&host(i), &env, Stdio::piped))
            .collect();
        for o in others {
            let o = o.wait_with_output().unwrap();
            assert!(
                String::from_utf8_lossy(&o.stdout).contains("pw-stored"),
                "{o:?}"
            );
        }
        let took = started.elapsed();
        let bound = Duration::from_secs(20) + support::targets::process_overhead();
        assert!(took < bound, "the four writers took {took:?}");
        assert_eq!(
            cache_keys(home.path()).len(),
            4004,
            "the four stored theirs"
        );
        signal(&first, "CONT");
        let o = first.wait_with_output().unwrap();
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("pw-stored"),
            "{o:?}"
        );
        let keys = cache_keys(home.path());
        for i in 0..5 {
            let account = format!("{:012}", 600_000_000_000u64 + i);
            assert!(
                keys.iter().any(|k| k.ends_with(&account)),
                "the entry of {account} was lost ({} entries)",
                keys.len()
            );
        }
        assert_eq!(keys.len(), 4005);
        return;
    }
    panic!("in 5 tries the writer was never stopped in mid-store");
}

/// A helper stopped (^Z) while it holds a registry's fetch lock, claiming the full fetch
/// bound (90 s): a get of the same registry answers within 20 s (it waited 92 s), by
/// going on without the lock.
#[cfg(unix)]
#[test]
fn a_stopped_fetch_lock_holder_costs_a_get_under_20_s() {
    if support::targets::skip("reliability::a_stopped_fetch_lock_holder_costs_a_get_under_20_s") {
        return;
    }
    let _crowd = one_crowd_at_a_time();
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    let home = tempfile::tempdir().unwrap();
    let env = env(home.path(), &ecr);
    // The first helper takes the lock, then waits for ECR, which never answers.
    ecr.push(Reply::Hang);
    let mut stopped = spawn_get(HOST, &env, Stdio::null);
    let locks = home.path().join(".ecr/locks");
    let claimed = |pid: u32| {
        std::fs::read_dir(&locks).ok().is_some_and(|d| {
            d.flatten().any(|e| {
                std::fs::read_to_string(e.path())
                    .is_ok_and(|t| t.starts_with(&format!("pid={pid:010} ")))
            })
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !claimed(stopped.id()) && std::time::Instant::now() < deadline {
        std::thread::yield_now();
    }
    assert!(
        claimed(stopped.id()),
        "the first helper never took its lock"
    );
    signal(&stopped, "STOP");
    ecr.push(Reply::Token("AWS:pw-despite-the-stopped-one".into()));
    let started = std::time::Instant::now();
    let o = support::run::helper(&["get"], HOST.as_bytes(), &env, home.path());
    let took = started.elapsed();
    signal(&stopped, "CONT");
    let _ = stopped.kill();
    let _ = stopped.wait();
    assert_eq!(o.code, 0, "{o:?}");
    assert!(o.stdout.contains("pw-despite-the-stopped-one"), "{o:?}");
    let bound = Duration::from_secs(20) + support::targets::process_overhead();
    assert!(took < bound, "the get took {took:?}");
}

/// A foreign process that holds a registry's fetch lock and claims nothing (flock(1) on an
/// empty lock file): a get answers within 20 s (it waited 92 s).
#[cfg(unix)]
#[test]
fn a_foreign_lock_holder_that_claims_nothing_costs_a_get_under_20_s() {
    if support::targets::skip(
        "reliability::a_foreign_lock_holder_that_claims_nothing_costs_a_get_under_20_s",
    ) {
        return;
    }
    let ecr = StandIn::start(HashMap::from([(KEY.0.into(), KEY.1.into())]), None);
    let home = tempfile::tempdir().unwrap();
    let env = env(home.path(), &ecr);
    ecr.push(Reply::Token("AWS:first".into()));
    let o = support::run::helper(&["get"], HOST.as_bytes(), &env, home.path());
    assert_eq!(o.code, 0, "{o:?}");
    std::fs::remove_file(home.path().join(".ecr/cache.json")).unwrap();
    let lock = std::fs::read_dir(home.path().join(".ecr/locks"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&lock, "").unwrap();
    let mut holder = std::process::Command::new("flock")
        .arg(&lock)
        .args(["sleep", "600"])
        .spawn()
        .expect("flock (util-linux)");
    let held = (0..1_000_000).any(|_| {
        let f = std::fs::File::open(&lock).unwrap();
        let busy = matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock));
        if !busy {
            std::thread::yield_now();
        }
        busy
    });
    assert!(held, "flock never took the lock");
    ecr.push(Reply::Token("AWS:pw-beside-the-foreign-one".into()));
    let started = std::time::Instant::now();
    let o = support::run::helper(&["get"], HOST.as_bytes(), &env, home.path());
    let took = started.elapsed();
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(o.code, 0, "{o:?}");
    assert!(o.stdout.contains("pw-beside-the-foreign-one"), "{o:?}");
    let bound = Duration::from_secs(20) + support::targets::process_overhead();
    assert!(took < bound, "the get took {took:?}");
}
