//! The credential-helper protocol through the real binary: arguments, stdin of every shape,
//! and the store/erase matrix, checked against the Go helper's observed behaviour.

mod support;

use support::run::{Output, helper};

const NOT_FOUND: &str = "credentials not found in native keychain\n";
const USAGE: &str = "Usage: docker-credential-ecr-login <store|get|erase|list|version>\n";

/// A loopback ECR stand-in that knows one key pair and hands out one token with `password`.
fn token_standin(akid: &str, secret: &str, password: &str) -> support::standin::StandIn {
    use support::standin::{Reply, StandIn};
    let ecr = StandIn::start(
        std::collections::HashMap::from([(akid.to_string(), secret.to_string())]),
        None,
    );
    ecr.push(Reply::Token(format!("AWS:{password}")));
    ecr
}

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
    // Go's line, and on stderr the commands it leaves out.
    for more in [
        "get-login-password [HOST]",
        "explain HOST [--resolve]",
        "kubelet-credential-provider",
        "-h ",
    ] {
        assert!(o.stderr.contains(more), "{more}: {:?}", o.stderr);
    }
    let (o, _h) = run(&["get", "extra"], b"", &[]);
    assert_eq!((o.code, o.stdout.as_str()), (1, USAGE));
    let (o, _h) = run(&["foo"], b"", &[]);
    assert_eq!(
        (o.code, o.stdout.as_str()),
        (1, "docker-credential-ecr-login: unknown action: foo\n")
    );
    for flag in ["-v", "--v", "-v=true", "--version", "-version"] {
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
    // Help asked for is the answer: on stdout (`-h | less` works), exit 0.
    for flag in ["-h", "--help", "-help"] {
        let (o, _h) = run(&[flag], b"", &[]);
        assert_eq!((o.code, o.stderr.as_str()), (0, ""), "{flag}");
        assert!(o.stdout.contains("Usage: docker-credential-ecr-login"));
        assert!(o.stdout.contains("AWS_ECR_CACHE_DIR"));
    }
    let (o, _h) = run(&["--verbose"], b"", &[]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("flag provided but not defined: --verbose")
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

const KEYS: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "AKID"),
    ("AWS_SECRET_ACCESS_KEY", "verysecretkey"),
    ("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:9"),
];

/// Malformed stdin: the not-found line on stdout (so docker goes on anonymously), exit 1,
/// one clear line on stderr, and no cache or log secret.
#[test]
fn bad_stdin_for_get() {
    let big = vec![b'a'; 1024 * 1024];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("1 MiB", big, "longer than 64 KiB"),
        ("invalid UTF-8", b"\xff\xfe123".to_vec(), "not UTF-8"),
    ];
    for (name, stdin, reason) in cases {
        let (o, home) = run(&["get"], &stdin, KEYS);
        assert_eq!((o.code, o.stdout.as_str()), (1, NOT_FOUND), "{name}");
        assert!(o.stderr.contains(reason), "{name}: {:?}", o.stderr);
        assert_eq!(o.stderr.lines().count(), 1, "{name}: {:?}", o.stderr);
        assert!(!o.stderr.contains("verysecretkey"));
        let log = std::fs::read_to_string(home.path().join(".ecr/log/ecr-login.log")).unwrap();
        assert!(log.contains("level=error"), "{name}: {log}");
        assert!(!log.contains("verysecretkey"), "{log}");
        assert!(!home.path().join(".ecr/cache.json").exists(), "{name}");
    }
}

/// No host at all: the Go helper's own line, and a hint on stderr.
#[test]
fn empty_stdin_gets_the_go_line() {
    for stdin in [&b""[..], b" \n\t\n", b"\r\n"] {
        let (o, home) = run(&["get"], stdin, KEYS);
        assert_eq!(
            (o.code, o.stdout.as_str()),
            (1, "no credentials server URL\n"),
            "{stdin:?}"
        );
        assert!(
            o.stderr.contains("no registry host on stdin"),
            "{:?}",
            o.stderr
        );
        assert_eq!(o.stderr.lines().count(), 1);
        assert!(!home.path().join(".ecr/cache.json").exists());
    }
}

