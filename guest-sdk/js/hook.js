// Wraps a hook function as the component's `onEvent` export.
import { HookFailed, Outcome } from './outcome.js';
import * as log from './log.js';

// Returns the `onEvent` export for `fn(event, info)`, which returns an
// Outcome, or null for no changes, or a promise of either. componentize-js
// runs the event loop until such a promise settles, so `async` functions and
// `fetch` work there. componentize-qjs builds only synchronous hooks.
//
// A HookFailed that `fn` throws becomes the hook error. Any other error also
// fails the hook, without retry, with its stack in the log at error level.
export function hook(fn) {
  return (event, info) => {
    let result;
    try {
      result = fn(event, info);
    } catch (error) {
      throw toHookFailed(error);
    }
    if (typeof result?.then === 'function') {
      return result.then(toOutcome, (error) => {
        throw toHookFailed(error);
      });
    }
    return toOutcome(result);
  };
}

function toOutcome(result) {
  if (result == null) return new Outcome();
  if (!(result instanceof Outcome)) {
    throw new HookFailed(`the hook returned ${typeof result}; return an Outcome or null`);
  }
  return result;
}

// Returns `error` as a HookFailed, logging the stack of any other error.
export function toHookFailed(error) {
  if (error instanceof HookFailed) return error;
  log.error(error?.stack ?? String(error));
  return new HookFailed(`unhandled ${error?.name ?? 'error'}: ${error?.message ?? error}`);
}
