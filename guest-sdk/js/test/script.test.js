// Unit tests of the helpers for scripted conditions and dynamic-assignment
// hooks, in plain Node.js (`make sdk-tests`).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TaskAssignment, ticket } from '../pure.js';

const requests = (...ids) => ({
  id: 0,
  name: 'Required Access',
  fieldType: 'multi_access_request',
  readOnly: false,
  value: { tag: 'access-requests', val: ids.map((id) => ({ id, order: `AR${id}` })) },
});
const step = (id, tasks) => ({ id, name: `step ${id}`, redone: false, skipped: false, tasks });

test('TaskAssignment builds the task-assignment record', () => {
  const task = new TaskAssignment('PCI review').participant('alice', 'bob').manual('carol').accessRequest(61709n);
  assert.equal(task.name, 'PCI review');
  assert.deepEqual(task.participants, ['alice', 'bob']);
  assert.deepEqual(task.mode, { tag: 'manual', val: 'carol' });
  assert.deepEqual(task.accessRequestIds, [61709n]);
  assert.deepEqual(new TaskAssignment('x').mode, { tag: 'self-assignment' });
});

test('TaskAssignment.participant rejects an array', () => {
  assert.throws(() => new TaskAssignment('PCI review').participant(['alice', 'bob']), TypeError);
});

test('currentAccessRequests lists each request of the current step once', () => {
  const full = {
    steps: [
      step(1, [{ id: 1, fields: [requests(7)] }]),
      step(2, [
        { id: 2, fields: [requests(10, 11)] },
        { id: 3, fields: [requests(11n, 12)] },
      ]),
    ],
    currentStep: { id: 2n, name: 'step 2' },
  };
  assert.deepEqual(
    ticket.currentAccessRequests(full).map((request) => request.id),
    [10, 11, 12],
  );
  assert.deepEqual(ticket.currentAccessRequests({ ...full, currentStep: null }), []);
});
