//! An outbox entry: the write-back of one hook's outcome for one event, and
//! how far its delivery got.

use serde::{Deserialize, Serialize};

use crate::bindings::Outcome;

/// Where an entry is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Recorded and not yet confirmed by the API; delivered by the next
    /// attempt that is due.
    Pending,
    /// Every write was confirmed by the API.
    Delivered,
    /// Not written because the ticket left the step the event named.
    Skipped,
    /// The API or the ticket rejected it in a way a retry cannot fix; kept
    /// for the admin.
    Failed,
    /// Discarded by an admin with `hook-runner outbox drop`.
    Dropped,
}

impl State {
    /// Returns the name stored in the database and shown by `outbox list`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Delivered => "delivered",
            State::Skipped => "skipped",
            State::Failed => "failed",
            State::Dropped => "dropped",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<State> {
        [
            State::Pending,
            State::Delivered,
            State::Skipped,
            State::Failed,
            State::Dropped,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

/// What an entry writes: everything delivery needs, so a later process can
/// deliver it without the event or the hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// The hook name.
    pub hook: String,
    /// The `SCW_EVENT` name.
    pub event: String,
    /// The ticket id.
    pub ticket: u64,
    /// The id and name of the step `<ticket_info>` named, if any.
    pub stage: Option<(u64, String)>,
    /// Whether to write when the ticket has left that step.
    pub write_if_step_changed: bool,
    /// The hook's outcome, checked against its policy before it was recorded.
    pub outcome: Outcome,
}

/// The parts of an entry that the API has confirmed, so a retry sends only
/// the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Tasks whose field request was confirmed.
    pub tasks_done: Vec<u64>,
    /// One entry per comment of the outcome, in order.
    pub comments: Vec<CommentProgress>,
}

/// The delivery state of one comment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentProgress {
    /// The API confirmed it.
    pub done: bool,
    /// How many comments with the same text the ticket had just before the
    /// first attempt to post it. A later attempt that finds more knows the
    /// earlier one landed even though its confirmation was lost.
    pub baseline: Option<u32>,
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The row id, which `outbox list` shows and `outbox drop` takes.
    pub id: i64,
    /// The idempotency key (see [`super::key`]).
    pub key: String,
    /// The state.
    pub state: State,
    /// What to write.
    pub payload: Payload,
    /// What the API has confirmed.
    pub progress: Progress,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Unix time in seconds before which no automatic retry is made.
    pub next_attempt: i64,
    /// The last failure, for `outbox list`.
    pub last_error: Option<String>,
    /// The exit code that the failure of a failed entry maps to.
    pub exit_status: Option<u8>,
    /// Unix time in seconds when the entry was recorded.
    pub created: i64,
    /// Unix time in seconds of the last change.
    pub updated: i64,
    /// The process that is delivering the entry, if any.
    pub claimed_by: Option<u32>,
}
