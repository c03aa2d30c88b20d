//! Rust types and linker glue generated from the WIT package in `wit/`.
//!
//! The generated records (`Ticket`, `TicketInfo`, `Outcome`, ...) are also the
//! host's own ticket model: the parsers build them directly, so there is one
//! definition of a ticket and no copy step before a hook call.
//!
//! The `condition` and `assignment` worlds reuse the interfaces generated for
//! the `trigger` world, so all three share one `Ticket` type and one set of
//! host functions.

#[allow(
    missing_docs,
    reason = "generated code; the WIT files document the types and functions"
)]
mod generated {
    wasmtime::component::bindgen!({
        world: "trigger",
        path: "../wit",
        imports: { default: async },
        exports: { default: async },
        additional_derives: [PartialEq, serde::Serialize, serde::Deserialize],
    });
}

/// Bindings of the `condition` world: a scripted condition's `evaluate`.
#[allow(
    missing_docs,
    reason = "generated code; the WIT files document the types and functions"
)]
pub mod condition {
    wasmtime::component::bindgen!({
        world: "condition",
        path: "../wit",
        imports: { default: async },
        exports: { default: async },
        with: { "hook-runner:api": crate::bindings::generated::hook_runner::api },
    });
}

/// Bindings of the `assignment` world: a dynamic-assignment script's
/// `assign`.
#[allow(
    missing_docs,
    reason = "generated code; the WIT files document the types and functions"
)]
pub mod assignment {
    wasmtime::component::bindgen!({
        world: "assignment",
        path: "../wit",
        imports: { default: async },
        exports: { default: async },
        with: { "hook-runner:api": crate::bindings::generated::hook_runner::api },
    });
}

pub use assignment::AssignmentPre;
pub use condition::ConditionPre;
pub use generated::hook_runner::api::types::{
    AccessRequest, Approval, ApprovalState, AssignmentMode, Comment, DropDown, Field, FieldInput,
    FieldUpdate, FieldValue, MultipleSelection, NamedRef, NetworkObject, Service, Stage, Step,
    Task, TaskAssignment, TaskRef, Ticket, UserRef,
};
pub use generated::*;
