//! The lock files beside `cache.json` that make concurrent helpers fetch a registry's token
//! once (`locks/<key hash>.lock`: check, lock, check again, fetch, write, unlock) and merge
//! their writes of the file one at a time (`cache.json.lock`).
//!
//! Each is an OS file lock, so a holder that dies releases it at once. A live holder writes
//! its claim into the file: its pid, since when it holds the lock, and until when at most
//! (its own bound: a fetch may run a `credential_process` for 60 s). A waiter waits that long,
//! plus a little; a holder still there after its own bound is stuck (a `docker pull` stopped
//! with ^Z, an NFS fsync), and the waiters replace its lock file with a new one, which they
//! then take one at a time as before. Whoever holds a lock checks, after taking it and before
//! acting on it, that its file is still the one at the path, so that a replaced or swept file
//! is never held by two.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// After the holder's own bound, how long a waiter still gives it.
const GRACE: Duration = Duration::from_secs(2);
/// The longest a waiter waits for one lock, whatever the holder claims: a holder stopped
/// with ^Z, or a foreign process that claims nothing, must not stall a `docker pull`. Past
/// it, the waiter goes on without the lock (a few extra calls are better than a stalled
/// pull); a holder past its own claim has its file replaced before that.
pub const MAX_WAIT: Duration = Duration::from_secs(10);
/// Lock files untouched for this long are swept (with the cache's temporary files).
pub const STALE: Duration = Duration::from_secs(24 * 3600);

/// Held until dropped.
pub struct CacheLock {
    file: File,
    path: PathBuf,
}

impl CacheLock {
    /// Whether this lock's file is still the one at its path: false once stuck waiters have
    /// replaced it, and then what it guarded must not be written.
    pub fn is_current(&self) -> bool {
        same_file(&self.file, &self.path)
    }
}

/// Takes the lock file `path`, for at most `bound` of holding (what it claims while it holds
/// it), waiting at most [`MAX_WAIT`] in all. `None` when it cannot be had in that time, or at
/// all (a read-only directory, a file that is not ours): the caller says what it does then.
pub fn acquire(path: &Path, bound: Duration) -> Option<CacheLock> {
    acquire_by(path, bound, None)
}

/// [`acquire`], waiting no later than `limit` either (the command's own deadline).
pub fn acquire_by(path: &Path, bound: Duration, limit: Option<Instant>) -> Option<CacheLock> {
    let deadline = Instant::now() + MAX_WAIT;
    let deadline = limit.map_or(deadline, |l| l.min(deadline));
    // A replaced file is found after each wait; three rounds cover any race of waiters.
    for _ in 0..3 {
        let file = open(path)?;
        let file = match file.try_lock() {
            Ok(()) => file,
            Err(std::fs::TryLockError::WouldBlock) => match wait(file, path, bound, deadline) {
                Waited::Got(file) => file,
                Waited::Again => continue,
                Waited::Failed => return None,
            },
            Err(std::fs::TryLockError::Error(_)) => return None,
        };
        match claim(file, path, bound) {
            Some(lock) => return Some(lock),
            None => continue,
        }
    }
    crate::local::log::warn(
        "Could not take a cache lock",
        &[("file", &path.display().to_string())],
    );
    None
}

fn open(path: &Path) -> Option<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    crate::local::files::open_regular(path, &mut opts).ok()
}

/// The lock is ours: if its file is still the one at the path, write our claim into it.
fn claim(mut file: File, path: &Path, bound: Duration) -> Option<CacheLock> {
    if !same_file(&file, path) {
        return None; // replaced or swept while we took it: take the new one
    }
    let now = unix_now();
    // Every claim has the same length, so it is written over the last one with no truncate
    // (two `ftruncate`s were a miss's slowest system calls after the network).
    let text = format!(
        "pid={:010} since={now:020} until={:020}\n",
        std::process::id(),
        now + bound.as_secs()
    );
    let _ = file.rewind().and_then(|()| file.write_all(text.as_bytes()));
    Some(CacheLock {
        file,
        path: path.to_path_buf(),
    })
}

enum Waited {
    Got(File),
    /// The file was replaced (by other waiters, or swept): try the new one.
    Again,
    Failed,
}

