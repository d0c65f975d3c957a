import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedFields } from './model.ts';

test('keeps only the fields that changed, with both values', () => {
  const result = changedFields(
    { status: 'new', company: 'Acme', version: 1, ownerId: null },
    { status: 'working', company: 'Acme', version: 2, ownerId: 'u1' },
  );
  assert.deepEqual(result, { before: { status: 'new', ownerId: null }, after: { status: 'working', ownerId: 'u1' } });
});

test('compares dates by instant and treats missing as null', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  assert.deepEqual(changedFields({ deletedAt: at }, { deletedAt: new Date(at.getTime()) }), { before: {}, after: {} });
  assert.deepEqual(changedFields({ email: undefined }, { email: null }), { before: {}, after: {} });
  assert.deepEqual(changedFields({}, { email: 'a@b.co' }), { before: { email: null }, after: { email: 'a@b.co' } });
});
