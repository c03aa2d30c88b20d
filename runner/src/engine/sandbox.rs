//! Loads a hook component and runs it in a fresh store with its limits,
//! capturing its output: a trigger hook through its `on-event` export, a
//! scripted condition through `evaluate`, a dynamic-assignment hook through
//! `assign`, and a command hook through `wasi:cli/run`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wasmtime::{Store, StoreLimitsBuilder, UpdateDeadline};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};

use wasmtime_wasi::p2::bindings::CommandPre;

use super::cache::CacheOutcome;
use super::command;
use super::compile::Compiled;
use super::host::{HostState, LogLine, TicketAccess};
use super::kind::{HookKind, hook_kind};
use super::limits::Limits;
use super::memory::MemoryLimiter;
use super::{EPOCH_TICK, HookEngine};
use crate::bindings::{
    AssignmentPre, ConditionPre, Event, HookError, Outcome, TaskAssignment, Ticket, TicketInfo,
    TriggerPre,
};
use crate::command_output::CommandOutput;
use crate::componentize::{self, Adapter, ComponentizeError};
use crate::egress::{Egress, RequestRecord};
use crate::untrusted_text::escape_control;

/// A compiled component, linked and ready to instantiate.
pub struct LoadedHook {
    pre: HookPre,
    /// The hook's kind, which decides the entry point hook-runner calls.
    pub kind: HookKind,
    /// The adapter a core module was wrapped with, or `None` for a file
    /// that already was a component.
    pub adapter: Option<Adapter>,
    /// The component file.
    pub path: PathBuf,
    /// `sha256:` and the hex SHA-256 of the component file.
    pub digest: String,
    /// Whether the machine code came from the compile cache.
    pub compiled: CacheOutcome,
}

/// The pre-instantiated component, by hook kind.
enum HookPre {
    Trigger(TriggerPre<HostState>),
    Command(CommandPre<HostState>),
    Condition(ConditionPre<HostState>),
    Assignment(AssignmentPre<HostState>),
}

/// The return value of the guest's entry point.
enum Returned {
    Trigger(Result<Outcome, HookError>),
    Command(Result<(), ()>),
    Condition(Result<bool, HookError>),
    Assignment(Result<Vec<TaskAssignment>, HookError>),
}

