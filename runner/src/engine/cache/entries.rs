//! Finding the entries that no hook in the configuration uses any more: left
//! by an older component, hook-runner version or engine setting.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{ENTRY_SUFFIX, LOCK_SUFFIX};

/// The cache files that are not in use.
#[derive(Debug, Default)]
pub struct CacheEntries {
    /// Entries and lock files of components that no hook uses now.
    pub stale: Vec<PathBuf>,
    /// Total size of the stale files.
    pub stale_bytes: u64,
}

/// Lists the files in `dir` that are not one of the `current` entries or
/// their lock files. Temporary files left by a process that was killed
/// while storing count as stale. A missing folder has no entries.
pub fn list_entries(dir: &Path, current: &BTreeSet<PathBuf>) -> std::io::Result<CacheEntries> {
    let mut entries = CacheEntries::default();
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(entries),
        Err(error) => return Err(error),
    };
    for item in listing {
        let item = item?;
        let path = item.path();
        let name = item.file_name().to_string_lossy().into_owned();
        let entry = name
            .strip_suffix(LOCK_SUFFIX)
            .map_or(path.clone(), |entry| dir.join(entry));
        let ours = name.ends_with(ENTRY_SUFFIX)
            || name.ends_with(LOCK_SUFFIX)
            || name.starts_with(".partial-");
        if ours && !current.contains(&entry) {
            entries.stale_bytes += item.metadata()?.len();
            entries.stale.push(path);
        }
    }
    entries.stale.sort();
    Ok(entries)
}
