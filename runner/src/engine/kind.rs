//! Tells the two kinds of hook apart by what a component exports: a
//! `trigger` hook exports `on-event`, a command hook exports `wasi:cli/run`.

use wasmtime::Engine;
use wasmtime::component::Component;

/// The export of a `trigger` hook.
pub const ON_EVENT_EXPORT: &str = "on-event";
/// The interface a WASI command exports, without its `@version`.
pub const RUN_INTERFACE: &str = "wasi:cli/run";

/// The kind of a hook, which decides the entry point hook-runner calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HookKind {
    /// A component of the `trigger` world: hook-runner calls `on-event` with
    /// the typed ticket info and gets an outcome back.
    Trigger,
    /// A WASI command program, as a component or a preview1 core module:
    /// `SCW_EVENT` in its environment, the `<ticket_info>` XML on standard
    /// input, its result on standard output.
    Command,
}

impl HookKind {
    /// Returns the kind's name as reports print it.
    pub fn name(self) -> &'static str {
        match self {
            HookKind::Trigger => "trigger",
            HookKind::Command => "command",
        }
    }
}

/// The message for a component that is neither kind: what each kind needs.
pub const NEITHER_KIND: &str = "it exports neither `on-event` nor `wasi:cli/run`. \
     A trigger hook exports `on-event` from the `trigger` world of the hook-runner:api WIT package \
     (build it with a hook-runner SDK); a command hook is a WASI program with a main function \
     (a `wasm32-wasip2` or `wasm32-wasip1` binary)";

/// Returns the kind of `component`, or [`NEITHER_KIND`] when it exports
/// neither `on-event` nor `wasi:cli/run`. A component that exports both is
/// a trigger hook, because `on-event` is the richer contract.
pub fn hook_kind(engine: &Engine, component: &Component) -> Result<HookKind, &'static str> {
    let component_type = component.component_type();
    let mut exports_run = false;
    for (name, _) in component_type.exports(engine) {
        if name == ON_EVENT_EXPORT {
            return Ok(HookKind::Trigger);
        }
        let unversioned = name
            .split_once('@')
            .map_or(name, |(interface, _)| interface);
        exports_run |= unversioned == RUN_INTERFACE;
    }
    if exports_run {
        Ok(HookKind::Command)
    } else {
        Err(NEITHER_KIND)
    }
}
