//! The on-disk cache of compiled components.
//!
//! SecureChange starts a new hook-runner process for every event, so a hook
//! compiled at every start would cost tens of milliseconds for a Rust
//! component and tens of seconds for a Python one. Each component is
//! compiled once and its machine code kept in `<dir>/<key>.cwasm`, where the
//! key covers the component's digest, wasmtime's compatibility hash of the
//! engine settings and the hook-runner version: an upgrade or a settings
//! change looks for a different file and never loads a stale one.
//!
//! Entries are written to a temporary file and renamed into place, so a
//! process never maps a partial file; a lock file per key makes processes
//! that start together wait for one compiler instead of all compiling. A
//! corrupt or incompatible entry is a logged miss and a recompile.

mod dir;
mod entries;

pub use entries::{CacheEntries, list_entries};

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// File name ending of compiled entries.
const ENTRY_SUFFIX: &str = ".cwasm";
/// File name ending of the per-key lock files.
const LOCK_SUFFIX: &str = ".lock";
/// Bumped when the meaning of an entry changes without a version change.
const FORMAT: &str = "hook-runner compile cache 1";

/// A folder of compiled components, shared by every hook-runner process that
/// uses the same configuration.
#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: PathBuf,
}

/// The source of a loaded component's machine code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Mapped from an entry in the cache.
    Hit,
    /// Compiled now and stored in the cache.
    Stored(Duration),
    /// Compiled now; the cache is disabled or could not be used, for the
    /// reason given.
    Uncached(Duration, String),
}

impl CompileCache {
    /// Creates a cache in `dir`. The folder itself is created on first use.
    pub fn new(dir: PathBuf) -> CompileCache {
        CompileCache { dir }
    }

    /// Returns the cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns the entry file for a component with `digest` under `engine`.
    pub fn entry_path(&self, engine: &Engine, digest: &str) -> PathBuf {
        self.dir
            .join(format!("{}{ENTRY_SUFFIX}", entry_key(engine, digest)))
    }

    /// Returns the compiled `bytes`, mapped from the cache when an entry
    /// exists, else compiled and stored. Only a component that does not
    /// compile is an error: every cache problem falls back to compiling.
    pub fn load(
        &self,
        engine: &Engine,
        bytes: &[u8],
        digest: &str,
    ) -> Result<(Component, CacheOutcome), wasmtime::Error> {
        if let Err(reason) = dir::ensure_private(&self.dir) {
            tracing::warn!(
                cache = %self.dir.display(),
                "not using the compile cache: {reason}"
            );
            return compile_uncached(engine, bytes, reason);
        }
        let entry = self.entry_path(engine, digest);
        if let Some(component) = map_entry(engine, &entry) {
            return Ok((component, CacheOutcome::Hit));
        }

        // Processes that start together wait here for the first one to
        // compile. The lock is released when `_lock` drops, or by the kernel
        // when a compiling process dies.
        let _lock = match lock_entry(&entry) {
            Ok(lock) => lock,
            Err(error) => {
                let reason = format!("failed to lock `{}`: {error}", entry.display());
                tracing::warn!("compiling without the compile cache: {reason}");
                return compile_uncached(engine, bytes, reason);
            }
        };
        if let Some(component) = map_entry(engine, &entry) {
            return Ok((component, CacheOutcome::Hit));
        }
        let started = Instant::now();
        tracing::info!(
            entry = %entry.display(),
            "compiling the component (first run after an install or upgrade; later runs map the cached result)"
        );
        let component = Component::new(engine, bytes).inspect_err(|_| {
            // No entry will ever be stored for bytes that do not compile,
            // so their lock file would stay behind for `compile --prune`.
            let _ = std::fs::remove_file(lock_path(&entry));
        })?;
        let elapsed = started.elapsed();
        match store_entry(&component, &entry) {
            Ok(()) => {
                tracing::info!(entry = %entry.display(), ?elapsed, "stored the compiled component");
                Ok((component, CacheOutcome::Stored(elapsed)))
            }
            Err(reason) => {
                tracing::warn!("failed to store the compiled component: {reason}");
                Ok((component, CacheOutcome::Uncached(elapsed, reason)))
            }
        }
    }
}

