//! The credential-helper protocol through the real binary: arguments, stdin of every shape,
//! and the store/erase matrix, checked against the Go helper's observed behaviour.

mod support;

use support::run::{Output, helper};

const NOT_FOUND: &str = "credentials not found in native keychain\n";
const USAGE: &str = "Usage: docker-credential-ecr-login <store|get|erase|list|version>\n";

fn run(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> (Output, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    // Nothing in a test may reach a real metadata service.
    let mut e: Vec<(String, String)> = vec![
        ("HOME".into(), home.path().display().to_string()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT".into(),
            "http://127.0.0.1:9".into(),
        ),
    ];
    e.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    (helper(args, stdin, &e, home.path()), home)
}

#[test]
fn argument_handling_matches_go() {
    let (o, _h) = run(&[], b"", &[]);
    assert_eq!((o.code, o.stdout.as_str()), (1, USAGE));
    let (o, _h) = run(&["get", "extra"], b"", &[]);
    assert_eq!((o.code, o.stdout.as_str()), (1, USAGE));
    let (o, _h) = run(&["foo"], b"", &[]);
    assert_eq!(
        (o.code, o.stdout.as_str()),
        (1, "docker-credential-ecr-login: unknown action: foo\n")
    );
    for flag in ["-v", "--v", "-v=true"] {
        let (o, _h) = run(&[flag], b"", &[]);
        assert_eq!(o.code, 0, "{flag}");
        let lines: Vec<&str> = o.stdout.lines().collect();
        assert_eq!(lines.len(), 3, "{flag}: {:?}", o.stdout);
        assert_eq!(
            lines[1],
            format!("Version:    {}", env!("CARGO_PKG_VERSION"))
        );
        assert!(lines[2].starts_with("Git commit: "));
    }
    for flag in ["-h", "--help", "-help"] {
        let (o, _h) = run(&[flag], b"", &[]);
        assert_eq!((o.code, o.stdout.as_str()), (0, ""), "{flag}");
        assert!(o.stderr.contains("Usage: docker-credential-ecr-login"));
        assert!(o.stderr.contains("AWS_ECR_CACHE_DIR"));
    }
    let (o, _h) = run(&["--version"], b"", &[]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("flag provided but not defined: --version")
    );
    let (o, _h) = run(&["version"], b"", &[]);
    assert_eq!(o.code, 0);
    let want = format!(
        "docker-credential-ecr-login (ecr-login-rs) {}",
        env!("CARGO_PKG_VERSION")
    );
    assert!(o.stdout.starts_with(&want), "{:?}", o.stdout);
    assert_eq!(o.stdout.lines().count(), 1);
}

/// Every malformed stdin: the not-found line on stdout (so docker goes on anonymously),
/// exit 1, one clear line on stderr, and no cache or log secret.
#[test]
fn bad_stdin_for_get() {
    let big = vec![b'a'; 1024 * 1024];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", b"".to_vec(), "no credentials server URL"),
        ("blank", b" \n\t\n".to_vec(), "no credentials server URL"),
        ("1 MiB", big, "longer than 64 KiB"),
        ("invalid UTF-8", b"\xff\xfe123".to_vec(), "not UTF-8"),
        (
            "NUL",
            b"123456789012.dkr.ecr.us-east-1.amazonaws.com\0".to_vec(),
            "is not an Amazon ECR registry",
        ),
        (
            "not ECR",
            b"docker.io".to_vec(),
            "\"docker.io\" is not an Amazon ECR registry",
        ),
        (
            "user info is not echoed",
            b"https://user:hunter22@registry.example.com/v2/".to_vec(),
            "https://xxxxx@registry.example.com/v2/",
        ),
    ];
    for (name, stdin, reason) in cases {
        let (o, home) = run(
            &["get"],
            &stdin,
            &[
                ("AWS_ACCESS_KEY_ID", "AKID"),
                ("AWS_SECRET_ACCESS_KEY", "verysecretkey"),
                ("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:9"),
            ],
        );
        assert_eq!((o.code, o.stdout.as_str()), (1, NOT_FOUND), "{name}");
        assert!(o.stderr.contains(reason), "{name}: {:?}", o.stderr);
        assert_eq!(o.stderr.lines().count(), 1, "{name}: {:?}", o.stderr);
        assert!(!o.stderr.contains("hunter22") && !o.stderr.contains("verysecretkey"));
        let log = std::fs::read_to_string(home.path().join(".ecr/log/ecr-login.log")).unwrap();
        assert!(log.contains("level=error"), "{name}: {log}");
        assert!(
            !log.contains("hunter22") && !log.contains("verysecretkey"),
            "{log}"
        );
        assert!(!home.path().join(".ecr/cache.json").exists(), "{name}");
    }
}

#[test]
fn multi_line_stdin_is_joined() {
    let (o, _h) = run(
        &["get"],
        b"123456789012.dkr.ecr.\nus-west-2.amazonaws.com\n",
        &[
            ("AWS_ECR_CACHE_DIR", "/nonexistent-for-test"),
            ("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:9"),
        ],
    );
    // It parses as ECR and only then fails for lack of credentials.
    assert!(
        o.stderr.contains("no AWS credentials found"),
        "{:?}",
        o.stderr
    );
}

