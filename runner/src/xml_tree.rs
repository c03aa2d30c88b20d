//! A small read-only element tree, built from XML or from SecureChange's JSON,
//! so that one mapper turns either API format into the typed ticket.
//!
//! The XML reader rejects DTDs (no entity can expand or reach a file) and
//! limits nesting depth, because API bodies are untrusted input.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event as XmlEvent};
use quick_xml::reader::Reader;
use serde_json::Value;

/// Deepest element nesting accepted; real tickets stay under 20 levels.
pub const MAX_DEPTH: usize = 128;

/// An element: its local name, attributes, text and child elements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    /// Name without namespace prefix (`field` for `<ns:field>`).
    pub name: String,
    /// Attributes by qualified name (`xsi:type`, `type`).
    pub attributes: Vec<(String, String)>,
    /// Text directly inside the element, trimmed.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
}

/// A document that is not well-formed or breaks a limit.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// The XML reader failed.
    #[error("malformed XML at byte {position}: {message}")]
    Xml {
        /// Byte offset of the error.
        position: u64,
        /// The reader's message.
        message: String,
    },
    /// The document declares a DTD.
    #[error("XML with a DOCTYPE declaration is not accepted (DTDs and entities are disabled)")]
    Doctype,
    /// Too deeply nested.
    #[error("XML is nested deeper than {MAX_DEPTH} elements")]
    TooDeep,
    /// No root element.
    #[error("the document has no root element")]
    Empty,
    /// Not valid JSON, or not a JSON object at the top.
    #[error("malformed JSON: {0}")]
    Json(String),
}

impl Element {
    /// Returns the first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }

    /// Returns every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// Returns the text of the first child named `name`, or "" when absent.
    pub fn child_text(&self, name: &str) -> &str {
        self.child(name).map_or("", |child| child.text.as_str())
    }

    /// Returns the value of attribute `name` (qualified, like `xsi:type`).
    /// A bare `type` also matches `xsi:type` and the other way round, because
    /// some producers drop the prefix.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        let local = |key: &str| key.rsplit(':').next().unwrap_or(key).to_string();
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .or_else(|| {
                self.attributes
                    .iter()
                    .find(|(key, _)| local(key) == local(name))
            })
            .map(|(_, value)| value.as_str())
    }
}

/// Parses an XML document into its root element.
pub fn parse_xml(text: &str) -> Result<Element, TreeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;

    loop {
        let event = reader.read_event().map_err(|error| TreeError::Xml {
            position: reader.error_position(),
            message: error.to_string(),
        })?;
        match event {
            XmlEvent::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(TreeError::TooDeep);
                }
                stack.push(open_element(&start, &reader)?);
            }
            XmlEvent::Empty(start) => {
                let element = open_element(&start, &reader)?;
                attach(&mut stack, &mut root, element, &reader)?;
            }
            XmlEvent::End(_) => {
                if let Some(mut element) = stack.pop() {
                    element.text = element.text.trim().to_string();
                    attach(&mut stack, &mut root, element, &reader)?;
                }
            }
            XmlEvent::Text(text) => match stack.last_mut() {
                Some(current) => current.text.push_str(&text.xml10_content()),
                None if text.xml10_content().trim().is_empty() => {}
                None => {
                    return Err(TreeError::Xml {
                        position: reader.buffer_position(),
                        message: "text outside the root element".to_string(),
                    });
                }
            },
            XmlEvent::CData(data) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&data.xml10_content());
                }
            }
            XmlEvent::GeneralRef(reference) => {
                if let Some(current) = stack.last_mut() {
                    let resolved = resolve_reference(&reference, &reader)?;
                    current.text.push(resolved);
                }
            }
            XmlEvent::DocType(_) => return Err(TreeError::Doctype),
            XmlEvent::Eof => break,
            XmlEvent::Decl(_) | XmlEvent::PI(_) | XmlEvent::Comment(_) => {}
        }
    }

    if !stack.is_empty() {
        return Err(TreeError::Xml {
            position: reader.buffer_position(),
            message: format!("element <{}> is not closed", stack[stack.len() - 1].name),
        });
    }
    root.ok_or(TreeError::Empty)
}

/// Adds a closed element to its parent, or makes it the root. A document
/// has one root, so a second top-level element is an error.
fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
    reader: &Reader<&[u8]>,
) -> Result<(), TreeError> {
    match (stack.last_mut(), root.as_ref()) {
        (Some(parent), _) => parent.children.push(element),
        (None, None) => *root = Some(element),
        (None, Some(first)) => {
            return Err(TreeError::Xml {
                position: reader.buffer_position(),
                message: format!(
                    "a second root element <{}> after </{}>: a document has one root element",
                    element.name, first.name
                ),
            });
        }
    }
    Ok(())
}

