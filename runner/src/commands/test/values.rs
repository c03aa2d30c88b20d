//! Field values as one line of text, for the before and after columns of a
//! report.

use crate::bindings::{FieldInput, FieldValue};

/// Formats a field's current value. An unset checkbox, date, time or
/// drop-down is an empty string.
pub fn value_text(value: &FieldValue) -> String {
    match value {
        FieldValue::Text(text) | FieldValue::Hyperlink(text) => text.clone(),
        FieldValue::Checkbox(checked) => checked.map(|value| value.to_string()).unwrap_or_default(),
        FieldValue::Date(text) | FieldValue::Time(text) => text.clone().unwrap_or_default(),
        FieldValue::DropDown(drop_down) => drop_down.selection.clone().unwrap_or_default(),
        FieldValue::MultipleSelection(selection) => list_text(&selection.selected),
        FieldValue::ApproveReject(state) => match state.approved {
            Some(approved) => approval_text(approved, &state.reason),
            None => String::new(),
        },
        FieldValue::MultiText(items) => list_text(items),
        FieldValue::AccessRequests(requests) => format!("({} access requests)", requests.len()),
        FieldValue::Other(xml) => format!("(XML of {} bytes)", xml.len()),
    }
}

/// Formats a new value from a hook's outcome.
pub fn input_text(value: &FieldInput) -> String {
    match value {
        FieldInput::Text(text)
        | FieldInput::Hyperlink(text)
        | FieldInput::Date(text)
        | FieldInput::Time(text)
        | FieldInput::DropDown(text) => text.clone(),
        FieldInput::Checkbox(checked) => checked.to_string(),
        FieldInput::MultipleSelection(items) | FieldInput::MultiText(items) => list_text(items),
        FieldInput::ApproveReject(approval) => approval_text(approval.approved, &approval.reason),
    }
}

fn list_text(items: &[String]) -> String {
    format!("{items:?}")
}

fn approval_text(approved: bool, reason: &str) -> String {
    let decision = if approved { "approved" } else { "rejected" };
    if reason.is_empty() {
        decision.to_string()
    } else {
        format!("{decision}: {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::{Approval, ApprovalState, DropDown};

    #[test]
    fn unset_values_are_empty() {
        assert_eq!(value_text(&FieldValue::Checkbox(None)), "");
        assert_eq!(value_text(&FieldValue::Date(None)), "");
        let drop_down = DropDown {
            selection: None,
            options: vec!["Low".into()],
        };
        assert_eq!(value_text(&FieldValue::DropDown(drop_down)), "");
        let undecided = ApprovalState {
            approved: None,
            reason: String::new(),
        };
        assert_eq!(value_text(&FieldValue::ApproveReject(undecided)), "");
    }

    #[test]
    fn inputs_show_their_value() {
        assert_eq!(input_text(&FieldInput::Text("42".into())), "42");
        assert_eq!(input_text(&FieldInput::Checkbox(true)), "true");
        let items = FieldInput::MultiText(vec!["a".into(), "b".into()]);
        assert_eq!(input_text(&items), r#"["a", "b"]"#);
        let approval = FieldInput::ApproveReject(Approval {
            approved: false,
            reason: "port 23".into(),
        });
        assert_eq!(input_text(&approval), "rejected: port 23");
    }
}
