//! Resolves an outcome against the ticket's current step and validates each
//! value against its field's type.

use crate::bindings::{Field, FieldInput, Outcome, Ticket};

/// The writes planned for one ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct WritePlan {
    /// Ticket id.
    pub ticket_id: u64,
    /// The current step's id.
    pub step_id: u64,
    /// The current step's name, for messages.
    pub step_name: String,
    /// Field writes, one entry per task.
    pub tasks: Vec<TaskWrite>,
    /// Comments to add.
    pub comments: Vec<CommentWrite>,
}

/// The fields to write on one task, sent as one request.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskWrite {
    /// Task id.
    pub task_id: u64,
    /// The writes.
    pub fields: Vec<FieldWrite>,
}

/// One field and its new value.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldWrite {
    /// Field id.
    pub id: u64,
    /// Field name.
    pub name: String,
    /// The field's `xsi:type`.
    pub field_type: String,
    /// The value.
    pub value: FieldInput,
}

/// A comment and the task it is added to.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentWrite {
    /// Task id.
    pub task_id: u64,
    /// Comment text.
    pub content: String,
}

/// A field update that cannot be applied, and the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    /// The field name as the hook gave it.
    pub field: String,
    /// The problem and what would work instead.
    pub reason: String,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "field `{}`: {}", self.field, self.reason)
    }
}

/// An outcome that cannot be applied to the ticket.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    /// The ticket has no current step: closed, cancelled or rejected.
    #[error(
        "ticket {ticket} has no current step (status `{status}`), so no field or comment can be written; \
         hooks on CLOSE, CANCEL and REJECT can read the ticket but not change it"
    )]
    NoCurrentStep {
        /// Ticket id.
        ticket: u64,
        /// The ticket's status.
        status: String,
    },
    /// The current step has no task to write to.
    #[error("step `{step}` of ticket {ticket} has no task to write to")]
    NoTask {
        /// Ticket id.
        ticket: u64,
        /// Step name.
        step: String,
    },
    /// The hook's policy does not grant some of the changes.
    #[error("the hook asked for changes its policy does not grant, so none was written:\n  {}", problems.join("\n  "))]
    NotGranted {
        /// One line per change that is not granted.
        problems: Vec<String>,
    },
    /// The outcome is larger than hook-runner writes.
    #[error("the hook's outcome for ticket {ticket} is too large: {reason}; nothing was written")]
    TooLarge {
        /// Ticket id.
        ticket: u64,
        /// The limit it exceeds.
        reason: String,
    },
    /// Some field updates are invalid; nothing is written.
    #[error("{} of the hook's field updates cannot be applied to step `{step}` of ticket {ticket}, so none was written:\n  {}", problems.len(), problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    Fields {
        /// Ticket id.
        ticket: u64,
        /// Step name.
        step: String,
        /// Every problem found.
        problems: Vec<FieldProblem>,
    },
}

/// Plans the writes for `outcome`; `Ok(None)` when it changes nothing.
pub fn plan(ticket: &Ticket, outcome: &Outcome) -> Result<Option<WritePlan>, PlanError> {
    if outcome.field_updates.is_empty() && outcome.comments.is_empty() {
        return Ok(None);
    }
    let Some(step) = ticket.current() else {
        return Err(PlanError::NoCurrentStep {
            ticket: ticket.id,
            status: ticket.status.clone(),
        });
    };
    let Some(first_task) = step.tasks.first() else {
        return Err(PlanError::NoTask {
            ticket: ticket.id,
            step: step.name.clone(),
        });
    };

    check_outcome_size(ticket.id, outcome)?;

    let mut problems = Vec::new();
    let mut tasks: Vec<TaskWrite> = step
        .tasks
        .iter()
        .map(|task| TaskWrite {
            task_id: task.id,
            fields: Vec::new(),
        })
        .collect();

    let mut seen = std::collections::HashSet::new();
    for update in &outcome.field_updates {
        let problem = |reason: String| FieldProblem {
            field: update.field.clone(),
            reason,
        };
        if !seen.insert(update.field.as_str()) {
            problems.push(problem(
                "is set more than once in the outcome; set it once".into(),
            ));
            continue;
        }
        if let Some(reason) = invalid_text(&update.value) {
            problems.push(problem(reason));
            continue;
        }
        let mut found = false;
        for (task, write) in step.tasks.iter().zip(tasks.iter_mut()) {
            let Some(field) = task.fields.iter().find(|field| field.name == update.field) else {
                continue;
            };
            found = true;
            match check_value(field, &update.value) {
                Ok(()) => write.fields.push(FieldWrite {
                    id: field.id,
                    name: field.name.clone(),
                    field_type: field.field_type.clone(),
                    value: update.value.clone(),
                }),
                Err(reason) => problems.push(problem(reason)),
            }
        }
        if !found {
            problems.push(problem(missing_field_reason(&update.field, step)));
        }
    }

    if let Some(reason) = outcome
        .comments
        .iter()
        .find_map(|comment| xml_unsafe_character(comment))
    {
        problems.push(FieldProblem {
            field: "(comment)".into(),
            reason: format!("a comment {reason}"),
        });
    }
    if !problems.is_empty() {
        // One field can fail on several tasks for the same reason.
        problems.dedup();
        truncate_list(&mut problems, |more| FieldProblem {
            field: "...".into(),
            reason: format!("and {more} more problems"),
        });
        return Err(PlanError::Fields {
            ticket: ticket.id,
            step: step.name.clone(),
            problems,
        });
    }
    tasks.retain(|task| !task.fields.is_empty());

    Ok(Some(WritePlan {
        ticket_id: ticket.id,
        step_id: step.id,
        step_name: step.name.clone(),
        tasks,
        comments: outcome
            .comments
            .iter()
            .map(|content| CommentWrite {
                task_id: first_task.id,
                content: content.clone(),
            })
            .collect(),
    }))
}

