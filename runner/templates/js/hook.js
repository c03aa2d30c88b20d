// The {{name}} hook: on ADVANCE, lists the access requests of the step the
// ticket is leaving in a text field and adds a comment.
//
// Configuration key: `summary_field` (default `Risk Reason`), the field to
// write. policy.toml must grant it under `write_fields`.
//
// build.sh copies the SDK into ./hook-runner-guest before each build, because
// componentize-qjs reads only files under the project folder.
import { Event, Outcome, config, hook, log, ticket, tickets, values } from './hook-runner-guest/index.js';

const DEFAULT_SUMMARY_FIELD = 'Risk Reason';

export const onEvent = hook((event, info) => {
  if (event !== Event.ADVANCE) {
    log.debug(`ticket ${info.id}: ignoring ${event}`);
    return null;
  }

  const fullTicket = tickets.getTicket(info.id);
  // On ADVANCE `currentStage` names the step being left, and the
  // ticket's current step may already be the next one.
  const stageName = info.currentStage?.name;
  const step = (stageName == null ? null : ticket.step(fullTicket, stageName)) ?? ticket.currentStep(fullTicket);
  if (step == null) {
    log.info(`ticket ${info.id}: no step to summarize`);
    return null;
  }

  // A step with several tasks repeats its fields on every task, so the
  // first access-request field is enough.
  const requests = ticket.stepFields(step).map(ticket.accessRequests).find((rows) => rows != null) ?? [];
  const orders = requests.map((request) => request.order).join(', ');
  const summary = `${requests.length} access requests in step ${step.name}: ${orders}`;
  log.info(`ticket ${info.id}: ${summary}`);

  const field = config.getOr('summary_field', DEFAULT_SUMMARY_FIELD);
  const comment = `{{name}} listed the access requests of step ${step.name} in ${field}.`;
  return new Outcome().setField(field, values.text(summary)).comment(comment);
});
