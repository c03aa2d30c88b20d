//! The `{{name}}` hook: on ADVANCE, lists the access requests of the step the
//! ticket is leaving in a text field and adds a comment.
//!
//! Configuration key: `summary_field` (default `Risk Reason`), the field to
//! write. policy.toml must grant it under `write_fields`.

use hook_runner_guest::{
    Event, FieldInput, Hook, HookError, Outcome, TicketInfo, config, export_hook, log, tickets,
};

const DEFAULT_SUMMARY_FIELD: &str = "Risk Reason";

/// The hook that hook-runner calls.
struct Summary;

impl Hook for Summary {
    fn on_event(event: Event, info: TicketInfo) -> Result<Outcome, HookError> {
        if event != Event::Advance {
            log::debug(format!("ticket {}: ignoring {event:?}", info.id));
            return Ok(Outcome::new());
        }

        let ticket = tickets::get_ticket(info.id)?;
        // On ADVANCE `current_stage` names the step being left, and the
        // ticket's current step may already be the next one.
        let step = info
            .current_stage_name()
            .and_then(|name| ticket.step(name))
            .or_else(|| ticket.current_step());
        let Some(step) = step else {
            log::info(format!("ticket {}: no step to summarize", info.id));
            return Ok(Outcome::new());
        };

        // A step with several tasks repeats its fields on every task, so the
        // first access-request field is enough.
        let requests = step
            .fields()
            .find_map(|field| field.access_requests())
            .unwrap_or_default();
        let orders: Vec<&str> = requests.iter().map(|request| request.order.as_str()).collect();
        let summary = format!(
            "{} access requests in step {}: {}",
            requests.len(),
            step.name,
            orders.join(", ")
        );
        log::info(format!("ticket {}: {summary}", info.id));

        let field = config::get_or("summary_field", DEFAULT_SUMMARY_FIELD);
        let comment = format!("{{name}} listed the access requests of step {} in {field}.", step.name);
        Ok(Outcome::new()
            .set_field(field, FieldInput::text(summary))
            .comment(comment))
    }
}

export_hook!(Summary);
