//! Embeds the git commit for `-v`: `ECR_LOGIN_GIT_COMMIT` when set (release and vendored
//! builds set it, so both produce the same bytes), else `git rev-parse`, else empty.
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=ECR_LOGIN_GIT_COMMIT");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    let commit = std::env::var("ECR_LOGIN_GIT_COMMIT").unwrap_or_else(|_| {
        Command::new("git")
            .args(["rev-parse", "--short=7", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    });
    println!("cargo:rustc-env=ECR_LOGIN_GIT_COMMIT={commit}");
}