/// Field updates one outcome may carry.
pub const MAX_FIELD_UPDATES: usize = 200;
/// Comments one outcome may carry.
pub const MAX_COMMENTS: usize = 20;
/// Bytes of text in one field value or comment.
pub const MAX_TEXT_BYTES: usize = 256 << 10;
/// Problems listed in one error; the rest are counted.
const MAX_REPORTED_PROBLEMS: usize = 20;
/// Field names listed when a field is not found.
const MAX_LISTED_FIELDS: usize = 30;

/// Rejects an outcome that is too large to check or write, before any work
/// that grows with its size.
pub(super) fn check_outcome_size(ticket: u64, outcome: &Outcome) -> Result<(), PlanError> {
    let too_large = |reason: String| Err(PlanError::TooLarge { ticket, reason });
    if outcome.field_updates.len() > MAX_FIELD_UPDATES {
        return too_large(format!(
            "{} field updates, more than the {MAX_FIELD_UPDATES} allowed",
            outcome.field_updates.len()
        ));
    }
    if outcome.comments.len() > MAX_COMMENTS {
        return too_large(format!(
            "{} comments, more than the {MAX_COMMENTS} allowed",
            outcome.comments.len()
        ));
    }
    if let Some(comment) = outcome
        .comments
        .iter()
        .find(|comment| comment.len() > MAX_TEXT_BYTES)
    {
        return too_large(format!(
            "a comment of {} bytes, more than the {MAX_TEXT_BYTES} allowed",
            comment.len()
        ));
    }
    let long_value = outcome
        .field_updates
        .iter()
        .find(|update| input_texts(&update.value).map(str::len).sum::<usize>() > MAX_TEXT_BYTES);
    if let Some(update) = long_value {
        return too_large(format!(
            "a value of more than {MAX_TEXT_BYTES} bytes for field `{}`",
            update.field
        ));
    }
    Ok(())
}

/// Cuts `items` to the first problems a message lists, and appends the item
/// that `more` makes from the count of the rest.
pub(super) fn truncate_list<T>(items: &mut Vec<T>, more: impl FnOnce(usize) -> T) {
    if items.len() > MAX_REPORTED_PROBLEMS {
        let rest = items.len() - MAX_REPORTED_PROBLEMS;
        items.truncate(MAX_REPORTED_PROBLEMS);
        items.push(more(rest));
    }
}

/// Returns the size of an outcome in bytes: field names, their values and
/// comments.
pub fn outcome_bytes(outcome: &Outcome) -> u64 {
    let fields: u64 = outcome
        .field_updates
        .iter()
        .map(|update| update.field.len() as u64 + value_bytes(&update.value))
        .sum();
    let comments: u64 = outcome
        .comments
        .iter()
        .map(|comment| comment.len() as u64)
        .sum();
    fields + comments
}

/// Returns the bytes of text in a field input, for the audit log.
pub fn value_bytes(value: &FieldInput) -> u64 {
    input_texts(value).map(|text| text.len() as u64).sum()
}

/// Returns the text parts of a field input.
fn input_texts(value: &FieldInput) -> Box<dyn Iterator<Item = &str> + '_> {
    match value {
        FieldInput::Text(text)
        | FieldInput::Hyperlink(text)
        | FieldInput::Date(text)
        | FieldInput::Time(text)
        | FieldInput::DropDown(text) => Box::new(std::iter::once(text.as_str())),
        FieldInput::MultipleSelection(items) | FieldInput::MultiText(items) => {
            Box::new(items.iter().map(String::as_str))
        }
        FieldInput::ApproveReject(approval) => Box::new(std::iter::once(approval.reason.as_str())),
        FieldInput::Checkbox(_) => Box::new(std::iter::empty()),
    }
}

fn invalid_text(value: &FieldInput) -> Option<String> {
    input_texts(value)
        .find_map(|text| xml_unsafe_character(text).map(|reason| format!("its value {reason}")))
}

