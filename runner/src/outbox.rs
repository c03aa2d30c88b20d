//! The durable outbox of write-backs.
//!
//! Every hook outcome that changes a ticket is recorded in an SQLite
//! database before the first request is sent, and settled when the API has
//! confirmed every part of it. A write that fails because the API is
//! unreachable, times out or fails with 5xx stays pending and is delivered,
//! with backoff, by a later hook-runner start or `hook-runner outbox retry`.
//! An entry's idempotency key stops a re-run of the same event from writing
//! twice, and its progress stops a retry from repeating a part that landed.

mod backoff;
mod deliver;
mod entry;
mod key;
mod store;

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

pub use deliver::{Delivery, deliver, step_change};
pub use entry::{CommentProgress, Entry, Payload, Progress, State};
pub use key::idempotency_key;
pub use store::{Claim, Outbox, OutboxError, now};

use crate::api::ApiClient;
use crate::audit::OutboxAction;
use crate::audit_trail::AuditTrail;

/// Maximum number of pending entries that one hook-runner start delivers,
/// so a long backlog does not hold up the event SecureChange waits for.
const MAX_RETRIES_PER_START: usize = 20;

/// The outbox of a run, opened on first use: a run with nothing to write
/// and nothing pending never touches the database.
#[derive(Debug)]
pub struct LazyOutbox {
    path: PathBuf,
    opened: OnceCell<Outbox>,
}

impl LazyOutbox {
    /// Prepares to open the database at `path`.
    pub fn new(path: &Path) -> LazyOutbox {
        LazyOutbox {
            path: path.to_path_buf(),
            opened: OnceCell::new(),
        }
    }

    /// Opens the database, or returns it when it is open already.
    pub fn get(&self) -> Result<&Outbox, OutboxError> {
        if let Some(outbox) = self.opened.get() {
            return Ok(outbox);
        }
        let outbox = Outbox::open(&self.path)?;
        Ok(self.opened.get_or_init(|| outbox))
    }

    /// Returns whether the database file exists, so there may be pending
    /// entries.
    pub fn exists(&self) -> bool {
        self.path.exists()
    }
}

/// Records `payload` under `key` and delivers it, unless the key is already
/// settled or another process is delivering it.
pub async fn submit(
    outbox: &Outbox,
    api: &ApiClient,
    audit: &AuditTrail,
    key: &str,
    payload: &Payload,
) -> Result<Delivery, OutboxError> {
    let entry = outbox.record(key, payload)?;
    if entry.state != State::Pending {
        audit.outbox(
            OutboxAction::Duplicate,
            &entry,
            Some(&format!("already {}", entry.state.as_str())),
        );
        return Ok(Delivery::Settled(entry));
    }
    deliver(outbox, api, audit, entry.id).await
}

/// Delivers pending entries: those due by their backoff, or every one with
/// `ignore_schedule`. Stops after the first transient failure, because the
/// API is then likely down for the rest too. Returns the deliveries in
/// order with their entry ids.
pub async fn retry_pending(
    outbox: &Outbox,
    api: &ApiClient,
    audit: &AuditTrail,
    ignore_schedule: bool,
    limit: usize,
) -> Result<Vec<(i64, Delivery)>, OutboxError> {
    let pruned = outbox.prune()?;
    if pruned > 0 {
        tracing::debug!(
            pruned,
            "deleted settled outbox entries past their retention"
        );
    }
    let mut results = Vec::new();
    for id in outbox.pending_ids(ignore_schedule, limit)? {
        let delivery = deliver(outbox, api, audit, id).await?;
        log_delivery(id, &delivery);
        let transient = matches!(&delivery, Delivery::Queued { status, .. } if *status == crate::exit_code::Status::Success);
        results.push((id, delivery));
        if transient {
            break;
        }
    }
    Ok(results)
}

/// Returns whether the outbox exists and has a pending entry that is due.
/// Failures are logged and count as nothing due, because they do not
/// concern the event being handled.
pub fn has_due_entries(outbox: &LazyOutbox) -> bool {
    if !outbox.exists() {
        return false;
    }
    let due = outbox.get().and_then(|opened| opened.pending_ids(false, 1));
    match due {
        Ok(ids) => !ids.is_empty(),
        Err(error) => {
            tracing::error!(%error, "failed to look for pending write-backs");
            false
        }
    }
}

/// Delivers the due pending entries at the start of a run; failures are
/// logged, because they do not concern the event being handled.
pub async fn retry_at_start(outbox: &LazyOutbox, api: &ApiClient, audit: &AuditTrail) {
    if !has_due_entries(outbox) {
        return;
    }
    let result = match outbox.get() {
        Ok(opened) => retry_pending(opened, api, audit, false, MAX_RETRIES_PER_START).await,
        Err(error) => Err(error),
    };
    if let Err(error) = result {
        tracing::error!(%error, "failed to retry pending write-backs");
    }
}

/// Logs how the delivery of entry `id` ended.
pub fn log_delivery(id: i64, delivery: &Delivery) {
    match delivery {
        Delivery::Delivered(applied) => tracing::info!(
            entry = id,
            fields = applied.fields,
            comments = applied.comments,
            "delivered the queued write-back"
        ),
        Delivery::Skipped(reason) => tracing::warn!(entry = id, "{reason}"),
        Delivery::Queued { message, entry, .. } => tracing::warn!(
            entry = id,
            attempts = entry.attempts,
            next_attempt = entry.next_attempt,
            "the write-back stays queued: {message}"
        ),
        Delivery::Failed { message, .. } => tracing::error!(
            entry = id,
            "the write-back failed and is kept for the admin (`hook-runner outbox list`): {message}"
        ),
        Delivery::Busy(pid) => {
            tracing::info!(
                entry = id,
                pid,
                "another process is delivering this write-back"
            )
        }
        Delivery::Settled(entry) => tracing::info!(
            entry = id,
            state = entry.state.as_str(),
            "the write-back was already settled"
        ),
    }
}

#[cfg(test)]
mod tests;
