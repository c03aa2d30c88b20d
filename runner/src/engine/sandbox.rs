//! Loads a hook component and runs its `on-event` export in a fresh store
//! with its limits, capturing its output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wasmtime::{Store, StoreLimitsBuilder, UpdateDeadline};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};

use super::cache::CacheOutcome;
use super::compile::Compiled;
use super::host::{HostState, TicketAccess, escape_control};
use super::limits::Limits;
use super::{EPOCH_TICK, HookEngine};
use crate::bindings::{Event, HookError, Outcome, TicketInfo, TriggerPre};
use crate::egress::{Egress, RequestRecord};

/// A compiled component, linked and ready to instantiate.
pub struct LoadedHook {
    pre: TriggerPre<HostState>,
    /// The component file.
    pub path: PathBuf,
    /// `sha256:` and the hex SHA-256 of the component file.
    pub digest: String,
    /// Whether the machine code came from the compile cache.
    pub compiled: CacheOutcome,
}

impl std::fmt::Debug for LoadedHook {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LoadedHook")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A component that cannot be used as a hook.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read.
    #[error("failed to read component `{}`: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// Not a valid WebAssembly component.
    #[error("`{}` is not a valid WebAssembly component: {message}", path.display())]
    Compile {
        /// The file.
        path: PathBuf,
        /// The compiler's message.
        message: String,
    },
    /// The component does not fit the `trigger` world.
    #[error("component `{}` does not fit the hook-runner `trigger` world: {message}", path.display())]
    World {
        /// The file.
        path: PathBuf,
        /// The missing or mismatched import or export.
        message: String,
    },
}

/// The reason a hook run produced no outcome.
#[derive(Debug, thiserror::Error)]
pub enum HookFailure {
    /// The hook returned its `hook-error`.
    #[error("the hook returned an error{}: {}", if .0.retryable { " (retryable)" } else { "" }, .0.message)]
    Returned(HookError),
    /// The hook ran past its wall-clock limit.
    #[error("the hook did not finish within its time limit of {0:?} and was stopped")]
    Timeout(Duration),
    /// The hook used up its fuel.
    #[error("the hook used up its fuel limit of {0} units")]
    Fuel(u64),
    /// The hook tried to grow its memory past the limit.
    #[error("the hook exceeded its memory limit of {} MiB", .0 >> 20)]
    Memory(usize),
    /// The hook trapped or could not be instantiated.
    #[error("the hook trapped: {0}")]
    Trap(String),
}

/// The resources of one hook run: its name, settings, ticket access, limits
/// and outgoing HTTP.
#[derive(Debug)]
pub struct RunContext {
    /// The hook's name, for logs.
    pub name: String,
    /// Values for the `config` import.
    pub settings: BTreeMap<String, String>,
    /// The ticket the hook may read.
    pub tickets: TicketAccess,
    /// Resource limits.
    pub limits: Limits,
    /// The hook's `wasi:http` checks and sender.
    pub egress: Egress,
    /// The values of the policy's secrets, which the audit log must redact.
    pub secrets: Vec<String>,
    /// The policy's `max_http_requests`, for the audit log.
    pub max_http_requests: u64,
}

/// The result of one hook run, with what it printed.
#[derive(Debug)]
pub struct HookRun {
    /// The outcome, or why there is none.
    pub result: Result<Outcome, HookFailure>,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// SecureChange API failures the hook saw in its ticket reads; a hook
    /// that fails after one most likely failed because of it.
    pub api_errors: Vec<String>,
    /// The hook's HTTP requests, allowed and denied.
    pub requests: Vec<RequestRecord>,
    /// Fuel the hook used, when its policy sets a fuel limit.
    pub fuel_used: Option<u64>,
    /// Whether log messages were dropped over the log budget.
    pub log_limit_hit: bool,
    /// Whether standard output or error reached its capture limit.
    pub output_limit_hit: bool,
}

impl HookEngine {
    /// Compiles `path`, or maps it from the compile cache, and checks it
    /// against the `trigger` world.
    pub fn load(&self, path: &Path) -> Result<LoadedHook, LoadError> {
        let Compiled {
            component,
            digest,
            outcome,
        } = self.compile(path)?;
        let world_error = |error: wasmtime::Error| LoadError::World {
            path: path.to_path_buf(),
            message: error_chain(&error),
        };
        let instance_pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(world_error)?;
        let pre = TriggerPre::new(instance_pre).map_err(world_error)?;
        Ok(LoadedHook {
            pre,
            path: path.to_path_buf(),
            digest,
            compiled: outcome,
        })
    }

