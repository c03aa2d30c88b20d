//! Renders one record as one JSON line, with secrets removed.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::record::{Entry, Record};
use super::redact::{Secrets, redact_url};

/// Fields that hook-runner fills in itself, so they are not scanned for
/// secrets.
const ENVELOPE_FIELDS: [&str; 3] = ["time", "run", "kind"];

/// Renders `record` as a JSON object followed by a newline.
///
/// The URL of an `http_request` goes through [`redact_url`]. Then every
/// string value outside [`ENVELOPE_FIELDS`] is scanned and each registered
/// secret in it is replaced with `REDACTED`. Numbers are not scanned.
pub(super) fn render_line(
    time: String,
    run: &str,
    record: &Record,
    secrets: &Secrets,
) -> Result<String, serde_json::Error> {
    let mut record = record.clone();
    if let Record::HttpRequest { url, .. } = &mut record {
        *url = redact_url(url);
    }
    let entry = Entry {
        time,
        run: run.to_string(),
        record,
    };

    // The scan works on parsed values rather than on the JSON text, so a
    // secret that needs escaping is still found and a replacement can never
    // break the JSON syntax.
    let text = serde_json::to_string(&entry)?;
    let mut object: OrderedObject = serde_json::from_str(&text)?;
    if !secrets.is_empty() {
        for (key, value) in &mut object.0 {
            if !ENVELOPE_FIELDS.contains(&key.as_str()) {
                secrets.redact_value(value);
            }
        }
    }

    let mut line = serde_json::to_string(&object)?;
    line.push('\n');
    Ok(line)
}

/// A JSON object that keeps its fields in their written order, so lines read
/// `time`, `run`, `kind` and then the record's fields as declared.
/// `serde_json::Map` sorts its keys unless the `preserve_order` feature is
/// on, and that feature would change key order for the whole crate.
pub(super) struct OrderedObject(pub(super) Vec<(String, Value)>);

impl<'de> Deserialize<'de> for OrderedObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OrderedObjectVisitor)
    }
}

struct OrderedObjectVisitor;

impl<'de> Visitor<'de> for OrderedObjectVisitor {
    type Value = OrderedObject;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedObject, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(field) = map.next_entry::<String, Value>()? {
            fields.push(field);
        }
        Ok(OrderedObject(fields))
    }
}

impl Serialize for OrderedObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
