//! File helpers: private directories, trusted directories and files, bounded reads, and
//! atomic replacement (temp file, rename), so that no reader ever sees half a file.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;

/// Why a directory is not used for the cache or the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untrusted {
    /// Something other than a directory (after following the user's own link).
    NotADirectory,
    /// Something other than a regular file where a file is named.
    NotAFile,
    /// Owned by another user, who could plant files or links in it.
    Owner { owner: u32, user: u32 },
    /// Group or others may create and replace files in it.
    Writable { mode: u32 },
    /// A directory on the way to it is owned by another user (neither root nor this one),
    /// who could replace what is below it.
    ParentOwner { owner: u32 },
    /// A directory on the way to it may be written by group or others (and is not sticky,
    /// as /tmp is), who could replace what is below it.
    ParentWritable { mode: u32 },
    /// A link on the way, made by another user (neither root nor this one).
    LinkOwner { owner: u32 },
    /// Links within links, past what any real set-up needs.
    TooManyLinks,
    /// It, or a directory on the way, cannot be examined (other than not existing).
    Unexaminable { error: String },
    /// On Windows: a reparse point (a link or junction) into somewhere else.
    ReparsePoint,
}

const RECREATE: &str = "files or links may already have been planted in it: move it away and let the helper create a new private one, or point AWS_ECR_CACHE_DIR at a directory of your own";

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Untrusted::NotADirectory => f.write_str("it is not a directory"),
            Untrusted::NotAFile => f.write_str("it is not a regular file"),
            Untrusted::Owner { owner, user } => write!(
                f,
                "it belongs to user id {owner}, not to this user ({user}); {RECREATE}"
            ),
            Untrusted::Writable { mode } => {
                write!(f, "others may write in it (mode {mode:o}); {RECREATE}")
            }
            Untrusted::ParentOwner { owner } => write!(
                f,
                "it belongs to user id {owner}, who could replace what is in it; point AWS_ECR_CACHE_DIR at a directory whose every parent belongs to root or to you"
            ),
            Untrusted::ParentWritable { mode } => write!(
                f,
                "others may write in it (mode {mode:o}) and it is not sticky, so they could replace what is in it; point AWS_ECR_CACHE_DIR at a directory whose every parent only root or you may write"
            ),
            Untrusted::LinkOwner { owner } => write!(
                f,
                "it is a link made by user id {owner}, neither root nor this user; point AWS_ECR_CACHE_DIR at a real directory of your own"
            ),
            Untrusted::TooManyLinks => f.write_str(
                "it goes through more than 16 links; point AWS_ECR_CACHE_DIR at a real directory",
            ),
            Untrusted::Unexaminable { error } => write!(
                f,
                "it cannot be examined ({error}); point AWS_ECR_CACHE_DIR at a directory of your own"
            ),
            Untrusted::ReparsePoint => f.write_str(
                "it is a link or junction; point AWS_ECR_CACHE_DIR at a real directory in your profile",
            ),
        }
    }
}

impl std::error::Error for Untrusted {}

/// The user this process runs as, from the OS: the owner checks hold without `/proc` too.
#[cfg(unix)]
fn current_uid() -> u32 {
    crate::local::user::effective_uid()
}

/// Whether `dir` may hold the cache and the log, as OpenSSH's `safe_path` decides for
/// `~/.ssh`, walking the whole path: every directory on the way belongs to root or to this
/// user and no one else may write in it (unless it is sticky, as /tmp is); a link on the
/// way is followed only if it is root's or this user's (its parent having passed); `dir`
/// itself is this user's and private. A part that does not exist yet is fine: it is
/// created private. Any error but "not found" is a refusal. The error names the part that
/// failed.
pub fn check_private_dir(dir: &Path) -> Result<(), (std::path::PathBuf, Untrusted)> {
    #[cfg(unix)]
    {
        walk(&absolute(dir)?, current_uid(), 0, Last::PrivateDir)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::MetadataExt;
        const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;
        let own = match std::fs::symlink_metadata(dir) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err((
                    dir.to_path_buf(),
                    Untrusted::Unexaminable {
                        error: e.to_string(),
                    },
                ));
            }
        };
        if own.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0 {
            return Err((dir.to_path_buf(), Untrusted::ReparsePoint));
        }
        if !own.is_dir() {
            return Err((dir.to_path_buf(), Untrusted::NotADirectory));
        }
        Ok(())
    }
}