    /// Runs `hook` for one event in a new store set up from `context`.
    pub async fn run(
        &self,
        hook: &LoadedHook,
        context: RunContext,
        (event, info): (Event, &TicketInfo),
    ) -> HookRun {
        let name = context.name.clone();
        let name = name.as_str();
        let limits = context.limits;
        let limits = &limits;
        let started = Instant::now();
        let stdout = MemoryOutputPipe::new(limits.output_bytes);
        let stderr = MemoryOutputPipe::new(limits.output_bytes);
        let wasi = WasiCtxBuilder::new()
            .stdin(MemoryInputPipe::new(Vec::<u8>::new()))
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let store_limits = StoreLimitsBuilder::new()
            .memory_size(limits.memory_bytes)
            .instances(limits.instances)
            .tables(limits.instances)
            .memories(limits.instances)
            .trap_on_grow_failure(true)
            .build();
        let deadline = started + limits.wall_time;
        let state = HostState::new(wasi, store_limits, deadline, context);

        let mut store = Store::new(&self.engine, state);
        let fuel = limits.fuel.unwrap_or(u64::MAX);
        if let Err(error) = store.set_fuel(fuel) {
            tracing::error!(error = %error_chain(&error), "failed to set the hook's fuel");
        }
        store.limiter(|state| &mut state.limits);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|context| {
            if Instant::now() >= context.data().deadline {
                Ok(UpdateDeadline::Interrupt)
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });

        let call = async {
            let instance = hook.pre.instantiate_async(&mut store).await?;
            instance.call_on_event(&mut store, event, info).await
        };
        // The epoch callback stops guest code; the timeout also stops a hook
        // that waits inside a host call, one tick later at the most.
        let timed = tokio::time::timeout(limits.wall_time + EPOCH_TICK, call).await;
        let result = match timed {
            Err(_) => Err(HookFailure::Timeout(limits.wall_time)),
            Ok(Ok(Ok(outcome))) => Ok(outcome),
            Ok(Ok(Err(hook_error))) => Err(HookFailure::Returned(hook_error)),
            Ok(Err(error)) => Err(classify_trap(&error, limits, &stderr.contents())),
        };

        let fuel_used = limits
            .fuel
            .and_then(|limit| store.get_fuel().ok().map(|left| limit.saturating_sub(left)));
        let api_errors = store.data_mut().take_api_errors();
        let requests = store.data().requests();
        let dropped = store.data().log_lines_dropped();
        if dropped > 0 {
            tracing::warn!(
                hook = name,
                dropped,
                "log messages over the hook's budget were dropped"
            );
        }
        drop(store);
        let stdout_full = log_output(name, "stdout", &stdout.contents(), limits.output_bytes);
        let stderr_full = log_output(name, "stderr", &stderr.contents(), limits.output_bytes);
        HookRun {
            result,
            elapsed: started.elapsed(),
            api_errors,
            requests,
            fuel_used,
            log_limit_hit: dropped > 0,
            output_limit_hit: stdout_full || stderr_full,
        }
    }
}

fn classify_trap(error: &wasmtime::Error, limits: &Limits, stderr: &[u8]) -> HookFailure {
    match error.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => return HookFailure::Timeout(limits.wall_time),
        Some(wasmtime::Trap::OutOfFuel) => {
            return HookFailure::Fuel(limits.fuel.unwrap_or(u64::MAX));
        }
        _ => {}
    }
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return HookFailure::Trap(format!(
            "the hook called exit({}) instead of returning from on-event",
            exit.0
        ));
    }
    let message = error_chain(error);
    if message.contains("forcing trap when growing memory") {
        return HookFailure::Memory(limits.memory_bytes);
    }
    // A Rust panic or a C assertion prints its reason on stderr just before
    // the trap, so the last line there is the most useful detail.
    let last_line = String::from_utf8_lossy(stderr)
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .map(|line| escape_control(line).into_owned());
    match last_line {
        Some(line) => HookFailure::Trap(format!("{message} (last stderr line: {line})")),
        None => HookFailure::Trap(message),
    }
}

/// Joins an error and its causes on one line. Only the first line of each is
/// kept, which drops wasm backtraces and byte dumps.
pub(crate) fn error_chain(error: &wasmtime::Error) -> String {
    error
        .chain()
        .map(|cause| {
            cause
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// Logs captured output line by line and returns whether it reached its
/// capture limit.
fn log_output(hook: &str, stream: &str, bytes: &[u8], capacity: usize) -> bool {
    if bytes.is_empty() {
        return false;
    }
    let text = String::from_utf8_lossy(bytes);
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let line = escape_control(line);
        tracing::info!(target: "hook", hook, stream, "{line}");
    }
    if bytes.len() >= capacity {
        tracing::warn!(
            hook,
            stream,
            "the hook's {stream} reached its limit of {} KiB; later output was discarded",
            capacity >> 10
        );
        return true;
    }
    false
}
