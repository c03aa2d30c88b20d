//! Conversion between the XML tree and the JSON form of the SecureChange API.
//!
//! The real API's JSON comes from its XML binding, with these quirks, which
//! `to_json` reproduces:
//! - the root element is a key: `{"ticket": {...}}`;
//! - a collection keeps its wrapper (`"steps": {"step": [...]}`), and a
//!   wrapper with one child contains an object, not a one-element array;
//! - `xsi:type` is spelled `"@xsi.type"`, other attributes `"@name"`, and
//!   namespace declarations (`xmlns:*`) are left out;
//! - an element with only text becomes a scalar: integers (ids, counts) as
//!   numbers, `true`/`false` as booleans, anything else as a string;
//! - an empty element, such as `<comments/>` or an empty `<text>`, is `""`.
//!
//! NOTE: the real API types values by its schema, not by their look. This
//! emulator keeps free-text elements (see `TEXT_ELEMENTS`) as strings, so a
//! text field holding `123` stays `"123"`, and treats other integer-looking
//! text as a number.

use serde_json::{Map, Value};

use crate::xml::{Element, Node};

/// Elements whose text is user input, so always a JSON string.
const TEXT_ELEMENTS: &[&str] = &[
    "text",
    "url",
    "selection",
    "reason",
    "content",
    "subject",
    "name",
    "display_name",
    "description",
    "object_name",
    "object_details",
    "ip_address",
    "netmask",
];

/// The key that contains the text of an element that also has attributes.
const TEXT_KEY: &str = "$";

/// Converts a whole document: `{"<root name>": <root value>}`.
pub fn to_json(root: &Element) -> Value {
    let mut object = Map::new();
    object.insert(root.name.clone(), element_value(root));
    Value::Object(object)
}

fn element_value(element: &Element) -> Value {
    if element.is_leaf() {
        return scalar(&element.name, &element.text());
    }
    let mut object = Map::new();
    for (key, value) in &element.attributes {
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        object.insert(
            format!("@{}", key.replace(':', ".")),
            Value::String(value.clone()),
        );
    }
    let text = element.text();
    if element.elements().next().is_none() && !text.is_empty() {
        object.insert(TEXT_KEY.to_owned(), Value::String(text));
    }
    for child in element.elements() {
        insert_child(&mut object, &child.name, element_value(child));
    }
    Value::Object(object)
}

/// Adds a child under its name: the first one as the value itself, a second
/// one turns the entry into an array.
fn insert_child(object: &mut Map<String, Value>, name: &str, value: Value) {
    match object.get_mut(name) {
        None => {
            object.insert(name.to_owned(), value);
        }
        Some(Value::Array(values)) => values.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}

fn scalar(name: &str, text: &str) -> Value {
    if TEXT_ELEMENTS.contains(&name) {
        return Value::String(text.to_owned());
    }
    match text {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if name != "value"
        && is_canonical_integer(text)
        && let Ok(number) = text.parse::<i64>()
    {
        return Value::from(number);
    }
    Value::String(text.to_owned())
}

/// True for `0` and for digits without a leading zero (so `007` stays text).
fn is_canonical_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let all_digits = !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit());
    all_digits && (digits == "0" || !digits.starts_with('0'))
}

/// A JSON request body that does not have the shape of an XML document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ShapeError(pub String);

/// Converts a JSON request body back into an element tree, the inverse of
/// `to_json`: the body must be an object with exactly one key, the root.
pub fn from_json(value: &Value) -> Result<Element, ShapeError> {
    let Value::Object(object) = value else {
        return Err(ShapeError("the JSON body is not an object".into()));
    };
    let mut entries = object.iter();
    let (Some((name, content)), None) = (entries.next(), entries.next()) else {
        return Err(ShapeError(format!(
            "the JSON body must have exactly one key, the root element; it has {}",
            object.len()
        )));
    };
    element_from_json(name, content)
}

fn element_from_json(name: &str, value: &Value) -> Result<Element, ShapeError> {
    let mut element = Element::new(name);
    match value {
        Value::Object(object) => {
            for (key, content) in object {
                add_json_entry(&mut element, key, content)?;
            }
        }
        Value::Array(_) => {
            return Err(ShapeError(format!(
                "'{name}' is an array where one element was expected"
            )));
        }
        scalar => {
            let text = scalar_text(scalar);
            if !text.is_empty() {
                element.children.push(Node::Text(text));
            }
        }
    }
    Ok(element)
}

fn add_json_entry(element: &mut Element, key: &str, content: &Value) -> Result<(), ShapeError> {
    if let Some(attribute) = key.strip_prefix('@') {
        let name = attribute.replace('.', ":");
        element.attributes.push((name, scalar_text(content)));
        return Ok(());
    }
    if key == TEXT_KEY {
        element.children.push(Node::Text(scalar_text(content)));
        return Ok(());
    }
    if let Value::Array(items) = content {
        for item in items {
            element.push(element_from_json(key, item)?);
        }
        return Ok(());
    }
    element.push(element_from_json(key, content)?);
    Ok(())
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on bad input")]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::xml::parse;

    #[test]
    fn lone_child_is_object() {
        let tree = parse("<t><steps><step><id>1</id></step></steps></t>").unwrap();
        assert_eq!(to_json(&tree), json!({"t": {"steps": {"step": {"id": 1}}}}));
    }

    #[test]
    fn repeated_children_are_array() {
        let tree =
            parse("<t><steps><step><id>1</id></step><step><id>2</id></step></steps></t>").unwrap();
        assert_eq!(
            to_json(&tree),
            json!({"t": {"steps": {"step": [{"id": 1}, {"id": 2}]}}})
        );
    }

    #[test]
    fn attributes_and_scalars() {
        let xml = r#"<field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="text_field"><id>5</id><read_only>false</read_only><text>007</text><name>12</name><x/></field>"#;
        let expected = json!({"field": {
            "@xsi.type": "text_field", "id": 5, "read_only": false,
            "text": "007", "name": "12", "x": ""
        }});
        assert_eq!(to_json(&parse(xml).unwrap()), expected);
    }

    #[test]
    fn from_json_inverts_to_json() {
        let xml = r#"<fields><field xsi:type="checkbox"><id>5</id><value>true</value></field><field xsi:type="text_field"><id>6</id><text>a</text></field></fields>"#;
        let tree = parse(xml).unwrap();
        assert_eq!(from_json(&to_json(&tree)).unwrap(), tree);
    }

    #[test]
    fn from_json_rejects_two_roots() {
        assert!(from_json(&json!({"a": 1, "b": 2})).is_err());
        assert!(from_json(&json!([1])).is_err());
    }
}
