//! Runs the real binary as docker would: a clean environment, stdin, stdout, exit code.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The binary under test: Cargo names it for integration tests; the demo passes its path.
pub fn bin() -> std::path::PathBuf {
    match option_env!("CARGO_BIN_EXE_docker-credential-ecr-login") {
        Some(p) => p.into(),
        None => std::env::args_os()
            .nth(1)
            .expect("the helper's path as the first argument")
            .into(),
    }
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
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
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
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