/// With `credsStore`, docker asks about every registry: a host that is not ECR gets the
/// not-found line and nothing on stderr; the reason is in the log at debug only.
#[test]
fn hosts_that_are_not_ecr_are_quiet() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "docker hub",
            b"https://index.docker.io/v1/",
            "index.docker.io",
        ),
        ("other", b"ghcr.io", "ghcr.io"),
        (
            "NUL",
            b"123456789012.dkr.ecr.us-east-1.amazonaws.com\0",
            "is not an Amazon ECR registry",
        ),
        (
            "user info is not echoed",
            b"https://user:hunter22@registry.example.com/v2/",
            "https://xxxxx@registry.example.com/v2/",
        ),
    ];
    for (name, stdin, in_log) in cases {
        let (o, home) = run(&["get"], stdin, KEYS);
        assert_eq!(
            (o.code, o.stdout.as_str(), o.stderr.as_str()),
            (1, NOT_FOUND, ""),
            "{name}"
        );
        let log_file = home.path().join(".ecr/log/ecr-login.log");
        let log = std::fs::read_to_string(&log_file).unwrap_or_default();
        assert!(!log.contains("level=error"), "{name}: {log}");
        let mut debug = KEYS.to_vec();
        debug.push(("AWS_ECR_LOG_LEVEL", "debug"));
        let (o, home) = run(&["get"], stdin, &debug);
        assert_eq!((o.code, o.stderr.as_str()), (1, ""), "{name}");
        let log = std::fs::read_to_string(home.path().join(".ecr/log/ecr-login.log")).unwrap();
        assert!(
            log.contains("level=debug") && log.contains(in_log),
            "{name}: {log}"
        );
        assert!(!log.contains("hunter22"), "{log}");
        // explain says why (an argument cannot carry a NUL).
        if stdin.contains(&0) {
            continue;
        }
        let host = String::from_utf8_lossy(stdin).to_string();
        let (o, _h) = run(&["explain", &host], b"", KEYS);
        assert!(
            o.stdout.contains("not an Amazon ECR"),
            "{name}: {:?}",
            o.stdout
        );
        assert!(!o.stdout.contains("hunter22"));
    }
    // An ECR host that fails keeps its one-line reason.
    let (o, _h) = run(
        &["get"],
        b"123456789012.dkr.ecr.us-east-1.amazonaws.com",
        KEYS,
    );
    assert_eq!((o.code, o.stdout.as_str()), (1, NOT_FOUND));
    assert_eq!(o.stderr.lines().count(), 1, "{:?}", o.stderr);
    assert!(
        o.stderr.contains("could not connect to 127.0.0.1:9"),
        "{:?}",
        o.stderr
    );
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
        // Every accepted request says on stderr what happened and what to do instead.
        let explained = match (*code, *var) {
            (0, _) => [
                action,
                "AWS_ECR_IGNORE_CREDS_STORAGE=true discards",
                "credHelpers",
            ]
            .iter()
            .all(|w| o.stderr.contains(w)),
            (_, _) if stdout.starts_with("not implemented") => [
                "needs no docker login",
                "credHelpers",
                "AWS_ECR_IGNORE_CREDS_STORAGE=true",
            ]
            .iter()
            .all(|w| o.stderr.contains(w)),
            _ => true,
        };
        assert!(explained, "{action} with {var:?}: stderr {:?}", o.stderr);
        assert!(o.stderr.lines().count() <= 1, "{:?}", o.stderr);
    }
    // The server URL in the message never carries user info.
    let (o, _h) = run(
        &["store"],
        br#"{"ServerURL":"https://me:hunter22@ghcr.io","Username":"me","Secret":"s3cr3tpw"}"#,
        &[("AWS_ECR_IGNORE_CREDS_STORAGE", "true")],
    );
    assert_eq!(o.code, 0);
    assert!(o.stderr.contains("https://xxxxx@ghcr.io"), "{:?}", o.stderr);
    assert!(!o.stderr.contains("hunter22") && !o.stderr.contains("s3cr3tpw"));
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
    if support::targets::skip("cli::cache_and_log_permissions") {
        return;
    }
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
    let mut env = KEYS.to_vec();
    env.push(("AWS_ECR_CACHE_DIR", cache.to_str().unwrap()));
    let (o, _h) = run(
        &["get"],
        b"123456789012.dkr.ecr.us-east-1.amazonaws.com",
        &env,
    );
    assert_eq!(o.code, 1);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cache.join("log")), 0o700);
    assert_eq!(mode(&cache.join("log/ecr-login.log")), 0o600);
}

