//! The current-step rule for writes: only a task of the ticket's current
//! step can be changed, and a ticket without `<current_step>` (closed,
//! cancelled or rejected) cannot be changed at all.

use crate::error::ApiError;
use crate::ticket::{self, id_of, name_of};
use crate::xml::Element;

/// A task that a write may change, after the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteTarget {
    pub step_id: u64,
    pub task_id: u64,
}

/// Resolves `steps/{step}/tasks/{task}` of a ticket for a write. `step` is
/// a step id or `current`.
///
/// The checks run in this order: the ticket has a current step (400),
/// `step` parses and exists (404), it is the current step (400), the task
/// exists in the ticket (404), the task belongs to that step (400).
pub fn resolve(ticket: &Element, step: &str, task: &str) -> Result<WriteTarget, ApiError> {
    let ticket_id = id_of(ticket).unwrap_or_default();
    let Some(current_id) = ticket::current_step_id(ticket) else {
        return Err(ApiError::illegal(format!(
            "ticket {ticket_id} has no current step (status '{}'), so it cannot be changed",
            ticket::status_of(ticket)
        )));
    };
    let step_id = parse_step(step, current_id)?;
    let Some(step_element) = ticket::step(ticket, step_id) else {
        return Err(ApiError::not_found(format!(
            "step {step_id} not found in ticket {ticket_id}"
        )));
    };
    if step_id != current_id {
        return Err(ApiError::illegal(format!(
            "step {step_id} ('{}') is not the current step of ticket {ticket_id}; \
             the current step is {current_id}, and only it can be changed",
            name_of(step_element)
        )));
    }
    let task_id = parse_id("task", task)?;
    if ticket::task(step_element, task_id).is_none() {
        return Err(task_elsewhere(ticket, ticket_id, step_id, task_id));
    }
    Ok(WriteTarget { step_id, task_id })
}

fn task_elsewhere(ticket: &Element, ticket_id: u64, step_id: u64, task_id: u64) -> ApiError {
    let owner = ticket::steps(ticket).find(|step| ticket::task(step, task_id).is_some());
    match owner.and_then(id_of) {
        Some(owner_id) => ApiError::illegal(format!(
            "task {task_id} is not in step {step_id} of ticket {ticket_id}; it belongs to step {owner_id}"
        )),
        None => ApiError::not_found(format!("task {task_id} not found in ticket {ticket_id}")),
    }
}

fn parse_step(step: &str, current_id: u64) -> Result<u64, ApiError> {
    if step == "current" {
        return Ok(current_id);
    }
    parse_id("step", step)
}

/// Parses a numeric id from the path; a non-number cannot name anything.
pub fn parse_id(kind: &str, text: &str) -> Result<u64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::not_found(format!("{kind} '{text}' not found: ids are numbers")))
}
