// A task that a dynamic-assignment hook requests SecureChange to open, built by
// chaining. The bindings lower it as the `task-assignment` record.
export class TaskAssignment {
  // Creates a task named `name` with self-assignment, no participants and no
  // access requests.
  constructor(name) {
    this.name = String(name);
    this.participants = [];
    this.mode = { tag: 'self-assignment' };
    this.accessRequestIds = [];
  }

  // Adds participants by SecureChange login, one argument each. An array
  // argument is an error, because String() would join it into one login.
  participant(...logins) {
    for (const login of logins) {
      if (Array.isArray(login)) {
        throw new TypeError(
          `task ${JSON.stringify(this.name)}: pass each login as its own argument, ` +
            `as in participant(...logins), not an array`,
        );
      }
    }
    this.participants.push(...logins.map(String));
    return this;
  }

  // Switches to manual assignment: the user with login `assigner` picks the
  // handler from the participants.
  manual(assigner) {
    this.mode = { tag: 'manual', val: String(assigner) };
    return this;
  }

  // Adds an access request of the current step, by the id the ticket gives
  // it (a number or a BigInt, as the bindings pass ids).
  accessRequest(id) {
    this.accessRequestIds.push(id);
    return this;
  }
}
