// The KPI summary of a closed ticket. Nothing here calls the host, so it
// runs in plain Node.js too.
import { ticket as lookup } from '../../guest-sdk/js/pure.js';

const MS_PER_HOUR = 3_600_000;

// Converts a `u64` from the bindings (BigInt or number) to a number, or null.
const toNumber = (value) => (value == null ? null : Number(value));

// Returns the summary of `ticket` (the whole ticket) and `info` (its
// <ticket_info>) as a plain object that JSON.stringify accepts.
export function summary(info, ticket) {
  const created = toNumber(info.createDate);
  const updated = toNumber(info.updateDate);
  const hours = created != null && updated != null ? (updated - created) / MS_PER_HOUR : null;
  return {
    ticket: toNumber(ticket.id),
    subject: ticket.subject,
    workflow: ticket.workflow.name,
    status: ticket.status,
    priority: ticket.priority,
    requester: ticket.requester,
    created_ms: created,
    updated_ms: updated,
    open_hours: hours == null ? null : Math.round(hours * 100) / 100,
    completion_step: info.completionStage?.name ?? null,
    steps: ticket.steps.length,
    redone_steps: ticket.steps.filter((step) => step.redone).length,
    access_requests: accessRequestCount(ticket),
    comments: ticket.comments.length,
  };
}

// Returns the number of access requests in the last step that has any: each
// step of an access-request workflow carries a copy of the same rows.
export function accessRequestCount(ticket) {
  for (let index = ticket.steps.length - 1; index >= 0; index -= 1) {
    const rows = latestRows(ticket.steps[index]);
    if (rows != null) return rows.length;
  }
  return 0;
}

// Returns the rows of the step's first `multi_access_request` field, or null.
function latestRows(step) {
  for (const field of lookup.stepFields(step)) {
    const rows = lookup.accessRequests(field);
    if (rows != null) return rows;
  }
  return null;
}
