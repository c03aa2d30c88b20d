// Wraps the function of a scripted condition as the `evaluate` export of the
// `condition` world, and the function of a dynamic-assignment hook as the
// `assign` export of the `assignment` world. Both get the whole ticket, which
// hook-runner reads through the API.
import { TaskAssignment } from './assignment.js';
import { toHookFailed } from './hook.js';
import { HookFailed } from './outcome.js';

// Returns the `evaluate` export for `fn(ticket)`, which returns true or
// false, or a promise of it (componentize-js only).
export function condition(fn) {
  return (ticket) => settle(() => fn(ticket), checkCondition);
}

// Returns the `assign` export for `fn(ticket)`, which returns an array of
// TaskAssignment, or a promise of it (componentize-js only).
export function assignment(fn) {
  return (ticket) => settle(() => fn(ticket), checkTasks);
}

// Calls `call`, checks its result with `check`, and throws every failure as
// a plain `hook-error` record: componentize-qjs turns a thrown Error
// instance into a trap, and only a thrown plain value into the error case.
function settle(call, check) {
  let result;
  try {
    result = call();
  } catch (error) {
    throw hookError(error);
  }
  if (typeof result?.then === 'function') {
    return result.then(
      (value) => checked(check, value),
      (error) => {
        throw hookError(error);
      },
    );
  }
  return checked(check, result);
}

function checked(check, value) {
  try {
    return check(value);
  } catch (error) {
    throw hookError(error);
  }
}

function hookError(error) {
  const failed = toHookFailed(error);
  return { message: failed.message, retryable: failed.retryable };
}

function checkCondition(result) {
  if (typeof result !== 'boolean') {
    throw new HookFailed(`the condition returned ${typeof result}; return true or false`);
  }
  return result;
}

function checkTasks(result) {
  if (!Array.isArray(result) || !result.every((task) => task instanceof TaskAssignment)) {
    throw new HookFailed('the assignment hook must return an array of TaskAssignment');
  }
  return result;
}
