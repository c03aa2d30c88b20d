//! Parses the `<ticket_info>` document that SecureChange writes to a script's
//! standard input.
//!
//! Real documents repeat elements (one seen in the wild has two
//! `current_stage` elements), omit optional ones and add unknown ones. Every
//! element is therefore read as a list and the first occurrence wins; a
//! differing repeat is logged.

use serde::Deserialize;

use crate::bindings::{NamedRef, Stage, TaskRef, TicketInfo, UserRef};
use crate::xml_tree;

/// The parsed standard input.
#[derive(Debug, Clone, PartialEq)]
pub enum TicketInfoDocument {
    /// `<ticket_info/>` (or one with no `<id>`), as the Test button sends.
    Empty,
    /// A document about one ticket.
    Ticket(Box<TicketInfo>),
}

/// Input that is not a usable `<ticket_info>` document. Each message is a
/// predicate: the caller writes the input's source before it, such as
/// `standard input is empty: ...`.
#[derive(Debug, thiserror::Error)]
pub enum TicketInfoError {
    /// Nothing but white space.
    #[error("is empty: SecureChange sends a <ticket_info> document there")]
    EmptyInput,
    /// Not UTF-8.
    #[error("is not valid UTF-8 (first invalid byte at offset {offset}){}", if *utf16 { "; it looks like UTF-16, so convert it to UTF-8" } else { "" })]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
        /// Whether the input looks like UTF-16.
        utf16: bool,
    },
    /// Not well-formed XML.
    #[error("is not well-formed XML: {0}")]
    Malformed(String),
    /// Well-formed, but an element contains something other than text where
    /// text is expected.
    #[error("has an unexpected <ticket_info> structure: {0}")]
    Structure(String),
    /// Another root element.
    #[error("has root element <{0}>, expected <ticket_info>")]
    WrongRoot(String),
    /// The ticket `<id>` is repeated with different values. Other elements
    /// may repeat (real documents repeat `<current_stage>`), and the first
    /// one counts.
    #[error(
        "repeats <{element}> with different values (`{first}` and `{other}`), so the ticket to write is ambiguous; send one <{element}>"
    )]
    Conflicting {
        /// Path of the element.
        element: String,
        /// The first value.
        first: String,
        /// The first value that differs from it.
        other: String,
    },
    /// An element has a value of the wrong form.
    #[error("has <ticket_info> element <{element}> with value `{value}`: expected {expected}")]
    BadValue {
        /// Path of the element, like `priority/id`.
        element: String,
        /// The value found.
        value: String,
        /// The accepted form.
        expected: &'static str,
    },
}

#[derive(Deserialize, Default)]
struct RawTicketInfo {
    #[serde(default)]
    id: Vec<String>,
    #[serde(default)]
    subject: Vec<String>,
    #[serde(default, rename = "createDate")]
    create_date: Vec<String>,
    #[serde(default, rename = "updateDate")]
    update_date: Vec<String>,
    #[serde(default)]
    priority: Vec<RawNamed>,
    #[serde(default)]
    requester: Vec<RawUser>,
    #[serde(default)]
    open_request_stage: Vec<RawNamed>,
    #[serde(default)]
    current_stage: Vec<RawStage>,
    #[serde(default)]
    completion_data: Vec<RawCompletion>,
    #[serde(default)]
    comment: Vec<String>,
}

#[derive(Deserialize, Default, Clone, PartialEq, Debug)]
struct RawNamed {
    #[serde(default)]
    id: Vec<String>,
    #[serde(default)]
    name: Vec<String>,
}

#[derive(Deserialize, Default, Clone, PartialEq, Debug)]
struct RawUser {
    #[serde(default)]
    id: Vec<String>,
    #[serde(default)]
    login: Vec<String>,
    #[serde(default)]
    display_name: Vec<String>,
}

#[derive(Deserialize, Default, Clone, PartialEq, Debug)]
struct RawTask {
    #[serde(default)]
    id: Vec<String>,
    #[serde(default)]
    name: Vec<String>,
    #[serde(default)]
    handler: Vec<RawUser>,
}

#[derive(Deserialize, Default, Clone, PartialEq, Debug)]
struct RawStage {
    #[serde(default)]
    id: Vec<String>,
    #[serde(default)]
    name: Vec<String>,
    #[serde(default)]
    ticket_task: Vec<RawTask>,
}

#[derive(Deserialize, Default, Clone, PartialEq, Debug)]
struct RawCompletion {
    #[serde(default)]
    stage: Vec<RawNamed>,
}