#[test]
fn store_and_erase_matrix() {
    let good = br#"{"ServerURL":"https://123456789012.dkr.ecr.us-east-1.amazonaws.com","Username":"AWS","Secret":"x"}"#;
    // (action, stdin, AWS_ECR_IGNORE_CREDS_STORAGE, exit code, stdout)
    type Case<'a> = (&'a str, &'a [u8], Option<&'a str>, i32, &'a str);
    let cases: &[Case] = &[
        ("store", good, None, 1, "not implemented\n"),
        ("store", good, Some("true"), 0, ""),
        ("store", good, Some("TRUE"), 1, "not implemented\n"),
        ("store", good, Some("1"), 1, "not implemented\n"),
        ("store", good, Some("false"), 1, "not implemented\n"),
        ("store", good, Some(""), 1, "not implemented\n"),
        (
            "store",
            br#"{"Username":"AWS"}"#,
            Some("true"),
            1,
            "no credentials server URL\n",
        ),
        (
            "store",
            br#"{"ServerURL":"x"}"#,
            Some("true"),
            1,
            "no credentials username\n",
        ),
        (
            "erase",
            b"123456789012.dkr.ecr.us-east-1.amazonaws.com",
            None,
            1,
            "not implemented\n",
        ),
        (
            "erase",
            b"123456789012.dkr.ecr.us-east-1.amazonaws.com",
            Some("true"),
            0,
            "",
        ),
        (
            "erase",
            b"123456789012.dkr.ecr.us-east-1.amazonaws.com",
            Some("0"),
            1,
            "not implemented\n",
        ),
        ("erase", b"", Some("true"), 1, "no credentials server URL\n"),
    ];
    for (action, stdin, var, code, stdout) in cases {
        let env: Vec<(&str, &str)> = var
            .map(|v| vec![("AWS_ECR_IGNORE_CREDS_STORAGE", v)])
            .unwrap_or_default();
        let (o, _h) = run(&[action], stdin, &env);
        assert_eq!(
            (o.code, o.stdout.as_str()),
            (*code, *stdout),
            "{action} {:?} with {var:?}",
            String::from_utf8_lossy(stdin)
        );
    }
    let (o, _h) = run(&["store"], b"garbage", &[]);
    assert_eq!(o.code, 1);
    assert!(!o.stdout.is_empty());
}

#[test]
fn list_without_cache_is_empty() {
    let (o, _h) = run(&["list"], b"", &[]);
    assert_eq!((o.code, o.stdout.as_str()), (0, "{}\n"));
    let (o, _h) = run(&["list"], b"", &[("AWS_ECR_DISABLE_CACHE", "1")]);
    assert_eq!((o.code, o.stdout.as_str()), (0, "{}\n"));
}

#[cfg(unix)]
#[test]
fn cache_and_log_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("c");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join("cache.json"),
        "{\"Registries\":{},\"Version\":\"1.0\"}",
    )
    .unwrap();
    // A failing get still writes the log (0600) in a 0700 directory.
    let (_o, _h) = run(
        &["get"],
        b"docker.io",
        &[("AWS_ECR_CACHE_DIR", cache.to_str().unwrap())],
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cache.join("log")), 0o700);
    assert_eq!(mode(&cache.join("log/ecr-login.log")), 0o600);
}

/// Config and credentials files that are huge, binary, a directory or a symlink loop: each
/// a clear error or a clean fallback, never a panic or a hang.
#[test]
fn hostile_config_files() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge");
    std::fs::write(&huge, vec![b'#'; 20 * 1024 * 1024]).unwrap();
    let binary = dir.path().join("binary");
    std::fs::write(
        &binary,
        (0..=255u8).cycle().take(100_000).collect::<Vec<u8>>(),
    )
    .unwrap();
    let a_dir = dir.path().join("a-dir");
    std::fs::create_dir(&a_dir).unwrap();
    let lp = dir.path().join("loop");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("loop2"), &lp).unwrap();
        std::os::unix::fs::symlink(&lp, dir.path().join("loop2")).unwrap();
    }
    let cases = [
        (&huge, "larger than 16 MiB"),
        // Not UTF-8: read as empty, as in the SDKs; then there are no credentials.
        (&binary, "no AWS credentials found"),
        (&a_dir, "could not read"),
        (&lp, "could not read"),
    ];
    for (path, want) in cases {
        for var in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
            let started = std::time::Instant::now();
            let (o, _h) = run(
                &["get"],
                b"123456789012.dkr.ecr.us-east-1.amazonaws.com",
                &[(var, path.to_str().unwrap())],
            );
            assert_eq!(
                (o.code, o.stdout.as_str()),
                (1, NOT_FOUND),
                "{var}={path:?}"
            );
            assert!(o.stderr.contains(want), "{var}={path:?}: {:?}", o.stderr);
            assert!(started.elapsed().as_secs() < 5);
        }
    }
}