/// `path` from the root, for a walk.
#[cfg(unix)]
fn absolute(path: &Path) -> Result<std::path::PathBuf, (std::path::PathBuf, Untrusted)> {
    match path.is_absolute() {
        true => Ok(path.to_path_buf()),
        false => std::env::current_dir().map(|d| d.join(path)).map_err(|e| {
            (
                path.to_path_buf(),
                Untrusted::Unexaminable {
                    error: e.to_string(),
                },
            )
        }),
    }
}

/// What the end of a walked path must be.
#[cfg(unix)]
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// A directory of this user's that no one else may write in.
    PrivateDir,
    /// A regular file that root or this user owns and no one else may write.
    TrustedFile,
}

/// Whether the file at `path` may say which identity serves which registry: the same walk as
/// [`check_private_dir`], every directory on the way belonging to root or this user and
/// writable by no one else (unless sticky), links only as that walk allows, and the file
/// itself a regular file of root's or this user's that no one else may write. A file that
/// does not exist passes (the caller finds it missing).
pub fn check_trusted_file(path: &Path) -> Result<(), (std::path::PathBuf, Untrusted)> {
    #[cfg(unix)]
    {
        walk(&absolute(path)?, current_uid(), 0, Last::TrustedFile)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::MetadataExt;
        const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0 => {
                Err((path.to_path_buf(), Untrusted::ReparsePoint))
            }
            Ok(m) if !m.is_file() => Err((path.to_path_buf(), Untrusted::NotAFile)),
            _ => Ok(()),
        }
    }
}

/// One step of [`check_private_dir`]: `path` is absolute; a link restarts the walk at its
/// target with the rest of the path after it. Each part is examined at its own prefix of
/// `path`, with no copy (a walk runs several times on every hit). By the time a `..` is
/// reached, every part before it has proved a real directory, so the kernel's `..` is the
/// one the walk means.
#[cfg(unix)]
fn walk(
    path: &Path,
    user: u32,
    links: u32,
    want: Last,
) -> Result<(), (std::path::PathBuf, Untrusted)> {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    let bytes = path.as_os_str().as_bytes();
    // Nothing after `from` but slashes and `.` parts.
    let nothing_after = |from: usize| {
        bytes[from..]
            .split(|&c| c == b'/')
            .all(|part| part.is_empty() || part == b".")
    };
    let mut next = 0;
    while next < bytes.len() {
        // The part from `next`: the root's `/`, or up to the next slash.
        let (start, end) = match (next, bytes[next]) {
            (0, b'/') => (0, 1),
            _ => {
                let len = bytes[next..].iter().position(|&c| c == b'/');
                (next, len.map_or(bytes.len(), |n| next + n))
            }
        };
        next = if end == 1 && start == 0 { 1 } else { end + 1 };
        if matches!(&bytes[start..end], b"" | b".") {
            continue;
        }
        let at = Path::new(OsStr::from_bytes(&bytes[..end]));
        let last = end == bytes.len() || nothing_after(end);
        let meta = match std::fs::symlink_metadata(at) {
            Ok(m) => m,
            // The rest does not exist yet: it will be created, private.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err((
                    at.to_path_buf(),
                    Untrusted::Unexaminable {
                        error: e.to_string(),
                    },
                ));
            }
        };
        if meta.file_type().is_symlink() {
            if meta.uid() != 0 && meta.uid() != user {
                return Err((at.to_path_buf(), Untrusted::LinkOwner { owner: meta.uid() }));
            }
            if links >= 16 {
                return Err((at.to_path_buf(), Untrusted::TooManyLinks));
            }
            let target = std::fs::read_link(at).map_err(|e| {
                (
                    at.to_path_buf(),
                    Untrusted::Unexaminable {
                        error: e.to_string(),
                    },
                )
            })?;
            let mut then = at.parent().unwrap_or(Path::new("/")).join(target);
            let rest = &bytes[end..];
            let rest = &rest[rest.iter().take_while(|&&c| c == b'/').count()..];
            if !rest.is_empty() {
                then.push(OsStr::from_bytes(rest));
            }
            return walk(&then, user, links + 1, want);
        }
        check_part(&meta, last, want, user).map_err(|why| (at.to_path_buf(), why))?;
    }
    Ok(())
}

