//! Which binary the tests run, and what does not apply to it: every exclusion, with its
//! reason, is in [`EXCLUDED`] and nowhere else.
//!
//! `ECR_LOGIN_TEST_TARGET` names the target of `ECR_LOGIN_TEST_BIN`: a row of
//! `scripts/targets.tsv` (`linux-amd64`, `linux-arm64`, `windows-amd64`, `linux-armv7`, ...);
//! unset, the tests run the debug build that Cargo made for this machine.

/// (target, test, scenario or check, why it cannot apply there). The target `unix` stands for
/// every build but Windows, `windows` for both Windows builds (amd64 and arm64, under Wine),
/// `qemu-user` for every Linux build qemu-user runs here (arm64, 32-bit ARM, ppc64le, s390x,
/// riscv64). Tests are named `file::function`, scenarios by their folder, checks
/// inside the scenario runner `check:NAME`.
pub const EXCLUDED: &[(&str, &str, &str)] = &[
    (
        "windows",
        "cli::a_ca_only_the_system_trusts_on_the_first_connection",
        "the system's CA file is a Unix file (/etc/ssl/certs/…); Windows keeps its roots in the certificate store, which the helper does not read (the bundled roots and AWS_CA_BUNDLE serve there)",
    ),
    (
        "windows",
        "fallback_store_get_erase_list",
        "its stand-in helper is a POSIX shell script; fallback_cmd_script is the Windows build's case, through PATHEXT",
    ),
    (
        "windows",
        "fallback_helper_fails",
        "its stand-in helper is a POSIX shell script (kill -9 $$, exit 3)",
    ),
    (
        "windows",
        "fallback_helper_hangs",
        "its stand-in helper is a POSIX shell script with a background job; the bound is the same code on every target",
    ),
    (
        "unix",
        "fallback_cmd_script",
        "a Windows .cmd stand-in found through PATHEXT: the Windows build's case",
    ),
    (
        "windows",
        "fallback_store::a_docker_hub_login_round_trips_through_pass",
        "docker-credential-pass, pass and gpg are Linux programs, which a Windows program under Wine cannot start",
    ),
    (
        "windows",
        "credential_process",
        "its command is a POSIX shell line (sh -c, $HOME, cat); on Windows credential_process runs through cmd.exe, which credential_process_cmd_script tests",
    ),
    (
        "windows",
        "list_resolves_credentials_once",
        "its credential_process counts its runs with a POSIX shell line; on Windows credential_process runs through cmd.exe, and resolving once is the same code on every target",
    ),
    (
        "windows",
        "credential_process_fails",
        "a POSIX shell line (>&2, exit 3); cmd.exe's side is credential_process_cmd_script",
    ),
    (
        "windows",
        "credential_process_assignment_first",
        "VAR=value before a command is a POSIX shell form; cmd.exe has none",
    ),
    (
        "windows",
        "credential_process_relative_path",
        "sh found through PATH is the POSIX side; on Windows credential_process runs cmd.exe, which Rust's search never takes from the current directory",
    ),
    (
        "windows",
        "credential_process_hangs",
        "`exec sleep 100` is a POSIX shell line; the timeout itself is the same code on every target",
    ),
    (
        "windows",
        "bazel_credential_process_hangs",
        "`exec sleep 100` is a POSIX shell line; the deadline itself is the same code on every target",
    ),
    (
        "windows",
        "bazel_public_registry_token",
        "a private /etc/hosts through a Linux mount namespace; Wine's server resolves outside it",
    ),
    (
        "windows",
        "bazel_public_token_refused",
        "a private /etc/hosts through a Linux mount namespace; Wine's server resolves outside it",
    ),
    (
        "windows",
        "credential_process_background_child",
        "a POSIX shell line with a background job; Windows has no process groups to stop this way",
    ),
    (
        "unix",
        "credential_process_cmd_script",
        "a Windows .cmd script, run by cmd.exe: the Windows build's scenario",
    ),
    (
        "windows",
        "cli::no_core_file_from_an_outside_abort",
        "Unix signals and core limits; a Windows console program writes no core file",
    ),
    (
        "qemu-user",
        "cli::no_core_file_from_an_outside_abort",
        "under qemu-user the signal and the core file are qemu's own, not the binary's",
    ),
    (
        "windows-arm64",
        "reliability::unrelated_registries_never_wait_for_each_other",
        "it times 16 helpers side by side, and 16 arm64 Wines under qemu-user on two cores take 24 s of emulated CPU however the locks behave; windows-amd64 runs it, with the same lock code",
    ),
    (
        "windows",
        "reliability::a_stuck_fetch_lock_holder_and_eight_waiters_make_one_call",
        "the test holds the lock with flock(2) from Linux, which Wine's LockFileEx does not see; and Windows cannot replace a file another process holds open, so a stuck holder's lock is waited out there, not replaced",
    ),
    (
        "windows",
        "reliability::a_stuck_store_lock_holder_and_eight_writers_lose_nothing",
        "the test holds the lock with flock(2) from Linux, which Wine's LockFileEx does not see",
    ),
    (
        "windows",
        "reliability::a_stopped_fetch_lock_holder_costs_a_get_under_20_s",
        "SIGSTOP from Linux stops Wine's launcher, not the Windows program, whose pid the lock claim carries; the wait bound is the same code on every target",
    ),
    (
        "windows",
        "reliability::a_writer_stopped_in_mid_store_loses_no_entry",
        "SIGSTOP from Linux does not stop the Windows program under Wine; and Windows cannot replace a lock file another process holds open, so a stopped writer is waited out there, not superseded",
    ),
    (
        "windows",
        "reliability::a_foreign_lock_holder_that_claims_nothing_costs_a_get_under_20_s",
        "the holder is flock(1), a Linux lock that Wine's LockFileEx does not see",
    ),
    (
        "windows",
        "reliability::a_dead_holder_is_skipped_at_once",
        "the holder is flock(1), a Linux lock that Wine's LockFileEx does not see",
    ),
    (
        "windows",
        "cli::a_cache_directory_planted_during_the_fetch_is_never_written_through",
        "Unix owners, modes and links; on Windows the cache lives in the user's profile folder",
    ),
    (
        "windows",
        "cli::a_registry_map_others_could_write_is_refused",
        "Unix owners and modes; on Windows a reparse point is refused, as for the cache",
    ),
    (
        "windows",
        "cli::planted_links_in_writable_parents",
        "Unix owners, modes and links; on Windows the cache lives in the user's profile folder, and a reparse point is refused",
    ),
    (
        "windows",
        "cli::socks5h_names_are_never_resolved_here",
        "a private /etc/hosts through a Linux mount namespace; Wine's server resolves outside it",
    ),
    (
        "windows",
        "cli::hostile_ca_bundles",
        "a FIFO and /dev/zero are Unix files; Windows has neither",
    ),
    (
        "windows",
        "cli::container_name_on_loopback_is_not_proxied",
        "a private /etc/hosts through a Linux mount namespace; Wine's server resolves outside it",
    ),
    (
        "windows",
        "cli::untrusted_cache_directories",
        "the owner and mode checks are Unix code; on Windows the cache lives in the user's profile folder, whose ACL the helper does not inspect (it refuses reparse points only)",
    ),
    (
        "windows",
        "cli::owner_checks_hold_without_proc",
        "the owner checks are Unix code (the effective user id); /proc is Linux's",
    ),
    (
        "windows",
        "reliability::a_read_only_login_cache_still_serves_the_get",
        "a read-only bind mount in a Linux mount namespace; Wine's server runs outside it, and a failed save is the same code on every target",
    ),
    (
        "windows",
        "check:fifo-config",
        "Windows has no FIFOs: Wine opens a Unix FIFO as an invalid parameter (error 87), at once, so only the wording differs",
    ),
    (
        "windows",
        "check:unix-modes",
        "the scenario runner's check that the cache is 0600 in a 0700 directory: Windows has no Unix modes (the files inherit the profile folder's ACL)",
    ),
    (
        "windows",
        "cli::cache_and_log_permissions",
        "Unix file modes (0700, 0600); on Windows the files inherit the ACL of the user's profile folder",
    ),
    (
        "windows",
        "cli::a_program_that_closes_its_output_is_waited_for_without_spinning",
        "the store is a POSIX shell script and the CPU comes from the shell's `times`; a Windows program under Wine cannot start Linux programs",
    ),
    (
        "windows",
        "cli::metadata_service_network_unreachable",
        "Wine opens sockets in its wineserver, which runs outside the test's empty network namespace, so the request would leave loopback; the unreachable case is the Linux builds' test",
    ),
];

