//! Delivers one outbox entry: read the ticket, check the step, plan the
//! writes, send the parts the API has not confirmed yet, and record each
//! confirmation as it arrives.

use crate::api::{ApiClient, ApiError};
use crate::audit::{OutboxAction, WriteResult};
use crate::audit_trail::AuditTrail;
use crate::bindings::Ticket;
use crate::exit_code::Status;
use crate::writeback::{self, Applied, CommentWrite, TaskWrite, WritePlan};

use super::backoff;
use super::entry::{CommentProgress, Entry, State};
use super::store::{Claim, Outbox, OutboxError};

/// How a delivery attempt ended.
#[derive(Debug)]
pub enum Delivery {
    /// Every write was confirmed; the counts of this attempt's writes.
    Delivered(Applied),
    /// The ticket left the step that the event named, so nothing was
    /// written; the reason.
    Skipped(String),
    /// The attempt failed in a way a retry can fix; the entry stays pending.
    /// `status` is [`Status::Success`] when the failure is transient and
    /// [`Status::Api`] when only the admin can fix it (credentials).
    Queued {
        /// Exit status of the run for this outcome.
        status: Status,
        /// The failure.
        message: String,
        /// The entry after the attempt.
        entry: Entry,
    },
    /// The entry cannot be written; kept as failed for the admin.
    Failed {
        /// Exit status of the run for this outcome.
        status: Status,
        /// The failure.
        message: String,
    },
    /// Another process is delivering the entry.
    Busy(u32),
    /// The entry was already settled before this attempt.
    Settled(Entry),
}

/// How a failed API call is handled.
enum Retry {
    /// Transient: the server was unreachable, timed out, cut the response,
    /// failed with 5xx or asked to slow down.
    Later,
    /// The credentials or the API user's rights were rejected: kept
    /// pending, but the run fails so the admin sees it.
    AfterAdminFix,
    /// The request itself is wrong for the ticket (validation, read-only
    /// field, not the current step): a retry gets the same answer.
    Never,
}

fn classify(error: &ApiError) -> Retry {
    match error {
        ApiError::Transport { .. } | ApiError::Body { .. } => Retry::Later,
        ApiError::Status { status, .. } => match status {
            401 | 403 => Retry::AfterAdminFix,
            408 | 429 => Retry::Later,
            500.. => Retry::Later,
            _ => Retry::Never,
        },
        ApiError::Client(_) => Retry::AfterAdminFix,
    }
}

/// Claims entry `id` and delivers it.
pub async fn deliver(
    outbox: &Outbox,
    api: &ApiClient,
    audit: &AuditTrail,
    id: i64,
) -> Result<Delivery, OutboxError> {
    let mut entry = match outbox.claim(id)? {
        Claim::Claimed(entry) => entry,
        Claim::Busy(pid) => return Ok(Delivery::Busy(pid)),
        Claim::Settled(entry) => return Ok(Delivery::Settled(entry)),
    };
    let attempt = attempt(outbox, api, audit, &mut entry).await;
    let hook = entry.payload.hook.clone();
    let ticket = entry.payload.ticket;
    let delivery = match attempt {
        Ok(Attempt::Delivered(applied)) => {
            outbox.settle(id, State::Delivered, None, None)?;
            // A first attempt's writes have their own records; a retry says
            // which queued entry it settled.
            if entry.attempts > 0 {
                audit.outbox(OutboxAction::Delivered, &entry, None);
            }
            Delivery::Delivered(applied)
        }
        Ok(Attempt::Skipped(reason)) => {
            outbox.settle(id, State::Skipped, Some(&reason), None)?;
            audit.outbox(OutboxAction::Skipped, &entry, Some(&reason));
            Delivery::Skipped(reason)
        }
        Err(AttemptError::Plan(message)) => {
            let status = Status::HookFailed;
            outbox.settle(id, State::Failed, Some(&message), Some(status.code()))?;
            audit.outbox(OutboxAction::Failed, &entry, Some(&message));
            Delivery::Failed { status, message }
        }
        Err(AttemptError::Api(error, context)) => {
            let message = format!("{context}: {error}");
            match classify(&error) {
                Retry::Never => {
                    let status = Status::Api;
                    outbox.settle(id, State::Failed, Some(&message), Some(status.code()))?;
                    audit.outbox(OutboxAction::Failed, &entry, Some(&message));
                    Delivery::Failed { status, message }
                }
                retry => {
                    let delay = backoff::delay(entry.attempts + 1);
                    let entry = outbox.reschedule(id, &message, delay)?;
                    audit.outbox(OutboxAction::Queued, &entry, Some(&message));
                    let status = match retry {
                        Retry::AfterAdminFix => Status::Api,
                        _ => Status::Success,
                    };
                    Delivery::Queued {
                        status,
                        message,
                        entry,
                    }
                }
            }
        }
        Err(AttemptError::Store(error)) => return Err(error),
    };
    tracing::debug!(entry = id, %hook, ticket, "delivery attempt finished");
    Ok(delivery)
}

enum Attempt {
    Delivered(Applied),
    Skipped(String),
}

enum AttemptError {
    /// The outcome does not fit the ticket.
    Plan(String),
    /// An API call failed; the error and what was being done.
    Api(ApiError, String),
    /// The outbox itself failed.
    Store(OutboxError),
}

