import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { breachDue, breachPlan, breachRate, clockHandover, isFirstTouchKind, slaDueAt, touchOutcome } from './sla.model.ts';

const at = (iso: string) => new Date(iso);

describe('due times', () => {
  test('without business hours the clock runs around the clock', () => {
    assert.equal(slaDueAt(at('2025-06-14T20:00:00Z'), 15, null).toISOString(), '2025-06-14T20:15:00.000Z');
  });

  test('with business hours a Saturday lead is due on Monday morning', () => {
    const calendar = { timeZone: 'Europe/Berlin', hours: { mon: [['09:00', '17:00']] as [string, string][] } };
    assert.equal(slaDueAt(at('2025-06-14T20:00:00Z'), 15, calendar).toISOString(), '2025-06-16T07:15:00.000Z');
  });
});

describe('touches and breaches', () => {
  test('calls, emails and meetings are touches; the lead’s own doings and notes are not', () => {
    for (const kind of ['call', 'call_connected', 'call_attempted', 'email', 'email_sent', 'meeting', 'meeting_held']) assert.equal(isFirstTouchKind(kind), true, kind);
    for (const kind of ['note', 'form_submission', 'email_opened', 'email_replied', 'change', 'emailed', 'callback_requested']) assert.equal(isFirstTouchKind(kind), false, kind);
  });

  const running = { status: 'running' as const, dueAt: at('2025-06-16T08:15:00Z') };

  test('a touch in time meets the SLA, a late one is a breach, a stopped clock ignores it', () => {
    assert.equal(touchOutcome(running, at('2025-06-16T08:15:00Z')), 'met');
    assert.equal(touchOutcome(running, at('2025-06-16T08:15:01Z')), 'breached');
    assert.equal(touchOutcome({ ...running, status: 'met' }, at('2025-06-16T08:00:00Z')), null);
    assert.equal(touchOutcome({ ...running, status: 'breached' }, at('2025-06-16T08:00:00Z')), null);
  });

  test('a breach job acts only on a running clock whose time has come', () => {
    assert.equal(breachDue(running, at('2025-06-16T08:14:59Z')), false);
    assert.equal(breachDue(running, at('2025-06-16T08:15:00Z')), true);
    assert.equal(breachDue({ ...running, status: 'met' }, at('2025-06-17T00:00:00Z')), false);
    assert.equal(breachDue({ ...running, status: 'breached' }, at('2025-06-17T00:00:00Z')), false, 'never twice');
  });

  test('escalation per rule set: reassign, notify the manager or the fallback owner', () => {
    const timer = { kind: 'first_touch' as const, ownerName: 'Anna', minutes: 15 };
    assert.deepEqual(breachPlan({ reassign: true, notifyManager: true }, timer, 'mgr', 'fb'), {
      reassign: true,
      notify: ['mgr'],
      summary: 'SLA breached by Anna: no first touch within 15 minutes; routed again without them, manager notified',
    });
    assert.deepEqual(breachPlan({ reassign: false, notifyManager: true }, timer, null, 'fb').notify, ['fb']);
    assert.equal(breachPlan({ reassign: false, notifyManager: true }, timer, null, null).summary, 'SLA breached by Anna: no first touch within 15 minutes; no manager to notify');
    assert.equal(breachPlan({ reassign: false, notifyManager: false }, { ...timer, kind: 'handoff_accept' }, 'mgr', null).summary, 'SLA breached by Anna: hand-off not accepted within 15 minutes');
  });

  test('the breach rate counts finished clocks only', () => {
    assert.equal(breachRate({ running: 5, met: 3, breached: 1, cancelled: 2 }), 0.25);
    assert.equal(breachRate({ running: 5, met: 0, breached: 0, cancelled: 0 }), null);
  });
});

test('a first-touch clock when the owner is changed by hand: kept for the same owner, fresh for a new one, gone for the pool', () => {
  assert.equal(clockHandover({ ownerId: 'anna' }, 'anna'), 'keep');
  assert.equal(clockHandover({ ownerId: 'anna' }, 'ben'), 'rearm');
  assert.equal(clockHandover({ ownerId: 'anna' }, null), 'cancel');
});
