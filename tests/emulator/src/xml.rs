//! A small XML element tree: parsed with quick-xml, written back with the
//! same element order and attributes, and edited in place by the field and
//! comment writes.

use quick_xml::XmlVersion;
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The XML declaration the real API puts in front of every document.
pub const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// One node of an element's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// An XML element with its attributes (qualified names as written, such as
/// `xsi:type`) and its content in document order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A document that is not well-formed XML, with the reason from the parser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl Element {
    /// Creates an element without attributes or content.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Creates an element whose only content is `text`.
    pub fn with_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        let mut element = Self::new(name);
        element.children.push(Node::Text(text.into()));
        element
    }

    /// Returns the value of the attribute with this qualified name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Iterates over the child elements, skipping text.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// Iterates mutably over the child elements, skipping text.
    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// Returns the first child element with this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|element| element.name == name)
    }

    /// Returns the first child element with this name, mutably.
    pub fn child_mut(&mut self, name: &str) -> Option<&mut Element> {
        self.elements_mut().find(|element| element.name == name)
    }

    /// Returns the concatenated text content of this element, without the
    /// text of nested elements.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|node| match node {
                Node::Text(text) => Some(text.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }

    /// Returns the text of the first child element with this name.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(Element::text)
    }

    /// Returns true when the element has neither attributes nor child
    /// elements, so its value is its text alone.
    pub fn is_leaf(&self) -> bool {
        self.attributes.is_empty() && self.elements().next().is_none()
    }

    /// Replaces all children named `name` with `replacements`, placed where
    /// the first of the old ones was, or at the end when there was none.
    pub fn replace_children(&mut self, name: &str, replacements: Vec<Element>) {
        let position = self.children.iter().position(|node| is_named(node, name));
        self.children.retain(|node| !is_named(node, name));
        let at = position.unwrap_or(self.children.len());
        let nodes = replacements.into_iter().map(Node::Element);
        self.children.splice(at..at, nodes);
    }

    /// Appends a child element.
    pub fn push(&mut self, child: Element) {
        self.children.push(Node::Element(child));
    }
}

fn is_named(node: &Node, name: &str) -> bool {
    matches!(node, Node::Element(element) if element.name == name)
}

/// Parses a document and returns its root element.
///
/// Comments, processing instructions and the declaration are dropped.
/// Whitespace-only text is dropped from elements that contain elements, so
/// indentation does not count as content, but a leaf keeps its text as is.
pub fn parse(input: &str) -> Result<Element, ParseError> {
    let mut reader = Reader::from_str(input);
    let mut stack: Vec<Element> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|error| position_error(&reader, &error))?;
        match event {
            Event::Start(start) => stack.push(start_element(&start)?),
            Event::Empty(start) => {
                let element = start_element(&start)?;
                if let Some(root) = attach(&mut stack, element) {
                    return finish(&mut reader, root);
                }
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    return Err(ParseError("unexpected end tag".into()));
                };
                if let Some(root) = attach(&mut stack, normalize(element)) {
                    return finish(&mut reader, root);
                }
            }
            Event::Text(text) => push_text(&mut stack, &text.xml10_content()),
            Event::CData(data) => push_text(&mut stack, &data.xml10_content()),
            Event::GeneralRef(reference) => {
                let text = resolve_reference(&reference)?;
                push_text(&mut stack, &text);
            }
            Event::Eof => return Err(ParseError("the document has no root element".into())),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

fn position_error(reader: &Reader<&[u8]>, error: &quick_xml::Error) -> ParseError {
    ParseError(format!("{error} (at byte {})", reader.error_position()))
}

/// Rejects anything but whitespace, comments and instructions after the root.
fn finish(reader: &mut Reader<&[u8]>, root: Element) -> Result<Element, ParseError> {
    loop {
        match reader
            .read_event()
            .map_err(|error| position_error(reader, &error))?
        {
            Event::Eof => return Ok(root),
            Event::Text(text) if text.xml10_content().trim().is_empty() => {}
            Event::Comment(_) | Event::PI(_) => {}
            _ => return Err(ParseError("content after the root element".into())),
        }
    }
}

