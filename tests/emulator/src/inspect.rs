//! A plain-text view of a ticket's current step, one line per field
//! (`step / task / field [type] = value`), for the demo to print before and
//! after a hook run.

use crate::ticket::{self, id_of, name_of};
use crate::xml::Element;

/// Renders the current step's task fields, or a line saying the ticket has
/// no current step.
pub fn fields_table(ticket: &Element) -> String {
    let ticket_id = id_of(ticket).unwrap_or_default();
    let status = ticket::status_of(ticket);
    let subject = ticket.child_text("subject").unwrap_or_default();
    let mut output = format!("ticket {ticket_id} '{subject}' ({status})\n");
    let current = ticket::current_step_id(ticket).and_then(|id| ticket::step(ticket, id));
    let Some(step) = current else {
        output.push_str(&format!(
            "ticket {ticket_id} is closed: it has no current step, so no field can be written\n"
        ));
        return output;
    };
    let step_name = name_of(step);
    for task in ticket::tasks(step) {
        let task_label = task_label(task);
        for field in ticket::fields(task) {
            let field_type = ticket::field_type(field).unwrap_or("?");
            output.push_str(&format!(
                "{step_name} / {task_label} / {} [{field_type}] = {}\n",
                name_of(field),
                or_not_set(field_value(field_type, field))
            ));
        }
    }
    output.push_str(&comments(ticket));
    output
}

/// Lists the ticket's comments, one line each (`comment by USER: TEXT`).
fn comments(ticket: &Element) -> String {
    let mut output = String::new();
    for comment in ticket
        .child("comments")
        .into_iter()
        .flat_map(Element::elements)
    {
        let user = comment.child_text("user").unwrap_or_default();
        let content = comment.child_text("content").unwrap_or_default();
        output.push_str(&format!("comment by {user}: {}\n", quoted(&content)));
    }
    output
}

/// Shows an empty summary as `(not set)`, so an unset value is visible.
fn or_not_set(value: String) -> String {
    if value.is_empty() {
        "(not set)".to_owned()
    } else {
        value
    }
}

/// Names a task by its `<name>`, else its id and assignee.
fn task_label(task: &Element) -> String {
    let name = name_of(task);
    if !name.is_empty() {
        return name;
    }
    let id = id_of(task).unwrap_or_default();
    match task.child_text("assignee") {
        Some(assignee) => format!("task {id} ({assignee})"),
        None => format!("task {id}"),
    }
}

/// Summarizes a field's value on one line.
fn field_value(field_type: &str, field: &Element) -> String {
    let text = |name: &str| field.child_text(name).unwrap_or_default();
    match field_type {
        "text_field" | "text_area" | "manager" => quoted(&text("text")),
        "hyperlink" => quoted(&text("url")),
        "checkbox" | "date" | "time" => text("value"),
        "drop_down_list" => text("selection"),
        "multiple_selection" => selected_options(field),
        "approve_reject" => approval(field),
        "multi_text_field" => repeated_texts(field, "text_field"),
        "multi_text_area" => repeated_texts(field, "text_area"),
        "multi_access_request" => format!(
            "{} access requests",
            count_children(field, "access_request")
        ),
        _ => format!("({} value elements)", value_element_count(field)),
    }
}

fn count_children(field: &Element, name: &str) -> usize {
    field
        .elements()
        .filter(|element| element.name == name)
        .count()
}

/// Counts the children other than `id`, `name` and `read_only`.
fn value_element_count(field: &Element) -> usize {
    let identity = ["id", "name", "read_only"];
    field
        .elements()
        .filter(|element| !identity.contains(&element.name.as_str()))
        .count()
}

fn quoted(text: &str) -> String {
    format!("{:?}", text)
}

fn selected_options(field: &Element) -> String {
    let values: Vec<String> = field
        .child("selected_options")
        .into_iter()
        .flat_map(Element::elements)
        .filter_map(|option| option.child_text("value"))
        .collect();
    values.join(", ")
}

fn approval(field: &Element) -> String {
    let Some(approved) = field.child_text("approved") else {
        return String::new();
    };
    match field.child_text("reason") {
        Some(reason) => format!("approved={approved} reason={}", quoted(&reason)),
        None => format!("approved={approved}"),
    }
}

fn repeated_texts(field: &Element, item: &str) -> String {
    let texts: Vec<String> = field
        .elements()
        .filter(|element| element.name == item)
        .map(|element| quoted(&element.child_text("text").unwrap_or_default()))
        .collect();
    texts.join(", ")
}
