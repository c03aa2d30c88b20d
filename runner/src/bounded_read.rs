//! Reads the files that the configuration and policies name: only regular
//! files, and only up to a size limit, so that a path such as `/dev/zero` or
//! a named pipe cannot exhaust memory or block a run.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Largest configuration, policy, password, secret or CA file: 4 MiB.
pub const MAX_TEXT_FILE_BYTES: u64 = 4 << 20;

/// Largest component or core module: 512 MiB. The Python components that
/// componentize-py 0.25 builds are about 40 MB.
pub const MAX_COMPONENT_BYTES: u64 = 512 << 20;

/// Reads a regular file of at most `limit` bytes.
///
/// # Errors
///
/// Fails with [`io::ErrorKind::InvalidInput`] when `path` is not a regular
/// file (a folder, device or named pipe) or is larger than `limit`, and
/// with the I/O error otherwise.
pub fn read_file(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    // O_NONBLOCK makes opening a named pipe return at once instead of
    // waiting for a writer; reads of regular files ignore it.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a folder, device or named pipe)",
        ));
    }
    if metadata.len() > limit {
        return Err(too_large(limit));
    }
    read_at_most(file, limit)
}

/// Reads a regular UTF-8 text file of at most `limit` bytes.
///
/// # Errors
///
/// As [`read_file`], and [`io::ErrorKind::InvalidData`] when the file is
/// not UTF-8.
pub fn read_text_file(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_file(path, limit)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// Reads the file, failing when it grew past `limit` after its size was
/// checked.
fn read_at_most(file: File, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("larger than the limit of {} MiB", limit >> 20),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_small_file() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "key = 1\n").expect("write");
        assert_eq!(
            read_text_file(&path, MAX_TEXT_FILE_BYTES).expect("read"),
            "key = 1\n"
        );
    }

    #[test]
    fn rejects_file_over_limit() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'a'; (2 << 20) + 1]).expect("write");
        let error = read_file(&path, 2 << 20).expect_err("rejected");
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("limit of 2 MiB"), "{error}");
    }

    #[test]
    fn rejects_device() {
        let error = read_file(Path::new("/dev/zero"), MAX_TEXT_FILE_BYTES).expect_err("rejected");
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }

    #[test]
    fn rejects_named_pipe_without_blocking() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("run mkfifo");
        assert!(status.success());
        let error = read_file(&path, MAX_TEXT_FILE_BYTES).expect_err("rejected");
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }

    #[test]
    fn rejects_folder() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let error = read_file(dir.path(), MAX_TEXT_FILE_BYTES).expect_err("rejected");
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }

    #[test]
    fn rejects_non_utf8_text() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("latin1");
        std::fs::write(&path, [0x66, 0xe9]).expect("write");
        let error = read_text_file(&path, MAX_TEXT_FILE_BYTES).expect_err("rejected");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }
}
