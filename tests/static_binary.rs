//! The static release binary on an empty root: `chroot` into a directory that holds only the
//! binary, `/etc/hosts` and a test CA. Needs root and the binary's path in `STATIC_BINARY`
//! (`scripts/build-static.sh` makes it), so it is `#[ignore]`d and `.ci/run` runs it.

mod support;

use std::collections::HashMap;
use std::process::{Command, Stdio};
use support::standin::{Reply, StandIn};
use support::tls::TestCa;

const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const API: &str = "api.ecr.eu-west-1.amazonaws.com";

fn chroot_get(root: &std::path::Path, env: &[(&str, String)]) -> std::process::Output {
    use std::io::Write;
    let mut c = Command::new("/usr/sbin/chroot")
        .arg(root)
        .arg("/docker-credential-ecr-login")
        .arg("get")
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.to_string(), v.clone())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chroot runs (as root)");
    c.stdin.take().unwrap().write_all(HOST.as_bytes()).unwrap();
    c.wait_with_output().unwrap()
}

#[test]
#[ignore = "needs root and STATIC_BINARY; .ci/run runs it"]
fn runs_on_an_empty_root() {
    let binary = std::env::var("STATIC_BINARY").expect("STATIC_BINARY names the static binary");
    let ca = TestCa::new();
    let ecr = StandIn::start(
        HashMap::from([("AKIDCHROOT".into(), "chrootSecretKey0123".into())]),
        Some(ca.server_config(&[API])),
    );
    ecr.push(Reply::Token("AWS:from-an-empty-root".into()));
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::create_dir_all(root.path().join("home")).unwrap();
    std::fs::copy(&binary, root.path().join("docker-credential-ecr-login")).unwrap();
    std::fs::write(root.path().join("etc/hosts"), format!("127.0.0.1 {API}\n")).unwrap();
    std::fs::write(root.path().join("ca.pem"), &ca.pem).unwrap();
    let entries: Vec<String> = walk(root.path());
    println!("the root holds only: {entries:?}");

    let mut env = vec![
        ("HOME", "/home".to_string()),
        ("AWS_ACCESS_KEY_ID", "AKIDCHROOT".into()),
        ("AWS_SECRET_ACCESS_KEY", "chrootSecretKey0123".into()),
        // The real API name, resolved through the chroot's /etc/hosts.
        (
            "AWS_ENDPOINT_URL_ECR",
            format!("https://{API}:{}", ecr.addr.port()),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ("AWS_ECR_LOG_LEVEL", "debug".into()),
        ("AWS_CA_BUNDLE", "/ca.pem".into()),
    ];
    let out = chroot_get(root.path(), &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        format!(
            "{{\"ServerURL\":\"{HOST}\",\"Username\":\"AWS\",\"Secret\":\"from-an-empty-root\"}}\n"
        ),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = ecr.take();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].verified.is_ok(), "{:?}", seen[0].verified);

    // No CA file at all: the bundled roots load, and the test certificate is not among them.
    env.retain(|(k, _)| *k != "AWS_CA_BUNDLE");
    env.push(("AWS_ECR_DISABLE_CACHE", "1".into()));
    std::fs::remove_file(root.path().join("ca.pem")).unwrap();
    let out = chroot_get(root.path(), &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains(&format!("TLS with {API}")), "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    let log = std::fs::read_to_string(root.path().join("home/.ecr/log/ecr-login.log")).unwrap();
    // The last run's line (the first run, with AWS_CA_BUNDLE, logged its own).
    let line = log
        .lines()
        .rfind(|l| l.contains("Loaded TLS roots"))
        .expect("roots logged");
    println!("{line}");
    assert!(line.contains("system=0"), "{line}");
    let bundled: usize = line
        .split("bundled=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(bundled > 100, "{line}");
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path().display().to_string());
        }
    }
    out
}
