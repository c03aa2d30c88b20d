//! The `SCW_EVENT` values that SecureChange passes to a script.

use crate::bindings::Event;

/// Every event, in the order SecureChange documents them.
pub const ALL_EVENTS: [Event; 12] = [
    Event::Create,
    Event::Close,
    Event::Cancel,
    Event::Reject,
    Event::Advance,
    Event::Redo,
    Event::Resubmit,
    Event::Reopen,
    Event::Resolve,
    Event::PreAssignmentScript,
    Event::AutomationFailed,
    Event::Test,
];

/// Returns the name SecureChange uses for `event`, such as `ADVANCE`.
pub fn event_name(event: Event) -> &'static str {
    match event {
        Event::Create => "CREATE",
        Event::Close => "CLOSE",
        Event::Cancel => "CANCEL",
        Event::Reject => "REJECT",
        Event::Advance => "ADVANCE",
        Event::Redo => "REDO",
        Event::Resubmit => "RESUBMIT",
        Event::Reopen => "REOPEN",
        Event::Resolve => "RESOLVE",
        Event::PreAssignmentScript => "PRE_ASSIGNMENT_SCRIPT",
        Event::AutomationFailed => "AUTOMATION_FAILED",
        Event::Test => "TEST",
    }
}

/// Characters of a rejected value that an error message shows.
const SHOWN_CHARS: usize = 64;

/// An event name that SecureChange does not send.
#[derive(Debug, thiserror::Error)]
#[error("unknown event `{value}`: expected one of {}", valid_names())]
pub struct UnknownEvent {
    /// The rejected value with control characters escaped, cut after
    /// [`SHOWN_CHARS`] characters, so that no value can rewrite the
    /// terminal or flood the log.
    pub value: String,
}

/// Parses an event name. Surrounding white space is ignored and case does not
/// matter, because admins type these names into configuration files by hand.
pub fn parse_event(value: &str) -> Result<Event, UnknownEvent> {
    let expected = value.trim();
    ALL_EVENTS
        .into_iter()
        .find(|event| event_name(*event).eq_ignore_ascii_case(expected))
        .ok_or_else(|| UnknownEvent {
            value: shown(value),
        })
}

/// Returns `value` as an error message shows it: escaped, and cut with a
/// note of its length when it is long.
fn shown(value: &str) -> String {
    let mut text: String = value
        .chars()
        .take(SHOWN_CHARS)
        .flat_map(char::escape_debug)
        .collect();
    let count = value.chars().count();
    if count > SHOWN_CHARS {
        text.push_str(&format!("... ({count} characters in all)"));
    }
    text
}

fn valid_names() -> String {
    ALL_EVENTS.map(event_name).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_round_trips() {
        for event in ALL_EVENTS {
            assert_eq!(parse_event(event_name(event)).ok(), Some(event));
        }
    }

    #[test]
    fn parse_ignores_case_and_space() {
        assert_eq!(parse_event(" advance\n").ok(), Some(Event::Advance));
        assert_eq!(
            parse_event("pre_assignment_script").ok(),
            Some(Event::PreAssignmentScript)
        );
    }

    #[test]
    fn unknown_event_is_escaped_and_cut() {
        let error = parse_event("\u{1b}[2J\nCLOSE").err().map(|e| e.to_string());
        let message = error.unwrap_or_default();
        assert!(message.contains("`\\u{1b}[2J\\nCLOSE`"), "{message}");
        let long = "A".repeat(100_000);
        let message = parse_event(&long).err().map(|e| e.to_string());
        let message = message.unwrap_or_default();
        assert!(message.len() < 400, "{} bytes", message.len());
        assert!(message.contains("(100000 characters in all)"), "{message}");
    }

    #[test]
    fn unknown_event_lists_valid_names() {
        let error = parse_event("ADVANCED").err().map(|e| e.to_string());
        let message = error.unwrap_or_default();
        assert!(message.contains("`ADVANCED`"), "{message}");
        assert!(message.contains("AUTOMATION_FAILED"), "{message}");
    }
}
