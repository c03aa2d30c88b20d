//! The cache folder must be private: anyone who can write into it can put
//! machine code into every hook-runner process.

use std::path::Path;

/// Creates `dir` when missing (readable and writable by its owner only) and
/// checks that it is a folder owned by this user that no other user can
/// write into. The error says what is wrong and how to fix it.
pub fn ensure_private(dir: &Path) -> Result<(), String> {
    if !dir.exists() {
        create(dir)?;
    }
    let metadata = std::fs::symlink_metadata(dir)
        .map_err(|error| format!("failed to read `{}`: {error}", dir.display()))?;
    if !metadata.is_dir() {
        return Err(format!(
            "`{}` is not a folder (a symbolic link is not accepted either): set cache.dir to a folder",
            dir.display()
        ));
    }
    check_owner_and_mode(dir, &metadata)
}

#[cfg(unix)]
fn create(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|error| format!("failed to create `{}`: {error}", dir.display()))
}

#[cfg(not(unix))]
fn create(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|error| format!("failed to create `{}`: {error}", dir.display()))
}

#[cfg(unix)]
fn check_owner_and_mode(dir: &Path, metadata: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let user = current_user();
    if metadata.uid() != user {
        return Err(format!(
            "`{}` belongs to user id {}, not to this user (id {user}): \
             run `chown {user} {}` or set cache.dir to a folder of this user",
            dir.display(),
            metadata.uid(),
            dir.display()
        ));
    }
    if metadata.mode() & 0o022 != 0 {
        return Err(format!(
            "`{}` can be written by other users (mode {:o}): run `chmod go-w {}`",
            dir.display(),
            metadata.mode() & 0o7777,
            dir.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_and_mode(_dir: &Path, _metadata: &std::fs::Metadata) -> Result<(), String> {
    Ok(())
}

#[cfg(unix)]
fn current_user() -> u32 {
    // SAFETY: geteuid takes no arguments and POSIX defines no error for it.
    #[expect(unsafe_code, reason = "libc call without a safe std equivalent")]
    unsafe {
        libc::geteuid()
    }
}
