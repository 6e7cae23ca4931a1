//! `AWS_ECR_FALLBACK_CREDS_STORE` with a real other helper: Debian's `docker-credential-pass`
//! (package golang-docker-credential-helpers) over `pass` and a throw-away GPG key, driven
//! through our binary as docker drives a `credsStore`. It needs the three installed, so
//! `cargo test` counts it as ignored (never as passed without running); CI installs them and
//! runs it with `cargo test --test fallback_store -- --ignored` (`.ci/run`,
//! `scripts/test-target.sh`), where their absence is a failure.

mod support;

use std::path::Path;
use std::process::Command;
use support::run::helper;

const HUB: &str = "https://index.docker.io/v1/";
const HUB_SECRET: &str = "hub-password-kept-by-pass-0123";
const ECR_HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

fn on_path(program: &str) -> bool {
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .any(|d| Path::new(d).join(program).is_file())
}

/// The tools are here: asked to run, the test fails without them rather than pass unrun.
fn assert_tools_present() {
    let missing: Vec<&str> = ["docker-credential-pass", "pass", "gpg", "gpgconf"]
        .into_iter()
        .filter(|p| !on_path(p))
        .collect();
    assert!(
        missing.is_empty(),
        "{missing:?} not on PATH: apt-get install pass gnupg golang-docker-credential-helpers"
    );
}

/// A throw-away GPG home and `pass` store; its agent is stopped when it goes.
struct Keyring {
    dir: tempfile::TempDir,
}

impl Keyring {
    fn new() -> Keyring {
        let dir = tempfile::tempdir().unwrap();
        let k = Keyring { dir };
        std::fs::create_dir(k.gnupg()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(k.gnupg(), std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let gen_key = k
            .tool("gpg")
            .args([
                "--batch",
                "--passphrase",
                "",
                "--quick-gen-key",
                "ecr-login test <test@example.invalid>",
                "default",
                "default",
                "never",
            ])
            .output()
            .unwrap();
        assert!(gen_key.status.success(), "gpg made no key: {gen_key:?}");
        let keys = k
            .tool("gpg")
            .args(["--list-keys", "--with-colons"])
            .output()
            .unwrap();
        let keys = String::from_utf8(keys.stdout).unwrap();
        let fingerprint = keys
            .lines()
            .find_map(|l| l.strip_prefix("fpr:"))
            .and_then(|l| l.split(':').find(|f| f.len() == 40))
            .expect("a fingerprint")
            .to_string();
        let init = k
            .tool("pass")
            .args(["init", &fingerprint])
            .output()
            .unwrap();
        assert!(init.status.success(), "pass init: {init:?}");
        k
    }

    fn gnupg(&self) -> std::path::PathBuf {
        self.dir.path().join("g")
    }

    fn store(&self) -> std::path::PathBuf {
        self.dir.path().join("store")
    }

    /// What the user's session gives every program: the GPG home and the pass store.
    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("GNUPGHOME".into(), self.gnupg().display().to_string()),
            (
                "PASSWORD_STORE_DIR".into(),
                self.store().display().to_string(),
            ),
        ]
    }

    fn tool(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.envs(self.env());
        c
    }

    /// `docker-credential-pass ACTION` run directly, as docker would without us.
    fn direct(&self, action: &str, stdin: &str) -> std::process::Output {
        support::run::piped(
            self.tool("docker-credential-pass").arg(action),
            stdin.as_bytes(),
            "docker-credential-pass",
        )
    }

    /// Every file of the pass store, as bytes.
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                match e.file_type().unwrap().is_dir() {
                    true => walk(&e.path(), out),
                    false => out.push((
                        e.path().display().to_string(),
                        std::fs::read(e.path()).unwrap(),
                    )),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.store(), &mut out);
        out
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.tool("gpgconf").args(["--kill", "gpg-agent"]).output();
    }
}