/// Compiles `bytes` without the cache.
pub fn compile_uncached(
    engine: &Engine,
    bytes: &[u8],
    reason: String,
) -> Result<(Component, CacheOutcome), wasmtime::Error> {
    let started = Instant::now();
    let component = Component::new(engine, bytes)?;
    Ok((component, CacheOutcome::Uncached(started.elapsed(), reason)))
}

/// The hex key of a component's entry: SHA-256 over the cache format, the
/// hook-runner version, wasmtime's compatibility hash of `engine`'s
/// settings and the component digest.
fn entry_key(engine: &Engine, digest: &str) -> String {
    let mut hasher = DigestHasher(Sha256::new());
    hasher.write(FORMAT.as_bytes());
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.write(digest.as_bytes());
    let key = hasher.0.finalize();
    key.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Feeds everything `Hash` writes into SHA-256, so that the key is stable
/// across processes and hook-runner builds.
struct DigestHasher(Sha256);

impl Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        let mut first = [0; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first)
    }
}

/// Maps the entry at `path`, or returns `None` when there is none or it
/// cannot be used; an unusable entry is logged and removed.
fn map_entry(engine: &Engine, path: &Path) -> Option<Component> {
    if !path.is_file() {
        return None;
    }
    if let Err(reason) = Engine::detect_precompiled_file(path)
        .map_err(|error| format!("{error:#}"))
        .and_then(|kind| match kind {
            Some(wasmtime::Precompiled::Component) => Ok(()),
            Some(wasmtime::Precompiled::Module) => Err("a module, not a component".to_string()),
            None => Err("not a compiled artifact".to_string()),
        })
    {
        discard(path, &reason);
        return None;
    }
    // SAFETY: hook-runner wrote this file itself. Entries appear only by an
    // atomic rename of a complete file serialized by `store_entry`, and are
    // never modified in place. `dir::ensure_private` checked that the folder
    // is owned by this user and that no other user can write into it.
    #[expect(
        unsafe_code,
        reason = "wasmtime maps compiled code from a trusted file"
    )]
    let mapped = unsafe { Component::deserialize_file(engine, path) };
    match mapped {
        Ok(component) => Some(component),
        Err(error) => {
            discard(path, &format!("{error:#}"));
            None
        }
    }
}

fn discard(path: &Path, reason: &str) {
    let reason = reason.lines().next().unwrap_or_default();
    tracing::warn!(
        entry = %path.display(),
        "the cached component cannot be used ({reason}); compiling it again"
    );
    if let Err(error) = std::fs::remove_file(path) {
        tracing::warn!(entry = %path.display(), %error, "failed to remove the unusable entry");
    }
}

fn lock_path(entry: &Path) -> PathBuf {
    let mut path = entry.as_os_str().to_owned();
    path.push(LOCK_SUFFIX);
    PathBuf::from(path)
}

fn lock_entry(entry: &Path) -> std::io::Result<File> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(entry))?;
    file.lock()?;
    Ok(file)
}

/// Writes the serialized component next to `entry` and renames it into
/// place.
fn store_entry(component: &Component, entry: &Path) -> Result<(), String> {
    let bytes = component
        .serialize()
        .map_err(|error| format!("failed to serialize: {error:#}"))?;
    let dir = entry.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(dir)
        .map_err(|error| format!("failed to create a file in `{}`: {error}", dir.display()))?;
    temporary
        .write_all(&bytes)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|error| format!("failed to write `{}`: {error}", temporary.path().display()))?;
    temporary.persist(entry).map_err(|error| {
        format!(
            "failed to rename into `{}`: {}",
            entry.display(),
            error.error
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests;
