//! Maps a `GET tickets/{id}` body, XML or JSON, to the typed [`Ticket`].
//!
//! Unknown elements are ignored and missing optional ones take empty values,
//! because SecureChange versions differ in what they include. A field type
//! that the typed model does not cover keeps its XML in
//! [`FieldValue::Other`], so hooks still see it.

use crate::bindings::{
    AccessRequest, ApprovalState, Comment, DropDown, Field, FieldValue, MultipleSelection,
    NamedRef, NetworkObject, Service, Step, Task, Ticket,
};
use crate::xml_tree::{Element, TreeError, parse_json, parse_xml};

/// A ticket body that could not be mapped.
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    /// Not well-formed.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// Another root element.
    #[error("expected a <ticket> document, got <{0}>")]
    WrongRoot(String),
    /// A required number is missing or malformed.
    #[error("ticket element <{element}> has value `{value}`: expected a whole number")]
    BadNumber {
        /// Path of the element.
        element: String,
        /// The value found.
        value: String,
    },
}

/// Parses an XML ticket body.
pub fn ticket_from_xml(text: &str) -> Result<Ticket, TicketError> {
    ticket_from_tree(&parse_xml(text)?)
}

/// Parses a JSON ticket body (`{"ticket": {...}}`).
pub fn ticket_from_json(text: &str) -> Result<Ticket, TicketError> {
    ticket_from_tree(&parse_json(text)?)
}

/// Maps a `<ticket>` element.
pub fn ticket_from_tree(root: &Element) -> Result<Ticket, TicketError> {
    if root.name != "ticket" {
        return Err(TicketError::WrongRoot(root.name.clone()));
    }
    let workflow = root.child("workflow");
    let steps = root
        .child("steps")
        .map(|steps| steps.children_named("step").map(step).collect())
        .transpose()?
        .unwrap_or_default();
    let current_step = root
        .child("current_step")
        .filter(|current| !current.child_text("id").is_empty())
        .map(|current| named_ref("current_step", current))
        .transpose()?;
    let comments = root
        .child("comments")
        .map(|comments| comments.children_named("comment").map(comment).collect())
        .unwrap_or_default();

    Ok(Ticket {
        id: number("id", root.child_text("id"))?,
        subject: root.child_text("subject").to_string(),
        status: root.child_text("status").to_string(),
        priority: root.child_text("priority").to_string(),
        requester: root.child_text("requester").to_string(),
        workflow: match workflow {
            Some(workflow) => NamedRef {
                id: optional_number("workflow/id", workflow.child_text("id"))?.unwrap_or(0),
                name: workflow.child_text("name").to_string(),
            },
            None => NamedRef {
                id: 0,
                name: String::new(),
            },
        },
        steps,
        current_step,
        comments,
    })
}

fn number(element: &str, text: &str) -> Result<u64, TicketError> {
    text.trim().parse().map_err(|_| TicketError::BadNumber {
        element: element.to_string(),
        value: text.to_string(),
    })
}

fn optional_number(element: &str, text: &str) -> Result<Option<u64>, TicketError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    number(element, text).map(Some)
}

fn named_ref(element: &str, node: &Element) -> Result<NamedRef, TicketError> {
    Ok(NamedRef {
        id: number(&format!("{element}/id"), node.child_text("id"))?,
        name: node.child_text("name").to_string(),
    })
}

fn flag(node: &Element, name: &str) -> bool {
    node.child_text(name).eq_ignore_ascii_case("true")
}

fn step(node: &Element) -> Result<Step, TicketError> {
    let tasks = node
        .child("tasks")
        .map(|tasks| tasks.children_named("task").map(task).collect())
        .transpose()?
        .unwrap_or_default();
    Ok(Step {
        id: number("step/id", node.child_text("id"))?,
        name: node.child_text("name").to_string(),
        redone: flag(node, "redone"),
        skipped: flag(node, "skipped"),
        tasks,
    })
}

fn task(node: &Element) -> Result<Task, TicketError> {
    let fields = node
        .child("fields")
        .map(|fields| fields.children_named("field").map(field).collect())
        .transpose()?
        .unwrap_or_default();
    Ok(Task {
        id: number("task/id", node.child_text("id"))?,
        name: node.child_text("name").to_string(),
        status: node.child_text("status").to_string(),
        assignee: node.child_text("assignee").to_string(),
        fields,
    })
}

fn field(node: &Element) -> Result<Field, TicketError> {
    let field_type = node.attribute("xsi:type").unwrap_or_default().to_string();
    Ok(Field {
        id: number("field/id", node.child_text("id"))?,
        name: node.child_text("name").to_string(),
        read_only: flag(node, "read_only"),
        value: field_value(&field_type, node),
        field_type,
    })
}

fn optional_text(node: &Element, name: &str) -> Option<String> {
    node.child(name)
        .map(|child| child.text.clone())
        .filter(|text| !text.is_empty())
}

