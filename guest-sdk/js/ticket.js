// Lookups on the ticket types, and typed views of field values. Each view
// returns null when the field holds a value of another kind.
import { sameId } from './event.js';

// Returns the step the ticket is on, or null once it is closed, cancelled or
// rejected. The step is matched by id, then by name.
export function currentStep(ticket) {
  const current = ticket.currentStep;
  if (current == null) return null;
  return ticket.steps.find((step) => sameId(step.id, current.id)) ?? step(ticket, current.name);
}

// Returns the last step named `name`: a redone step is listed once per run.
export function step(ticket, name) {
  for (let index = ticket.steps.length - 1; index >= 0; index -= 1) {
    if (ticket.steps[index].name === name) return ticket.steps[index];
  }
  return null;
}

// Returns the fields of every task of the step, task by task.
export function stepFields(ofStep) {
  return ofStep.tasks.flatMap((task) => task.fields);
}

// Returns the first field named `name` in any task of the step.
export function stepField(ofStep, name) {
  return stepFields(ofStep).find((field) => field.name === name) ?? null;
}

// Returns the first field named `name` on the current step.
export function currentField(ticket, name) {
  const found = currentStep(ticket);
  return found == null ? null : stepField(found, name);
}

function view(field, tag) {
  return field.value.tag === tag ? field.value.val : null;
}

// The text of a `text_field`, `text_area` or `manager` field.
export const text = (field) => view(field, 'text');
// The URL of a `hyperlink` field.
export const hyperlink = (field) => view(field, 'hyperlink');
// The state of a checkbox, or null when it was never set.
export const checkbox = (field) => view(field, 'checkbox') ?? null;
// The `YYYY-MM-DD` date of a date field, or null when empty.
export const date = (field) => view(field, 'date') ?? null;
// The `HH:MM` time of a time field, or null when empty.
export const time = (field) => view(field, 'time') ?? null;
// The selected option of a drop-down list, or null when none is selected.
export const selection = (field) => view(field, 'drop-down')?.selection ?? null;
// The selected options of a multiple-selection field.
export const selected = (field) => view(field, 'multiple-selection')?.selected ?? null;
// The state of an approve/reject field.
export const approval = (field) => view(field, 'approve-reject');
// The values of a multi-text field.
export const multiText = (field) => view(field, 'multi-text');
// The rows of a `multi_access_request` field.
export const accessRequests = (field) => view(field, 'access-requests');

// Returns the access requests of the current step, each once, in the order
// they first appear, or an empty array when the ticket has no current step.
// A step with several tasks repeats its `multi_access_request` field on
// every task.
export function currentAccessRequests(ticket) {
  const found = currentStep(ticket);
  if (found == null) return [];
  const requests = [];
  for (const field of stepFields(found)) {
    for (const request of accessRequests(field) ?? []) {
      if (!requests.some((seen) => sameId(seen.id, request.id))) requests.push(request);
    }
  }
  return requests;
}
