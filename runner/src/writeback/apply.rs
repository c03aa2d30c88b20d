//! Sends a write plan to the API: one request per task for its fields, then
//! the comments.

use crate::api::{ApiClient, ApiError};

use super::body::{comment_body, fields_body};
use super::plan::WritePlan;

/// A write the API did not accept.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A field write failed.
    #[error("failed to write {} on task {task} of step `{step}` of ticket {ticket}{}", fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "), written_note(*written))]
    Fields {
        /// Ticket id.
        ticket: u64,
        /// Step name.
        step: String,
        /// Task id.
        task: u64,
        /// The fields of the failed request.
        fields: Vec<String>,
        /// Requests that succeeded before this one.
        written: usize,
        /// The API's error.
        #[source]
        source: ApiError,
    },
    /// A comment could not be added; the fields were written.
    #[error(
        "wrote the fields, but failed to add comment {index} to task {task} of ticket {ticket}"
    )]
    Comment {
        /// Ticket id.
        ticket: u64,
        /// Task id.
        task: u64,
        /// One-based position in the outcome's comments.
        index: usize,
        /// The API's error.
        #[source]
        source: ApiError,
    },
}

fn written_note(written: usize) -> String {
    if written == 0 {
        String::new()
    } else {
        format!(" ({written} earlier task write(s) of this outcome were applied)")
    }
}

impl ApplyError {
    /// Returns the API's error.
    pub fn api_error(&self) -> &ApiError {
        match self {
            ApplyError::Fields { source, .. } | ApplyError::Comment { source, .. } => source,
        }
    }
}

/// The counts of what a successful apply wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Fields written.
    pub fields: usize,
    /// Comments added.
    pub comments: usize,
}

/// Sends `plan`. Each task's fields go in one request, which the server
/// applies all or nothing.
pub async fn apply(client: &ApiClient, plan: &WritePlan) -> Result<Applied, ApplyError> {
    let mut applied = Applied::default();
    for (written, task) in plan.tasks.iter().enumerate() {
        let body = fields_body(&task.fields);
        client
            .put_fields(plan.ticket_id, plan.step_id, task.task_id, body)
            .await
            .map_err(|source| ApplyError::Fields {
                ticket: plan.ticket_id,
                step: plan.step_name.clone(),
                task: task.task_id,
                fields: task.fields.iter().map(|field| field.name.clone()).collect(),
                written,
                source,
            })?;
        for field in &task.fields {
            tracing::info!(
                ticket = plan.ticket_id,
                task = task.task_id,
                field = %field.name,
                "wrote field"
            );
        }
        applied.fields += task.fields.len();
    }

    for (index, comment) in plan.comments.iter().enumerate() {
        client
            .post_comment(
                plan.ticket_id,
                plan.step_id,
                comment.task_id,
                comment_body(&comment.content),
            )
            .await
            .map_err(|source| ApplyError::Comment {
                ticket: plan.ticket_id,
                task: comment.task_id,
                index: index + 1,
                source,
            })?;
        tracing::info!(
            ticket = plan.ticket_id,
            task = comment.task_id,
            "added comment"
        );
        applied.comments += 1;
    }
    Ok(applied)
}