fn option_values(node: &Element, list: &str, item: &str) -> Vec<String> {
    node.child(list)
        .map(|options| {
            options
                .children_named(item)
                .map(|option| option.child_text("value").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn field_value(field_type: &str, node: &Element) -> FieldValue {
    match field_type {
        "text_field" | "text_area" | "manager" => FieldValue::Text(node.child_text("text").into()),
        "hyperlink" => FieldValue::Hyperlink(node.child_text("url").into()),
        "checkbox" => FieldValue::Checkbox(match node.child_text("value") {
            "" => None,
            value => Some(value.eq_ignore_ascii_case("true")),
        }),
        "date" => FieldValue::Date(optional_text(node, "value")),
        "time" => FieldValue::Time(optional_text(node, "value")),
        "drop_down_list" => FieldValue::DropDown(DropDown {
            selection: optional_text(node, "selection"),
            options: option_values(node, "options", "option"),
        }),
        "multiple_selection" => FieldValue::MultipleSelection(MultipleSelection {
            selected: option_values(node, "selected_options", "selected_option"),
            options: option_values(node, "options", "option"),
        }),
        "approve_reject" => FieldValue::ApproveReject(ApprovalState {
            approved: match node.child_text("approved") {
                "" => None,
                value => Some(value.eq_ignore_ascii_case("true")),
            },
            reason: node.child_text("reason").into(),
        }),
        "multi_text_field" | "multi_text_area" => FieldValue::MultiText(
            node.children
                .iter()
                .filter(|child| child.name == "text_field" || child.name == "text_area")
                .map(|child| child.child_text("text").to_string())
                .collect(),
        ),
        "multi_hyperlink" => FieldValue::MultiText(
            node.children_named("hyperlink")
                .map(|child| child.child_text("url").to_string())
                .collect(),
        ),
        "multi_access_request" => FieldValue::AccessRequests(
            node.children_named("access_request")
                .map(access_request)
                .collect(),
        ),
        _ => FieldValue::Other(to_xml(node)),
    }
}

fn access_request(node: &Element) -> AccessRequest {
    let objects = |list: &str, item: &str| -> Vec<NetworkObject> {
        node.child(list)
            .map(|objects| objects.children_named(item).map(network_object).collect())
            .unwrap_or_default()
    };
    let names = |list: &str, item: &str, field: Option<&str>| -> Vec<String> {
        node.child(list)
            .map(|items| {
                items
                    .children_named(item)
                    .map(|entry| match field {
                        Some(field) => entry.child_text(field).to_string(),
                        None => entry.text.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    AccessRequest {
        id: node.child_text("id").trim().parse().unwrap_or(0),
        order: node.child_text("order").into(),
        action: node.child_text("action").into(),
        sources: objects("sources", "source"),
        destinations: objects("destinations", "destination"),
        services: node
            .child("services")
            .map(|services| services.children_named("service").map(service).collect())
            .unwrap_or_default(),
        targets: names("targets", "target", Some("object_name")),
        users: names("users", "user", None),
        comment: node.child_text("comment").into(),
    }
}

fn network_object(node: &Element) -> NetworkObject {
    let name = optional_text(node, "object_name")
        .or_else(|| optional_text(node, "host_name"))
        .or_else(|| optional_text(node, "name"));
    NetworkObject {
        kind: node.attribute("type").unwrap_or_default().to_string(),
        ip_address: optional_text(node, "ip_address"),
        netmask: optional_text(node, "netmask"),
        name,
    }
}

fn comment(node: &Element) -> Comment {
    Comment {
        user: node.child_text("user").into(),
        created: node.child_text("created").into(),
        content: node.child_text("content").into(),
        kind: node.child_text("type").into(),
        task_name: node.child_text("task_name").into(),
    }
}

fn service(node: &Element) -> Service {
    Service {
        kind: node.attribute("type").unwrap_or_default().to_string(),
        protocol: optional_text(node, "protocol"),
        port: optional_text(node, "port"),
        name: optional_text(node, "name").or_else(|| optional_text(node, "application_name")),
    }
}

/// Serializes an element back to XML for [`FieldValue::Other`].
fn to_xml(node: &Element) -> String {
    let mut out = String::new();
    write_xml(node, &mut out);
    out
}

fn write_xml(node: &Element, out: &mut String) {
    out.push('<');
    out.push_str(&node.name);
    for (key, value) in &node.attributes {
        out.push_str(&format!(" {key}=\"{}\"", quick_xml::escape::escape(value)));
    }
    out.push('>');
    out.push_str(&quick_xml::escape::escape(&node.text));
    for child in &node.children {
        write_xml(child, out);
    }
    out.push_str("</");
    out.push_str(&node.name);
    out.push('>');
}

/// Helpers for finding things in a ticket by name.
impl Ticket {
    /// Returns the step the ticket is on, or none when it is closed.
    pub fn current(&self) -> Option<&Step> {
        let current = self.current_step.as_ref()?;
        self.steps.iter().find(|step| step.id == current.id)
    }
}

#[cfg(test)]
mod tests;
