// Example scripted condition built with componentize-qjs (QuickJS): holds
// when the ticket's priority is one of those in the `priorities` setting, a
// comma-separated list such as `Critical, High` (compared without regard to
// case). A workflow can use it to send urgent tickets to a faster path.
//
// Register it with kind = "condition" and run it as
// `hook-runner condition NAME TICKET_ID`.
import { HookFailed, condition, config, log } from '../../guest-sdk/js/index.js';

export const evaluate = condition((ticket) => {
  const priorities = config
    .getOr('priorities', '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (priorities.length === 0) {
    throw new HookFailed('config key `priorities` is empty: list the priorities, such as "Critical, High"');
  }
  const matches = priorities.includes(ticket.priority.trim().toLowerCase());
  log.info(`ticket ${ticket.id}: priority ${ticket.priority} ${matches ? 'is' : 'is not'} in ${priorities.join(', ')}`);
  return matches;
});
