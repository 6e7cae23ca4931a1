//! Another program on this machine: found on `PATH` the way Go's `exec.LookPath` finds it
//! (docker finds its credential helpers so), then run to one deadline with the bytes it gets
//! on stdin, its output read as it comes, and stopped when the deadline passes.
//!
//! ```no_run
//! use docker_credential_ecr_login::local::{config::Platform, program};
//! use std::time::Duration;
//! let path = std::env::var("PATH").ok();
//! let found = program::find("docker-credential-pass", path.as_deref(), None, Platform::current());
//! if let Some(helper) = found {
//!     let mut cmd = std::process::Command::new(helper);
//!     cmd.arg("list");
//!     let out = program::run(cmd, b"", Duration::from_secs(60), program::Limits::HELPER);
//! }
//! ```

use crate::local::config::Platform;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// What a finished program left: its status and the output kept of it.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    /// The first [`Limits::stdout`] bytes and one more, so that "too much" can be told.
    pub stdout: Vec<u8>,
    /// The last [`Limits::stderr`] bytes: where a failing program says why.
    pub stderr: Vec<u8>,
}

impl Output {
    /// Whether stdout went past the limit it was read with.
    pub fn stdout_over(&self, limits: Limits) -> bool {
        self.stdout.len() > limits.stdout
    }
}

/// How a run could not end with the program's own exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    Start(String),
    Wait(String),
    TimedOut { seconds: u64 },
}

/// How much output is kept, and whether the program gets a process group of its own.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub stdout: usize,
    pub stderr: usize,
    /// A group of its own lets a timeout stop everything it started (a process group on
    /// Unix, the process tree on Windows).
    pub own_group: bool,
}

impl Limits {
    /// `credential_process`: more than any credentials document is not one.
    pub const CREDENTIAL_PROCESS: Limits = Limits {
        stdout: 1024 * 1024,
        stderr: 64 * 1024,
        own_group: true,
    };
    /// Another credential helper: its `list` may be long. A group of its own too, so that
    /// nothing it started outlives its timeout; its prompts still reach the user, as they
    /// come from an agent's pinentry (GPG), a desktop dialog (a keychain) or Windows'
    /// credential UI, never from a read of our terminal.
    pub const HELPER: Limits = Limits {
        stdout: 1024 * 1024,
        stderr: 64 * 1024,
        own_group: true,
    };
}

/// After the program exits, how long its pipes may take to drain: a background child that
/// holds them open must not keep the helper waiting.
const DRAIN: Duration = Duration::from_millis(200);

/// How often a running program is asked whether it has exited, between pipe closings.
const POLL: Duration = Duration::from_millis(20);

/// `name` on `path` (the `PATH` value) as Go's `exec.LookPath` finds it, except that an
/// entry that is empty or relative (the current directory) is never searched, as Go refuses
/// such a find too. On Windows, `pathext` (`PATHEXT`, default `.com;.exe;.bat;.cmd`) gives
/// the endings tried in order, after `name` as it is when it has an ending of its own.
pub fn find(
    name: &str,
    path: Option<&str>,
    pathext: Option<&str>,
    platform: Platform,
) -> Option<PathBuf> {
    let path = path?;
    let dirs: Vec<PathBuf> = match platform {
        Platform::Unix => path.split(':').map(PathBuf::from).collect(),
        // Go drops the quotes that may surround a Windows PATH entry.
        Platform::Windows => path.split(';').map(|d| d.replace('"', "").into()).collect(),
    };
    dirs.into_iter()
        .filter(|d| is_absolute(d, platform))
        .find_map(|dir| match platform {
            Platform::Unix => Some(dir.join(name)).filter(|p| is_executable(p)),
            Platform::Windows => windows_candidates(name, pathext)
                .into_iter()
                .map(|n| dir.join(n))
                .find(|p| p.is_file()),
        })
}

/// Absolute for the platform the path is for, whichever platform this is: `C:\…` or `\\…`
/// on Windows, `/…` on Unix.
fn is_absolute(dir: &Path, platform: Platform) -> bool {
    let s = dir.to_string_lossy();
    match platform {
        Platform::Unix => s.starts_with('/'),
        Platform::Windows => {
            let b = s.as_bytes();
            s.starts_with("\\\\")
                || (b.len() >= 3
                    && b[0].is_ascii_alphabetic()
                    && b[1] == b':'
                    && (b[2] == b'\\' || b[2] == b'/'))
        }
    }
}

