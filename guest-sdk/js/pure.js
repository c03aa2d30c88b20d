// The parts of the SDK that do not call the host, so that they run in plain
// Node.js for unit tests.
export { Event, sameId } from './event.js';
export { Outcome, HookFailed } from './outcome.js';
export { TaskAssignment } from './assignment.js';
export * as values from './values.js';
export * as ticket from './ticket.js';
export * as network from './network.js';
