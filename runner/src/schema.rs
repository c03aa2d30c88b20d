//! Adjustments to the JSON Schemas derived from the configuration and policy
//! types, for rules that the types alone do not express.

use schemars::Schema;
use serde_json::{Value, json};

use crate::bindings::Event;
use crate::event::{ALL_EVENTS, event_name};

/// Returns a transform that makes an object schema require exactly one of
/// two optional keys, as the loader does.
pub fn require_exactly_one(first: &'static str, second: &'static str) -> impl Fn(&mut Schema) {
    move |schema: &mut Schema| {
        schema.insert(
            "oneOf".to_string(),
            json!([{ "required": [first] }, { "required": [second] }]),
        );
    }
}

/// Restricts the items of a hook's `events` list to the event names that the
/// loader accepts: any case, surrounding spaces allowed, `TEST` excluded.
pub fn match_event_names(schema: &mut Schema) {
    let Some(events) = schema
        .get_mut("properties")
        .and_then(|properties| properties.get_mut("events"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    events.insert(
        "items".to_string(),
        json!({ "type": "string", "pattern": event_pattern() }),
    );
}

/// Makes a hook's `events` required for event hooks (no `kind`, or
/// `kind = "event"`) and rejects the event-selection keys on condition and
/// assignment hooks, as the loader does.
pub fn require_events_by_kind(schema: &mut Schema) {
    schema.insert(
        "if".to_string(),
        json!({
            "properties": { "kind": { "enum": ["condition", "assignment"] } },
            "required": ["kind"]
        }),
    );
    schema.insert(
        "then".to_string(),
        json!({
            "properties": {
                "events": { "maxItems": 0 },
                "workflows": { "maxItems": 0 },
                "steps": { "maxItems": 0 },
                "write_if_step_changed": { "const": false }
            }
        }),
    );
    schema.insert(
        "else".to_string(),
        json!({
            "required": ["events"],
            "properties": { "events": { "minItems": 1 } }
        }),
    );
}

/// Builds a regular expression that matches each bindable event name in any
/// case, because JSON Schema patterns have no case-insensitive flag.
fn event_pattern() -> String {
    let names: Vec<String> = ALL_EVENTS
        .into_iter()
        .filter(|event| *event != Event::Test)
        .map(|event| any_case(event_name(event)))
        .collect();
    format!("^\\s*({})\\s*$", names.join("|"))
}

fn any_case(name: &str) -> String {
    name.chars()
        .map(|character| {
            if character.is_ascii_alphabetic() {
                let upper = character.to_ascii_uppercase();
                let lower = character.to_ascii_lowercase();
                format!("[{upper}{lower}]")
            } else {
                character.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_case_covers_both_cases() {
        assert_eq!(any_case("RE_DO"), "[Rr][Ee]_[Dd][Oo]");
    }

    #[test]
    fn event_pattern_excludes_test() {
        let pattern = event_pattern();
        assert!(pattern.contains(&any_case("ADVANCE")), "{pattern}");
        assert!(!pattern.contains(&any_case("TEST")), "{pattern}");
    }

    #[test]
    fn config_schema_matches_committed_file() {
        let generated = crate::config::json_schema();
        assert_committed(&generated, "hook-runner.schema.json", "config");
    }

    #[test]
    fn policy_schema_matches_committed_file() {
        let generated = crate::policy::json_schema();
        assert_committed(&generated, "policy.schema.json", "policy");
    }

    /// Fails when the committed copy under `docs/schema/` is not what
    /// `hook-runner schema KIND` prints now.
    fn assert_committed(generated: &Schema, file: &str, kind: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/schema")
            .join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let expected = crate::commands::schema_text(generated).unwrap_or_default();
        assert!(
            committed == expected,
            "`{}` is out of date; run `cargo run -p hook-runner -- schema {kind} > docs/schema/{file}`",
            path.display()
        );
    }
}