/// Config and credentials files that are huge, binary, a directory, a symlink loop or a FIFO:
/// each a clear error or a clean fallback, never a panic or a hang.
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
    // A FIFO nobody writes to: reading it would block forever.
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo (coreutils) makes the FIFO"
    );
    let fifo_case = support::targets::excluded("check:fifo-config").is_none();
    let cases = [
        (
            &fifo,
            if fifo_case {
                "not a regular file"
            } else {
                "could not read"
            },
        ),
        (&huge, "larger than 16 MiB"),
        // Not UTF-8: read as the Go SDK reads bytes (only the bad ones replaced), so it is
        // the parse error of a file that is no config file, naming it: never read as empty,
        // which silently chose another source.
        (&binary, "could not parse profile file"),
        (&a_dir, "is a directory, not a config file"),
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

/// Off EC2 with no route to the metadata service (a network namespace with no interface up):
/// the same advice as for a refused or timed-out connection.
#[cfg(target_os = "linux")]
#[test]
fn metadata_service_network_unreachable() {
    if support::targets::skip("cli::metadata_service_network_unreachable") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("unshare");
    cmd.args(["--user", "--map-root-user", "--net", "--"]);
    if let Some(r) = support::run::runner() {
        cmd.arg(r);
    }
    cmd.arg(support::run::bin())
        .arg("get")
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "http://169.254.169.254",
        );
    let o = support::run::piped(
        &mut cmd,
        b"123456789012.dkr.ecr.us-east-1.amazonaws.com",
        "unshare (util-linux) runs the helper in a network namespace of its own",
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !stderr.contains("unshare:"),
        "this test needs unprivileged user namespaces (or root): {stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), NOT_FOUND);
    for want in [
        "is not reachable (network unreachable)",
        "this is not an EC2 instance",
        "AWS_EC2_METADATA_DISABLED=true",
    ] {
        assert!(stderr.contains(want), "{want:?} not in {stderr:?}");
    }
}

/// Through a profile link (a copy named `…-prod.exe` on Windows), hints name the program as
/// invoked, whose `explain` explains that profile.
#[test]
fn hints_name_the_invoked_program() {
    let home = tempfile::tempdir().unwrap();
    let link = support::run::install_as(home.path(), "docker-credential-ecr-login-prod");
    std::fs::write(
        home.path().join("config"),
        "[profile prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = prodsecretkey\n",
    )
    .unwrap();
    let config = home.path().join("config").display().to_string();
    let env: Vec<(String, String)> = [
        ("HOME", home.path().display().to_string()),
        ("AWS_CONFIG_FILE", config),
        ("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:9".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let host = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    let o = support::run::helper_at(&link, &["get"], host.as_bytes(), &env, home.path());
    assert_eq!(o.stdout, NOT_FOUND);
    assert!(
        o.stderr.starts_with("docker-credential-ecr-login-prod: ")
            && o.stderr.contains(&format!(
                "(docker-credential-ecr-login-prod explain {host} shows"
            )),
        "{:?}",
        o.stderr
    );
    let o = support::run::helper_at(&link, &["explain", host], b"", &env, home.path());
    assert!(o.stdout.contains("prod"), "{:?}", o.stdout);
    assert!(!o.stdout.contains("prodsecretkey"));
}

/// `get-login-password | head -c0`: the reader is gone before the password is written. The
/// helper ends quietly with exit 1: no panic message, no abort (no core file).
#[test]
fn a_closed_stdout_ends_quietly() {
    let ecr = token_standin("AKIDPIPE", "pipeSecretKey0123", "pipe-password");
    let home = tempfile::tempdir().unwrap();
    let env: Vec<(String, String)> = [
        ("HOME", home.path().display().to_string()),
        ("AWS_ACCESS_KEY_ID", "AKIDPIPE".into()),
        ("AWS_SECRET_ACCESS_KEY", "pipeSecretKey0123".into()),
        ("AWS_ENDPOINT_URL_ECR", ecr.url()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut child = support::run::command(&support::run::bin())
        .args([
            "get-login-password",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        ])
        .env_clear()
        .envs(support::run::target_env(&env))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{:?}: {stderr}", o.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("pipe-password"), "{stderr}");
    assert_eq!(
        ecr.take().len(),
        1,
        "the password was fetched, then could not be written"
    );
}

/// A program we run (here the fallback store; `credential_process` has the same runner) that
/// closes its stdout and stderr and goes on running is waited for without spinning: this
/// used to burn a whole core until it exited. `times` gives the CPU the helper used; the
/// spinning one used about as much CPU as the program ran (3 s), the polling one almost none.
#[cfg(unix)]
#[test]
fn a_program_that_closes_its_output_is_waited_for_without_spinning() {
    if support::targets::skip(
        "cli::a_program_that_closes_its_output_is_waited_for_without_spinning",
    ) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let bin_dir = home.path().join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    let exited = home.path().join("exited");
    let script = bin_dir.join("docker-credential-closer");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexec >&- 2>&-\nsleep 3\n: > '{}'\n",
            exited.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut cmd = std::process::Command::new("sh");
    cmd.args([
        "-c",
        "printf ghcr.io | \"$@\" get; echo \"exit $?\"; times",
        "sh",
    ]);
    cmd.args(support::run::runner()).arg(support::run::bin());
    let env = [
        ("HOME".to_string(), home.path().display().to_string()),
        (
            "PATH".into(),
            format!("{}:/usr/bin:/bin", bin_dir.display()),
        ),
        ("AWS_ECR_FALLBACK_CREDS_STORE".into(), "closer".into()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
    ];
    let o = cmd.env_clear().envs(env).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("exit 0\n"), "{out}");
    assert!(
        exited.exists(),
        "the helper answered before its store exited: {out}"
    );
    // `times`: the shell's user and system time, then its children's (the helper's).
    let children = out.lines().nth(2).expect("times printed two lines");
    let cpu: f64 = children
        .split_whitespace()
        .map(|t| {
            let (m, s) = t.trim_end_matches('s').split_once('m').unwrap();
            m.parse::<f64>().unwrap() * 60.0 + s.parse::<f64>().unwrap()
        })
        .sum();
    // The helper's, the store's and its `sleep`'s (each reaped by its parent), and for arm64
    // qemu's: the two scripts use next to nothing, a start costs the helper a few milliseconds
    // (tens under qemu); one second leaves room for a machine four times slower.
    assert!(
        cpu < 1.0,
        "the helper used {cpu} s of CPU waiting 3 s: {children}"
    );
}

/// A cache directory that others can write in (group-writable, or another user's): a planted
/// entry is not served, planted links at the log and lock are not written through, the
/// planted file is left as it was, and the get still works, saying once why there is no cache.
#[cfg(unix)]
#[test]
fn untrusted_cache_directories() {
    if support::targets::skip("cli::untrusted_cache_directories") {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    let is_root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    let mut cases = vec![("group-writable", 0o775, None)];
    if is_root {
        cases.push(("owned by nobody", 0o700, Some(65534)));
    } else {
        support::report(
            "cli::untrusted_cache_directories: the foreign-owned case needs root; not run",
        );
    }
    for (name, mode, owner) in cases {
        let ecr = token_standin("AKIDTRUST", "trustSecretKey0123", "fresh-from-ecr");
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("shared-cache");
        let victims = home.path().join("victims");
        std::fs::create_dir_all(dir.join("log")).unwrap();
        std::fs::create_dir_all(&victims).unwrap();
        // An entry under the helper's own key for these credentials, with another password.
        let planted = format!(
            "{{\"Registries\":{{\"eu-west-1-{}-123456789012\":{{\"AuthorizationToken\":\"QVdTOnBsYW50ZWQ=\",\"RequestedAt\":\"2020-01-01T00:00:00Z\",\"ExpiresAt\":\"2999-01-01T00:00:00Z\",\"ProxyEndpoint\":\"https://{HOST}\",\"Service\":\"ecr\"}}}},\"Version\":\"$(id > /tmp/x)\"}}",
            "rPCNwCzp/a2kSdvOcxHyDMYbTrkmz7SR8+VVNp3CtHQ="
        );
        std::fs::write(dir.join("cache.json"), &planted).unwrap();
        std::os::unix::fs::symlink(victims.join("log"), dir.join("log/ecr-login.log")).unwrap();
        std::os::unix::fs::symlink(victims.join("lock"), dir.join("cache.json.lock")).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
        if let Some(uid) = owner {
            std::os::unix::fs::chown(&dir, Some(uid), Some(uid)).unwrap();
            std::os::unix::fs::chown(dir.join("log"), Some(uid), Some(uid)).unwrap();
        }
        let env = [
            ("AWS_ACCESS_KEY_ID", "AKIDTRUST".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "trustSecretKey0123".into()),
            ("AWS_ENDPOINT_URL_ECR", ecr.url()),
            ("AWS_ECR_CACHE_DIR", dir.display().to_string()),
            ("AWS_ECR_LOG_LEVEL", "debug".into()),
        ];
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (o, _h) = run(&["get"], HOST.as_bytes(), &env);
        assert_eq!(o.code, 0, "{name}: {:?}", o.stderr);
        assert!(
            o.stdout.contains("\"Secret\":\"fresh-from-ecr\""),
            "{name}: {}",
            o.stdout
        );
        assert_eq!(
            ecr.take().len(),
            1,
            "{name}: the planted entry must not be served"
        );
        assert_eq!(o.stderr.lines().count(), 1, "{name}: {:?}", o.stderr);
        assert!(
            o.stderr.contains("not using") && o.stderr.contains("shared-cache"),
            "{name}: {:?}",
            o.stderr
        );
        assert_eq!(
            std::fs::read_dir(&victims).unwrap().count(),
            0,
            "{name}: written through a link"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("cache.json")).unwrap(),
            planted,
            "{name}"
        );
        assert!(!std::path::Path::new("/tmp/x").exists() || owner.is_none());
    }
}

/// Without `/proc` (as on macOS and the BSDs; here an empty tmpfs over it, in a mount
/// namespace of the helper's own): another user's cache directory is still refused and its
/// planted entry never served, because the user id comes from the OS, not from `/proc/self`.
#[cfg(target_os = "linux")]
#[test]
fn owner_checks_hold_without_proc() {
    if support::targets::skip("cli::owner_checks_hold_without_proc") {
        return;
    }
    use std::os::unix::fs::MetadataExt;
    if std::fs::metadata("/proc/self").map(|m| m.uid()).ok() != Some(0) {
        support::report(
            "cli::owner_checks_hold_without_proc: needs root (a directory of another user); not run",
        );
        return;
    }
    const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    let ecr = token_standin("AKIDTRUST", "trustSecretKey0123", "fresh-from-ecr");
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("nobodys-cache");
    std::fs::create_dir_all(&dir).unwrap();
    let planted = format!(
        "{{\"Registries\":{{\"eu-west-1-{}-123456789012\":{{\"AuthorizationToken\":\"QVdTOnBsYW50ZWQ=\",\"RequestedAt\":\"2020-01-01T00:00:00Z\",\"ExpiresAt\":\"2999-01-01T00:00:00Z\",\"ProxyEndpoint\":\"https://{HOST}\",\"Service\":\"ecr\"}}}},\"Version\":\"1.0\"}}",
        "rPCNwCzp/a2kSdvOcxHyDMYbTrkmz7SR8+VVNp3CtHQ="
    );
    std::fs::write(dir.join("cache.json"), &planted).unwrap();
    std::os::unix::fs::chown(dir.join("cache.json"), Some(65534), Some(65534)).unwrap();
    std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
    let (stdout, stderr) = trusting_get_in_namespace(
        &["--mount"],
        "mount -t tmpfs none /proc && exec \"$@\"",
        "sh".as_ref(),
        home.path(),
        &ecr.url(),
        &[("AWS_ECR_CACHE_DIR", dir.as_os_str())],
    );
    assert!(
        stdout.contains("\"Secret\":\"fresh-from-ecr\""),
        "{stdout} {stderr}"
    );
    assert!(
        stderr.contains("not using") && stderr.contains("nobodys-cache"),
        "{stderr}"
    );
    assert_eq!(ecr.take().len(), 1, "the planted entry must not be served");
    assert_eq!(
        std::fs::read_to_string(dir.join("cache.json")).unwrap(),
        planted
    );
}

/// A CA that only the system's store holds (a corporate CA, a TLS-inspecting proxy) is
/// trusted on the first connection: the bundled roots are tried first and the system's file
/// is read inside the same verification, so there is no second handshake and no retry. The
/// CA is added to the system bundle in a mount namespace of the helper's own.
#[cfg(target_os = "linux")]
#[test]
fn a_ca_only_the_system_trusts_on_the_first_connection() {
    if support::targets::skip("cli::a_ca_only_the_system_trusts_on_the_first_connection") {
        return;
    }
    const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    const SYSTEM: &str = "/etc/ssl/certs/ca-certificates.crt";
    let Ok(system) = std::fs::read_to_string(SYSTEM) else {
        support::report(&format!(
            "cli::a_ca_only_the_system_trusts_on_the_first_connection: skipped: this machine has no {SYSTEM} to add a CA to"
        ));
        return;
    };
    let ca = support::tls::TestCa::new();
    let ecr = support::standin::StandIn::start(
        std::collections::HashMap::from([("AKIDTRUST".into(), "trustSecretKey0123".into())]),
        Some(ca.server_config(&["localhost"])),
    );
    ecr.push(support::standin::Reply::Token(
        "AWS:vouched-for-by-the-system".into(),
    ));
    let home = tempfile::tempdir().unwrap();
    let bundle = home.path().join("system-bundle.crt");
    std::fs::write(&bundle, format!("{system}\n{}", ca.pem)).unwrap();
    let (stdout, stderr) = trusting_get_in_namespace(
        &["--user", "--map-root-user", "--mount"],
        &format!("mount --bind \"$0\" {SYSTEM} && exec \"$@\""),
        bundle.as_os_str(),
        home.path(),
        &ecr.url(),
        &[],
    );
    assert!(
        stdout.contains("\"Secret\":\"vouched-for-by-the-system\""),
        "{stderr}"
    );
    assert_eq!(ecr.connections(), 1, "one connection, one handshake");
    let seen = ecr.take();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].verified.is_ok(), "{:?}", seen[0].verified);
    // Outside the namespace the system's file is as it was, and without the CA in it the same
    // call is refused: the bundled roots alone do not vouch for the stand-in.
    assert_eq!(std::fs::read_to_string(SYSTEM).unwrap(), system);
    let (o, _h) = run(
        &["get"],
        HOST.as_bytes(),
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDTRUST"),
            ("AWS_SECRET_ACCESS_KEY", "trustSecretKey0123"),
            ("AWS_ENDPOINT_URL_ECR", &ecr.url()),
            ("AWS_MAX_ATTEMPTS", "1"),
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stderr.contains("UnknownIssuer"), "{}", o.stderr);
}

/// `unshare UNSHARE -- sh -c SCRIPT ARG0 [runner] helper get`, with a cleared environment
/// but `PATH`: SCRIPT prepares the namespace, then `exec "$@"` runs the helper.
#[cfg(target_os = "linux")]
fn get_in_namespace(
    unshare: &[&str],
    script: &str,
    arg0: &std::ffi::OsStr,
) -> std::process::Command {
    let mut cmd = std::process::Command::new("unshare");
    cmd.args(unshare).args(["--", "sh", "-c", script]).arg(arg0);
    if let Some(r) = support::run::runner() {
        cmd.arg(r);
    }
    cmd.arg(support::run::bin())
        .arg("get")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

/// `get` for the usual test host with the trust tests' keys (`AKIDTRUST`), ECR at `ecr` and
/// `home`, plus `env`, through `unshare … sh -c SCRIPT ARG0`: its stdout and stderr, once it is
/// sure the namespace was made.
#[cfg(target_os = "linux")]
fn trusting_get_in_namespace(
    unshare: &[&str],
    script: &str,
    arg0: &std::ffi::OsStr,
    home: &std::path::Path,
    ecr: &str,
    env: &[(&str, &std::ffi::OsStr)],
) -> (String, String) {
    const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    let mut cmd = get_in_namespace(unshare, script, arg0);
    cmd.env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDTRUST")
        .env("AWS_SECRET_ACCESS_KEY", "trustSecretKey0123")
        .env("AWS_ENDPOINT_URL_ECR", ecr)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied());
    let o = support::run::piped(
        &mut cmd,
        HOST.as_bytes(),
        "unshare (util-linux) runs the helper",
    );
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        !stderr.contains("unshare:") && !stderr.contains("mount:"),
        "this test needs mount namespaces: {stderr}"
    );
    (String::from_utf8_lossy(&o.stdout).into_owned(), stderr)
}

/// Runs `get` for the usual test host in a mount namespace of its own whose `/etc/hosts` says
/// `hosts` (Linux; `unshare` from util-linux), with only `env` (and `PATH`, `HOME`); the
/// output, and the stderr that says whether the namespace could be made.
#[cfg(target_os = "linux")]
fn get_with_private_hosts(
    home: &std::path::Path,
    hosts: &str,
    env: &[(&str, String)],
) -> (std::process::Output, String) {
    let file = home.join("hosts");
    std::fs::write(&file, hosts).unwrap();
    let mut cmd = get_in_namespace(
        &["--user", "--map-root-user", "--mount"],
        "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
        file.as_os_str(),
    );
    cmd.env("HOME", home).envs(env.iter().map(|(k, v)| (k, v)));
    let o = support::run::piped(
        &mut cmd,
        b"123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        "unshare (util-linux) runs the helper",
    );
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        !stderr.contains("unshare:") && !stderr.contains("mount:"),
        "this test needs unprivileged user namespaces (or root): {stderr}"
    );
    (o, stderr)
}

/// A container credentials endpoint named by a host name that resolves to this machine (here
/// through a private /etc/hosts, in a mount namespace of the helper's own), with HTTP_PROXY
/// set: the request, which carries the pod's token in clear, goes straight to the endpoint,
/// never through the proxy (which is not even running).
#[cfg(target_os = "linux")]
#[test]
fn container_name_on_loopback_is_not_proxied() {
    use std::collections::HashMap;
    use support::standin::{Reply, StandIn};
    if support::targets::skip("cli::container_name_on_loopback_is_not_proxied") {
        return;
    }
    let ecr = StandIn::start(
        HashMap::from([("ASIAEKSEXAMPLE".into(), "eksSecret0123456789".into())]),
        None,
    );
    let expiry = (time::OffsetDateTime::now_utc() + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    ecr.push(Reply::Raw {
        status: 200,
        body: format!("{{\"AccessKeyId\": \"ASIAEKSEXAMPLE\", \"SecretAccessKey\": \"eksSecret0123456789\", \"Token\": \"eksSessionToken\", \"Expiration\": \"{expiry}\"}}"),
        headers: vec![],
    });
    ecr.push(Reply::Token("AWS:from-the-agent".into()));
    let home = tempfile::tempdir().unwrap();
    let port = ecr.addr.port();
    let (o, stderr) = get_with_private_hosts(
        home.path(),
        "127.0.0.1 localhost\n127.0.0.1 creds-agent.internal\n",
        &[
            ("AWS_ENDPOINT_URL_ECR", ecr.url()),
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("http://creds-agent.internal:{port}/v1/credentials"),
            ),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                "pod-token-in-clear".into(),
            ),
            ("HTTP_PROXY", "http://127.0.0.1:9".into()),
            ("HTTPS_PROXY", "http://127.0.0.1:9".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ],
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("\"Secret\":\"from-the-agent\""),
        "{stderr}"
    );
    let seen = ecr.take();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].request.header("authorization"),
        Some("pod-token-in-clear")
    );
}

