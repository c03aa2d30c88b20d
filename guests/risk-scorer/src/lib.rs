//! Example hook: scores the risk of a ticket's access requests on ADVANCE.
//!
//! On ADVANCE the hook reads the ticket and takes the `multi_access_request`
//! fields of the step the ticket is leaving. It scores them with the rules in
//! [`scoring`] and writes the score, the reasons and optionally the level into
//! the fields named in [`report::Settings`]. Every other event is ignored.
//!
//! Configuration keys: `score_field` (default `Risk Score`), `reason_field`
//! (default `Risk Reason`) and `level_field` (no default; the level is written
//! only when it is set).

pub mod report;
pub mod scoring;

use hook_runner_guest::{
    AccessRequest, Event, Hook, HookError, Outcome, Step, TicketInfo, config, export_hook, log,
    tickets,
};

use report::{DEFAULT_REASON_FIELD, DEFAULT_SCORE_FIELD, Settings};

/// The hook that hook-runner calls.
#[derive(Debug)]
pub struct RiskScorer;

impl Hook for RiskScorer {
    fn on_event(event: Event, info: TicketInfo) -> Result<Outcome, HookError> {
        if event != Event::Advance {
            log::debug(format!("ticket {}: ignoring {event:?} event", info.id));
            return Ok(Outcome::new());
        }

        let ticket = tickets::get_ticket(info.id)?;
        // On ADVANCE `current_stage` names the step being left. The ticket's
        // current step is only a fallback, because it may already be the next.
        let step = info
            .current_stage_name()
            .and_then(|name| ticket.step(name))
            .or_else(|| ticket.current_step());
        let Some(step) = step else {
            log::info(format!("ticket {}: no step to score", info.id));
            return Ok(Outcome::new());
        };
        let Some(requests) = latest_access_requests(&ticket.steps, step) else {
            log::info(format!(
                "ticket {}: no multi_access_request field up to step {:?}",
                info.id, step.name
            ));
            return Ok(Outcome::new());
        };

        let assessment = scoring::assess(&requests);
        log::info(format!(
            "ticket {}: risk score {} ({})",
            info.id, assessment.score, assessment.level
        ));
        let settings = Settings {
            score_field: config::get_or("score_field", DEFAULT_SCORE_FIELD),
            reason_field: config::get_or("reason_field", DEFAULT_REASON_FIELD),
            level_field: config::get("level_field"),
        };
        Ok(report::build_outcome(&assessment, &settings))
    }
}

export_hook!(RiskScorer);

/// Returns the access requests of `step`, or of the latest step before it
/// that has any: review steps such as a firewall owner's often carry no copy
/// of the access requests made earlier in the workflow.
pub fn latest_access_requests(steps: &[Step], step: &Step) -> Option<Vec<AccessRequest>> {
    let end = steps
        .iter()
        .rposition(|candidate| candidate.id == step.id)
        .map_or(steps.len(), |index| index + 1);
    steps[..end].iter().rev().find_map(access_requests)
}

/// Returns the rows of the step's `multi_access_request` fields, or `None`
/// when the step has no such field.
///
/// A step with several tasks repeats its fields on every task, so only the
/// first field of each name counts.
pub fn access_requests(step: &Step) -> Option<Vec<AccessRequest>> {
    let mut seen: Vec<&str> = Vec::new();
    let mut requests = Vec::new();
    for field in step.fields() {
        let Some(rows) = field.access_requests() else {
            continue;
        };
        if seen.contains(&field.name.as_str()) {
            continue;
        }
        seen.push(&field.name);
        requests.extend_from_slice(rows);
    }
    (!seen.is_empty()).then_some(requests)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hook_runner_guest::{Field, FieldValue, Task};

    fn request(order: &str) -> AccessRequest {
        AccessRequest {
            id: 0,
            order: order.into(),
            action: "Accept".into(),
            sources: Vec::new(),
            destinations: Vec::new(),
            services: Vec::new(),
            targets: Vec::new(),
            users: Vec::new(),
            comment: String::new(),
        }
    }

    fn field(name: &str, value: FieldValue) -> Field {
        Field {
            id: 0,
            name: name.into(),
            field_type: "multi_access_request".into(),
            read_only: false,
            value,
        }
    }

    fn step(tasks: Vec<Vec<Field>>) -> Step {
        Step {
            id: 1,
            name: "Review".into(),
            redone: false,
            skipped: false,
            tasks: tasks
                .into_iter()
                .map(|fields| Task {
                    id: 0,
                    name: "Default".into(),
                    status: "ASSIGNED".into(),
                    assignee: String::new(),
                    fields,
                })
                .collect(),
        }
    }

    fn orders(requests: &[AccessRequest]) -> Vec<&str> {
        requests.iter().map(|r| r.order.as_str()).collect()
    }

    #[test]
    fn latest_access_requests_looks_back() {
        let mut first = step(vec![vec![field(
            "Access",
            FieldValue::AccessRequests(vec![request("AR1")]),
        )]]);
        first.id = 1;
        let mut review = step(vec![vec![field("Notes", FieldValue::Text("x".into()))]]);
        review.id = 2;
        let mut later = step(vec![vec![field(
            "Access",
            FieldValue::AccessRequests(vec![request("AR9")]),
        )]]);
        later.id = 3;
        let steps = vec![first, review.clone(), later];
        let found = latest_access_requests(&steps, &review).unwrap_or_default();
        assert_eq!(orders(&found), ["AR1"]);
        assert_eq!(latest_access_requests(&steps[1..2], &review), None);
    }

    #[test]
    fn access_requests_none_without_field() {
        let step = step(vec![vec![field("Notes", FieldValue::Text("x".into()))]]);
        assert_eq!(access_requests(&step), None);
    }

    #[test]
    fn access_requests_empty_field() {
        let step = step(vec![vec![field(
            "Access",
            FieldValue::AccessRequests(vec![]),
        )]]);
        assert_eq!(access_requests(&step), Some(Vec::new()));
    }

    #[test]
    fn access_requests_skip_repeated_task_fields() {
        let rows = vec![request("AR1"), request("AR2")];
        let step = step(vec![
            vec![field("Access", FieldValue::AccessRequests(rows.clone()))],
            vec![field("Access", FieldValue::AccessRequests(rows))],
        ]);
        let found = access_requests(&step).unwrap_or_default();
        assert_eq!(orders(&found), ["AR1", "AR2"]);
    }

    #[test]
    fn access_requests_join_distinct_fields() {
        let step = step(vec![vec![
            field("Access", FieldValue::AccessRequests(vec![request("AR1")])),
            field("More", FieldValue::AccessRequests(vec![request("AR1")])),
        ]]);
        let found = access_requests(&step).unwrap_or_default();
        assert_eq!(orders(&found), ["AR1", "AR1"]);
    }
}
