//! Runs the real binary as docker would: a clean environment, stdin, stdout, exit code.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The binary under test: `ECR_LOGIN_TEST_BIN` (a release build for another target), else
/// the one Cargo built for integration tests; the demo passes its path.
pub fn bin() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("ECR_LOGIN_TEST_BIN") {
        return p.into();
    }
    match option_env!("CARGO_BIN_EXE_docker-credential-ecr-login") {
        Some(p) => p.into(),
        None => std::env::args_os()
            .nth(1)
            .expect("the helper's path as the first argument")
            .into(),
    }
}

/// What runs the binary when it is not native (`ECR_LOGIN_TEST_RUNNER`): qemu-user for the
/// other Linux CPUs (a wrapper that names the CPU), a Wine wrapper for Windows. The binary's path is its first argument.
pub fn runner() -> Option<String> {
    std::env::var("ECR_LOGIN_TEST_RUNNER")
        .ok()
        .filter(|r| !r.is_empty())
}

/// A command that starts `program` (the binary, or a link or copy of it) through the runner.
pub fn command(program: &Path) -> Command {
    match runner() {
        Some(r) => {
            let mut c = Command::new(r);
            c.arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// The binary under another name, as a user makes it: a symbolic link on Unix, a copy with
/// the `.exe` suffix on Windows (where links are rare). Returns the new path.
pub fn install_as(dir: &Path, name: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    if crate::support::targets::is_windows() {
        let to = dir.join(format!("{name}.exe"));
        std::fs::copy(bin(), &to).unwrap();
        return to;
    }
    let to = dir.join(name);
    let _ = std::fs::remove_file(&to);
    #[cfg(unix)]
    std::os::unix::fs::symlink(bin(), &to).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(bin(), &to).unwrap();
    to
}

/// The environment as the target needs it. Wine hides `HOME` from Windows programs (it
/// becomes `WINEHOMEDIR`) and sets `USERPROFILE` itself, so on Windows the home goes as
/// `ECR_LOGIN_TEST_HOME`, in its Windows form (Wine's drive Z: is the Unix root), and the
/// runner's launcher (`examples/wine_launcher.rs`) sets `HOME` from it. A `PATH` the test
/// sets goes the same way, as `ECR_LOGIN_TEST_PATH`, its folders in Windows form, which the
/// launcher puts before Wine's own `PATH`.
pub fn target_env(env: &[(String, String)]) -> Vec<(String, String)> {
    if !crate::support::targets::is_windows() {
        return env.to_vec();
    }
    env.iter()
        .map(|(k, v)| match k.as_str() {
            "HOME" => ("ECR_LOGIN_TEST_HOME".to_string(), windows_path(v)),
            "PATH" => (
                "ECR_LOGIN_TEST_PATH".to_string(),
                v.split(':').map(windows_path).collect::<Vec<_>>().join(";"),
            ),
            _ => (k.clone(), v.clone()),
        })
        .collect()
}

/// `/tmp/x/y` as a Windows program under Wine names it: `Z:\tmp\x\y`.
pub fn windows_path(unix: &str) -> String {
    format!("Z:{}", unix.replace('/', "\\"))
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the helper with only `env` (plus PATH) in its environment.
pub fn helper(args: &[&str], stdin: &[u8], env: &[(String, String)], cwd: &Path) -> Output {
    helper_at(&bin(), args, stdin, env, cwd)
}

/// The same, through another path to the binary (a link named for a profile).
pub fn helper_at(
    program: &Path,
    args: &[&str],
    stdin: &[u8],
    env: &[(String, String)],
    cwd: &Path,
) -> Output {
    helper_in(program, args, stdin, env, cwd, None)
}

/// The same, with `hosts` as `/etc/hosts` when given: the helper runs in a user and mount
/// namespace of its own (`unshare`, Linux) with that file bound over the system's.
pub fn helper_in(
    program: &Path,
    args: &[&str],
    stdin: &[u8],
    env: &[(String, String)],
    cwd: &Path,
    hosts: Option<&Path>,
) -> Output {
    let mut cmd = match hosts {
        None => command(program),
        Some(hosts) => {
            let mut c = Command::new("unshare");
            c.args(["--user", "--map-root-user", "--mount", "--", "sh", "-c"])
                .arg("mount --bind \"$0\" /etc/hosts && exec \"$@\"")
                .arg(hosts);
            if let Some(r) = runner() {
                c.arg(r);
            }
            c.arg(program);
            c
        }
    };
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in target_env(env) {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the helper starts");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    // The helper may stop reading early (input too large); a broken pipe is fine then.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if hosts.is_some() && (stderr.starts_with("unshare:") || stderr.starts_with("mount:")) {
        panic!(
            "a private /etc/hosts needs user and mount namespaces (unshare, util-linux): {stderr}"
        );
    }
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `cmd` (a wrapper such as `unshare … helper get`) with `stdin` written to it and its
/// output captured; `what` names the wrapper for the message if it cannot start.
pub fn piped(cmd: &mut Command, stdin: &[u8], what: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}
