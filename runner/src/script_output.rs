//! The documents that SecureChange reads from the standard output of a
//! scripted condition and of a dynamic-assignment script, and the checks on
//! the tasks an assignment hook returns before they are printed.
//!
//! ```xml
//! <response><condition_result>true</condition_result></response>
//!
//! <tasks>
//!   <task>
//!     <name>PCI review</name>
//!     <participants><participant_username>alice</participant_username></participants>
//!     <assignment>
//!       <assignment_mode>manual</assignment_mode>
//!       <assigner_username>carol</assigner_username>
//!     </assignment>
//!     <access_requests><access_request_id>61709</access_request_id></access_requests>
//!   </task>
//! </tasks>
//! ```
//!
//! Both are printed on one line with a final line break. Every text value is
//! XML-escaped, and `<access_requests>` is left out of a task that names no
//! access request.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::escape::escape;

use crate::bindings::{AssignmentMode, FieldValue, TaskAssignment, Ticket};
use crate::untrusted_text;

/// Returns the `<response>` document of a scripted condition.
pub fn condition_response(value: bool) -> String {
    format!("<response><condition_result>{value}</condition_result></response>\n")
}

/// Returns the `<tasks>` document for `tasks`, which [`check_tasks`] has
/// accepted. Names and user names are printed without surrounding
/// whitespace.
pub fn tasks_document(tasks: &[TaskAssignment]) -> String {
    let mut document = String::from("<tasks>");
    for task in tasks {
        document.push_str("<task>");
        push_element(&mut document, "name", task.name.trim());
        document.push_str("<participants>");
        for participant in &task.participants {
            push_element(&mut document, "participant_username", participant.trim());
        }
        document.push_str("</participants><assignment>");
        match &task.mode {
            AssignmentMode::SelfAssignment => {
                push_element(&mut document, "assignment_mode", "self");
            }
            AssignmentMode::Manual(assigner) => {
                push_element(&mut document, "assignment_mode", "manual");
                push_element(&mut document, "assigner_username", assigner.trim());
            }
        }
        document.push_str("</assignment>");
        if !task.access_request_ids.is_empty() {
            document.push_str("<access_requests>");
            for id in &task.access_request_ids {
                push_element(&mut document, "access_request_id", &id.to_string());
            }
            document.push_str("</access_requests>");
        }
        document.push_str("</task>");
    }
    document.push_str("</tasks>\n");
    document
}

fn push_element(document: &mut String, name: &str, text: &str) {
    document.push_str(&format!("<{name}>{}</{name}>", escape(text)));
}

/// Tasks that SecureChange cannot open as returned.
#[derive(Debug, thiserror::Error)]
#[error("the hook returned tasks that SecureChange cannot open: {0}")]
pub struct TasksError(String);

/// Checks the tasks an assignment hook returned for `ticket`: every task has
/// a unique non-empty name and at least one participant, a manual task names
/// its assigner, no name contains a control character, and every access
/// request id belongs to the ticket's current step and to one task only.
pub fn check_tasks(tasks: &[TaskAssignment], ticket: &Ticket) -> Result<(), TasksError> {
    if tasks.is_empty() {
        return Ok(());
    }
    let step_requests = current_step_requests(ticket).ok_or_else(|| {
        TasksError(format!(
            "ticket {} has no current step (its status is `{}`), so there is no step to open tasks on",
            ticket.id, ticket.status
        ))
    })?;
    let mut names = BTreeSet::new();
    let mut owners: BTreeMap<u64, &str> = BTreeMap::new();
    for (index, task) in tasks.iter().enumerate() {
        let name = task.name.trim();
        check_text(&format!("task {}", index + 1), "name", name)?;
        if !names.insert(name) {
            return Err(TasksError(format!(
                "two tasks are named `{name}`: give each task its own name"
            )));
        }
        check_task(name, task)?;
        for &id in &task.access_request_ids {
            if !step_requests.contains(&id) {
                return Err(TasksError(format!(
                    "task `{name}` names access request {id}, which is not on the current step \
                     of ticket {}; its access requests are {}",
                    ticket.id,
                    list_ids(&step_requests)
                )));
            }
            match owners.insert(id, name) {
                Some(owner) if owner == name => {
                    return Err(TasksError(format!(
                        "task `{name}` names access request {id} twice: name it once"
                    )));
                }
                Some(owner) => {
                    return Err(TasksError(format!(
                        "access request {id} is named by task `{owner}` and by task `{name}`: \
                         give each access request to one task"
                    )));
                }
                None => {}
            }
        }
    }
    Ok(())
}