impl From<OutboxError> for AttemptError {
    fn from(error: OutboxError) -> Self {
        AttemptError::Store(error)
    }
}

async fn attempt(
    outbox: &Outbox,
    api: &ApiClient,
    audit: &AuditTrail,
    entry: &mut Entry,
) -> Result<Attempt, AttemptError> {
    let payload = &entry.payload;
    let ticket = api.get_ticket(payload.ticket).await.map_err(|error| {
        AttemptError::Api(
            error,
            format!("failed to read ticket {} before writing", payload.ticket),
        )
    })?;
    if let Some(moved) = step_change(payload.stage.as_ref(), &ticket)
        && !payload.write_if_step_changed
    {
        let reason = format!(
            "{moved}; skipped the hook's {} field update(s) and {} comment(s) \
             (set write_if_step_changed = true on the hook to write to the new step)",
            payload.outcome.field_updates.len(),
            payload.outcome.comments.len()
        );
        return Ok(Attempt::Skipped(reason));
    }
    let plan = match writeback::plan(&ticket, &payload.outcome) {
        Ok(Some(plan)) => plan,
        Ok(None) => return Ok(Attempt::Delivered(Applied::default())),
        Err(error) => return Err(AttemptError::Plan(error.to_string())),
    };
    entry
        .progress
        .comments
        .resize(plan.comments.len(), CommentProgress::default());

    let mut applied = Applied::default();
    let hook = entry.payload.hook.clone();
    for task in &plan.tasks {
        if task.fields.is_empty() || entry.progress.tasks_done.contains(&task.task_id) {
            continue;
        }
        let part = part_plan(&plan, Some(task), None);
        let sent = writeback::put_task(api, &plan, task).await;
        if let Err(error) = sent {
            let message = format!("{error}: {}", error.api_error());
            audit.writes(&hook, &part, WriteResult::Failed, Some(&message));
            return Err(AttemptError::Api(
                error.into_api_error(),
                format!("failed to write the fields of task {}", task.task_id),
            ));
        }
        audit.writes(&hook, &part, WriteResult::Written, None);
        entry.progress.tasks_done.push(task.task_id);
        outbox.save_progress(entry.id, &entry.progress)?;
        applied.fields += task.fields.len();
    }

    for (index, comment) in plan.comments.iter().enumerate() {
        let existing = count_comments(&ticket, &comment.content);
        let progress = entry.progress.comments[index];
        if progress.done {
            continue;
        }
        if let Some(baseline) = progress.baseline
            && existing > baseline
        {
            // An earlier attempt posted it and lost the confirmation.
            tracing::info!(
                entry = entry.id,
                ticket = plan.ticket_id,
                comment = index + 1,
                "the comment is already on the ticket from an earlier attempt; not posting it again"
            );
            entry.progress.comments[index].done = true;
            outbox.save_progress(entry.id, &entry.progress)?;
            continue;
        }
        entry.progress.comments[index].baseline = Some(progress.baseline.unwrap_or(existing));
        outbox.save_progress(entry.id, &entry.progress)?;
        let part = part_plan(&plan, None, Some(comment));
        if let Err(error) = writeback::post_comment(api, &plan, comment, index).await {
            let message = format!("{error}: {}", error.api_error());
            audit.writes(&hook, &part, WriteResult::Failed, Some(&message));
            return Err(AttemptError::Api(
                error.into_api_error(),
                format!(
                    "failed to add comment {} to task {}",
                    index + 1,
                    comment.task_id
                ),
            ));
        }
        audit.writes(&hook, &part, WriteResult::Written, None);
        entry.progress.comments[index].done = true;
        outbox.save_progress(entry.id, &entry.progress)?;
        applied.comments += 1;
    }
    Ok(Attempt::Delivered(applied))
}

/// Counts the ticket's comments whose text is exactly `content`.
fn count_comments(ticket: &Ticket, content: &str) -> u32 {
    let count = ticket
        .comments
        .iter()
        .filter(|comment| comment.content == content)
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Builds a plan with one part of `plan`, for its audit records.
fn part_plan(
    plan: &WritePlan,
    task: Option<&TaskWrite>,
    comment: Option<&CommentWrite>,
) -> WritePlan {
    WritePlan {
        ticket_id: plan.ticket_id,
        step_id: plan.step_id,
        step_name: plan.step_name.clone(),
        tasks: task.cloned().into_iter().collect(),
        comments: comment.cloned().into_iter().collect(),
    }
}

/// Describes how the ticket moved since SecureChange sent the event, or
/// returns `None` when it is still on the step `<ticket_info>` named (or
/// the event named none). On ADVANCE the ticket often moves on before the
/// hook finishes.
pub fn step_change(stage: Option<&(u64, String)>, ticket: &Ticket) -> Option<String> {
    let (stage_id, stage_name) = stage?;
    match &ticket.current_step {
        Some(current) if current.id == *stage_id => None,
        Some(current) => Some(format!(
            "ticket {} moved from step `{stage_name}` ({stage_id}) to `{}` ({}) since the event",
            ticket.id, current.name, current.id
        )),
        None => Some(format!(
            "ticket {} left step `{stage_name}` ({stage_id}) and has no current step now (status `{}`)",
            ticket.id, ticket.status
        )),
    }
}
