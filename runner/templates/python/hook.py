"""The {{name}} hook: on ADVANCE, lists the access requests of the step the
ticket is leaving in a text field and adds a comment.

Configuration key: `summary_field` (default `Risk Reason`), the field to
write. policy.toml must grant it under `write_fields`.
"""

from hook_runner_guest import Event, Outcome, config, export_hook, log, ticket, tickets, values

DEFAULT_SUMMARY_FIELD = "Risk Reason"


def summarize(event, info):
    if event != Event.ADVANCE:
        log.debug(f"ticket {info.id}: ignoring {event.name}")
        return None

    full_ticket = tickets.get_ticket(info.id)
    # On ADVANCE `current_stage` names the step being left, and the
    # ticket's current step may already be the next one.
    stage_name = ticket.current_stage_name(info)
    step = ticket.step(full_ticket, stage_name) if stage_name else None
    step = step or ticket.current_step(full_ticket)
    if step is None:
        log.info(f"ticket {info.id}: no step to summarize")
        return None

    # A step with several tasks repeats its fields on every task, so the
    # first access-request field is enough.
    requests = []
    for field in ticket.step_fields(step):
        rows = ticket.access_requests(field)
        if rows is not None:
            requests = rows
            break
    orders = ", ".join(request.order for request in requests)
    summary = f"{len(requests)} access requests in step {step.name}: {orders}"
    log.info(f"ticket {info.id}: {summary}")

    field = config.get_or("summary_field", DEFAULT_SUMMARY_FIELD)
    comment = f"{{name}} listed the access requests of step {step.name} in {field}."
    return Outcome().set_field(field, values.text(summary)).comment(comment)


WitWorld = export_hook(summarize)