/// Checks the participants and the assignment mode of the task `name`.
fn check_task(name: &str, task: &TaskAssignment) -> Result<(), TasksError> {
    let context = format!("task `{name}`");
    if task.participants.is_empty() {
        return Err(TasksError(format!(
            "{context} has no participants, so nobody could handle it: name at least one \
             SecureChange user"
        )));
    }
    let mut participants = BTreeSet::new();
    for participant in &task.participants {
        let participant = participant.trim();
        check_user_name(&context, "participant user name", participant)?;
        if !participants.insert(participant) {
            return Err(TasksError(format!(
                "{context} names the participant `{participant}` twice: name each user once"
            )));
        }
    }
    if let AssignmentMode::Manual(assigner) = &task.mode {
        if assigner.trim().is_empty() {
            return Err(TasksError(format!(
                "{context} uses manual assignment without an assigner: name the SecureChange \
                 user who picks the handler, or use self-assignment"
            )));
        }
        check_user_name(&context, "assigner user name", assigner.trim())?;
    }
    Ok(())
}

/// Rejects an empty value, control characters (tab and line breaks
/// included, because names are single-line) and U+FFFE and U+FFFF, which
/// XML 1.0 cannot carry. It also rejects bidirectional formatting
/// characters, which make a name display differently from its text.
fn check_text(context: &str, what: &str, value: &str) -> Result<(), TasksError> {
    if value.is_empty() {
        return Err(TasksError(format!("{context} has an empty {what}")));
    }
    let rejected = |character: char| {
        character.is_control()
            || matches!(character, '\u{fffe}' | '\u{ffff}')
            || untrusted_text::is_bidi_control(character)
    };
    if let Some(character) = value.chars().find(|character| rejected(*character)) {
        return Err(TasksError(format!(
            "{context} has the {what} `{}`, which contains the character {}; use printable \
             text only",
            value.escape_default(),
            character.escape_unicode()
        )));
    }
    Ok(())
}

/// Checks a SecureChange login: text as [`check_text`] accepts, without
/// white space or commas, which no login has and which show a list of
/// users passed as one name.
fn check_user_name(context: &str, what: &str, value: &str) -> Result<(), TasksError> {
    check_text(context, what, value)?;
    if value.contains(|character: char| character.is_whitespace() || character == ',') {
        return Err(TasksError(format!(
            "{context} has the {what} `{value}`, which contains white space or a comma: give \
             each user as its own list item"
        )));
    }
    Ok(())
}

/// Returns the ids of the access requests in the fields of the current
/// step's tasks, or `None` when the ticket has no current step. The step is
/// matched by id, then by the last step of that name, as the SDKs do.
fn current_step_requests(ticket: &Ticket) -> Option<BTreeSet<u64>> {
    let current = ticket.current_step.as_ref()?;
    let step = ticket
        .steps
        .iter()
        .find(|step| step.id == current.id)
        .or_else(|| {
            ticket
                .steps
                .iter()
                .rev()
                .find(|step| step.name == current.name)
        })?;
    let ids = step
        .tasks
        .iter()
        .flat_map(|task| &task.fields)
        .filter_map(|field| match &field.value {
            FieldValue::AccessRequests(requests) => Some(requests),
            _ => None,
        })
        .flatten()
        .map(|request| request.id)
        .collect();
    Some(ids)
}

fn list_ids(ids: &BTreeSet<u64>) -> String {
    if ids.is_empty() {
        return "none".to_string();
    }
    ids.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