/// The names tried in one folder on Windows, in Go's order.
fn windows_candidates(name: &str, pathext: Option<&str>) -> Vec<String> {
    let mut exts: Vec<String> = pathext
        .unwrap_or_default()
        .split(';')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .map(|e| match e.starts_with('.') {
            true => e,
            false => format!(".{e}"),
        })
        .collect();
    if exts.is_empty() {
        exts = [".com", ".exe", ".bat", ".cmd"].map(String::from).to_vec();
    }
    let has_ending = name.rsplit_once('.').is_some_and(|(_, e)| !e.is_empty());
    let mut names: Vec<String> = has_ending.then(|| name.to_string()).into_iter().collect();
    names.extend(exts.iter().map(|e| format!("{name}{e}")));
    names
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// Runs `cmd` with `input` on its stdin and one deadline for all of it. On timeout it is
/// stopped (with its process group, when it has one of its own); a part of it still holding
/// the pipes after it exited is stopped too, or, without a group, no longer waited for.
pub fn run(
    mut cmd: Command,
    input: &[u8],
    timeout: Duration,
    limits: Limits,
) -> Result<Output, RunError> {
    let deadline = Instant::now() + timeout;
    cmd.stdin(match input.is_empty() {
        true => Stdio::null(),
        false => Stdio::piped(),
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    #[cfg(unix)]
    if limits.own_group {
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    }
    let mut child = cmd.spawn().map_err(|e| RunError::Start(e.to_string()))?;
    if let Some(mut pipe) = child.stdin.take() {
        // On a thread: a program that answers before reading all of it must not block us.
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let (done_tx, done_rx) = mpsc::channel();
    let out = drain(
        child.stdout.take().expect("piped"),
        Keep::First(limits.stdout + 1),
        done_tx.clone(),
    );
    let err = drain(
        child.stderr.take().expect("piped"),
        Keep::Last(limits.stderr),
        done_tx,
    );
    let mut closed_pipes = 0;
    let mut pause = Duration::from_micros(500);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                stop(&mut child, limits);
                return Err(RunError::Wait(e.to_string()));
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            stop(&mut child, limits);
            return Err(RunError::TimedOut {
                seconds: timeout.as_secs(),
            });
        }
        // Woken early when a pipe closes, which is usually when it exits.
        let poll = left.min(POLL);
        match done_rx.recv_timeout(poll) {
            Ok(()) => closed_pipes += 1,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // Both pipes closed and it still runs: usually it is exiting (its pipes close a
            // moment before its status can be had), else it closed them itself. Nothing will
            // wake us now: look again after a pause that starts at half a millisecond and
            // doubles up to the poll, so that an exit costs no 20 ms and a long run no spin.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                std::thread::sleep(pause.min(poll));
                pause = (pause * 2).min(POLL);
            }
        }
    };
    // Its output is complete when both pipes close; give that a moment, then take what came.
    let drain_until =
        Instant::now() + DRAIN.min(deadline.saturating_duration_since(Instant::now()));
    let closed = (closed_pipes..2).all(|_| {
        done_rx
            .recv_timeout(drain_until.saturating_duration_since(Instant::now()))
            .is_ok()
    });
    if !closed && limits.own_group {
        stop_group(&child);
    }
    let take =
        |b: &Arc<Mutex<Vec<u8>>>| std::mem::take(&mut *b.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(Output {
        status,
        stdout: take(&out),
        stderr: take(&err),
    })
}

/// Which part of a pipe's bytes a drain keeps.
#[derive(Clone, Copy)]
enum Keep {
    /// The first N bytes.
    First(usize),
    /// The last N bytes.
    Last(usize),
}

/// Reads `pipe` into a shared buffer on a thread, keeping the part `keep` says, signalling
/// `done` at its end; the caller takes what has come whenever it stops waiting.
fn drain(
    mut pipe: impl Read + Send + 'static,
    keep: Keep,
    done: mpsc::Sender<()>,
) -> Arc<Mutex<Vec<u8>>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let shared = buf.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut b = shared.lock().unwrap_or_else(|e| e.into_inner());
                    match keep {
                        Keep::First(limit) => {
                            let room = limit.saturating_sub(b.len());
                            b.extend_from_slice(&chunk[..n.min(room)]);
                        }
                        Keep::Last(limit) => {
                            b.extend_from_slice(&chunk[..n]);
                            // Dropped in halves, so that the copying stays linear.
                            if b.len() > 2 * limit {
                                let cut = b.len() - limit;
                                b.drain(..cut);
                            }
                        }
                    }
                }
            }
        }
        let _ = done.send(());
    });
    buf
}

