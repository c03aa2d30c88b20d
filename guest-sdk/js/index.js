// Write hook-runner hooks in JavaScript.
//
// A hook is an ES module that exports `onEvent(event, info)` and is built
// into a WebAssembly component for the `trigger` world of the
// `hook-runner:api@0.1.0` WIT package, by componentize-js (StarlingMonkey,
// with `fetch`) or componentize-qjs (QuickJS, smaller and faster, no
// `fetch`). This module adds a small layer over the generated bindings:
//
// - `ticket` and `network`: lookups on the ticket types,
// - `values` and `Outcome`: field values and the changes a hook returns,
// - `log`, `config` and `tickets`: the host services,
// - `hook(fn)`: wraps the hook function so that every failure becomes a
//   hook error, and `HookFailed`, the error a hook throws to fail,
// - `condition(fn)` and `assignment(fn)`: the same for the `evaluate` export
//   of a scripted condition (`condition` world) and the `assign` export of a
//   dynamic-assignment hook (`assignment` world), with `TaskAssignment` for
//   the tasks it returns.
//
// A hook that marks tickets of critical priority when they are created:
//
//     import { Event, Outcome, config, hook, log, values } from '../../guest-sdk/js/index.js';
//
//     export const onEvent = hook((event, info) => {
//       if (event !== Event.CREATE || info.priority?.name !== 'Critical') return null;
//       log.info(`ticket ${info.id} is critical`);
//       return new Outcome()
//         .setField(config.getOr('flag_field', 'Urgent'), values.checkbox(true))
//         .comment('Marked as urgent because of its priority.');
//     });
//
// A scripted condition, built with `-n condition`:
//
//     import { condition } from '../../guest-sdk/js/index.js';
//
//     export const evaluate = condition((ticket) => ticket.priority === 'Critical');
export * from './pure.js';
export * as log from './log.js';
export * as config from './config.js';
export * as tickets from './tickets.js';
export { hook } from './hook.js';
export { assignment, condition } from './script.js';