/// One part of a walk, not a link: the end is a private directory of this user's, or a file
/// of this user's or root's, either way writable by no one else; a part on the way is a
/// directory of root's or this user's that no one else may write in (unless it is sticky).
#[cfg(unix)]
fn check_part(
    meta: &std::fs::Metadata,
    last: bool,
    want: Last,
    user: u32,
) -> Result<(), Untrusted> {
    use std::os::unix::fs::MetadataExt;
    let mode = meta.mode() & 0o7777;
    if last {
        let (kind_ok, kind_err) = match want {
            Last::PrivateDir => (meta.is_dir(), Untrusted::NotADirectory),
            Last::TrustedFile => (meta.is_file(), Untrusted::NotAFile),
        };
        if !kind_ok {
            return Err(kind_err);
        }
        if meta.uid() != user && !(want == Last::TrustedFile && meta.uid() == 0) {
            return Err(Untrusted::Owner {
                owner: meta.uid(),
                user,
            });
        }
        if mode & 0o022 != 0 {
            return Err(Untrusted::Writable { mode });
        }
    } else {
        if !meta.is_dir() {
            return Err(Untrusted::NotADirectory);
        }
        if meta.uid() != 0 && meta.uid() != user {
            return Err(Untrusted::ParentOwner { owner: meta.uid() });
        }
        if mode & 0o022 != 0 && mode & 0o1000 == 0 {
            return Err(Untrusted::ParentWritable { mode });
        }
    }
    Ok(())
}

/// Opens a file that may be a link (a config or token file a user manages), but only if it
/// ends at a regular file: a FIFO or device is refused without blocking.
pub fn open_file(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", path.display()),
        ));
    }
    Ok(file)
}

/// The whole of a config or token file ([`open_file`]), at most `limit` bytes, as text.
pub fn read_text(path: &Path, limit: u64) -> std::io::Result<String> {
    let mut text = String::new();
    open_file(path)?.take(limit).read_to_string(&mut text)?;
    Ok(text)
}

/// Opens a file of the cache directory only if it is a regular file of this user's: a link
/// is never followed and a FIFO never blocks (a planted one is refused), and the file opened
/// is the one that was checked.
pub fn open_regular(path: &Path, opts: &mut OpenOptions) -> std::io::Result<File> {
    let refuse = |what: &str| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} is {what}; not opening it", path.display()),
        )
    };
    // On Unix the open itself refuses a link (O_NOFOLLOW) and cannot block on a FIFO
    // (O_NONBLOCK), and what it opened is checked: no look beforehand (a system call on
    // every hit). Windows looks first, and opens a reparse point as itself.
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
        if let Ok(m) = std::fs::symlink_metadata(path)
            && !m.file_type().is_file()
        {
            return Err(refuse("not a regular file (a link, a FIFO or a directory)"));
        }
        opts.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = match opts.open(path) {
        Ok(file) => file,
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(refuse("not a regular file (a link, a FIFO or a directory)"));
        }
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::EISDIR) => {
            return Err(refuse("not a regular file (a link, a FIFO or a directory)"));
        }
        Err(e) => return Err(e),
    };
    let after = file.metadata()?;
    if !after.is_file() {
        return Err(refuse("not a regular file (a link, a FIFO or a directory)"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if after.uid() != current_uid() {
            return Err(refuse("owned by another user"));
        }
        // A second name elsewhere (a hard link another user made to our file, or to theirs)
        // would let writes or reads through it.
        if after.nlink() != 1 {
            return Err(refuse("a file with more than one name (a hard link)"));
        }
    }
    Ok(file)
}

/// Creates what is missing of `dir`, one level at a time, each private (mode 0700 where
/// modes exist) and checked as it is made; then walks the whole path again
/// ([`check_private_dir`]). A level that someone else creates meanwhile (a directory or a
/// link of another user's in a shared parent such as `/tmp`) is refused, never followed:
/// a recursive mkdir would accept it and write through it.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut at = dir;
    loop {
        match std::fs::symlink_metadata(at) {
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(at),
            Err(e) => return Err(e),
        }
        match at.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => at = parent,
            _ => break,
        }
    }
    for level in missing.into_iter().rev() {
        #[cfg(unix)]
        let builder = {
            let mut b = std::fs::DirBuilder::new();
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b
        };
        #[cfg(not(unix))]
        let builder = std::fs::DirBuilder::new();
        match builder.create(level) {
            // Made by someone else since the look above: checked like ours, and refused
            // unless it is a private directory of this user's.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            other => other?,
        }
        made_privately(level)?;
    }
    check_private_dir(dir).map_err(|(part, why)| {
        std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{}: {why}", part.display()),
        )
    })
}

