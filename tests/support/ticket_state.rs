//! Reads what tests check in a ticket that the emulator stores: field
//! values, comments, and the requests that wrote them.

use scw_emulator::RecordedRequest;
use scw_emulator::xml::{Element, parse};

/// Returns the `<text>` of every field named `name` in the ticket XML, in
/// document order.
pub fn field_texts(ticket_xml: &str, name: &str) -> Vec<String> {
    let root = parse(ticket_xml).expect("the emulator stores valid XML");
    let mut texts = Vec::new();
    collect_fields(&root, name, &mut texts);
    texts
}

fn collect_fields(element: &Element, name: &str, texts: &mut Vec<String>) {
    for child in element.elements() {
        if child.name == "field" && child.child_text("name").as_deref() == Some(name) {
            texts.push(child.child_text("text").unwrap_or_default());
        } else {
            collect_fields(child, name, texts);
        }
    }
}

/// Returns the `<selection>` of every drop-down field named `name` in the
/// ticket XML, in document order; an empty string for no selection.
pub fn field_selections(ticket_xml: &str, name: &str) -> Vec<String> {
    let root = parse(ticket_xml).expect("the emulator stores valid XML");
    let mut selections = Vec::new();
    collect_selections(&root, name, &mut selections);
    selections
}

fn collect_selections(element: &Element, name: &str, selections: &mut Vec<String>) {
    for child in element.elements() {
        if child.name == "field" && child.child_text("name").as_deref() == Some(name) {
            selections.push(child.child_text("selection").unwrap_or_default());
        } else {
            collect_selections(child, name, selections);
        }
    }
}

/// Returns the contents of the ticket's comments, in order.
pub fn comments(ticket_xml: &str) -> Vec<String> {
    let root = parse(ticket_xml).expect("the emulator stores valid XML");
    root.child("comments")
        .map(|comments| {
            comments
                .elements()
                .filter(|comment| comment.name == "comment")
                .map(|comment| comment.child_text("content").unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

/// Counts the requests with `method` whose path ends with `suffix` and that
/// succeeded.
pub fn successful(requests: &[RecordedRequest], method: &str, suffix: &str) -> usize {
    requests
        .iter()
        .filter(|request| {
            request.method == method
                && request.path.ends_with(suffix)
                && (200..300).contains(&request.status)
        })
        .count()
}