/// A chain of 100,000 profiles (an 8.9 MB config file): planned in linear time. The cycle
/// check once compared every profile with every earlier one: over a minute of CPU.
#[test]
fn a_chain_of_a_hundred_thousand_profiles() {
    let home = tempfile::tempdir().unwrap();
    let n = 100_000;
    let mut config = String::new();
    for i in 0..n - 1 {
        config.push_str(&format!(
            "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = p{}\n",
            i + 1
        ));
    }
    config.push_str(&format!(
        "[profile p{}]\naws_access_key_id = AKIDCHAIN\naws_secret_access_key = chainSecretKey\n",
        n - 1
    ));
    let path = home.path().join("config");
    std::fs::write(&path, config).unwrap();
    let started = std::time::Instant::now();
    let (o, _h) = run(
        &["explain", "123456789012.dkr.ecr.us-east-1.amazonaws.com"],
        b"",
        &[
            ("AWS_CONFIG_FILE", path.to_str().unwrap()),
            ("AWS_PROFILE", "p0"),
        ],
    );
    let took = started.elapsed();
    assert!(
        o.stdout.contains("access keys of profile `p99999`"),
        "{}",
        &o.stderr
    );
    // About a second for a debug build here; twenty leaves room for a machine four times slower.
    assert!(took < std::time::Duration::from_secs(20), "took {took:?}");
}

