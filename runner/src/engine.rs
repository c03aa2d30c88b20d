//! The wasmtime engine: compiling components, the sandbox each hook runs in,
//! and the limits that stop a runaway hook.

mod cache;
mod command;
mod compile;
mod host;
mod kind;
mod limits;
mod memory;
mod sandbox;

pub use cache::{CacheEntries, CacheOutcome, CompileCache, list_entries};
pub use compile::Compiled;
pub use host::{HostState, LogLine, ReadGrant, TicketAccess};
pub use kind::{ASSIGN_EXPORT, EVALUATE_EXPORT, HookKind};
pub use limits::Limits;
pub use sandbox::{HookFailure, HookInput, HookRun, LoadError, LoadedHook, RunContext};

use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine};

use crate::bindings::Trigger;

/// How often the epoch ticker advances, which bounds how late a time limit
/// fires and how often a running guest yields to the host.
pub const EPOCH_TICK: std::time::Duration = std::time::Duration::from_millis(10);

/// A compiled-code engine and the host functions every hook can import.
pub struct HookEngine {
    engine: Engine,
    linker: Linker<HostState>,
    cache: Option<CompileCache>,
}

impl std::fmt::Debug for HookEngine {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("HookEngine").finish_non_exhaustive()
    }
}

/// The engine could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("failed to set up the WebAssembly engine: {0}")]
pub struct EngineError(String);

impl HookEngine {
    /// Creates the engine and starts its epoch ticker thread, which stops
    /// when the engine is dropped. Components are compiled through `cache`
    /// when there is one.
    pub fn new(cache: Option<CompileCache>) -> Result<HookEngine, EngineError> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        // Every store gets fuel: the policy's amount, or so much that only
        // the wall-clock limit can stop the hook.
        config.consume_fuel(true);
        let engine = Engine::new(&config).map_err(|error| EngineError(format!("{error:#}")))?;

        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|error| EngineError(format!("{error:#}")))?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
            .map_err(|error| EngineError(format!("{error:#}")))?;
        Trigger::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |state| state)
            .map_err(|error| EngineError(format!("{error:#}")))?;

        start_epoch_ticker(&engine);
        Ok(HookEngine {
            engine,
            linker,
            cache,
        })
    }

    /// Returns the wasmtime engine, for reading component types.
    pub fn wasmtime(&self) -> &Engine {
        &self.engine
    }

    /// Returns the compile cache, when there is one.
    pub fn cache(&self) -> Option<&CompileCache> {
        self.cache.as_ref()
    }

    /// Returns the cache entry file for a component with `digest`, when
    /// there is a cache.
    pub fn cache_entry(&self, digest: &str) -> Option<std::path::PathBuf> {
        self.cache
            .as_ref()
            .map(|cache| cache.entry_path(&self.engine, digest))
    }
}

fn start_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    let spawned = std::thread::Builder::new()
        .name("epoch-ticker".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        });
    if let Err(error) = spawned {
        // Without the ticker no epoch deadline fires, so only the async
        // timeout stops a hook; log it, because time limits become coarse.
        tracing::error!(%error, "failed to start the epoch ticker thread; hooks will time out immediately");
    }
}