/// Parses a `<ticket_info>` document as SecureChange sends it on standard
/// input.
pub fn parse(input: &[u8]) -> Result<TicketInfoDocument, TicketInfoError> {
    let text = std::str::from_utf8(input).map_err(|error| {
        let utf16 = input.starts_with(&[0xff, 0xfe])
            || input.starts_with(&[0xfe, 0xff])
            || input.get(1) == Some(&0);
        TicketInfoError::NotUtf8 {
            offset: error.valid_up_to(),
            utf16,
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(TicketInfoError::EmptyInput);
    }

    // The tree pass checks well-formedness, the root name, and the DTD and
    // depth limits before serde reads the text.
    let root =
        xml_tree::parse_xml(text).map_err(|error| TicketInfoError::Malformed(error.to_string()))?;
    if root.name != "ticket_info" {
        return Err(TicketInfoError::WrongRoot(root.name));
    }
    let raw: RawTicketInfo = quick_xml::de::from_str(text)
        .map_err(|error| TicketInfoError::Structure(error.to_string()))?;

    let Some(id_text) = only("id", &raw.id)? else {
        return Ok(TicketInfoDocument::Empty);
    };
    let info = TicketInfo {
        id: parse_id("id", id_text)?,
        subject: first("subject", &raw.subject).cloned().unwrap_or_default(),
        priority: first("priority", &raw.priority)
            .map(|named| named_ref("priority", named))
            .transpose()?
            .flatten(),
        create_date: optional_number("createDate", &raw.create_date)?,
        update_date: optional_number("updateDate", &raw.update_date)?,
        requester: first("requester", &raw.requester)
            .map(|user| user_ref("requester", user))
            .transpose()?
            .flatten(),
        open_request_stage: first("open_request_stage", &raw.open_request_stage)
            .map(|named| named_ref("open_request_stage", named))
            .transpose()?
            .flatten(),
        current_stage: first("current_stage", &raw.current_stage)
            .map(stage)
            .transpose()?
            .flatten(),
        completion_stage: first("completion_data", &raw.completion_data)
            .and_then(|completion| first("completion_data/stage", &completion.stage))
            .map(|named| named_ref("completion_data/stage", named))
            .transpose()?
            .flatten(),
        comment: first("comment", &raw.comment).cloned(),
        raw_xml: text.to_string(),
    };
    Ok(TicketInfoDocument::Ticket(Box::new(info)))
}

/// Returns the one value of an element that decides which ticket
/// hook-runner writes; repeats must be equal.
fn only<'a>(element: &str, values: &'a [String]) -> Result<Option<&'a String>, TicketInfoError> {
    let Some(first) = values.first() else {
        return Ok(None);
    };
    match values.iter().find(|other| other.trim() != first.trim()) {
        Some(other) => Err(TicketInfoError::Conflicting {
            element: element.to_string(),
            first: first.trim().to_string(),
            other: other.trim().to_string(),
        }),
        None => Ok(Some(first)),
    }
}

/// Returns the first of repeated elements, logging when a repeat differs.
fn first<'a, T: PartialEq + std::fmt::Debug>(element: &str, values: &'a [T]) -> Option<&'a T> {
    let first = values.first()?;
    if values.iter().skip(1).any(|other| other != first) {
        tracing::warn!(
            element,
            count = values.len(),
            "repeats <{element}> with different values; using the first"
        );
    }
    Some(first)
}

fn parse_id(element: &str, text: &str) -> Result<u64, TicketInfoError> {
    text.trim().parse().map_err(|_| TicketInfoError::BadValue {
        element: element.to_string(),
        value: text.to_string(),
        expected: "a whole number",
    })
}

fn optional_number(element: &str, values: &[String]) -> Result<Option<u64>, TicketInfoError> {
    match first(element, values).map(|text| text.trim()) {
        None | Some("") => Ok(None),
        Some(text) => parse_id(element, text).map(Some),
    }
}

/// Returns the optional id of a nested element, which is absent from some
/// documents.
fn nested_id(element: &str, values: &[String]) -> Result<Option<u64>, TicketInfoError> {
    optional_number(element, values)
}

fn named_ref(element: &str, raw: &RawNamed) -> Result<Option<NamedRef>, TicketInfoError> {
    let path = format!("{element}/id");
    let Some(id) = nested_id(&path, &raw.id)? else {
        return Ok(None);
    };
    Ok(Some(NamedRef {
        id,
        name: first(&format!("{element}/name"), &raw.name)
            .cloned()
            .unwrap_or_default(),
    }))
}

fn user_ref(element: &str, raw: &RawUser) -> Result<Option<UserRef>, TicketInfoError> {
    let Some(id) = nested_id(&format!("{element}/id"), &raw.id)? else {
        return Ok(None);
    };
    Ok(Some(UserRef {
        id,
        login: first(&format!("{element}/login"), &raw.login)
            .cloned()
            .unwrap_or_default(),
        display_name: first(&format!("{element}/display_name"), &raw.display_name)
            .cloned()
            .unwrap_or_default(),
    }))
}

fn stage(raw: &RawStage) -> Result<Option<Stage>, TicketInfoError> {
    let Some(id) = nested_id("current_stage/id", &raw.id)? else {
        return Ok(None);
    };
    let task = match first("current_stage/ticket_task", &raw.ticket_task) {
        None => None,
        Some(task) => match nested_id("current_stage/ticket_task/id", &task.id)? {
            None => None,
            Some(task_id) => Some(TaskRef {
                id: task_id,
                name: first("current_stage/ticket_task/name", &task.name)
                    .cloned()
                    .unwrap_or_default(),
                handler: first("current_stage/ticket_task/handler", &task.handler)
                    .map(|user| user_ref("current_stage/ticket_task/handler", user))
                    .transpose()?
                    .flatten(),
            }),
        },
    };
    Ok(Some(Stage {
        id,
        name: first("current_stage/name", &raw.name)
            .cloned()
            .unwrap_or_default(),
        task,
    }))
}

#[cfg(test)]
mod tests;