/// A FIFO where `cache.json` should be (in the user's own directory): a hit does not block on
/// it, the get goes on without the cache, and the FIFO is left as it is.
#[cfg(unix)]
#[test]
fn a_fifo_for_a_cache_file_never_blocks() {
    let ecr = token_standin("AKIDFIFO", "fifoSecretKey0123", "past-the-fifo");
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(cache.join("cache.json"))
        .status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo (coreutils) makes the FIFO"
    );
    let url = ecr.url();
    let started = std::time::Instant::now();
    let (o, _h) = run(
        &["get"],
        b"123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDFIFO"),
            ("AWS_SECRET_ACCESS_KEY", "fifoSecretKey0123"),
            ("AWS_ENDPOINT_URL_ECR", &url),
            ("AWS_ECR_CACHE_DIR", cache.to_str().unwrap()),
        ],
    );
    assert!(o.stdout.contains("past-the-fifo"), "{:?}", o.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::symlink_metadata(cache.join("cache.json"))
        .unwrap()
        .file_type();
    assert!(kind.is_fifo(), "the FIFO is left alone");
}

/// A source_profile loop through 100,000 profiles: the error names the first and last few
/// and how many are between, in one short line on stderr and in the log (the whole chain once
/// made about a megabyte of log per failing get).
#[test]
fn a_loop_of_a_hundred_thousand_profiles_is_one_short_line() {
    let home = tempfile::tempdir().unwrap();
    let n = 100_000;
    let mut config = String::new();
    for i in 0..n {
        config.push_str(&format!(
            "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = p{}\n",
            (i + 1) % n
        ));
    }
    let path = home.path().join("config");
    std::fs::write(&path, config).unwrap();
    let (o, h) = run(
        &["get"],
        b"123456789012.dkr.ecr.us-east-1.amazonaws.com",
        &[
            ("AWS_CONFIG_FILE", path.to_str().unwrap()),
            ("AWS_PROFILE", "p0"),
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("infinite loop")
            && o.stderr
                .contains("p0 → p1 → p2 → p3 → … 99993 more … → p99997 → p99998 → p99999 → p0"),
        "{}",
        &o.stderr[..o.stderr.len().min(2000)]
    );
    assert!(o.stderr.len() < 2048, "stderr has {} bytes", o.stderr.len());
    let log = std::fs::read_to_string(h.path().join(".ecr/log/ecr-login.log")).unwrap();
    assert!(log.len() < 2048, "the log has {} bytes", log.len());
}

/// An outside `SIGABRT` while a fetch waits on ECR, with `ulimit -c unlimited`: the helper
/// leaves no core (which would hold the keys it has in memory). The control, a shell that
/// aborts itself in the same folder with the same limit, shows that this machine would
/// write one; where it would not (no `core_pattern`), the limit the kernel holds for the
/// helper, 0, is still checked.
#[cfg(target_os = "linux")]
#[test]
fn no_core_file_from_an_outside_abort() {
    if support::targets::skip("cli::no_core_file_from_an_outside_abort") {
        return;
    }
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    use support::standin::{Reply, StandIn};
    const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    let ecr = StandIn::start(
        std::collections::HashMap::from([("AKIDCORE".into(), "coreSecretKey0123456789".into())]),
        None,
    );
    ecr.push(Reply::Hang);
    let home = tempfile::tempdir().unwrap();
    let cores = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("core"))
            .collect()
    };
    let control = std::process::Command::new("sh")
        .args(["-c", "ulimit -c unlimited && kill -ABRT $$"])
        .current_dir(home.path())
        .status()
        .unwrap();
    let machine_dumps = control.core_dumped();
    for c in cores(home.path()) {
        std::fs::remove_file(home.path().join(c)).unwrap();
    }
    let mut child = std::process::Command::new("sh")
        .args(["-c", "ulimit -c unlimited && exec \"$@\"", "sh"])
        .arg(support::run::bin())
        .arg("get")
        .current_dir(home.path())
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "AKIDCORE")
        .env("AWS_SECRET_ACCESS_KEY", "coreSecretKey0123456789")
        .env("AWS_ENDPOINT_URL_ECR", ecr.url())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(HOST.as_bytes())
        .unwrap();
    // The helper holds the keys and is waiting on ECR once the stand-in has the request.
    assert!(
        ecr.wait_for_requests(1, std::time::Duration::from_secs(60)),
        "the helper never called ECR"
    );
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let core_line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert_eq!(
        core_line.split_whitespace().collect::<Vec<_>>()[4..6],
        ["0", "0"],
        "{core_line}"
    );
    let killed = std::process::Command::new("kill")
        .args(["-ABRT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(6), "{status:?}");
    assert!(!status.core_dumped(), "the helper dumped core");
    assert_eq!(cores(home.path()), Vec::<String>::new());
    if !machine_dumps {
        support::report(
            "cli::no_core_file_from_an_outside_abort: this machine writes no core files at all; only the limit was checked",
        );
    }
}

/// `AWS_CA_BUNDLE` naming a FIFO that nobody writes, or `/dev/zero`: each a clear error at
/// once (the FIFO used to hang the helper, `/dev/zero` to eat all memory).
#[cfg(unix)]
#[test]
fn hostile_ca_bundles() {
    if support::targets::skip("cli::hostile_ca_bundles") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("bundle.pem");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo (coreutils)");
    for bundle in [fifo.to_str().unwrap(), "/dev/zero"] {
        let (o, _home) = run(
            &["get"],
            b"123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDBUNDLE"),
                ("AWS_SECRET_ACCESS_KEY", "bundleSecret0123456789"),
                ("AWS_ENDPOINT_URL_ECR", "https://127.0.0.1:9"),
                ("AWS_CA_BUNDLE", bundle),
            ],
        );
        assert_eq!(o.code, 1, "{bundle}: {}", o.stderr);
        assert!(
            o.stderr.contains("could not use the CA bundle")
                && o.stderr.contains("not a regular file"),
            "{bundle}: {}",
            o.stderr
        );
    }
}

