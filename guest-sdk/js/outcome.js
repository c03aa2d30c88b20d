// The changes a hook returns, and the error that makes it fail.

// Thrown by a hook that cannot do its work. The bindings lower it as the
// `hook-error` record: `message`, and `retryable` when a later run may
// succeed, for example because a service the hook needs was down.
export class HookFailed extends Error {
  constructor(message, { retryable = false } = {}) {
    super(message);
    this.name = 'HookFailed';
    this.retryable = retryable;
  }
}

// Field updates and comments for the host to write, built by chaining
// `setField` and `comment`. The bindings lower it as the `outcome` record.
export class Outcome {
  constructor() {
    this.fieldUpdates = [];
    this.comments = [];
  }

  // Sets the field named `field` to `value` (see values.js). The host writes
  // it on every task of the current step that has a field of that name.
  // Setting the same field again replaces the earlier value.
  setField(field, value) {
    const existing = this.fieldUpdates.find((update) => update.field === field);
    if (existing) {
      existing.value = value;
    } else {
      this.fieldUpdates.push({ field, value });
    }
    return this;
  }

  // Adds a comment to the ticket's current step.
  comment(text) {
    this.comments.push(String(text));
    return this;
  }

  // Returns true when the outcome updates no field and adds no comment.
  isEmpty() {
    return this.fieldUpdates.length === 0 && this.comments.length === 0;
  }
}