pub fn target() -> String {
    std::env::var("ECR_LOGIN_TEST_TARGET").unwrap_or_else(|_| "native".into())
}

/// The target's row of `scripts/targets.tsv` (the one table of targets): its fields after
/// the name (triple, route, runner, tier, budget, check, cpu); `None` for the debug build.
fn row() -> Option<Vec<&'static str>> {
    let t = target();
    if t == "native" {
        return None;
    }
    let table = include_str!("../../scripts/targets.tsv");
    let row = table
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&t.as_str()))
        .unwrap_or_else(|| panic!("ECR_LOGIN_TEST_TARGET={t} is not a row of scripts/targets.tsv"));
    Some(row[1..].to_vec())
}

/// What runs the binary here: `native`, `qemu-user`, `wine` or `wine-arm64`.
fn runner() -> &'static str {
    row().map_or("native", |r| r[2])
}

/// What starting and ending one helper process costs on this target beyond the helper's own
/// time, added to the tests' time bounds. Only the arm64 Wine, itself under qemu-user, needs
/// any: measured there, a `get` whose one ECR call timed out after 5.0 s (the log's own
/// timestamps) took 9.3 s from start to exit, and 16 s with three attempts in a 10 s budget.
pub fn process_overhead() -> std::time::Duration {
    match runner() {
        "wine-arm64" => std::time::Duration::from_secs(10),
        _ => std::time::Duration::ZERO,
    }
}

/// How many helpers a test may start at once on this target, for a test that asks for `n`.
/// Each helper's network calls have a 10 s budget, a wall-clock one as in the SDKs; on the
/// arm64 Wine, itself under qemu-user, 64 helpers starting on two cores (beside another
/// test's crowd) left one of them without the CPU to reach loopback within it: an ECR
/// timeout in 4 of 8 runs of the suite. Sixteen show the same locks at work; windows-amd64
/// runs the full crowds.
pub fn crowd(n: usize) -> usize {
    match runner() {
        "wine-arm64" => n.min(16),
        _ => n,
    }
}

/// Whether the binary's CPU is emulated here (qemu-user, alone or under arm64 Wine).
pub fn cpu_emulated() -> bool {
    matches!(runner(), "qemu-user" | "wine-arm64")
}

pub fn is_windows() -> bool {
    row().is_some_and(|r| r[0].contains("-windows-"))
}

/// The reason `name` does not run on this target, if it does not.
pub fn excluded(name: &str) -> Option<&'static str> {
    let t = target();
    EXCLUDED
        .iter()
        .find(|(target, n, _)| {
            let applies = match *target {
                "unix" => !is_windows(),
                "windows" => is_windows(),
                "qemu-user" => runner() == "qemu-user",
                exact => exact == t,
            };
            applies && *n == name
        })
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