/// With a `socks5h` proxy, a plain-HTTP endpoint's name is the proxy's to look up: it is not
/// resolved here first (the helper once asked the local resolver whether the name was on
/// loopback). Shown with a name that this machine's /etc/hosts (a private one, in a mount
/// namespace) puts on loopback: the request still goes to the proxy, by name.
#[cfg(target_os = "linux")]
#[test]
fn socks5h_names_are_never_resolved_here() {
    use std::collections::HashMap;
    use support::standin::{Reply, StandIn};
    if support::targets::skip("cli::socks5h_names_are_never_resolved_here") {
        return;
    }
    let ecr = StandIn::start(
        HashMap::from([("AKIDSOCKSH".into(), "socksHSecret0123456789".into())]),
        None,
    );
    ecr.push(Reply::Token("AWS:through-socks5h".into()));
    let socks = support::socks::SocksProxy::start(ecr.addr);
    let home = tempfile::tempdir().unwrap();
    let port = ecr.addr.port();
    let (o, stderr) = get_with_private_hosts(
        home.path(),
        "127.0.0.1 localhost\n127.0.0.1 ecr.behind-the-proxy.internal\n",
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDSOCKSH".into()),
            ("AWS_SECRET_ACCESS_KEY", "socksHSecret0123456789".into()),
            (
                "AWS_ENDPOINT_URL_ECR",
                format!("http://ecr.behind-the-proxy.internal:{port}"),
            ),
            ("HTTP_PROXY", format!("socks5h://{}", socks.addr)),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ],
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("\"Secret\":\"through-socks5h\""),
        "{stderr}"
    );
    assert_eq!(
        socks.take(),
        [format!("ecr.behind-the-proxy.internal:{port}")]
    );
}

