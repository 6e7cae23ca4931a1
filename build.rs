//! Embeds the git commit for `-v` and `version`: `ECR_LOGIN_GIT_COMMIT` when set (release and
//! vendored builds set it, so both produce the same bytes), else `git rev-parse`, else empty.
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=ECR_LOGIN_GIT_COMMIT");
    // Rebuild when HEAD moves: HEAD itself, the branch it names, and the packed refs.
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/packed-refs");
    if let Ok(head) = std::fs::read_to_string(".git/HEAD")
        && let Some(branch) = head.trim().strip_prefix("ref: ")
    {
        println!("cargo:rerun-if-changed=.git/{branch}");
    }
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
