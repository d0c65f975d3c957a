import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidv7 } from 'uuidv7';
import { auditIdBound, describeChange, mergePage, newerFirst, uuidv7Time } from './model.ts';

test('a UUIDv7 carries the millisecond it was minted', () => {
  const before = Date.now();
  const id = uuidv7();
  assert.ok(uuidv7Time(id) >= before && uuidv7Time(id) <= Date.now());
  assert.equal(uuidv7Time('01900000-0000-7000-8000-000000000000'), 0x019000000000);
});

test('the audit bound keeps exactly the ids older than a timeline position', () => {
  const at = 0x0190a1b2c3d4;
  // A cursor on an activity minted earlier than it happened (a call logged afterwards).
  assert.equal(auditIdBound({ at, id: '01800000-0000-7000-8000-000000000000' }), '0190a1b2-c3d4-0000-0000-000000000000');
  // …or later: every id minted in that millisecond is older.
  assert.equal(auditIdBound({ at, id: '01ffffff-ffff-7fff-bfff-ffffffffffff' }), '0190a1b2-c3d5-0000-0000-000000000000');
  // On an audit entry itself: the next page starts below it.
  assert.equal(auditIdBound({ at, id: '0190a1b2-c3d4-7abc-8def-0123456789ab' }), '0190a1b2-c3d4-7abc-8def-0123456789ab');
});

test('newest first, ties broken by the higher id', () => {
  const items = [
    { at: 1, id: 'b' },
    { at: 3, id: 'a' },
    { at: 1, id: 'c' },
  ].sort(newerFirst);
  assert.deepEqual(items.map((i) => i.id), ['a', 'c', 'b']);
});

test('two streams merge into one page, with where the next one starts', () => {
  const activity = (at: number, id: string) => ({ position: { at, id }, what: `activity ${id}` });
  const change = (at: number, id: string) => ({ position: { at, id }, what: `change ${id}` });
  const { page, next } = mergePage([[activity(50, 'a5'), activity(30, 'a3'), activity(10, 'a1')], [change(40, 'c4'), change(20, 'c2')]], 3);
  assert.deepEqual(page.map((p) => p.what), ['activity a5', 'change c4', 'activity a3']);
  assert.deepEqual(next, { at: 30, id: 'a3' });
  const last = mergePage([[activity(10, 'a1')], [change(20, 'c2')]], 3);
  assert.equal(last.page.length, 2);
  assert.equal(last.next, null);
  assert.deepEqual(mergePage([[], []], 5), { page: [], next: null });
});

test('changes read as a person would say them', () => {
  assert.equal(describeChange('create', null), 'Created');
  assert.equal(describeChange('delete', null), 'Moved to the trash');
  assert.equal(describeChange('restore', null), 'Restored from the trash');
  assert.equal(describeChange('update', { status: 'working' }), 'Changed status');
  assert.equal(describeChange('update', { status: 'working', ownerId: 'u', firstName: 'A' }), 'Changed status, owner and first name');
  assert.equal(describeChange('update', {}), 'Updated');
  assert.equal(describeChange('rotate_key', null), 'Rotate key');
});