/// Waits for the holder of `file` for as long as it claims (at most `bound` more, so that a
/// hostile claim cannot hang us) and no later than `deadline`; a holder past its claim has
/// its file replaced, one still within it keeps the lock and the waiter gives up.
fn wait(mut file: File, path: &Path, bound: Duration, deadline: Instant) -> Waited {
    let claim = read_claim(&mut file);
    // A holder that claims nothing (a foreign process) is given our own bound.
    let claimed = claim
        .as_ref()
        .map_or(bound, |c| {
            Duration::from_secs(c.until.saturating_sub(unix_now()))
        })
        .min(bound)
        + GRACE;
    let patience = deadline.saturating_duration_since(Instant::now());
    let holder = claim.map_or_else(|| "unknown".to_string(), |c| c.pid.to_string());
    crate::local::log::debug(
        "Waiting for another helper",
        &[("file", &path.display().to_string()), ("pid", &holder)],
    );
    let watched = Watched::of(&file);
    // A blocking lock on a thread, so that the wait ends when the holder lets go, not at the
    // next poll.
    if let Some(file) = lock_within(file, claimed.min(patience)) {
        return Waited::Got(file);
    }
    if !watched.still_at(path) {
        return Waited::Again;
    }
    if claimed > patience {
        crate::local::log::warn(
            "Another helper holds a cache lock longer than a get may wait; going on without it",
            &[
                ("file", &path.display().to_string()),
                ("pid", &holder),
                ("waited", &format!("{} s", MAX_WAIT.as_secs())),
            ],
        );
        return Waited::Failed;
    }
    // One waiter replaces the file, the others find it replaced: the check and the rename
    // happen under a second lock, held for no longer than that.
    let Some(breaker) = open(&path.with_extension("lock.break")) else {
        return Waited::Failed;
    };
    let Some(_breaker) = lock_within(breaker, GRACE) else {
        return Waited::Failed;
    };
    if !watched.still_at(path) {
        return Waited::Again;
    }
    crate::local::log::warn(
        "Another helper held a cache lock past its own bound; replacing its lock file",
        &[("file", &path.display().to_string()), ("pid", &holder)],
    );
    match replace_file(path) {
        Ok(()) => Waited::Again,
        Err(_) => Waited::Failed,
    }
}

/// `file` locked, waiting at most `wait`.
fn lock_within(file: File, wait: Duration) -> Option<File> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = file.lock().map(|()| file);
        let _ = tx.send(r);
    });
    rx.recv_timeout(wait).ok()?.ok()
}

/// What a holder wrote: `pid=N since=T until=T`.
struct Claim {
    pid: u32,
    until: u64,
}

fn read_claim(file: &mut File) -> Option<Claim> {
    let mut text = String::new();
    file.take(200).read_to_string(&mut text).ok()?;
    let value = |key: &str| {
        text.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
    };
    Some(Claim {
        pid: value("pid")?.parse().ok()?,
        until: value("until")?.parse().ok()?,
    })
}

/// A new, empty lock file renamed over the old one: one step, so that the path is never
/// without a file and every waiter sees either the old one or the new one.
fn replace_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let tmp = path.with_extension(format!("lock.new{}", std::process::id()));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(&tmp)?;
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
    // Windows cannot replace a file another process holds open: the stuck holder's lock
    // stays, and the caller goes on as it does without a lock.
    #[cfg(not(unix))]
    {
        let _ = path;
        Err(std::io::Error::other(
            "a held lock file cannot be replaced here",
        ))
    }
}

/// Sweeps lock files in `dir` untouched for [`STALE`] that nobody holds: taken first, then
/// removed while held, so that a helper that opened one just before sees it gone (its
/// [`CacheLock`] check) and takes the new one.
pub fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let is_lock = path
            .extension()
            .is_some_and(|x| x == "lock" || x == "break");
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE);
        if !(is_lock && old) {
            continue;
        }
        if let Some(file) = open(&path)
            && file.try_lock().is_ok()
            && same_file(&file, &path)
        {
            let _ = std::fs::remove_file(&path);
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The identity of an open file, to tell whether a path still names it.
struct Watched {
    #[cfg(unix)]
    id: Option<(u64, u64)>,
}

impl Watched {
    fn of(file: &File) -> Watched {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Watched {
                id: file.metadata().ok().map(|m| (m.dev(), m.ino())),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = file;
            Watched {}
        }
    }

    fn still_at(&self, path: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let now = std::fs::symlink_metadata(path)
                .ok()
                .map(|m| (m.dev(), m.ino()));
            self.id.is_some() && now == self.id
        }
        // Files are not replaced or swept while open on Windows.
        #[cfg(not(unix))]
        {
            let _ = path;
            true
        }
    }
}

fn same_file(file: &File, path: &Path) -> bool {
    Watched::of(file).still_at(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_claims_and_a_stuck_one_is_replaced() {
        let dir = std::env::temp_dir().join(format!("ecr-login-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cache.json.lock");
        let first = acquire(&path, Duration::from_secs(1)).expect("free lock");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            text.starts_with(&format!("pid={:010} since=", std::process::id())),
            "{text:?}"
        );
        // Every claim is as long as every other, so one written over another leaves nothing
        // of it behind.
        assert_eq!(
            text.len(),
            "pid= since= until=\n".len() + 10 + 20 + 20,
            "{text:?}"
        );
        let claim = read_claim(&mut std::fs::File::open(&path).unwrap()).expect("it parses");
        assert_eq!(claim.pid, std::process::id());
        assert!(first.is_current());
        #[cfg(unix)]
        {
            // The first holder claimed one second: a second taker waits that (and the grace),
            // then replaces the file and holds the new one; the first is no longer current.
            let second = acquire(&path, Duration::from_secs(1)).expect("replaced");
            assert!(second.is_current());
            assert!(!first.is_current());
        }
        drop(first);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
