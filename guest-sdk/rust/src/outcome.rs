//! Constructors for field values, outcomes and hook errors.

use crate::{Approval, FieldInput, FieldUpdate, HookError, Outcome};

impl FieldInput {
    /// Creates a value for a `text_field`, `text_area` or `manager` field.
    pub fn text(text: impl Into<String>) -> Self {
        FieldInput::Text(text.into())
    }

    /// Creates a URL value for a `hyperlink` field.
    pub fn hyperlink(url: impl Into<String>) -> Self {
        FieldInput::Hyperlink(url.into())
    }

    /// Creates a checkbox state.
    pub fn checkbox(checked: bool) -> Self {
        FieldInput::Checkbox(checked)
    }

    /// Creates a `YYYY-MM-DD` date for a date field.
    pub fn date(date: impl Into<String>) -> Self {
        FieldInput::Date(date.into())
    }

    /// Creates an `HH:MM` time for a time field.
    pub fn time(time: impl Into<String>) -> Self {
        FieldInput::Time(time.into())
    }

    /// Creates a selection for a drop-down list. `option` must be one of the
    /// list's options.
    pub fn drop_down(option: impl Into<String>) -> Self {
        FieldInput::DropDown(option.into())
    }

    /// Creates a selection for a multiple-selection field. Each option must be
    /// one of the field's options.
    pub fn multiple_selection<I>(options: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        FieldInput::MultipleSelection(options.into_iter().map(Into::into).collect())
    }

    /// Creates values for a `multi_text_field`, `multi_text_area` or
    /// `multi_hyperlink` field.
    pub fn multi_text<I>(values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        FieldInput::MultiText(values.into_iter().map(Into::into).collect())
    }

    /// Creates an approval for an approve/reject field.
    pub fn approve(reason: impl Into<String>) -> Self {
        FieldInput::ApproveReject(Approval {
            approved: true,
            reason: reason.into(),
        })
    }

    /// Creates a rejection for an approve/reject field.
    pub fn reject(reason: impl Into<String>) -> Self {
        FieldInput::ApproveReject(Approval {
            approved: false,
            reason: reason.into(),
        })
    }
}

impl Outcome {
    /// Returns an outcome that changes nothing.
    pub fn new() -> Self {
        Outcome {
            field_updates: Vec::new(),
            comments: Vec::new(),
        }
    }

    /// Sets the field named `field` to `value`.
    ///
    /// The host writes the value on every task of the ticket's current step
    /// that has a field of that name. Setting the same field again replaces
    /// the earlier value.
    #[must_use]
    pub fn set_field(mut self, field: impl Into<String>, value: FieldInput) -> Self {
        let field = field.into();
        match self
            .field_updates
            .iter_mut()
            .find(|update| update.field == field)
        {
            Some(update) => update.value = value,
            None => self.field_updates.push(FieldUpdate { field, value }),
        }
        self
    }

    /// Adds a comment to the ticket's current step.
    #[must_use]
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comments.push(text.into());
        self
    }

    /// Returns true when the outcome updates no field and adds no comment.
    pub fn is_empty(&self) -> bool {
        self.field_updates.is_empty() && self.comments.is_empty()
    }
}

impl Default for Outcome {
    fn default() -> Self {
        Outcome::new()
    }
}

impl HookError {
    /// Creates an error that running the hook again will not fix.
    pub fn failed(message: impl Into<String>) -> Self {
        HookError {
            message: message.into(),
            retryable: false,
        }
    }

    /// Creates an error that a later run may not have, for example because a
    /// service the hook needs was down.
    pub fn retryable(message: impl Into<String>) -> Self {
        HookError {
            message: message.into(),
            retryable: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_new_is_empty() {
        let outcome = Outcome::new();
        assert!(outcome.is_empty());
        assert_eq!(outcome, Outcome::default());
    }

    #[test]
    fn outcome_builder_keeps_order() {
        let outcome = Outcome::new()
            .set_field("Risk Score", FieldInput::text("40"))
            .comment("first")
            .set_field("Reviewed", FieldInput::checkbox(true))
            .comment("second");
        let fields: Vec<&str> = outcome
            .field_updates
            .iter()
            .map(|update| update.field.as_str())
            .collect();
        assert_eq!(fields, ["Risk Score", "Reviewed"]);
        assert_eq!(outcome.comments, ["first", "second"]);
        assert!(!outcome.is_empty());
    }

    #[test]
    fn outcome_set_field_replaces_earlier_value() {
        let outcome = Outcome::new()
            .set_field("Risk Score", FieldInput::text("40"))
            .set_field("Other", FieldInput::text("x"))
            .set_field("Risk Score", FieldInput::text("70"));
        assert_eq!(outcome.field_updates.len(), 2);
        assert_eq!(outcome.field_updates[0].field, "Risk Score");
        assert_eq!(
            outcome.field_updates[0].value,
            FieldInput::Text("70".into())
        );
    }

    #[test]
    fn field_input_constructors() {
        assert_eq!(FieldInput::text("a"), FieldInput::Text("a".into()));
        assert_eq!(
            FieldInput::hyperlink("u"),
            FieldInput::Hyperlink("u".into())
        );
        assert_eq!(FieldInput::checkbox(false), FieldInput::Checkbox(false));
        assert_eq!(
            FieldInput::date("2025-01-31"),
            FieldInput::Date("2025-01-31".into())
        );
        assert_eq!(FieldInput::time("09:30"), FieldInput::Time("09:30".into()));
        assert_eq!(
            FieldInput::drop_down("High"),
            FieldInput::DropDown("High".into())
        );
        assert_eq!(
            FieldInput::multiple_selection(["a", "b"]),
            FieldInput::MultipleSelection(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            FieldInput::multi_text(vec![String::from("x")]),
            FieldInput::MultiText(vec!["x".into()])
        );
    }

    #[test]
    fn field_input_approve_and_reject() {
        let approve = FieldInput::approve("low risk");
        let reject = FieldInput::reject("opens ANY");
        assert_eq!(
            approve,
            FieldInput::ApproveReject(Approval {
                approved: true,
                reason: "low risk".into(),
            })
        );
        assert_eq!(
            reject,
            FieldInput::ApproveReject(Approval {
                approved: false,
                reason: "opens ANY".into(),
            })
        );
    }

    #[test]
    fn hook_error_constructors() {
        let failed = HookError::failed("bad config");
        assert_eq!(failed.message, "bad config");
        assert!(!failed.retryable);
        let retryable = HookError::retryable("scanner down");
        assert_eq!(retryable.message, "scanner down");
        assert!(retryable.retryable);
    }
}