#[test]
#[ignore = "needs pass, gpg and docker-credential-pass (apt-get install pass golang-docker-credential-helpers); run with --ignored, as CI does"]
fn a_docker_hub_login_round_trips_through_pass() {
    if support::targets::skip("fallback_store::a_docker_hub_login_round_trips_through_pass") {
        return;
    }
    assert_tools_present();
    let keyring = Keyring::new();
    let home = tempfile::tempdir().unwrap();
    let ecr = support::standin::StandIn::start(
        std::collections::HashMap::from([(
            "AKIDFALLBACKEXAMPLE".to_string(),
            "fallbackSecretKeyExample0123".to_string(),
        )]),
        None,
    );
    ecr.push(support::standin::Reply::Token(
        "AWS:ecr-pw-of-the-stand-in".into(),
    ));
    let mut env = keyring.env();
    env.extend(
        [
            ("HOME", home.path().display().to_string()),
            ("AWS_ECR_FALLBACK_CREDS_STORE", "pass".into()),
            ("AWS_ECR_LOG_LEVEL", "debug".into()),
            ("AWS_ACCESS_KEY_ID", "AKIDFALLBACKEXAMPLE".into()),
            (
                "AWS_SECRET_ACCESS_KEY",
                "fallbackSecretKeyExample0123".into(),
            ),
            ("AWS_ENDPOINT_URL_ECR", ecr.url()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
        .map(|(k, v)| (k.to_string(), v)),
    );
    let run = |args: &[&str], stdin: &str| helper(args, stdin.as_bytes(), &env, home.path());
    let login = format!(r#"{{"ServerURL":"{HUB}","Username":"alice","Secret":"{HUB_SECRET}"}}"#);

    // store: into pass, encrypted (the secret is in no file of the store as text).
    let o = run(&["store"], &format!("{login}\n"));
    assert_eq!((o.code, o.stdout.as_str()), (0, ""), "{o:?}");
    let files = keyring.files();
    assert!(
        files.iter().any(|(p, _)| p.ends_with("/alice.gpg")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .all(|(_, bytes)| !String::from_utf8_lossy(bytes).contains(HUB_SECRET))
    );

    // get: what docker-credential-pass itself answers, byte for byte.
    let o = run(&["get"], HUB);
    let direct = keyring.direct("get", HUB);
    assert_eq!(o.code, 0, "{o:?}");
    assert_eq!(o.stdout.as_bytes(), &direct.stdout[..]);
    let answer: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(answer["Secret"], HUB_SECRET);
    assert_eq!(answer["Username"], "alice");

    // An ECR host is still ours: one signed ECR call, and nothing of it goes into pass.
    let o = run(&["get"], ECR_HOST);
    assert_eq!(o.code, 0, "{o:?}");
    assert!(o.stdout.contains("ecr-pw-of-the-stand-in"), "{o:?}");
    assert_eq!(ecr.take().len(), 1);
    let o = run(
        &["store"],
        &format!(r#"{{"ServerURL":"{ECR_HOST}","Username":"AWS","Secret":"x"}}"#),
    );
    assert_eq!((o.code, o.stdout.as_str()), (1, "not implemented\n"));
    let direct_list = String::from_utf8(keyring.direct("list", "").stdout).unwrap();
    assert!(!direct_list.contains("dkr.ecr"), "{direct_list}");

    // list: pass's entries and our cache's.
    let o = run(&["list"], "");
    assert_eq!(o.code, 0, "{o:?}");
    let list: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        list,
        serde_json::json!({HUB: "alice", format!("https://{ECR_HOST}"): "AWS"})
    );

    // erase: gone from pass.
    let o = run(&["erase"], &format!("{HUB}\n"));
    assert_eq!((o.code, o.stdout.as_str()), (0, ""), "{o:?}");
    assert_eq!(keyring.direct("list", "").stdout.trim_ascii(), b"{}");
    assert!(keyring.files().iter().all(|(p, _)| !p.ends_with(".gpg")));
    let o = run(&["list"], "");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&o.stdout).unwrap(),
        serde_json::json!({format!("https://{ECR_HOST}"): "AWS"})
    );

    // Neither secret reached our log (at debug) or stderr.
    let log = std::fs::read_to_string(home.path().join(".ecr/log/ecr-login.log")).unwrap();
    assert!(log.contains("Passed on to the fallback store"), "{log}");
    for secret in [HUB_SECRET, "ecr-pw-of-the-stand-in"] {
        assert!(!log.contains(secret), "{secret} in the log");
    }
}
