// Unit tests of the kpi-export summary in plain Node.js.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { accessRequestCount, summary } from '../summary.js';

const accessField = (rows) => ({ name: 'Access', value: { tag: 'access-requests', val: rows } });
const step = (name, fields, redone = false) => ({ id: 1n, name, redone, tasks: [{ fields }] });

const closedTicket = {
  id: 1002n,
  subject: 'Reporting',
  status: 'Ticket Closed',
  priority: 'Normal',
  requester: 'j.meyer',
  workflow: { id: 210n, name: 'Access Request' },
  steps: [step('Open', [accessField([{}, {}])]), step('Review', [], true)],
  comments: [{}],
};

test('summary converts BigInt ids and computes hours', () => {
  const info = { createDate: 0n, updateDate: 5_400_000n, completionStage: { name: 'Review' } };
  const result = summary(info, closedTicket);
  assert.equal(result.ticket, 1002);
  assert.equal(result.open_hours, 1.5);
  assert.equal(result.redone_steps, 1);
  assert.equal(result.access_requests, 2);
  assert.equal(result.completion_step, 'Review');
  assert.doesNotThrow(() => JSON.stringify(result));
});

test('summary without dates has no hours', () => {
  const result = summary({ createDate: undefined, updateDate: null }, closedTicket);
  assert.equal(result.open_hours, null);
  assert.equal(result.created_ms, null);
});

test('accessRequestCount is zero without access request fields', () => {
  assert.equal(accessRequestCount({ steps: [step('Open', [])] }), 0);
});
