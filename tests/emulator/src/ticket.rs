//! Navigation in a ticket document: steps, tasks, fields and the current
//! step, by the element names of `GET tickets/{id}`.

use crate::xml::Element;

/// Reads the numeric `<id>` child of an element.
pub fn id_of(element: &Element) -> Option<u64> {
    element.child_text("id")?.trim().parse().ok()
}

/// Returns the `<name>` child's text, or an empty string.
pub fn name_of(element: &Element) -> String {
    element.child_text("name").unwrap_or_default()
}

/// Returns the ticket's `<status>`, or an empty string.
pub fn status_of(ticket: &Element) -> String {
    ticket.child_text("status").unwrap_or_default()
}

/// Returns the id of `<current_step>`, or `None` for a ticket that is
/// closed, cancelled or rejected.
pub fn current_step_id(ticket: &Element) -> Option<u64> {
    ticket.child("current_step").and_then(id_of)
}

/// Iterates over `steps/step`.
pub fn steps(ticket: &Element) -> impl Iterator<Item = &Element> {
    ticket
        .child("steps")
        .into_iter()
        .flat_map(|steps| steps.elements().filter(|element| element.name == "step"))
}

/// Iterates over a step's `tasks/task`.
pub fn tasks(step: &Element) -> impl Iterator<Item = &Element> {
    step.child("tasks")
        .into_iter()
        .flat_map(|tasks| tasks.elements().filter(|element| element.name == "task"))
}

/// Iterates over a task's `fields/field`.
pub fn fields(task: &Element) -> impl Iterator<Item = &Element> {
    task.child("fields")
        .into_iter()
        .flat_map(|fields| fields.elements().filter(|element| element.name == "field"))
}

/// Returns the step with this id.
pub fn step(ticket: &Element, step_id: u64) -> Option<&Element> {
    steps(ticket).find(|step| id_of(step) == Some(step_id))
}

/// Returns the task with this id in this step.
pub fn task(step: &Element, task_id: u64) -> Option<&Element> {
    tasks(step).find(|task| id_of(task) == Some(task_id))
}

/// Returns the field with this id in this task.
pub fn field(task: &Element, field_id: u64) -> Option<&Element> {
    fields(task).find(|field| id_of(field) == Some(field_id))
}

/// Returns the field with this id in a task of a step, mutably.
pub fn field_mut(
    ticket: &mut Element,
    step_id: u64,
    task_id: u64,
    field_id: u64,
) -> Option<&mut Element> {
    let step = children_mut(ticket.child_mut("steps")?, "step")
        .find(|step| id_of(step) == Some(step_id))?;
    let task =
        children_mut(step.child_mut("tasks")?, "task").find(|task| id_of(task) == Some(task_id))?;
    children_mut(task.child_mut("fields")?, "field").find(|field| id_of(field) == Some(field_id))
}

fn children_mut<'a>(
    parent: &'a mut Element,
    name: &'a str,
) -> impl Iterator<Item = &'a mut Element> {
    parent
        .elements_mut()
        .filter(move |element| element.name == name)
}

/// Returns the field's `xsi:type`.
///
/// NOTE: this reads the attribute under its usual `xsi` prefix, which is how
/// the real API writes every stored field.
pub fn field_type(field: &Element) -> Option<&str> {
    field.attribute("xsi:type")
}

/// Reports whether the field's `<read_only>` is `true`; a missing element
/// means writable.
pub fn is_read_only(field: &Element) -> bool {
    field
        .child_text("read_only")
        .is_some_and(|text| text.trim() == "true")
}

/// Describes a field for messages: `field 'Risk Score' (id 55810)`.
pub fn describe_field(field: &Element) -> String {
    match id_of(field) {
        Some(id) => format!("field '{}' (id {id})", name_of(field)),
        None => format!("field '{}'", name_of(field)),
    }
}
