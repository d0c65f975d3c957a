import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dueBucket, reminderDue } from './model.ts';

const at = (iso: string) => new Date(iso);
const now = at('2025-06-16T10:00:00Z');
const endOfToday = at('2025-06-16T22:00:00Z');

describe('where a task sits on the list', () => {
  const cases: [string, Parameters<typeof dueBucket>[0], string][] = [
    ['done is done', { status: 'done', dueAt: at('2025-06-01T00:00:00Z') }, 'done'],
    ['no due date', { status: 'open', dueAt: null }, 'someday'],
    ['past due', { status: 'open', dueAt: at('2025-06-16T09:59:00Z') }, 'overdue'],
    ['later today', { status: 'open', dueAt: at('2025-06-16T21:59:00Z') }, 'today'],
    ['tomorrow', { status: 'open', dueAt: at('2025-06-16T22:00:00Z') }, 'upcoming'],
  ];
  for (const [name, task, bucket] of cases) test(name, () => assert.equal(dueBucket(task, now, endOfToday), bucket));
});

describe('whether a reminder job has work', () => {
  const task = { status: 'open', remindAt: at('2025-06-16T09:00:00Z'), remindedAt: null };
  test('due, open, not yet sent, and the time the job was queued for', () => {
    assert.equal(reminderDue(task, '2025-06-16T09:00:00.000Z', now), true);
    assert.equal(reminderDue(task, null, now), true, 'the sweep');
  });
  test('sent once: never again', () => assert.equal(reminderDue({ ...task, remindedAt: now }, null, now), false));
  test('completed tasks remind nobody', () => assert.equal(reminderDue({ ...task, status: 'done' }, null, now), false));
  test('a job for an older reminder time does nothing', () => assert.equal(reminderDue(task, '2025-06-16T08:00:00.000Z', now), false));
  test('not before its time', () => assert.equal(reminderDue({ ...task, remindAt: at('2025-06-16T10:01:00Z') }, null, now), false));
});
