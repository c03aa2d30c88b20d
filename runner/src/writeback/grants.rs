//! Checks an outcome against the `[ticket]` grants of the hook's policy file,
//! before any API call.

use std::path::Path;

use crate::bindings::Outcome;
use crate::policy::TicketGrant;

/// Returns one message per field write or comment that `grant` does not
/// allow; an empty list when the outcome is within the grant.
pub fn ungranted(grant: &TicketGrant, policy: &Path, outcome: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    for update in &outcome.field_updates {
        if !grant.may_write(&update.field) {
            problems.push(format!(
                "field `{}` is not in write_fields of policy `{}`; add it there to allow the write",
                update.field,
                policy.display()
            ));
        }
    }
    if !outcome.comments.is_empty() && !grant.comment {
        problems.push(format!(
            "policy `{}` does not grant comments; set comment = true under [ticket] to allow them",
            policy.display()
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::{FieldInput, FieldUpdate};

    #[test]
    fn writes_outside_grant_are_listed() {
        let grant = TicketGrant {
            read: true,
            write_fields: vec!["Risk Score".into()],
            comment: false,
            line: None,
        };
        let outcome = Outcome {
            field_updates: vec![
                FieldUpdate {
                    field: "Risk Score".into(),
                    value: FieldInput::Text("1".into()),
                },
                FieldUpdate {
                    field: "risk score".into(),
                    value: FieldInput::Text("1".into()),
                },
            ],
            comments: vec!["hi".into()],
        };
        let problems = ungranted(&grant, Path::new("p.toml"), &outcome);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("`risk score` is not in write_fields of policy `p.toml`"));
        assert!(problems[1].contains("does not grant comments"));
    }
}
