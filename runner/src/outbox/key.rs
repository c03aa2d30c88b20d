//! The idempotency key of a write-back: what makes a re-run of an event "the
//! same", so SecureChange's retries of a failed script never write twice.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::bindings::{Outcome, TicketInfo};

/// The values the key is derived from, serialized as JSON and hashed.
#[derive(Serialize)]
struct KeyInput<'a> {
    version: u32,
    ticket: u64,
    event: &'a str,
    stage: Option<u64>,
    task: Option<u64>,
    update_date: Option<u64>,
    hook: &'a str,
    outcome: &'a Outcome,
}

/// Derives the key from the ticket, the event, the step and task that
/// `<ticket_info>` names, its `updateDate`, the hook and the outcome.
///
/// A re-run of the same event on the same ticket state gives the same key.
/// `updateDate` is part of it so that a later pass through the same step,
/// after a REDO for example, with the same outcome is written again.
// NOTE: this assumes that SecureChange re-sends the same <ticket_info> when
// it re-runs a failed script. A re-run with a newer updateDate gets a new
// key, and only the comment count check then keeps it from repeating
// comments of a partly delivered entry.
pub fn idempotency_key(event: &str, info: &TicketInfo, hook: &str, outcome: &Outcome) -> String {
    let stage = info.current_stage.as_ref();
    let input = KeyInput {
        version: 1,
        ticket: info.id,
        event,
        stage: stage.map(|stage| stage.id),
        task: stage
            .and_then(|stage| stage.task.as_ref())
            .map(|task| task.id),
        update_date: info.update_date,
        hook,
        outcome,
    };
    // Serializing plain records, strings and numbers cannot fail.
    let json = serde_json::to_vec(&input).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}
