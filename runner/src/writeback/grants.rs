//! Checks an outcome against the `[ticket]` grants of the hook's policy file,
//! before any API call.

use std::path::Path;

use crate::bindings::Outcome;
use crate::policy::TicketGrant;

use super::plan::{PlanError, check_outcome_size, truncate_list};

/// Checks that `grant` allows every field write and comment of `outcome`;
/// `policy` is the policy file, or `None` for a hook without one. A too
/// large outcome is rejected first, so the check stays cheap.
pub fn check_grants(
    grant: &TicketGrant,
    policy: Option<&Path>,
    ticket: u64,
    outcome: &Outcome,
) -> Result<(), PlanError> {
    check_outcome_size(ticket, outcome)?;
    let mut problems = Vec::new();
    let Some(policy) = policy else {
        if !outcome.field_updates.is_empty() || !outcome.comments.is_empty() {
            problems.push(
                "the hook has no policy file, so it may not change the ticket; give it one \
                 with write_fields and comment under [ticket]"
                    .to_string(),
            );
        }
        return result(problems);
    };
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
    result(problems)
}

fn result(mut problems: Vec<String>) -> Result<(), PlanError> {
    if problems.is_empty() {
        return Ok(());
    }
    truncate_list(&mut problems, |more| format!("and {more} more problems"));
    Err(PlanError::NotGranted { problems })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::{FieldInput, FieldUpdate};

    fn outcome(fields: &[&str], comments: usize) -> Outcome {
        Outcome {
            field_updates: fields
                .iter()
                .map(|field| FieldUpdate {
                    field: field.to_string(),
                    value: FieldInput::Text("1".into()),
                })
                .collect(),
            comments: vec!["hi".to_string(); comments],
        }
    }

    #[test]
    fn writes_outside_grant_are_listed() {
        let grant = TicketGrant {
            read: true,
            write_fields: vec!["Risk Score".into()],
            comment: false,
            line: None,
        };
        let error = check_grants(
            &grant,
            Some(Path::new("p.toml")),
            1,
            &outcome(&["Risk Score", "risk score"], 1),
        )
        .expect_err("not granted")
        .to_string();
        assert!(
            error.contains("`risk score` is not in write_fields of policy `p.toml`"),
            "{error}"
        );
        assert!(!error.contains("`Risk Score` is not"), "{error}");
        assert!(error.contains("does not grant comments"), "{error}");
    }

    #[test]
    fn hook_without_policy_may_not_write() {
        let error = check_grants(&TicketGrant::default(), None, 1, &outcome(&[], 1))
            .expect_err("not granted")
            .to_string();
        assert!(error.contains("has no policy file"), "{error}");
        assert!(check_grants(&TicketGrant::default(), None, 1, &outcome(&[], 0)).is_ok());
    }

    #[test]
    fn long_problem_list_is_cut() {
        let names: Vec<String> = (0..150).map(|index| format!("f{index}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let error = check_grants(
            &TicketGrant::default(),
            Some(Path::new("p.toml")),
            1,
            &outcome(&names, 0),
        )
        .expect_err("not granted")
        .to_string();
        assert!(error.contains("and 130 more problems"), "{error}");
    }
}