fn open_element(start: &BytesStart<'_>, reader: &Reader<&[u8]>) -> Result<Element, TreeError> {
    let name = start.local_name().as_ref().to_string();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| xml_error(reader, error))?;
        let key = attribute.key.as_ref().to_string();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|error| xml_error(reader, error))?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        ..Element::default()
    })
}

fn resolve_reference(
    reference: &quick_xml::events::BytesRef<'_>,
    reader: &Reader<&[u8]>,
) -> Result<char, TreeError> {
    if let Some(character) = reference
        .resolve_char_ref()
        .map_err(|error| xml_error(reader, error))?
    {
        return Ok(character);
    }
    match reference.xml10_content().as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(TreeError::Xml {
            position: reader.buffer_position(),
            message: format!(
                "unknown entity `&{other};` (only the five XML entities are accepted)"
            ),
        }),
    }
}

fn xml_error(reader: &Reader<&[u8]>, error: impl std::fmt::Display) -> TreeError {
    TreeError::Xml {
        position: reader.buffer_position(),
        message: error.to_string(),
    }
}

/// Parses SecureChange JSON (`{"ticket": {...}}`) into the element tree the
/// XML form would give: arrays become repeated children, `@xsi.type` and
/// other `@` keys become attributes, scalars become text.
pub fn parse_json(text: &str) -> Result<Element, TreeError> {
    let value: Value = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|error| TreeError::Json(error.to_string()))?;
    let Value::Object(map) = value else {
        return Err(TreeError::Json(
            "the top level is not an object".to_string(),
        ));
    };
    let mut entries = map.into_iter();
    match (entries.next(), entries.next()) {
        (Some((name, value)), None) => json_element(name, value, 0),
        _ => Err(TreeError::Json(
            "the top-level object must have exactly one key, such as `ticket`".to_string(),
        )),
    }
}

fn json_element(name: String, value: Value, depth: usize) -> Result<Element, TreeError> {
    if depth >= MAX_DEPTH {
        return Err(TreeError::TooDeep);
    }
    let mut element = Element {
        name,
        ..Element::default()
    };
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if let Some(attribute) = key.strip_prefix('@') {
                    element
                        .attributes
                        .push((attribute.replace('.', ":"), scalar_text(&value)));
                } else if key == "#text" || key == "$" {
                    element.text = scalar_text(&value);
                } else if let Value::Array(items) = value {
                    for item in items {
                        element
                            .children
                            .push(json_element(key.clone(), item, depth + 1)?);
                    }
                } else {
                    element.children.push(json_element(key, value, depth + 1)?);
                }
            }
        }
        Value::Array(items) => {
            // An array directly inside an array has no element name of its
            // own in XML; keep its items under the outer name.
            for item in items {
                let name = element.name.clone();
                element.children.push(json_element(name, item, depth + 1)?);
            }
        }
        scalar => element.text = scalar_text(&scalar),
    }
    Ok(element)
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.trim().to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_keeps_order_attributes_and_text() {
        let root = parse_xml(
            "\u{feff}<?xml version=\"1.0\"?><a xmlns:xsi=\"x\"><b xsi:type=\"t\"> one &amp; two </b><c/><b>3</b></a>",
        )
        .expect("parses");
        assert_eq!(root.name, "a");
        assert!(root.attributes.is_empty());
        let names: Vec<&str> = root.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["b", "c", "b"]);
        assert_eq!(root.children[0].text, "one & two");
        assert_eq!(root.children[0].attribute("xsi:type"), Some("t"));
        assert_eq!(root.children[0].attribute("type"), Some("t"));
    }

    #[test]
    fn doctype_is_rejected() {
        let bomb = "<!DOCTYPE a [<!ENTITY x \"xx\">]><a>&x;</a>";
        assert!(matches!(parse_xml(bomb), Err(TreeError::Doctype)));
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse_xml(&deep), Err(TreeError::TooDeep)));
    }

    #[test]
    fn unclosed_element_is_rejected() {
        assert!(parse_xml("<a><b></b>").is_err());
        assert!(matches!(parse_xml("  "), Err(TreeError::Empty)));
    }

    #[test]
    fn json_lone_child_and_array_match() {
        let lone = parse_json(r#"{"ticket":{"steps":{"step":{"id":1}}}}"#).expect("lone");
        let many =
            parse_json(r#"{"ticket":{"steps":{"step":[{"id":1},{"id":2}]}}}"#).expect("many");
        let steps = lone.child("steps").expect("steps");
        assert_eq!(steps.children_named("step").count(), 1);
        assert_eq!(steps.child("step").map(|s| s.child_text("id")), Some("1"));
        assert_eq!(
            many.child("steps")
                .map(|s| s.children_named("step").count()),
            Some(2)
        );
    }

    #[test]
    fn json_xsi_type_becomes_attribute() {
        let root = parse_json(r#"{"field":{"@xsi.type":"checkbox","value":true}}"#).expect("json");
        assert_eq!(root.attribute("xsi:type"), Some("checkbox"));
        assert_eq!(root.child_text("value"), "true");
    }
}
