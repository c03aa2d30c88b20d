//! Generates the C bindings of the hook-runner guest SDK: for each world of
//! the `hook-runner:api` WIT package that hooks build against, wit-bindgen's
//! C generator writes `WORLD.h`, `WORLD.c` and `WORLD_component_type.o` into
//! `guest-sdk/c/bindings/WORLD/`.
//!
//! The files are committed, so that building a C hook needs only a C
//! compiler. The drift test in `tests/` fails when they differ from what
//! this crate generates from the current `wit/` folder.

#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use wit_bindgen_core::Files;
use wit_bindgen_core::wit_parser::Resolve;

/// The worlds a C hook can target, each with its own bindings folder.
pub const WORLDS: [&str; 3] = ["trigger", "condition", "assignment"];

/// The command that regenerates the committed bindings, run from the
/// repository root.
pub const REGENERATE_COMMAND: &str = "cargo run -p hook-runner-c-bindgen";

/// Generated files by path relative to the bindings folder, such as
/// `trigger/trigger.h`.
pub type Bindings = BTreeMap<PathBuf, Vec<u8>>;

/// A failure to read the WIT package or to generate or write bindings.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Returns the repository's `wit/` folder.
pub fn default_wit_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../wit")
}

/// Returns the SDK's `bindings/` folder, where the generated files are
/// committed.
pub fn default_bindings_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../bindings")
}

/// Generates the bindings of every world in [`WORLDS`] from the WIT package
/// in `wit_dir`.
pub fn generate(wit_dir: &Path) -> Result<Bindings, Error> {
    let mut resolve = Resolve::default();
    let (package, _) = resolve.push_dir(wit_dir).map_err(|error| {
        Error(format!(
            "failed to read the WIT package in `{}`: {error:#}",
            wit_dir.display()
        ))
    })?;

    let mut bindings = Bindings::new();
    for world_name in WORLDS {
        let world = resolve
            .select_world(&[package], Some(world_name))
            .map_err(|error| {
                Error(format!(
                    "the WIT package in `{}` has no usable world `{world_name}`: {error:#}",
                    wit_dir.display()
                ))
            })?;
        let mut files = Files::default();
        wit_bindgen_c::Opts::default()
            .build()
            .generate(&mut resolve, world, &mut files)
            .map_err(|error| {
                Error(format!(
                    "failed to generate C bindings for the world `{world_name}`: {error:#}"
                ))
            })?;
        for (name, contents) in files.iter() {
            bindings.insert(Path::new(world_name).join(name), contents.to_vec());
        }
    }
    Ok(bindings)
}

/// Writes `bindings` into `out_dir`, after removing the files of each
/// world's folder that the generator no longer writes.
pub fn write(bindings: &Bindings, out_dir: &Path) -> Result<(), Error> {
    for world_name in WORLDS {
        let world_dir = out_dir.join(world_name);
        for stale in list_files(&world_dir)? {
            if !bindings.contains_key(&Path::new(world_name).join(&stale)) {
                let path = world_dir.join(&stale);
                std::fs::remove_file(&path).map_err(|error| {
                    Error(format!(
                        "failed to remove the stale file `{}`: {error}",
                        path.display()
                    ))
                })?;
            }
        }
    }
    for (relative, contents) in bindings {
        let path = out_dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|error| {
                Error(format!(
                    "failed to create the folder `{}`: {error}",
                    parent.display()
                ))
            })?;
        }
        std::fs::write(&path, contents)
            .map_err(|error| Error(format!("failed to write `{}`: {error}", path.display())))?;
    }
    Ok(())
}

/// Reads the files of each world's folder under `dir`, by path relative to
/// `dir`. A missing world folder has no files.
pub fn read(dir: &Path) -> Result<Bindings, Error> {
    let mut bindings = Bindings::new();
    for world_name in WORLDS {
        let world_dir = dir.join(world_name);
        for name in list_files(&world_dir)? {
            let path = world_dir.join(&name);
            let contents = std::fs::read(&path)
                .map_err(|error| Error(format!("failed to read `{}`: {error}", path.display())))?;
            bindings.insert(Path::new(world_name).join(name), contents);
        }
    }
    Ok(bindings)
}

/// Returns the names of the files in `dir`, or none when `dir` is missing.
fn list_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(Error(format!(
                "failed to read the folder `{}`: {error}",
                dir.display()
            )));
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| {
            Error(format!(
                "failed to read the folder `{}`: {error}",
                dir.display()
            ))
        })?;
        if entry.path().is_file() {
            names.push(PathBuf::from(entry.file_name()));
        }
    }
    Ok(names)
}
