//! Field updates: `PUT .../fields/{id}` with one `<field>` and
//! `PUT .../fields` with `<fields>`. Every field is checked before any is
//! stored, so a request with one bad field changes nothing.

use crate::error::ApiError;
use crate::field_types::{Replacement, check_value};
use crate::target::WriteTarget;
use crate::ticket::{self, describe_field, id_of};
use crate::xml::Element;

/// The XML Schema instance namespace that `xsi:type` belongs to.
const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// One checked update, ready to store.
#[derive(Debug)]
struct CheckedUpdate {
    field_id: u64,
    replacements: Vec<Replacement>,
}

/// Reads the body of a one-field PUT: a `<field>` root, whose `<id>`, when
/// given, must be the id in the path.
pub fn single_field_body(root: Element, path_field_id: u64) -> Result<Vec<Element>, ApiError> {
    if root.name != "field" {
        return Err(ApiError::illegal(format!(
            "the body's root element is <{}>; expected <field>",
            root.name
        )));
    }
    if root.child("id").is_some() && id_of(&root) != Some(path_field_id) {
        return Err(ApiError::field(format!(
            "the body's field id '{}' does not match the field id {path_field_id} in the path",
            root.child_text("id").unwrap_or_default()
        )));
    }
    Ok(vec![root])
}

/// Reads the body of a several-field PUT: a `<fields>` root with `<field>`
/// children, each with an `<id>`. Namespace declarations on `<fields>` are
/// copied to each field so its `xsi:type` prefix stays resolvable.
pub fn several_fields_body(root: Element) -> Result<Vec<Element>, ApiError> {
    if root.name != "fields" {
        return Err(ApiError::illegal(format!(
            "the body's root element is <{}>; expected <fields>",
            root.name
        )));
    }
    let declarations: Vec<(String, String)> = namespace_declarations(&root);
    let mut fields = Vec::new();
    for child in root.elements() {
        if child.name != "field" {
            return Err(ApiError::illegal(format!(
                "unexpected element <{}> in <fields>; expected <field>",
                child.name
            )));
        }
        let mut field = child.clone();
        for declaration in &declarations {
            if field.attribute(&declaration.0).is_none() {
                field.attributes.push(declaration.clone());
            }
        }
        fields.push(field);
    }
    if fields.is_empty() {
        return Err(ApiError::illegal("the <fields> body contains no <field>"));
    }
    Ok(fields)
}

fn namespace_declarations(element: &Element) -> Vec<(String, String)> {
    element
        .attributes
        .iter()
        .filter(|(key, _)| key.starts_with("xmlns:"))
        .cloned()
        .collect()
}

/// Checks every body field against the task and, only when all pass,
/// stores them all.
pub fn update_fields(
    ticket: &mut Element,
    target: WriteTarget,
    body_fields: &[Element],
) -> Result<(), ApiError> {
    let checked = check_all(ticket, target, body_fields)?;
    for update in checked {
        let field = ticket::field_mut(ticket, target.step_id, target.task_id, update.field_id)
            .ok_or_else(|| ApiError::not_found(format!("field {} vanished", update.field_id)))?;
        for (name, elements) in update.replacements {
            field.replace_children(name, elements);
        }
    }
    Ok(())
}

fn check_all(
    ticket: &Element,
    target: WriteTarget,
    body_fields: &[Element],
) -> Result<Vec<CheckedUpdate>, ApiError> {
    let task = ticket::step(ticket, target.step_id)
        .and_then(|step| ticket::task(step, target.task_id))
        .ok_or_else(|| ApiError::not_found(format!("task {} not found", target.task_id)))?;
    let mut checked = Vec::new();
    for body in body_fields {
        let update = check_one(task, target.task_id, body)?;
        if checked
            .iter()
            .any(|seen: &CheckedUpdate| seen.field_id == update.field_id)
        {
            return Err(ApiError::field(format!(
                "field id {} appears more than once in the request",
                update.field_id
            )));
        }
        checked.push(update);
    }
    Ok(checked)
}

fn check_one(task: &Element, task_id: u64, body: &Element) -> Result<CheckedUpdate, ApiError> {
    let Some(field_id) = id_of(body) else {
        let given_id = body.child_text("id").unwrap_or_default();
        return Err(ApiError::field(format!(
            "a field in the request has a missing or invalid <id> '{given_id}'"
        )));
    };
    let Some(stored) = ticket::field(task, field_id) else {
        return Err(ApiError::field(format!(
            "field id {field_id} not found in task {task_id}"
        )));
    };
    let described = describe_field(stored);
    check_identity(stored, body, &described)?;
    let stored_type = ticket::field_type(stored).unwrap_or_default();
    let replacements = check_value(stored_type, stored, body)
        .map_err(|reason| ApiError::field(format!("{described}: {reason}")))?;
    Ok(CheckedUpdate {
        field_id,
        replacements,
    })
}

/// Checks the name, type and read-only flag of a body field against the
/// stored one.
fn check_identity(stored: &Element, body: &Element, described: &str) -> Result<(), ApiError> {
    if let Some(name) = body.child_text("name") {
        let stored_name = ticket::name_of(stored);
        if name != stored_name {
            return Err(ApiError::field(format!(
                "{described}: the request names it '{name}', but its name is '{stored_name}'"
            )));
        }
    }
    let stored_type = ticket::field_type(stored).unwrap_or_default();
    match body_field_type(body) {
        None => {
            return Err(ApiError::field(format!(
                "{described}: the request has no xsi:type; expected xsi:type=\"{stored_type}\""
            )));
        }
        Some(body_type) if body_type != stored_type => {
            return Err(ApiError::field(format!(
                "{described} has type {stored_type}, but the request sends {body_type}"
            )));
        }
        Some(_) => {}
    }
    if ticket::is_read_only(stored) {
        return Err(ApiError::field(format!("{described} is read-only")));
    }
    Ok(())
}

/// Returns the body field's `xsi:type`, under whatever prefix the body
/// declares for the XML Schema instance namespace. A JSON body's
/// `@xsi.type` arrives as `xsi:type` without a declaration, so `xsi` is
/// accepted undeclared too.
fn body_field_type(body: &Element) -> Option<&str> {
    let declared = body.attributes.iter().filter_map(|(key, value)| {
        let prefix = key.strip_prefix("xmlns:")?;
        (value == XSI_NAMESPACE).then_some(prefix)
    });
    let prefixes: Vec<&str> = declared.chain(["xsi"]).collect();
    body.attributes.iter().find_map(|(key, value)| {
        let (prefix, local) = key.split_once(':')?;
        (local == "type" && prefixes.contains(&prefix)).then_some(value.as_str())
    })
}
