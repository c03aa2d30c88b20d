// Unit tests of the SDK's pure helpers in plain Node.js (`make sdk-tests`).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { HookFailed, Outcome, network, sameId, ticket, values } from '../pure.js';

const object = (kind, ipAddress = null, netmask = null, name = null) => ({ kind, ipAddress, netmask, name });
const field = (name, value) => ({ id: 0, name, fieldType: 'text_field', readOnly: false, value });
const step = (id, name, fields) => ({ id, name, redone: false, skipped: false, tasks: [{ id, fields }] });

test('prefixLength of valid and invalid netmasks', () => {
  assert.equal(network.prefixLength(object('IP', '10.0.0.0', '255.0.0.0')), 8);
  assert.equal(network.prefixLength(object('IP', '10.0.0.0', '0.0.0.0')), 0);
  assert.equal(network.prefixLength(object('IP', '10.0.0.0', '255.255.255.255')), 32);
  for (const netmask of ['255.0.255.0', '0.0.0.255', '255.255.255', '256.0.0.0', '24', '']) {
    assert.equal(network.prefixLength(object('IP', '10.0.0.0', netmask)), null, netmask);
  }
  assert.equal(network.prefixLength(object('IP', '10.0.0.1')), null);
});

test('describeObject and describeService', () => {
  assert.equal(network.describeObject(object('IP', '10.0.0.0', '255.0.0.0')), '10.0.0.0/8');
  assert.equal(network.describeObject(object('IP', '10.0.0.0', '255.0.255.0')), '10.0.0.0 netmask 255.0.255.0');
  assert.equal(network.describeObject(object('any')), 'ANY');
  assert.equal(network.describeObject(object('INTERNET')), 'Internet');
  assert.equal(network.describeObject(object('Object', null, null, 'web')), 'web');
  assert.equal(network.describeService({ kind: 'PROTOCOL', protocol: 'TCP', port: '443' }), 'tcp/443');
  assert.equal(network.describeService({ kind: 'ANY' }), 'ANY');
});

test('sameId compares BigInt and number ids', () => {
  assert.ok(sameId(3003n, 3003));
  assert.ok(!sameId(3003n, 3004));
  assert.ok(!sameId(null, 0));
});

test('currentStep by id, then by name, and null when closed', () => {
  const steps = [step(1n, 'Request', []), step(2n, 'Review', [])];
  assert.equal(ticket.currentStep({ steps, currentStep: { id: 2, name: 'Renamed' } }).id, 2n);
  assert.equal(ticket.currentStep({ steps, currentStep: { id: 99, name: 'Request' } }).id, 1n);
  assert.equal(ticket.currentStep({ steps, currentStep: undefined }), null);
});

test('fields by name and typed views', () => {
  const review = step(2, 'Review', [
    field('Notes', { tag: 'text', val: 'ok' }),
    field('Done', { tag: 'checkbox', val: undefined }),
    field('Level', { tag: 'drop-down', val: { selection: 'High', options: ['High'] } }),
  ]);
  const full = { steps: [review], currentStep: { id: 2, name: 'Review' } };
  assert.equal(ticket.text(ticket.currentField(full, 'Notes')), 'ok');
  assert.equal(ticket.checkbox(ticket.stepField(review, 'Done')), null);
  assert.equal(ticket.selection(ticket.stepField(review, 'Level')), 'High');
  assert.equal(ticket.text(ticket.stepField(review, 'Level')), null);
  assert.equal(ticket.stepField(review, 'notes'), null);
});

test('Outcome replaces a field set twice and keeps comments in order', () => {
  const outcome = new Outcome()
    .setField('A', values.text(1))
    .setField('A', values.text('2'))
    .comment('x')
    .comment('y');
  assert.deepEqual(outcome.fieldUpdates, [{ field: 'A', value: { tag: 'text', val: '2' } }]);
  assert.deepEqual(outcome.comments, ['x', 'y']);
  assert.ok(new Outcome().isEmpty());
});

test('value constructors build field-input variants', () => {
  assert.deepEqual(values.approve('ok'), { tag: 'approve-reject', val: { approved: true, reason: 'ok' } });
  assert.deepEqual(values.multiText(['a']), { tag: 'multi-text', val: ['a'] });
  assert.deepEqual(values.dropDown('High'), { tag: 'drop-down', val: 'High' });
});

test('HookFailed carries message and retryable', () => {
  const failure = new HookFailed('down', { retryable: true });
  assert.equal(failure.message, 'down');
  assert.equal(failure.retryable, true);
  assert.equal(new HookFailed('bad').retryable, false);
});
