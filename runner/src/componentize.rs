//! Turns a WASI preview1 core module into a component in-process, with the
//! preview1 adapters published alongside wasmtime 48.0.8, so that hook
//! authors need no `wasm-tools` install.
//!
//! A command module (one that exports `_start`, as `main` programs do) gets
//! the command adapter, which exports `wasi:cli/run`. Any other module gets
//! the reactor adapter, which keeps the module's own exports, such as the
//! `on-event` that wit-bindgen's C bindings describe in their
//! `component-type` section.

use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
    WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};

/// The magic bytes every WebAssembly binary starts with.
pub(crate) const MAGIC: &[u8] = b"\0asm";
/// The version and layer bytes of a core module; a component has `0x0d, 0,
/// 1, 0` there.
const CORE_MODULE_VERSION: &[u8] = &[1, 0, 0, 0];

/// The preview1 adapter to wrap a core module with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Adapter {
    /// A program with a `_start` entry point; the component exports
    /// `wasi:cli/run`.
    Command,
    /// A library whose exports are called by the host, such as `on-event`.
    Reactor,
}

impl Adapter {
    /// Returns the adapter's name as reports and errors print it.
    pub fn name(self) -> &'static str {
        match self {
            Adapter::Command => "command",
            Adapter::Reactor => "reactor",
        }
    }
}

/// A core module that cannot be made into a component.
#[derive(Debug, thiserror::Error)]
pub enum ComponentizeError {
    /// The bytes are not a valid core module.
    #[error("not a valid WebAssembly core module: {0}")]
    Invalid(String),
    /// wit-component rejected the module, for example because it imports a
    /// function that no adapter provides.
    #[error("failed to make a component with the WASI preview1 {adapter} adapter: {message}")]
    Encode {
        /// `command` or `reactor`.
        adapter: &'static str,
        /// wit-component's message and its causes.
        message: String,
    },
}

/// Returns true when `bytes` start with the header of a core module (as
/// opposed to a component or a file that is no WebAssembly at all).
pub fn is_core_module(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC) && bytes[MAGIC.len()..].starts_with(CORE_MODULE_VERSION)
}

/// Returns the adapter that fits `module`: `Command` when it exports a
/// `_start` function, else `Reactor`.
pub fn detect_adapter(module: &[u8]) -> Result<Adapter, ComponentizeError> {
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        let payload = payload.map_err(|error| ComponentizeError::Invalid(error.to_string()))?;
        if let wasmparser::Payload::ExportSection(exports) = payload {
            for export in exports {
                let export =
                    export.map_err(|error| ComponentizeError::Invalid(error.to_string()))?;
                if export.name == "_start" && export.kind == wasmparser::ExternalKind::Func {
                    return Ok(Adapter::Command);
                }
            }
        }
    }
    Ok(Adapter::Reactor)
}

/// Wraps the core `module` in a component with the preview1 `adapter`, and
/// validates the result.
pub fn componentize(module: &[u8], adapter: Adapter) -> Result<Vec<u8>, ComponentizeError> {
    let name = adapter.name();
    let adapter_bytes = match adapter {
        Adapter::Command => WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
        Adapter::Reactor => WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
    };
    wit_component::ComponentEncoder::default()
        .module(module)
        .map_err(|error| encode_error(name, error))?
        .adapter(WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, adapter_bytes)
        .map_err(|error| encode_error(name, error))?
        .validate(true)
        .encode()
        .map_err(|error| encode_error(name, error))
}

/// Wraps a wit-component error; the alternate format of its `anyhow` error
/// type prints the whole chain of causes on one line.
fn encode_error(adapter: &'static str, error: impl std::fmt::Display) -> ComponentizeError {
    ComponentizeError::Encode {
        adapter,
        message: format!("{error:#}"),
    }
}