/// A directory just made (or found made): a real directory, not a link, this user's and
/// private.
fn made_privately(level: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(level)?;
    let refuse = |what: String| {
        std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "{} {what} while it was being created; not using it",
                level.display()
            ),
        )
    };
    if !meta.file_type().is_dir() {
        return Err(refuse("appeared as a link or a file".into()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != current_uid() {
            return Err(refuse(format!("was made by user id {}", meta.uid())));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(refuse(format!(
                "was made writable by others (mode {:o})",
                meta.mode() & 0o7777
            )));
        }
    }
    Ok(())
}

/// Reads a config file ([`open_file`]) of at most `limit` bytes; `Ok(None)` if it does not
/// exist, and an error of kind `FileTooLarge` if it holds more.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    match open_file(path) {
        Ok(f) => read_bounded(f, limit).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// [`read_limited`] for a file of the cache directory ([`open_regular`]).
pub fn read_private(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    match open_regular(path, OpenOptions::new().read(true)) {
        Ok(f) => read_bounded(f, limit).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_bounded(file: File, limit: u64) -> std::io::Result<Vec<u8>> {
    // Sized from the file, so a 30 MB cache is read in one go, not through a doubling buffer.
    let size = file.metadata().map_or(0, |m| m.len()).min(limit) + 1;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("larger than {limit} bytes"),
        ));
    }
    Ok(bytes)
}

/// Replaces `path` with `bytes`: a temp file beside it (mode 0600), fsync, rename. The temp
/// file is removed on any failure. For files whose loss costs a sign-in (a refreshed token).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    staged(path, bytes, true)?.commit()
}

/// `bytes` written to a temp file beside `path` (mode 0600), not yet in its place:
/// [`Staged::commit`] renames it over `path`; dropped uncommitted, it is removed. Not synced:
/// the token cache is a cache (a file torn by a crash does not parse, is never served and is
/// replaced), and an fsync cost up to 0.8 ms of every miss (Amazon's helper syncs nothing).
pub struct Staged {
    tmp: std::path::PathBuf,
    path: std::path::PathBuf,
}

pub fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    staged(path, bytes, false)
}