/// Stops the program (and everything it started, when it has a group of its own), and
/// reaps it.
fn stop(child: &mut Child, limits: Limits) {
    if limits.own_group {
        stop_group(child);
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills the process group the program runs in (its own, from `process_group(0)`). The
/// standard library signals only the child itself, and a group signal needs libc's `kill`
/// behind `unsafe`; the shell has a `kill` builtin that takes a group.
#[cfg(unix)]
fn stop_group(child: &Child) {
    let _ = Command::new("sh")
        .arg("-c")
        .arg("kill -KILL -\"$0\" 2>/dev/null")
        .arg(child.id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Windows: the program's process tree, through `taskkill /T` (a job object needs the
/// Win32 API behind `unsafe`; taskkill ships with every Windows).
#[cfg(windows)]
fn stop_group(child: &Child) {
    let _ = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &child.id().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(any(unix, windows)))]
fn stop_group(_child: &Child) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_names_in_gos_order() {
        assert_eq!(
            windows_candidates("docker-credential-pass", None),
            [
                "docker-credential-pass.com",
                "docker-credential-pass.exe",
                "docker-credential-pass.bat",
                "docker-credential-pass.cmd"
            ]
        );
        // Docker Desktop on WSL names `desktop.exe`: tried as it is first.
        assert_eq!(
            windows_candidates("docker-credential-desktop.exe", Some(".EXE;CMD;;")),
            [
                "docker-credential-desktop.exe",
                "docker-credential-desktop.exe.exe",
                "docker-credential-desktop.exe.cmd"
            ]
        );
    }

    #[test]
    fn absolute_entries_only() {
        assert!(is_absolute(Path::new("/usr/bin"), Platform::Unix));
        assert!(!is_absolute(Path::new("bin"), Platform::Unix));
        assert!(!is_absolute(Path::new(""), Platform::Unix));
        assert!(is_absolute(Path::new("C:\\Tools"), Platform::Windows));
        assert!(is_absolute(
            Path::new("\\\\server\\share"),
            Platform::Windows
        ));
        assert!(!is_absolute(Path::new("Tools"), Platform::Windows));
        assert!(!is_absolute(Path::new("C:Tools"), Platform::Windows));
    }

    #[test]
    fn found_in_path_order() {
        let t = tempfile::tempdir().unwrap();
        let (a, b) = (t.path().join("a"), t.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let write = |p: &Path| std::fs::write(p, "#!/bin/sh\n").unwrap();
        write(&b.join("docker-credential-x.cmd"));
        write(&a.join("docker-credential-x.exe"));
        let path = format!("{};{}", b.display(), a.display());
        // On Windows rules the first folder wins, whatever the ending's rank; this test's
        // folders are Unix paths, so it runs the Windows rules only where they are absolute.
        if cfg!(windows) {
            assert_eq!(
                find("docker-credential-x", Some(&path), None, Platform::Windows),
                Some(b.join("docker-credential-x.cmd"))
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let plain = a.join("docker-credential-y");
            write(&plain);
            let path = format!("relative:{}:{}", b.display(), a.display());
            // Not executable: not found.
            assert_eq!(
                find("docker-credential-y", Some(&path), None, Platform::Unix),
                None
            );
            std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o755)).unwrap();
            assert_eq!(
                find("docker-credential-y", Some(&path), None, Platform::Unix),
                Some(plain)
            );
            assert_eq!(
                find("docker-credential-y", None, None, Platform::Unix),
                None
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn input_goes_in_and_output_comes_out() {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg("tr a b; echo err >&2; exit 4");
        let out = run(cmd, b"aaa", Duration::from_secs(60), Limits::HELPER).unwrap();
        assert_eq!(out.stdout, b"bbb");
        assert_eq!(out.stderr, b"err\n");
        assert_eq!(out.status.code(), Some(4));
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg("exec sleep 30");
        let started = Instant::now();
        let e = run(cmd, b"", Duration::from_millis(100), Limits::HELPER).unwrap_err();
        assert_eq!(e, RunError::TimedOut { seconds: 0 });
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}