/// What a hook is called with.
#[derive(Debug, Clone, Copy)]
pub enum HookInput<'a> {
    /// A SecureChange event and its `<ticket_info>`, for trigger and command
    /// hooks.
    Event(Event, &'a TicketInfo),
    /// The whole ticket, which the host read through the API, for scripted
    /// conditions and dynamic-assignment hooks.
    Ticket(&'a Ticket),
}

impl std::fmt::Debug for LoadedHook {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LoadedHook")
            .field("path", &self.path)
            .field("kind", &self.kind)
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
    /// A core module that the preview1 adapters cannot wrap.
    #[error("failed to make core module `{}` into a component: {error}", path.display())]
    Adapt {
        /// The file.
        path: PathBuf,
        /// The adapter's error.
        error: ComponentizeError,
    },
    /// The component is neither a trigger nor a command hook, or its
    /// imports cannot be linked.
    #[error("component `{}` does not fit a hook-runner hook: {message}", path.display())]
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
    /// A command hook exited with a non-zero status.
    #[error("the hook exited with status {status}{}", stderr_line.as_ref().map(|line| format!(" (last stderr line: {line})")).unwrap_or_default())]
    Exit {
        /// The exit status.
        status: i32,
        /// The last line the hook wrote to standard error, escaped.
        stderr_line: Option<String>,
    },
    /// A command hook's standard output is not a valid result.
    #[error("{0}")]
    InvalidOutput(String),
    /// The caller passed an input that the hook's kind does not take, such
    /// as an event for a scripted condition.
    #[error("a {} hook cannot be called {}", .0.name(), .1)]
    WrongInput(HookKind, &'static str),
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
    /// Fuel the hook used. Every store meters fuel, so this is known with
    /// or without a fuel limit in the policy.
    pub fuel_used: Option<u64>,
    /// Whether log messages were dropped over the log budget.
    pub log_limit_hit: bool,
    /// Whether standard output or error reached its capture limit.
    pub output_limit_hit: bool,
    /// The condition result that a condition hook returned or a command
    /// hook printed, if there is one.
    pub condition: Option<bool>,
    /// The largest linear memory of the run in bytes, the value that the
    /// memory limit applies to.
    pub peak_memory_bytes: usize,
    /// The lines the hook logged within its log budget, then the lines it
    /// printed to standard output (all but command hooks, whose standard
    /// output is their result) and standard error.
    pub log_lines: Vec<LogLine>,
    /// Bytes of the log budget used, each line charged with its overhead.
    pub log_bytes: usize,
    /// Bytes the hook wrote to standard output, up to the capture limit.
    pub stdout_bytes: usize,
    /// Bytes the hook wrote to standard error, up to the capture limit.
    pub stderr_bytes: usize,
    /// The tasks that an assignment hook returned.
    pub tasks: Option<Vec<TaskAssignment>>,
}

impl HookEngine {
    /// Compiles `path`, a component or a WASI preview1 core module, or maps
    /// it from the compile cache, then finds its hook kind and links its
    /// imports.
    pub fn load(&self, path: &Path) -> Result<LoadedHook, LoadError> {
        let Compiled {
            component,
            digest,
            outcome,
            adapter,
        } = self.compile(path)?;
        let world_error = |error: wasmtime::Error| LoadError::World {
            path: path.to_path_buf(),
            message: error_chain(&error),
        };
        let kind = hook_kind(&self.engine, &component).map_err(|message| LoadError::World {
            path: path.to_path_buf(),
            message: message.to_string(),
        })?;
        let instance_pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(world_error)?;
        let pre = match kind {
            HookKind::Trigger => {
                HookPre::Trigger(TriggerPre::new(instance_pre).map_err(world_error)?)
            }
            HookKind::Command => {
                HookPre::Command(CommandPre::new(instance_pre).map_err(world_error)?)
            }
            HookKind::Condition => {
                HookPre::Condition(ConditionPre::new(instance_pre).map_err(world_error)?)
            }
            HookKind::Assignment => {
                HookPre::Assignment(AssignmentPre::new(instance_pre).map_err(world_error)?)
            }
        };
        Ok(LoadedHook {
            pre,
            kind,
            adapter,
            path: path.to_path_buf(),
            digest,
            compiled: outcome,
        })
    }

    /// Runs `hook` on `input` in a new store set up from `context`.
    pub async fn run(
        &self,
        hook: &LoadedHook,
        context: RunContext,
        input: HookInput<'_>,
    ) -> HookRun {
        let name = context.name.clone();
        let name = name.as_str();
        let limits = context.limits;
        let limits = &limits;
        let started = Instant::now();
        let stdout = MemoryOutputPipe::new(limits.output_bytes);
        let stderr = MemoryOutputPipe::new(limits.output_bytes);
        let mut builder = WasiCtxBuilder::new();
        let stdin = match (hook.kind, input) {
            (HookKind::Command, HookInput::Event(event, info)) => {
                command::set_classic_contract(&mut builder, name, event, info)
            }
            _ => Vec::new(),
        };
        let wasi = builder
            .stdin(MemoryInputPipe::new(stdin))
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
        let state = HostState::new(wasi, MemoryLimiter::new(store_limits), deadline, context);

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

        if let Some(failure) = wrong_input(hook.kind, input) {
            return HookRun::failed(failure, started.elapsed());
        }
        let call = async {
            match (&hook.pre, input) {
                (HookPre::Trigger(pre), HookInput::Event(event, info)) => {
                    let instance = pre.instantiate_async(&mut store).await?;
                    let returned = instance.call_on_event(&mut store, event, info).await?;
                    Ok::<_, wasmtime::Error>(Returned::Trigger(returned))
                }
                (HookPre::Command(pre), _) => {
                    let command = pre.instantiate_async(&mut store).await?;
                    let returned = command.wasi_cli_run().call_run(&mut store).await?;
                    Ok(Returned::Command(returned))
                }
                (HookPre::Condition(pre), HookInput::Ticket(ticket)) => {
                    let instance = pre.instantiate_async(&mut store).await?;
                    let returned = instance.call_evaluate(&mut store, ticket).await?;
                    Ok(Returned::Condition(returned))
                }
                (HookPre::Assignment(pre), HookInput::Ticket(ticket)) => {
                    let instance = pre.instantiate_async(&mut store).await?;
                    let returned = instance.call_assign(&mut store, ticket).await?;
                    Ok(Returned::Assignment(returned))
                }
                // `wrong_input` returned early for every other pair.
                _ => Err(wasmtime::format_err!(
                    "the hook's kind does not take this input"
                )),
            }
        };
        // The epoch callback stops guest code; the timeout also stops a hook
        // that waits inside a host call, one tick later at the most.
        let timed = tokio::time::timeout(limits.wall_time + EPOCH_TICK, call).await;
        let command_exit = |status: i32| {
            let stderr_line = last_stderr_line(&stderr.contents());
            command::finish(status, &stdout.contents(), limits.output_bytes, stderr_line)
        };
        let mut tasks = None;
        let (result, condition) = match timed {
            Err(_) => (Err(HookFailure::Timeout(limits.wall_time)), None),
            Ok(Ok(Returned::Trigger(Ok(outcome)))) => (Ok(outcome), None),
            Ok(Ok(
                Returned::Trigger(Err(hook_error))
                | Returned::Condition(Err(hook_error))
                | Returned::Assignment(Err(hook_error)),
            )) => (Err(HookFailure::Returned(readable_error(hook_error))), None),
            Ok(Ok(Returned::Condition(Ok(value)))) => (Ok(empty_outcome()), Some(value)),
            Ok(Ok(Returned::Assignment(Ok(returned)))) => {
                tasks = Some(returned);
                (Ok(empty_outcome()), None)
            }
            // `wasi:cli/run` returns an error for a `main` that returned 1.
            Ok(Ok(Returned::Command(returned))) => {
                command_result(command_exit(if returned.is_ok() { 0 } else { 1 }))
            }
            Ok(Err(error)) => match error.downcast_ref::<wasmtime_wasi::I32Exit>() {
                Some(exit) if hook.kind == HookKind::Command => {
                    command_result(command_exit(exit.0))
                }
                _ => (
                    Err(classify_trap(&error, hook.kind, limits, &stderr.contents())),
                    None,
                ),
            },
        };

        let fuel_used = store.get_fuel().ok().map(|left| fuel.saturating_sub(left));
        let api_errors = store.data_mut().take_api_errors();
        let requests = store.data().requests();
        let peak_memory_bytes = store.data().limits.peak_bytes();
        let mut log_lines = store.data_mut().take_log_lines();
        let log_bytes = store.data().log_bytes_used();
        let dropped = store.data().log_lines_dropped();
        if dropped > 0 {
            tracing::warn!(
                hook = name,
                dropped,
                "log messages over the hook's budget were dropped"
            );
        }
        drop(store);
        let (stdout, stderr) = (stdout.contents(), stderr.contents());
        // A command hook's standard output is its result, not log text.
        let stdout_full = match hook.kind {
            HookKind::Command => stdout.len() >= limits.output_bytes,
            HookKind::Trigger | HookKind::Condition | HookKind::Assignment => {
                log_output(name, "stdout", &stdout, limits.output_bytes, &mut log_lines)
            }
        };
        let stderr_full = log_output(name, "stderr", &stderr, limits.output_bytes, &mut log_lines);
        HookRun {
            result,
            elapsed: started.elapsed(),
            api_errors,
            requests,
            fuel_used,
            log_limit_hit: dropped > 0,
            output_limit_hit: stdout_full || stderr_full,
            condition,
            peak_memory_bytes,
            log_lines,
            log_bytes,
            stdout_bytes: stdout.len(),
            stderr_bytes: stderr.len(),
            tasks,
        }
    }
}

impl HookRun {
    /// Returns the record of a run that failed before the hook started.
    fn failed(failure: HookFailure, elapsed: Duration) -> HookRun {
        HookRun {
            result: Err(failure),
            elapsed,
            api_errors: Vec::new(),
            requests: Vec::new(),
            fuel_used: None,
            log_limit_hit: false,
            output_limit_hit: false,
            condition: None,
            peak_memory_bytes: 0,
            log_lines: Vec::new(),
            log_bytes: 0,
            stdout_bytes: 0,
            stderr_bytes: 0,
            tasks: None,
        }
    }
}

/// Characters of a hook's error message that hook-runner keeps; the rest
/// is cut, so that one error cannot flood standard error and the log.
const MAX_ERROR_MESSAGE_CHARS: usize = 2000;

/// Returns `error` with its message escaped and cut, because the hook
/// chose it and it is printed to the admin's terminal and the log file.
fn readable_error(error: HookError) -> HookError {
    HookError {
        message: crate::untrusted_text::shorten(&error.message, MAX_ERROR_MESSAGE_CHARS),
        ..error
    }
}

/// Returns the failure for an input that `kind` does not take: trigger and
/// command hooks run on events, condition and assignment hooks on tickets.
fn wrong_input(kind: HookKind, input: HookInput<'_>) -> Option<HookFailure> {
    match (kind.runs_on_events(), input) {
        (true, HookInput::Event(..)) | (false, HookInput::Ticket(_)) => None,
        (true, HookInput::Ticket(_)) => Some(HookFailure::WrongInput(
            kind,
            "with a ticket; it runs on events through `hook-runner run`",
        )),
        (false, HookInput::Event(..)) => Some(HookFailure::WrongInput(
            kind,
            "for an event; SecureChange runs it through `hook-runner condition` or `hook-runner assign`",
        )),
    }
}

fn empty_outcome() -> Outcome {
    Outcome {
        field_updates: Vec::new(),
        comments: Vec::new(),
    }
}

/// Returns `bytes`, read from `path`, as a component: a WASI preview1 core
/// module is wrapped with the adapter that fits it, and the adapter is
/// returned with it.
pub(crate) fn adapt_core_module(
    path: &Path,
    bytes: Vec<u8>,
) -> Result<(Vec<u8>, Option<Adapter>), LoadError> {
    if !componentize::is_core_module(&bytes) {
        return Ok((bytes, None));
    }
    let adapt_error = |error| LoadError::Adapt {
        path: path.to_path_buf(),
        error,
    };
    let adapter = componentize::detect_adapter(&bytes).map_err(adapt_error)?;
    let component = componentize::componentize(&bytes, adapter).map_err(adapt_error)?;
    Ok((component, Some(adapter)))
}

/// Splits a command hook's parsed output into the run's outcome and its
/// condition result; a condition changes no field.
fn command_result(
    output: Result<CommandOutput, HookFailure>,
) -> (Result<Outcome, HookFailure>, Option<bool>) {
    match output {
        Ok(CommandOutput::Outcome(outcome)) => (Ok(outcome), None),
        Ok(CommandOutput::Condition(value)) => (Ok(empty_outcome()), Some(value)),
        Err(failure) => (Err(failure), None),
    }
}

fn classify_trap(
    error: &wasmtime::Error,
    kind: HookKind,
    limits: &Limits,
    stderr: &[u8],
) -> HookFailure {
    match error.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => return HookFailure::Timeout(limits.wall_time),
        Some(wasmtime::Trap::OutOfFuel) => {
            return HookFailure::Fuel(limits.fuel.unwrap_or(u64::MAX));
        }
        _ => {}
    }
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return HookFailure::Trap(format!(
            "the hook called exit({}) instead of returning from {}",
            exit.0,
            kind.export_name()
        ));
    }
    let message = error_chain(error);
    if message.contains("forcing trap when growing memory") {
        return HookFailure::Memory(limits.memory_bytes);
    }
    match last_stderr_line(stderr) {
        Some(line) => HookFailure::Trap(format!("{message} (last stderr line: {line})")),
        None => HookFailure::Trap(message),
    }
}

/// Returns the last non-blank line of standard error, escaped. A Rust panic,
/// a C assertion or a program's own error message is printed there just
/// before the trap or exit, so it is the most useful detail.
fn last_stderr_line(stderr: &[u8]) -> Option<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .map(|line| escape_control(line).into_owned())
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

/// Logs captured output line by line, appends the lines to `lines`, and
/// returns whether the output reached its capture limit.
fn log_output(
    hook: &str,
    stream: &'static str,
    bytes: &[u8],
    capacity: usize,
    lines: &mut Vec<LogLine>,
) -> bool {
    if bytes.is_empty() {
        return false;
    }
    let text = String::from_utf8_lossy(bytes);
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let line = escape_control(line);
        tracing::info!(target: "hook", hook, stream, "{line}");
        lines.push(LogLine {
            level: stream,
            message: line.into_owned(),
        });
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
