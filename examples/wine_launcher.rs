//! Test tooling for the Windows build under Wine, not part of the helper: Wine hides `HOME`
//! from Windows programs and sets `USERPROFILE` from its own prefix, so a test cannot give the
//! helper a home of its own from the Unix side. This launcher runs as a Windows program, sets
//! `HOME` from `ECR_LOGIN_TEST_HOME` (a Windows path) and `PATH` from `ECR_LOGIN_TEST_PATH`
//! (put first), and runs the program named by its first
//! argument with the rest, the same stdin, stdout and stderr, and its exit code.
//!
//! `wine64 wine_launcher.exe Z:\tmp\…\docker-credential-ecr-login.exe get`

fn main() {
    let mut args = std::env::args_os().skip(1);
    let Some(program) = args.next() else {
        eprintln!("usage: wine_launcher PROGRAM [ARGS...]");
        std::process::exit(2);
    };
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    if let Some(home) = std::env::var_os("ECR_LOGIN_TEST_HOME") {
        cmd.env("HOME", home).env_remove("ECR_LOGIN_TEST_HOME");
    }
    // A test's PATH (its folders in Windows form), before Wine's own.
    if let Ok(path) = std::env::var("ECR_LOGIN_TEST_PATH") {
        let wine = std::env::var("PATH").unwrap_or_default();
        cmd.env("PATH", format!("{path};{wine}"))
            .env_remove("ECR_LOGIN_TEST_PATH");
    }
    match cmd.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => {
            eprintln!("wine_launcher: could not start the program: {e}");
            std::process::exit(127);
        }
    }
}
