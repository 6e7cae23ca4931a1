//! File helpers: private directories, bounded reads, and atomic replacement (temp file,
//! fsync, rename), so that no reader ever sees half a file.

use std::io::{Read, Write};
use std::path::Path;

/// Creates `dir` (and its parents) with mode 0700 where modes exist.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Reads at most `limit` bytes; `Ok(None)` if the file does not exist, and an error of kind
/// `FileTooLarge` if it holds more.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("larger than {limit} bytes"),
        ));
    }
    Ok(Some(bytes))
}

/// Replaces `path` with `bytes`: a temp file beside it (mode 0600), fsync, rename. The temp
/// file is removed on any failure.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmp = dir.join(format!(".{name}.tmp{}-{nanos}", std::process::id()));
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

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
