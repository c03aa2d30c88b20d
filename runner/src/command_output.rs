//! Parses what a command hook prints on standard output: a `<hook_result>`
//! document with field updates and comments, or the `<response>` of a
//! SecureChange scripted condition. Empty output means no changes.
//!
//! ```xml
//! <hook_result>
//!   <field name="Risk Score">42</field>
//!   <field name="Reviewed" type="checkbox">true</field>
//!   <field name="Regions" type="multiple_selection"><value>EU</value><value>US</value></field>
//!   <field name="Security Approval" type="approve_reject" approved="false">port 23 is open</field>
//!   <comment>Checked by the change-window hook.</comment>
//! </hook_result>
//! ```
//!
//! Field values map one to one onto [`FieldInput`], so the write-back plan,
//! the policy's `write_fields` grant and the outcome caps apply unchanged.
//! The parser is strict: an unknown element, attribute or type fails the
//! hook, so that a typo cannot silently drop an update.

use crate::bindings::{Approval, FieldInput, FieldUpdate, Outcome};
use crate::xml_tree::{self, Element};

/// The root element of a result document.
pub const RESULT_ROOT: &str = "hook_result";
/// The root element of a scripted condition's result.
pub const CONDITION_ROOT: &str = "response";

/// The `type` attribute values of `<field>` and the [`FieldInput`] each
/// makes. `text` is the default.
pub const FIELD_TYPES: [&str; 9] = [
    "text",
    "hyperlink",
    "checkbox",
    "date",
    "time",
    "drop_down",
    "multiple_selection",
    "approve_reject",
    "multi_text",
];

/// The parsed standard output of a command hook.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandOutput {
    /// Field updates and comments to write; empty for empty output.
    Outcome(Outcome),
    /// The `<condition_result>` of a scripted condition.
    Condition(bool),
}

/// Standard output that is not a result document.
#[derive(Debug, thiserror::Error)]
#[error("the hook's standard output is not a valid result: {0}")]
pub struct OutputError(String);

/// Parses a command hook's standard output.
pub fn parse(stdout: &[u8]) -> Result<CommandOutput, OutputError> {
    let text = std::str::from_utf8(stdout)
        .map_err(|error| OutputError(format!("it is not UTF-8 ({error})")))?;
    if text.trim().is_empty() {
        return Ok(CommandOutput::Outcome(empty_outcome()));
    }
    let root = xml_tree::parse_xml(text).map_err(|error| OutputError(error.to_string()))?;
    match root.name.as_str() {
        RESULT_ROOT => parse_result(&root).map(CommandOutput::Outcome),
        CONDITION_ROOT => parse_condition(&root).map(CommandOutput::Condition),
        other => Err(OutputError(format!(
            "the root element is <{other}>; print <{RESULT_ROOT}> with <field> and <comment> \
             elements, <{CONDITION_ROOT}><condition_result>true</condition_result></{CONDITION_ROOT}>, \
             or nothing"
        ))),
    }
}

fn empty_outcome() -> Outcome {
    Outcome {
        field_updates: Vec::new(),
        comments: Vec::new(),
    }
}

fn parse_result(root: &Element) -> Result<Outcome, OutputError> {
    reject_attributes(root, &[])?;
    if !root.text.is_empty() {
        return Err(OutputError(format!(
            "<{RESULT_ROOT}> contains text outside <field> and <comment>: `{}`",
            root.text
        )));
    }
    let mut outcome = empty_outcome();
    for child in &root.children {
        match child.name.as_str() {
            "field" => outcome.field_updates.push(parse_field(child)?),
            "comment" => {
                reject_attributes(child, &[])?;
                reject_children(child)?;
                outcome.comments.push(child.text.clone());
            }
            other => {
                return Err(OutputError(format!(
                    "unknown element <{other}> in <{RESULT_ROOT}>; expected <field> or <comment>"
                )));
            }
        }
    }
    Ok(outcome)
}

fn parse_field(element: &Element) -> Result<FieldUpdate, OutputError> {
    reject_attributes(element, &["name", "type", "approved"])?;
    let name = element
        .attribute("name")
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| OutputError("a <field> has no name attribute".to_string()))?;
    let kind = element.attribute("type").unwrap_or("text");
    let context = |message: String| OutputError(format!("field `{name}`: {message}"));
    if element.attribute("approved").is_some() && kind != "approve_reject" {
        return Err(context(
            "the approved attribute belongs to type=\"approve_reject\" only".to_string(),
        ));
    }
    let value = match kind {
        "multiple_selection" => FieldInput::MultipleSelection(values(element).map_err(context)?),
        "multi_text" => FieldInput::MultiText(values(element).map_err(context)?),
        _ => {
            reject_children(element).map_err(|error| context(error.0))?;
            scalar_value(kind, element).map_err(context)?
        }
    };
    Ok(FieldUpdate {
        field: name.to_string(),
        value,
    })
}

fn scalar_value(kind: &str, element: &Element) -> Result<FieldInput, String> {
    let text = element.text.clone();
    Ok(match kind {
        "text" => FieldInput::Text(text),
        "hyperlink" => FieldInput::Hyperlink(text),
        "checkbox" => FieldInput::Checkbox(parse_bool(&text, "a checkbox value")?),
        "date" => FieldInput::Date(text),
        "time" => FieldInput::Time(text),
        "drop_down" => FieldInput::DropDown(text),
        "approve_reject" => {
            let approved = element.attribute("approved").ok_or(
                "type=\"approve_reject\" needs approved=\"true\" or approved=\"false\"; \
                 the element's text is the reason",
            )?;
            FieldInput::ApproveReject(Approval {
                approved: parse_bool(approved, "the approved attribute")?,
                reason: text,
            })
        }
        other => {
            return Err(format!(
                "unknown type `{other}`; expected one of {}",
                FIELD_TYPES.join(", ")
            ));
        }
    })
}

/// Returns the texts of the `<value>` children of a list-valued field.
fn values(element: &Element) -> Result<Vec<String>, String> {
    if !element.text.is_empty() {
        return Err(format!(
            "a list value goes in <value> elements, not as text (`{}`)",
            element.text
        ));
    }
    element
        .children
        .iter()
        .map(|child| {
            if child.name != "value" || !child.children.is_empty() || !child.attributes.is_empty() {
                return Err(format!(
                    "unexpected <{}>; a list value contains only <value>text</value> elements",
                    child.name
                ));
            }
            Ok(child.text.clone())
        })
        .collect()
}

fn parse_condition(root: &Element) -> Result<bool, OutputError> {
    let results: Vec<&Element> = root.children_named("condition_result").collect();
    let [result] = results.as_slice() else {
        return Err(OutputError(format!(
            "<{CONDITION_ROOT}> must contain exactly one <condition_result>, found {}",
            results.len()
        )));
    };
    parse_bool(&result.text, "<condition_result>").map_err(OutputError)
}

fn parse_bool(text: &str, what: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("{what} is `{other}`; expected true or false")),
    }
}

fn reject_attributes(element: &Element, allowed: &[&str]) -> Result<(), OutputError> {
    match element
        .attributes
        .iter()
        .find(|(key, _)| !allowed.contains(&key.as_str()))
    {
        Some((key, _)) => Err(OutputError(format!(
            "unknown attribute `{key}` on <{}>",
            element.name
        ))),
        None => Ok(()),
    }
}

fn reject_children(element: &Element) -> Result<(), OutputError> {
    match element.children.first() {
        Some(child) => Err(OutputError(format!(
            "<{}> may contain only text, not <{}>",
            element.name, child.name
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