/// Adds a finished element to its parent, or returns it when it is the root.
fn attach(stack: &mut [Element], element: Element) -> Option<Element> {
    match stack.last_mut() {
        Some(parent) => {
            parent.push(element);
            None
        }
        None => Some(element),
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    let Some(parent) = stack.last_mut() else {
        return;
    };
    if let Some(Node::Text(last)) = parent.children.last_mut() {
        last.push_str(text);
    } else {
        parent.children.push(Node::Text(text.to_owned()));
    }
}

fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<String, ParseError> {
    let name = reference.xml10_content();
    if let Some(character) = reference
        .resolve_char_ref()
        .map_err(|error| ParseError(format!("invalid character reference &{name};: {error}")))?
    {
        return Ok(character.to_string());
    }
    resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| ParseError(format!("unknown entity &{name};")))
}

fn start_element(start: &BytesStart<'_>) -> Result<Element, ParseError> {
    let mut element = Element::new(start.name().as_ref());
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| ParseError(error.to_string()))?;
        let key = attribute.key.as_ref().to_owned();
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|error| ParseError(error.to_string()))?;
        element.attributes.push((key, value.into_owned()));
    }
    Ok(element)
}

/// Drops whitespace-only text from an element that contains elements.
fn normalize(mut element: Element) -> Element {
    if element.elements().next().is_some() {
        element
            .children
            .retain(|node| !matches!(node, Node::Text(text) if text.trim().is_empty()));
    }
    element
}

/// Writes a whole document: the declaration and the root, indented by four
/// spaces per level like the real API's output.
pub fn to_document(root: &Element) -> String {
    let mut output = String::from(DECLARATION);
    output.push('\n');
    write_element(&mut output, root, 0);
    output.push('\n');
    output
}

fn write_element(output: &mut String, element: &Element, depth: usize) {
    output.push('<');
    output.push_str(&element.name);
    for (key, value) in &element.attributes {
        output.push_str(&format!(" {key}=\"{}\"", escape(value.as_str())));
    }
    if element.children.is_empty() {
        output.push_str("/>");
        return;
    }
    output.push('>');
    let has_elements = element.elements().next().is_some();
    for node in &element.children {
        match node {
            Node::Text(text) => output.push_str(&escape(text.as_str())),
            Node::Element(child) => {
                if has_elements {
                    newline(output, depth + 1);
                }
                write_element(output, child, depth + 1);
            }
        }
    }
    if has_elements {
        newline(output, depth);
    }
    output.push_str("</");
    output.push_str(&element.name);
    output.push('>');
}

fn newline(output: &mut String, depth: usize) {
    output.push('\n');
    output.push_str(&"    ".repeat(depth));
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on bad input")]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_tree() {
        let input = r#"<?xml version="1.0"?>
<a x="1 &amp; 2">
    <b>t&lt;x&gt; &#x263A;</b>
    <c/>
    <d></d>
</a>"#;
        let tree = parse(input).unwrap();
        assert_eq!(tree.attribute("x"), Some("1 & 2"));
        assert_eq!(tree.child_text("b").unwrap(), "t<x> \u{263A}");
        let again = parse(&to_document(&tree)).unwrap();
        assert_eq!(again, tree);
    }

    #[test]
    fn parse_rejects_unclosed_element() {
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<a>").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn replace_children_keeps_position() {
        let mut tree = parse("<f><id>1</id><text>a</text><x/></f>").unwrap();
        tree.replace_children("text", vec![Element::with_text("text", "b")]);
        let names: Vec<_> = tree.elements().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["id", "text", "x"]);
        assert_eq!(tree.child_text("text").unwrap(), "b");
    }
}
