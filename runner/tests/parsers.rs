//! Property tests of the parsers that read untrusted input: the
//! `<ticket_info>` document on standard input, and the tickets and element
//! trees of API responses. None may panic on any input, and documents built
//! from known values must give those values back.
//!
//! The case counts are bounded so the suite runs in seconds in CI; set
//! `PROPTEST_CASES` for a longer run.

use hook_runner::ticket::{ticket_from_json, ticket_from_xml};
use hook_runner::ticket_info::{self, TicketInfoDocument};
use hook_runner::xml_tree::{Element, parse_json, parse_xml};
use proptest::prelude::*;

const TICKET_FIXTURE: &str = include_str!("../../tests/fixtures/tickets/1001.xml");
const INFO_FIXTURE: &str = include_str!("../../tests/fixtures/ticket_info/advance-1001.xml");

fn config() -> ProptestConfig {
    ProptestConfig {
        // Failure files would be written into the source tree.
        failure_persistence: None,
        ..ProptestConfig::with_cases(256)
    }
}

/// Escapes text for an XML element body or attribute value.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes `element` as XML.
fn to_xml(element: &Element) -> String {
    let attributes: String = element
        .attributes
        .iter()
        .map(|(name, value)| format!(" {name}=\"{}\"", escape(value)))
        .collect();
    let children: String = element.children.iter().map(to_xml).collect();
    format!(
        "<{name}{attributes}>{}{children}</{name}>",
        escape(&element.text),
        name = element.name
    )
}

/// Text as the tree keeps it: no surrounding white space, no characters
/// that XML 1.0 cannot carry.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 äöü東京&<>\"'.,;:/-]{0,20}".prop_map(|text| text.trim().to_string())
}

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,8}"
}

fn element() -> impl Strategy<Value = Element> {
    let leaf = (
        name(),
        text(),
        proptest::collection::vec((name(), text()), 0..2),
    )
        .prop_map(|(name, text, attributes)| Element {
            name,
            attributes: dedup(attributes),
            text,
            children: Vec::new(),
        });
    leaf.prop_recursive(4, 32, 4, |inner| {
        (name(), proptest::collection::vec(inner, 1..4)).prop_map(|(name, children)| Element {
            name,
            attributes: Vec::new(),
            text: String::new(),
            children,
        })
    })
}

fn dedup(mut attributes: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    attributes.retain(|(name, _)| seen.insert(name.clone()));
    attributes
}

/// Replaces bytes of `text` at the given positions, then cuts it at `cut`.
fn mutate(text: &str, edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for (position, byte) in edits {
        let index = position % bytes.len();
        bytes[index] = *byte;
    }
    bytes.truncate(cut % (bytes.len() + 1));
    bytes
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ticket_info_never_panics(input in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = ticket_info::parse(&input);
    }

    #[test]
    fn ticket_info_mutations_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
    ) {
        let _ = ticket_info::parse(&mutate(INFO_FIXTURE, &edits, cut));
    }

    #[test]
    fn ticket_info_values_round_trip(
        id in any::<u64>(),
        subject in text(),
        stage_id in any::<u64>(),
        stage_name in text(),
        update in proptest::option::of(any::<u64>()),
    ) {
        let update = update.map(|millis| format!("<updateDate>{millis}</updateDate>")).unwrap_or_default();
        let document = format!(
            "<ticket_info><id>{id}</id><subject>{}</subject>{update}\
             <current_stage><id>{stage_id}</id><name>{}</name></current_stage></ticket_info>",
            escape(&subject),
            escape(&stage_name)
        );
        let parsed = ticket_info::parse(document.as_bytes());
        let Ok(TicketInfoDocument::Ticket(info)) = parsed else {
            panic!("{document}: {parsed:?}");
        };
        prop_assert_eq!(info.id, id);
        prop_assert_eq!(info.subject, subject);
        let stage = info.current_stage.expect("stage");
        prop_assert_eq!(stage.id, stage_id);
        prop_assert_eq!(stage.name, stage_name);
    }

    #[test]
    fn xml_tree_never_panics(input in "\\PC{0,300}") {
        let _ = parse_xml(&input);
        let _ = parse_json(&input);
    }

    #[test]
    fn xml_tree_round_trips(tree in element()) {
        let parsed = parse_xml(&to_xml(&tree));
        prop_assert_eq!(parsed.ok(), Some(tree));
    }

    #[test]
    fn ticket_never_panics(input in "\\PC{0,300}") {
        let _ = ticket_from_xml(&input);
        let _ = ticket_from_json(&input);
    }

    #[test]
    fn ticket_mutations_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
    ) {
        let bytes = mutate(TICKET_FIXTURE, &edits, cut);
        let _ = ticket_from_xml(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn ticket_fixture_parses() {
    let ticket = ticket_from_xml(TICKET_FIXTURE).expect("fixture parses");
    assert_eq!(ticket.id, 1001);
}
