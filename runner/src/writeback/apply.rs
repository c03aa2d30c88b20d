//! Sends the parts of a write plan to the API: one request per task for its
//! fields, one per comment. The outbox decides which parts to send.

use crate::api::{ApiClient, ApiError};

use super::body::{comment_body, fields_body};
use super::plan::{CommentWrite, TaskWrite, WritePlan};

/// A write the API did not accept.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A field write failed.
    #[error("failed to write {} on task {task} of step `{step}` of ticket {ticket}", fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "))]
    Fields {
        /// Ticket id.
        ticket: u64,
        /// Step name.
        step: String,
        /// Task id.
        task: u64,
        /// The fields of the failed request.
        fields: Vec<String>,
        /// The API's error.
        #[source]
        source: ApiError,
    },
    /// A comment could not be added.
    #[error("failed to add comment {index} to task {task} of ticket {ticket}")]
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

impl ApplyError {
    /// Returns the API's error.
    pub fn api_error(&self) -> &ApiError {
        match self {
            ApplyError::Fields { source, .. } | ApplyError::Comment { source, .. } => source,
        }
    }

    /// Returns the API's error, consuming this one.
    pub fn into_api_error(self) -> ApiError {
        match self {
            ApplyError::Fields { source, .. } | ApplyError::Comment { source, .. } => source,
        }
    }
}

/// The counts of what a delivery wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Fields written.
    pub fields: usize,
    /// Comments added.
    pub comments: usize,
}

/// Writes one task's fields of `plan` with one request, which the server
/// applies all or nothing.
pub async fn put_task(
    client: &ApiClient,
    plan: &WritePlan,
    task: &TaskWrite,
) -> Result<(), ApplyError> {
    let body = fields_body(&task.fields);
    client
        .put_fields(plan.ticket_id, plan.step_id, task.task_id, body)
        .await
        .map_err(|source| ApplyError::Fields {
            ticket: plan.ticket_id,
            step: plan.step_name.clone(),
            task: task.task_id,
            fields: task.fields.iter().map(|field| field.name.clone()).collect(),
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
    Ok(())
}

/// Adds comment number `index` (from zero) of `plan`.
pub async fn post_comment(
    client: &ApiClient,
    plan: &WritePlan,
    comment: &CommentWrite,
    index: usize,
) -> Result<(), ApplyError> {
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
    Ok(())
}
