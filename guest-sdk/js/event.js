// The `event` enum of the WIT package, as the bindings pass it: a string.
export const Event = Object.freeze({
  CREATE: 'create',
  CLOSE: 'close',
  CANCEL: 'cancel',
  REJECT: 'reject',
  ADVANCE: 'advance',
  REDO: 'redo',
  RESUBMIT: 'resubmit',
  REOPEN: 'reopen',
  RESOLVE: 'resolve',
  AUTOMATION_FAILED: 'automation-failed',
  PRE_ASSIGNMENT_SCRIPT: 'pre-assignment-script',
  TEST: 'test',
});

// Returns true when two `u64` ids are equal. componentize-js passes them as
// BigInt and componentize-qjs as numbers, so `===` across the two fails.
export function sameId(a, b) {
  return a != null && b != null && BigInt(a) === BigInt(b);
}
