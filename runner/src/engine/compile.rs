//! Turning a component file into machine code, through the compile cache
//! when there is one.

use std::path::Path;

use wasmtime::component::Component;

use super::HookEngine;
use super::cache::{CacheOutcome, compile_uncached};
use super::sandbox::{LoadError, adapt_core_module, error_chain};
use crate::componentize::{self, Adapter};

/// A compiled component, not yet linked.
#[derive(Debug)]
pub struct Compiled {
    /// The machine code.
    pub component: Component,
    /// `sha256:` and the hex SHA-256 of the component file.
    pub digest: String,
    /// Whether the machine code came from the compile cache.
    pub outcome: CacheOutcome,
    /// The adapter a WASI preview1 core module was wrapped with.
    pub adapter: Option<Adapter>,
}

impl HookEngine {
    /// Reads the component or core module at `path` and compiles it, or maps
    /// it from the compile cache. The cache is keyed on the file's digest.
    pub fn compile(&self, path: &Path) -> Result<Compiled, LoadError> {
        let bytes = crate::bounded_read::read_file(path, crate::bounded_read::MAX_COMPONENT_BYTES)
            .map_err(|error| LoadError::Read {
                path: path.to_path_buf(),
                error,
            })?;
        if !bytes.starts_with(componentize::MAGIC) {
            return Err(LoadError::Compile {
                path: path.to_path_buf(),
                message: "the file does not start with the WebAssembly magic bytes `\\0asm`; \
                          pass the .wasm file that a component or WASI program build produced"
                    .to_string(),
            });
        }
        let digest = crate::audit::component_digest(&bytes);
        // NOTE: a core module is wrapped on every load, cache hits included,
        // which costs about half a second for a 3 MB Go program.
        let (bytes, adapter) = adapt_core_module(path, bytes)?;
        let compiled = match &self.cache {
            Some(cache) => cache.load(&self.engine, &bytes, &digest),
            None => compile_uncached(&self.engine, &bytes, "cache.enabled is false".to_string()),
        };
        let (component, outcome) = compiled.map_err(|error| LoadError::Compile {
            path: path.to_path_buf(),
            message: error_chain(&error),
        })?;
        Ok(Compiled {
            component,
            digest,
            outcome,
            adapter,
        })
    }
}