/// The review's case: `AWS_ECR_CACHE_DIR=SHARED/ecr` where SHARED may be written by anyone
/// and `ecr` is a link that user nobody planted to a directory of root's (an application's
/// own cache). Root's helper must not write there; nor into a real directory of its own that
/// sits in such a parent (anyone could rename it away and put a link in its place).
#[cfg(unix)]
#[test]
fn planted_links_in_writable_parents() {
    if support::targets::skip("cli::planted_links_in_writable_parents") {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    if support::run::runner().is_none() && crate_effective_uid() != 0 {
        support::report(
            "cli::planted_links_in_writable_parents: needs root (a link of nobody's); not run",
        );
        return;
    }
    const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    let home = tempfile::tempdir().unwrap();
    let shared = home.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let apps = home.path().join("application-cache");
    std::fs::create_dir(&apps).unwrap();
    std::fs::set_permissions(&apps, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::write(apps.join("cache.json"), "the application's own file").unwrap();
    let link = shared.join("ecr");
    std::os::unix::fs::symlink(&apps, &link).unwrap();
    std::os::unix::fs::lchown(&link, Some(65534), Some(65534)).unwrap();
    let own = shared.join("mine");
    std::fs::create_dir(&own).unwrap();
    std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o700)).unwrap();
    // With the parent sticky, as /tmp, the link of nobody's is refused for its owner; with
    // the parent not sticky, even our own private directory in it is.
    for (dir, parent_mode, why) in [
        (&link, 0o1777, "a link made by user id 65534"),
        (&own, 0o777, "it is not sticky"),
    ] {
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(parent_mode)).unwrap();
        let ecr = token_standin("AKIDTRUST", "trustSecretKey0123", "fresh-from-ecr");
        let env = [
            ("AWS_ACCESS_KEY_ID", "AKIDTRUST".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "trustSecretKey0123".into()),
            ("AWS_ENDPOINT_URL_ECR", ecr.url()),
            ("AWS_ECR_CACHE_DIR", dir.display().to_string()),
        ];
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (o, _h) = run(&["get"], HOST.as_bytes(), &env);
        assert_eq!(o.code, 0, "{}: {}", dir.display(), o.stderr);
        assert!(o.stdout.contains("fresh-from-ecr"), "{}", o.stdout);
        assert!(
            o.stderr.contains("not using") && o.stderr.contains(why),
            "{}",
            o.stderr
        );
        let names: Vec<_> = std::fs::read_dir(&apps)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["cache.json"], "written through the planted link");
        assert_eq!(
            std::fs::read_to_string(apps.join("cache.json")).unwrap(),
            "the application's own file"
        );
        assert_eq!(
            std::fs::read_dir(&own).unwrap().count(),
            0,
            "written into a loose parent"
        );
    }
}

