//! Who this process runs as, from the operating system itself: the owner checks of the cache
//! directory and of the files read from it, and the user part of a cache key's identity, must
//! hold where there is no `/proc` (macOS, the BSDs, a container without it mounted).

/// The effective user id: the one the kernel checks file access against.
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn effective_uid() -> u32 {
    // Asked once: the walk and every file opened ask again (setuid is not used).
    static UID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    // The crate's one `unsafe`, and why: std has no `geteuid`, and every foreign function of
    // the `libc` crate is `unsafe` to call. POSIX's `geteuid()` takes no argument, always
    // succeeds, and touches no memory of ours, so no precondition is left for us to uphold.
    *UID.get_or_init(|| unsafe { libc::geteuid() })
}

#[cfg(all(test, unix))]
mod tests {
    /// A file this process creates is owned by its effective user.
    #[test]
    fn the_owner_of_a_new_file() {
        use std::os::unix::fs::MetadataExt;
        let dir = std::env::temp_dir().join(format!("ecr-login-uid-{}", std::process::id()));
        std::fs::write(&dir, b"").unwrap();
        let owner = std::fs::metadata(&dir).unwrap().uid();
        std::fs::remove_file(&dir).unwrap();
        assert_eq!(super::effective_uid(), owner);
    }
}
