//! The lock beside `cache.json` that makes concurrent helpers fetch a registry's token once:
//! check, lock, check again, fetch, write, unlock. It is an OS file lock, so a holder that
//! crashes releases it; and the wait is bounded, so a stuck holder never hangs docker.

use std::fs::File;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// How long to wait for another helper's fetch, which its own deadline bounds.
pub const WAIT: Duration = Duration::from_secs(10);

/// Held until dropped.
pub struct CacheLock {
    _file: File,
}

/// Takes the lock file `path`, waiting at most `wait`. `None` when it cannot be had (a
/// read-only directory, a holder that does not let go): the caller goes on without it.
pub fn acquire(path: &Path, wait: Duration) -> Option<CacheLock> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let file = crate::local::files::open_regular(path, &mut opts).ok()?;
    match file.try_lock() {
        Ok(()) => return Some(CacheLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => {}
        Err(std::fs::TryLockError::Error(_)) => return None,
    }
    crate::local::log::debug("Waiting for another helper's fetch", &[]);
    // A blocking lock on a thread, so that the wait can end without polling.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = file.lock().map(|()| file);
        let _ = tx.send(r);
    });
    match rx.recv_timeout(wait) {
        Ok(Ok(file)) => Some(CacheLock { _file: file }),
        _ => {
            crate::local::log::warn("Going on without the cache lock", &[]);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_taker_waits_then_gives_up() {
        let dir = std::env::temp_dir().join(format!("ecr-login-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cache.json.lock");
        let first = acquire(&path, WAIT).expect("free lock");
        assert!(acquire(&path, Duration::from_millis(50)).is_none());
        drop(first);
        assert!(acquire(&path, Duration::from_millis(50)).is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
