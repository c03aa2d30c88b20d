//! Turns a hook's outcome into SecureChange API writes: resolve each field by
//! name on the current step, check it can take the value, then write.
//!
//! Every update of an outcome is checked before the first request, so an
//! outcome that names a missing, read-only or mistyped field writes nothing.

mod apply;
mod body;
mod grants;
mod plan;

pub use apply::{Applied, ApplyError, post_comment, put_task};
pub use grants::check_grants;
pub use plan::{
    CommentWrite, FieldProblem, FieldWrite, PlanError, TaskWrite, WritePlan, outcome_bytes, plan,
    value_bytes,
};
