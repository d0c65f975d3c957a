import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareFields, MERGE_FIELDS, mergedValues, mergeRequestErrors, stateOf, undoBlocker, type RecordSnapshot } from './model.ts';

const lead = (id: string, fields: Record<string, unknown>): RecordSnapshot => ({ id, version: 1, deletedAt: null, firstName: '', lastName: '', email: null, phone: null, company: '', notes: '', ...fields });

test('a merge request names distinct records and only mergeable fields of them', () => {
  assert.deepEqual(mergeRequestErrors('lead', { survivorId: 'a', mergedIds: ['b'], fieldChoices: { email: 'b', phone: 'a' } }), []);
  const errors = mergeRequestErrors('lead', { survivorId: 'a', mergedIds: ['a', 'b', 'b'], fieldChoices: { email: 'z', version: 'b', name: 'a' } });
  assert.deepEqual(errors.map((e) => e.field), ['mergedIds', 'mergedIds', 'fieldChoices.email', 'fieldChoices.version', 'fieldChoices.name']);
  assert.deepEqual(mergeRequestErrors('account', { survivorId: 'a', mergedIds: ['b'], fieldChoices: { name: 'b', domain: 'a' } }), []);
});

test('the survivor keeps its values, fills its blanks from the others, and takes what was chosen', () => {
  const survivor = lead('s', { firstName: 'Anna', email: 'anna@acme.com', phone: null, company: '', title: null, notes: 'met at fair' });
  const first = lead('m1', { firstName: 'Ann', email: 'a.berg@acme.com', phone: '+49 30 1234567', company: 'Acme', title: 'CTO', notes: 'wants demo' });
  const second = lead('m2', { phone: '+49 30 7654321', company: 'Acme GmbH', title: 'VP', notes: 'met at fair' });
  const values = mergedValues('lead', survivor, [first, second], { title: 'm2' });
  assert.equal(values.firstName, 'Anna', 'its own value');
  assert.equal(values.email, 'anna@acme.com');
  assert.equal(values.phone, '+49 30 1234567', 'its blank filled from the first merged record that has one');
  assert.equal(values.company, 'Acme');
  assert.equal(values.title, 'VP', 'the chosen value');
  assert.equal(values.notes, 'met at fair\n\nwants demo', 'notes from every record, each once');
  assert.deepEqual(Object.keys(values), [...MERGE_FIELDS.lead]);
  assert.equal(mergedValues('lead', survivor, [first], { notes: 'm1' }).notes, 'wants demo', 'a chosen note replaces the rest');
  assert.equal(mergedValues('lead', survivor, [first], { email: 'm1', phone: 's' }).phone, null, 'choosing the survivor\'s empty value keeps it empty');
});

test('side by side: every field with each record\'s value, and whether they differ', () => {
  const rows = compareFields('contact', [
    { id: 'a', version: 1, deletedAt: null, firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.com', phone: null },
    { id: 'b', version: 3, deletedAt: null, firstName: 'Anna', lastName: 'Berg', email: 'ANNA@acme.com', phone: '+49' },
  ]);
  assert.deepEqual(rows.map((r) => r.field), [...MERGE_FIELDS.contact]);
  const byField = Object.fromEntries(rows.map((r) => [r.field, r]));
  assert.equal(byField.firstName!.differs, false);
  assert.equal(byField.email!.differs, true);
  assert.equal(byField.phone!.differs, false, 'one empty value is not a disagreement');
  assert.deepEqual(byField.phone!.values, [{ recordId: 'a', value: null }, { recordId: 'b', value: '+49' }]);
});

test('a snapshot written back is its mergeable fields and trash state', () => {
  const state = stateOf('account', { id: 'a', version: 4, deletedAt: '2026-01-01T00:00:00.000Z', name: 'Acme', domain: 'acme.com', createdAt: 'x' });
  assert.equal(state.name, 'Acme');
  assert.equal(state.deletedAt, '2026-01-01T00:00:00.000Z');
  assert.equal(state.notes, null);
  assert.equal('createdAt' in state || 'version' in state || 'id' in state, false);
});

test('an undo is refused once any record of the merge changed since', () => {
  const after = { s: 2, m1: 2, m2: 2 };
  const current = [{ id: 's', version: 2 }, { id: 'm1', version: 2 }, { id: 'm2', version: 2 }];
  assert.equal(undoBlocker('lead', after, current, 's'), null);
  assert.match(undoBlocker('lead', after, [{ id: 's', version: 3 }, ...current.slice(1)], 's')!, /surviving lead was changed after the merge \(version 2, now 3\)/);
  assert.match(undoBlocker('lead', after, [current[0]!, { id: 'm1', version: 3 }, current[2]!], 's')!, /merged lead m1 was changed/);
  assert.match(undoBlocker('lead', after, current.slice(0, 2), 's')!, /m2 no longer exists/);
});