/// [`stage`], synced when `sync` (through the handle that wrote: Windows flushes only a
/// handle open for writing).
fn staged(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<Staged> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let staged = Staged {
        tmp: dir.join(format!(".{name}.tmp{}-{nanos}", std::process::id())),
        path: path.to_path_buf(),
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(&staged.tmp)?;
    f.write_all(bytes)?;
    if sync {
        f.sync_all()?;
    }
    Ok(staged)
}

impl Staged {
    pub fn commit(self) -> std::io::Result<()> {
        replace(&self.tmp, &self.path)
        // Drop removes the temp file if the rename failed; after it, nothing is there.
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Which version of a file is at `path`: its size, modification time and (on Unix) inode,
/// to tell whether another writer replaced it since it was read. `None`: nothing there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

pub fn version(path: &Path) -> std::io::Result<Option<Version>> {
    match std::fs::symlink_metadata(path) {
        Ok(m) => Ok(Some(Version {
            len: m.len(),
            modified: m.modified().ok(),
            #[cfg(unix)]
            inode: std::os::unix::fs::MetadataExt::ino(&m),
            #[cfg(not(unix))]
            inode: 0,
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Renames `from` over `to`. Windows refuses while another process has `to` open without
/// allowing its deletion (another helper reading the cache at that moment, or the Go
/// helper's reader); readers hold it for milliseconds, so try again for a bounded while.
fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        use std::time::{Duration, Instant};
        let until = Instant::now() + Duration::from_secs(2);
        let mut pause = Duration::from_millis(2);
        loop {
            match std::fs::rename(from, to) {
                Err(e)
                    if e.kind() == std::io::ErrorKind::PermissionDenied
                        && Instant::now() < until =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }
    #[cfg(not(windows))]
    std::fs::rename(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_and_fifos_are_refused_without_blocking() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("ecr-login-trust-{}", std::process::id()));
        create_private_dir(&dir).unwrap();
        let target = dir.join("target");
        std::fs::write(&target, "x").unwrap();
        std::os::unix::fs::symlink(&target, dir.join("link")).unwrap();
        assert!(open_regular(&dir.join("link"), OpenOptions::new().read(true)).is_err());
        assert!(open_regular(&target, OpenOptions::new().read(true)).is_ok());
        // A FIFO: mkfifo(1), since std cannot make one; nothing may block on it.
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(
            made.is_ok_and(|s| s.success()),
            "mkfifo (coreutils) makes the FIFO"
        );
        assert!(open_regular(&fifo, OpenOptions::new().read(true)).is_err());
        assert!(read_limited(&fifo, 10).is_err());
        assert!(read_text(&fifo, 10).is_err());
        // A link the user made to a config file is followed.
        assert_eq!(read_text(&dir.join("link"), 10).unwrap(), "x");
        // Directories: private is fine; others writing in it is not; nor in a parent.
        assert_eq!(check_private_dir(&dir), Ok(()));
        assert_eq!(check_private_dir(&dir.join("not-yet/made")), Ok(()));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            check_private_dir(&dir),
            Err((_, Untrusted::Writable { .. }))
        ));
        std::fs::create_dir(dir.join("below")).unwrap();
        std::fs::set_permissions(dir.join("below"), std::fs::Permissions::from_mode(0o700))
            .unwrap();
        assert!(matches!(
            check_private_dir(&dir.join("below")),
            Err((d, Untrusted::ParentWritable { .. })) if d == dir
        ));
        // Sticky, as /tmp: a parent others may write in, but not replace our names in.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert_eq!(check_private_dir(&dir.join("below")), Ok(()));
        // Our own link to our own directory is followed.
        std::os::unix::fs::symlink(dir.join("below"), dir.join("to-below")).unwrap();
        assert_eq!(check_private_dir(&dir.join("to-below")), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The walk examines each part at its prefix of the path as written: any spelling of a
    /// path (`.`, `..`, doubled and trailing slashes, links with a rest) names the same part.
    #[cfg(unix)]
    #[test]
    fn a_path_is_walked_however_it_is_spelled() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("ecr-login-walk-{}", std::process::id()));
        create_private_dir(&dir.join("a").join("b")).unwrap();
        std::fs::write(dir.join("f"), "x").unwrap();
        std::os::unix::fs::symlink("a", dir.join("l")).unwrap();
        std::os::unix::fs::symlink("loop2", dir.join("loop1")).unwrap();
        std::os::unix::fs::symlink("loop1", dir.join("loop2")).unwrap();
        let spellings = [
            "a/b", "a//b", "./a/b/", "a/./b", "a/b/../b", "a/b/.", "l/b", "l//b/", "l/../a/b",
        ];
        let at =
            |spelled: &str| check_private_dir(Path::new(&format!("{}/{spelled}", dir.display())));
        let loose = |mode| {
            std::fs::set_permissions(dir.join("a"), std::fs::Permissions::from_mode(mode)).unwrap()
        };
        loose(0o777);
        for spelled in spellings {
            assert!(
                matches!(at(spelled), Err((d, Untrusted::ParentWritable { .. })) if d == dir.join("a")),
                "{spelled}: {:?}",
                at(spelled)
            );
        }
        loose(0o700);
        for spelled in spellings {
            assert_eq!(at(spelled), Ok(()), "{spelled}");
        }
        assert_eq!(at("a/b/.."), Ok(()));
        // The end, however it is spelled, is checked as the end.
        std::fs::set_permissions(dir.join("a/b"), std::fs::Permissions::from_mode(0o770)).unwrap();
        for spelled in ["a/b", "a/b/", "a/b/.", "a/b//./"] {
            assert!(
                matches!(at(spelled), Err((_, Untrusted::Writable { .. }))),
                "{spelled}"
            );
        }
        assert!(matches!(at("f/x"), Err((d, Untrusted::NotADirectory)) if d == dir.join("f")));
        assert!(matches!(at("loop1/x"), Err((_, Untrusted::TooManyLinks))));
        assert_eq!(at("a/not-yet/made"), Ok(()));
        assert_eq!(check_trusted_file(&dir.join("l/../f")), Ok(()));
        assert!(matches!(
            check_trusted_file(&dir.join("a")),
            Err((_, Untrusted::NotAFile))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn limited_reads_and_atomic_writes() {
        let dir = std::env::temp_dir().join(format!("ecr-login-files-{}", std::process::id()));
        create_private_dir(&dir).unwrap();
        let f = dir.join("x.json");
        assert!(read_limited(&f, 10).unwrap().is_none());
        write_atomically(&f, b"0123456789").unwrap();
        assert_eq!(read_limited(&f, 10).unwrap().unwrap(), b"0123456789");
        assert!(read_limited(&f, 9).is_err());
        write_atomically(&f, b"new").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"new");
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1, "no temp file left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