/// Describes the first character of `text` that XML 1.0 cannot carry: the
/// C0 controls other than tab, line feed and carriage return.
fn xml_unsafe_character(text: &str) -> Option<String> {
    text.chars()
        .find(|character| (*character as u32) < 0x20 && !matches!(character, '\t' | '\n' | '\r'))
        .map(|character| {
            format!(
                "contains control character U+{:04X}, which XML cannot carry",
                character as u32
            )
        })
}

fn missing_field_reason(name: &str, step: &crate::bindings::Step) -> String {
    let names: Vec<&str> = step
        .tasks
        .iter()
        .flat_map(|task| task.fields.iter().map(|field| field.name.as_str()))
        .collect();
    if let Some(close) = names
        .iter()
        .find(|candidate| candidate.eq_ignore_ascii_case(name))
    {
        return format!(
            "is not on the current step `{}`; field names are case-sensitive: did you mean `{close}`?",
            step.name
        );
    }
    let mut listed: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    listed.dedup();
    if listed.len() > MAX_LISTED_FIELDS {
        let more = listed.len() - MAX_LISTED_FIELDS;
        listed.truncate(MAX_LISTED_FIELDS);
        listed.push(format!("and {more} more"));
    }
    format!(
        "is not on the current step `{}` (its fields: {})",
        step.name,
        if listed.is_empty() {
            "none".to_string()
        } else {
            listed.join(", ")
        }
    )
}

/// Checks that `value` suits `field`. The error names what the field takes.
fn check_value(field: &Field, value: &FieldInput) -> Result<(), String> {
    if field.read_only {
        return Err(format!("is read-only (type `{}`)", field.field_type));
    }
    let expected = expected_input(&field.field_type).ok_or_else(|| {
        format!(
            "has type `{}`, which hook-runner cannot write (writable types: {})",
            field.field_type, WRITABLE_TYPES
        )
    })?;
    if input_kind(value) != expected {
        return Err(format!(
            "has type `{}`, which takes a `{expected}` value, but the hook sent `{}`",
            field.field_type,
            input_kind(value)
        ));
    }
    match value {
        FieldInput::Date(date) if !is_valid_date(date) => Err(format!(
            "date `{date}` is invalid: use YYYY-MM-DD, such as 2026-12-31"
        )),
        FieldInput::Time(time) if !is_valid_time(time) => Err(format!(
            "time `{time}` is invalid: use HH:MM on a 24-hour clock, such as 17:30"
        )),
        FieldInput::DropDown(choice) => check_options(field, std::slice::from_ref(choice)),
        FieldInput::MultipleSelection(choices) => check_options(field, choices),
        _ => Ok(()),
    }
}

const WRITABLE_TYPES: &str = "text_field, text_area, hyperlink, checkbox, date, time, \
     drop_down_list, multiple_selection, approve_reject, multi_text_field, multi_text_area, multi_hyperlink";

fn expected_input(field_type: &str) -> Option<&'static str> {
    Some(match field_type {
        "text_field" | "text_area" => "text",
        "hyperlink" => "hyperlink",
        "checkbox" => "checkbox",
        "date" => "date",
        "time" => "time",
        "drop_down_list" => "drop-down",
        "multiple_selection" => "multiple-selection",
        "approve_reject" => "approve-reject",
        "multi_text_field" | "multi_text_area" | "multi_hyperlink" => "multi-text",
        _ => return None,
    })
}

/// Returns the WIT case name of a field input.
pub(crate) fn input_kind(value: &FieldInput) -> &'static str {
    match value {
        FieldInput::Text(_) => "text",
        FieldInput::Hyperlink(_) => "hyperlink",
        FieldInput::Checkbox(_) => "checkbox",
        FieldInput::Date(_) => "date",
        FieldInput::Time(_) => "time",
        FieldInput::DropDown(_) => "drop-down",
        FieldInput::MultipleSelection(_) => "multiple-selection",
        FieldInput::ApproveReject(_) => "approve-reject",
        FieldInput::MultiText(_) => "multi-text",
    }
}

fn check_options(field: &Field, choices: &[String]) -> Result<(), String> {
    let options = match &field.value {
        crate::bindings::FieldValue::DropDown(drop_down) => &drop_down.options,
        crate::bindings::FieldValue::MultipleSelection(selection) => &selection.options,
        _ => return Ok(()),
    };
    if options.is_empty() {
        return Ok(());
    }
    match choices.iter().find(|choice| !options.contains(choice)) {
        None => Ok(()),
        Some(choice) => Err(format!(
            "`{choice}` is not one of its options ({})",
            options
                .iter()
                .map(|o| format!("`{o}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn is_valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return false;
    }
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<u32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn is_valid_time(text: &str) -> bool {
    let Some((hours, minutes)) = text.split_once(':') else {
        return false;
    };
    hours.len() == 2
        && minutes.len() == 2
        && hours.parse::<u32>().is_ok_and(|h| h < 24)
        && minutes.parse::<u32>().is_ok_and(|m| m < 60)
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
