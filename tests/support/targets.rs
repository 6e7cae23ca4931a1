//! Which binary the tests run, and what does not apply to it: every exclusion, with its
//! reason, is in [`EXCLUDED`] and nowhere else.
//!
//! `ECR_LOGIN_TEST_TARGET` names the target of `ECR_LOGIN_TEST_BIN`: `linux-amd64`,
//! `linux-arm64`, `windows-amd64` or `linux-amd64-glibc`; unset, the tests run the debug build
//! that Cargo made for this machine.

/// (target, test, scenario or check, why it cannot apply there). The target `unix` stands for
/// every build but Windows. Tests are named `file::function`, scenarios by their folder, checks
/// inside the scenario runner `check:NAME`.
pub const EXCLUDED: &[(&str, &str, &str)] = &[
    (
        "windows-amd64",
        "credential_process",
        "its command is a POSIX shell line (sh -c, $HOME, cat); on Windows credential_process runs through cmd.exe, which credential_process_cmd_script tests",
    ),
    (
        "windows-amd64",
        "credential_process_fails",
        "a POSIX shell line (>&2, exit 3); cmd.exe's side is credential_process_cmd_script",
    ),
    (
        "windows-amd64",
        "credential_process_hangs",
        "`exec sleep 100` is a POSIX shell line; the timeout itself is the same code on every target",
    ),
    (
        "windows-amd64",
        "credential_process_background_child",
        "a POSIX shell line with a background job; Windows has no process groups to stop this way",
    ),
    (
        "unix",
        "credential_process_cmd_script",
        "a Windows .cmd script, run by cmd.exe: the Windows build's scenario",
    ),
    (
        "windows-amd64",
        "cli::container_name_on_loopback_is_not_proxied",
        "a private /etc/hosts through a Linux mount namespace; Wine's server resolves outside it",
    ),
    (
        "windows-amd64",
        "cli::untrusted_cache_directories",
        "the owner and mode checks are Unix code; on Windows the cache lives in the user's profile folder, whose ACL the helper does not inspect (it refuses reparse points only)",
    ),
    (
        "windows-amd64",
        "cli::owner_checks_hold_without_proc",
        "the owner checks are Unix code (the effective user id); /proc is Linux's",
    ),
    (
        "windows-amd64",
        "reliability::a_read_only_login_cache_still_serves_the_get",
        "a read-only bind mount in a Linux mount namespace; Wine's server runs outside it, and a failed save is the same code on every target",
    ),
    (
        "windows-amd64",
        "check:fifo-config",
        "Windows has no FIFOs: Wine opens a Unix FIFO as an invalid parameter (error 87), at once, so only the wording differs",
    ),
    (
        "windows-amd64",
        "check:unix-modes",
        "the scenario runner's check that the cache is 0600 in a 0700 directory: Windows has no Unix modes (the files inherit the profile folder's ACL)",
    ),
    (
        "windows-amd64",
        "cli::cache_and_log_permissions",
        "Unix file modes (0700, 0600); on Windows the files inherit the ACL of the user's profile folder",
    ),
    (
        "windows-amd64",
        "cli::metadata_service_network_unreachable",
        "Wine opens sockets in its wineserver, which runs outside the test's empty network namespace, so the request would leave loopback; the unreachable case is the Linux builds' test",
    ),
];

pub fn target() -> String {
    std::env::var("ECR_LOGIN_TEST_TARGET").unwrap_or_else(|_| "native".into())
}

pub fn is_windows() -> bool {
    target().starts_with("windows")
}

/// The reason `name` does not run on this target, if it does not.
pub fn excluded(name: &str) -> Option<&'static str> {
    let t = target();
    EXCLUDED
        .iter()
        .find(|(target, n, _)| (*target == t || *target == "unix" && !is_windows()) && *n == name)
        .map(|(_, _, why)| *why)
}

/// For a `#[test]`: true (and a line in the output saying why) when it does not apply.
pub fn skip(name: &str) -> bool {
    match excluded(name) {
        Some(why) => {
            super::report(&format!("excluded on {}: {name}: {why}", target()));
            true
        }
        None => false,
    }
}