/// The third review's: a cache directory that does not exist yet under a sticky shared parent
/// (as `/tmp`), which another user creates while the get waits for ECR, with `log` a link to
/// a directory of ours. At the default level the log is opened after the fetch (with
/// `AWS_ECR_DISABLE_CACHE=1` nothing else makes the directory first): a recursive mkdir
/// accepted the planted directory and root wrote `ecr-login.log` through the link, every
/// time. Now each level is checked as it is made and the whole path walked: nothing is
/// written through it, and the get is still served.
#[cfg(unix)]
#[test]
fn a_cache_directory_planted_during_the_fetch_is_never_written_through() {
    if support::targets::skip(
        "cli::a_cache_directory_planted_during_the_fetch_is_never_written_through",
    ) {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    use support::standin::{Reply, StandIn};
    if support::run::runner().is_none() && crate_effective_uid() != 0 {
        support::report(
            "cli::a_cache_directory_planted_during_the_fetch_is_never_written_through: needs root (a directory of nobody's); not run",
        );
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let shared = home.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let ours = home.path().join("ours");
    std::fs::create_dir(&ours).unwrap();
    std::fs::set_permissions(&ours, std::fs::Permissions::from_mode(0o700)).unwrap();
    let cache_dir = shared.join("ecr");
    let ecr = StandIn::start(
        std::collections::HashMap::from([("AKIDPLANT".into(), "plantSecretKey0123".into())]),
        None,
    );
    // Latency, not synchronisation: the planting waits for the request to arrive.
    ecr.push(Reply::Slow(
        std::time::Duration::from_secs(3),
        Box::new(Reply::Token("AWS:served-anyway".into())),
    ));
    let env: Vec<(String, String)> = [
        ("HOME", home.path().display().to_string()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ("AWS_ACCESS_KEY_ID", "AKIDPLANT".into()),
        ("AWS_SECRET_ACCESS_KEY", "plantSecretKey0123".into()),
        ("AWS_ENDPOINT_URL_ECR", ecr.url()),
        ("AWS_ECR_CACHE_DIR", cache_dir.display().to_string()),
        ("AWS_ECR_DISABLE_CACHE", "1".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut child = support::run::command(&support::run::bin())
        .arg("get")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(support::run::target_env(&env))
        .current_dir(home.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"123456789012.dkr.ecr.eu-west-1.amazonaws.com")
        .unwrap();
    assert!(
        ecr.wait_for_requests(1, std::time::Duration::from_secs(60)),
        "the get never called ECR"
    );
    // Nobody's directory, with `log` a link of nobody's to ours.
    std::fs::create_dir(&cache_dir).unwrap();
    std::fs::set_permissions(&cache_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::os::unix::fs::lchown(&cache_dir, Some(65534), Some(65534)).unwrap();
    let link = cache_dir.join("log");
    std::os::unix::fs::symlink(&ours, &link).unwrap();
    std::os::unix::fs::lchown(&link, Some(65534), Some(65534)).unwrap();
    let o = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("served-anyway"), "{o:?}");
    let written: Vec<_> = std::fs::read_dir(&ours)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        written.is_empty(),
        "written through the planted link: {written:?}"
    );
}

/// The registry map chooses identities, so one that someone else could have written is
/// refused, and the get fails (no fall-back to another identity): writable by others, or
/// another user's (root runs this part); a private one of ours is used.
#[cfg(unix)]
#[test]
fn a_registry_map_others_could_write_is_refused() {
    if support::targets::skip("cli::a_registry_map_others_could_write_is_refused") {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.ini");
    std::fs::write(&map, format!("[registry {HOST}]\nprofile = nowhere\n")).unwrap();
    let env = |ecr: &support::standin::StandIn| {
        vec![
            ("AWS_ACCESS_KEY_ID", "AKIDMAP".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "mapSecretKey0123".into()),
            ("AWS_ENDPOINT_URL_ECR", ecr.url()),
            ("AWS_ECR_CONFIG_FILE", map.display().to_string()),
        ]
    };
    std::fs::set_permissions(&map, std::fs::Permissions::from_mode(0o666)).unwrap();
    let ecr = token_standin("AKIDMAP", "mapSecretKey0123", "never");
    let e = env(&ecr);
    let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (o, _h) = run(&["get"], HOST.as_bytes(), &e);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("is not used") && o.stderr.contains("may be written by others"),
        "{}",
        o.stderr
    );
    assert_eq!(
        ecr.take().len(),
        0,
        "no call with a map that cannot be trusted"
    );
    if crate_effective_uid() == 0 && support::run::runner().is_none() {
        std::fs::set_permissions(&map, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::lchown(&map, Some(65534), Some(65534)).unwrap();
        let (o, _h) = run(&["get"], HOST.as_bytes(), &e);
        assert_eq!(o.code, 1, "{o:?}");
        assert!(
            o.stderr.contains("belongs to user id 65534"),
            "{}",
            o.stderr
        );
        std::os::unix::fs::lchown(&map, Some(0), Some(0)).unwrap();
    }
    // Ours and private: used (its profile does not exist, which is the error now).
    std::fs::set_permissions(&map, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (o, _h) = run(&["get"], HOST.as_bytes(), &e);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("nowhere"), "{}", o.stderr);
}

/// The effective user of the test process (root can make another user's link).
#[cfg(unix)]
fn crate_effective_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::tempfile().unwrap();
    probe.metadata().unwrap().uid()
}
