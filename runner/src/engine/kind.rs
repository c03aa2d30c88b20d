//! Tells the kinds of hook apart by what a component exports: a `trigger`
//! hook exports `on-event`, a scripted condition `evaluate`, a
//! dynamic-assignment hook `assign`, and a command hook `wasi:cli/run`.

use wasmtime::Engine;
use wasmtime::component::Component;

/// The export of a `trigger` hook.
pub const ON_EVENT_EXPORT: &str = "on-event";
/// The export of a `condition` hook.
pub const EVALUATE_EXPORT: &str = "evaluate";
/// The export of an `assignment` hook.
pub const ASSIGN_EXPORT: &str = "assign";
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
    /// A component of the `condition` world: `hook-runner condition` calls
    /// `evaluate` with the whole ticket and prints the condition result.
    Condition,
    /// A component of the `assignment` world: `hook-runner assign` calls
    /// `assign` with the whole ticket and prints the tasks.
    Assignment,
}

impl HookKind {
    /// Returns the kind's name as reports print it.
    pub fn name(self) -> &'static str {
        match self {
            HookKind::Trigger => "trigger",
            HookKind::Command => "command",
            HookKind::Condition => "condition",
            HookKind::Assignment => "assignment",
        }
    }

    /// Returns the name of the export that hook-runner calls.
    pub fn export_name(self) -> &'static str {
        match self {
            HookKind::Trigger => ON_EVENT_EXPORT,
            HookKind::Command => RUN_INTERFACE,
            HookKind::Condition => EVALUATE_EXPORT,
            HookKind::Assignment => ASSIGN_EXPORT,
        }
    }

    /// Returns whether hooks of this kind run on SecureChange events, through
    /// `hook-runner run`.
    pub fn runs_on_events(self) -> bool {
        matches!(self, HookKind::Trigger | HookKind::Command)
    }
}

/// The message for a component that is no kind of hook: what each kind
/// needs.
pub const NO_KIND: &str = "it exports none of `on-event`, `evaluate`, `assign` and \
     `wasi:cli/run`. A trigger hook exports `on-event`, a scripted condition `evaluate` and a \
     dynamic-assignment hook `assign`, from the worlds of the same names in the hook-runner:api \
     WIT package (build them with a hook-runner SDK); a command hook is a WASI program with a \
     main function (a `wasm32-wasip2` or `wasm32-wasip1` binary)";

/// Returns the kind of `component`, or [`NO_KIND`] when it exports none of
/// the entry points. The typed exports win over `wasi:cli/run`, because
/// their contracts are richer; a component that exports more than one of
/// them is taken as the first of `on-event`, `evaluate`, `assign`.
pub fn hook_kind(engine: &Engine, component: &Component) -> Result<HookKind, &'static str> {
    let component_type = component.component_type();
    let mut found = Vec::new();
    for (name, _) in component_type.exports(engine) {
        let unversioned = name
            .split_once('@')
            .map_or(name, |(interface, _)| interface);
        let kind = match unversioned {
            ON_EVENT_EXPORT => HookKind::Trigger,
            EVALUATE_EXPORT => HookKind::Condition,
            ASSIGN_EXPORT => HookKind::Assignment,
            RUN_INTERFACE => HookKind::Command,
            _ => continue,
        };
        found.push(kind);
    }
    [
        HookKind::Trigger,
        HookKind::Condition,
        HookKind::Assignment,
        HookKind::Command,
    ]
    .into_iter()
    .find(|kind| found.contains(kind))
    .ok_or(NO_KIND)
}
