//! Rust types and linker glue generated from the WIT package in `wit/`.
//!
//! The generated records (`Ticket`, `TicketInfo`, `Outcome`, ...) are also the
//! host's own ticket model: the parsers build them directly, so there is one
//! definition of a ticket and no copy step before a hook call.

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

pub use generated::hook_runner::api::types::{
    AccessRequest, Approval, ApprovalState, Comment, DropDown, Field, FieldInput, FieldUpdate,
    FieldValue, MultipleSelection, NamedRef, NetworkObject, Service, Stage, Step, Task, TaskRef,
    Ticket, UserRef,
};
pub use generated::*;
