import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideDueStep, prospectTimeZone, stepDueAt, stepProblems, type DueEnrollment, type SequenceStep } from './model.ts';

const at = (iso: string) => new Date(iso);

test('business days in the prospect\'s zone: weekends, holidays, DST, send hour', () => {
  const cases: { name: string; from: string; days: number; zone: string; holidays?: string[]; due: string }[] = [
    { name: 'same day, a weekday: right away', from: '2026-03-04T14:00:00Z', days: 0, zone: 'Europe/Berlin', due: '2026-03-04T14:00:00.000Z' },
    { name: 'same day on a Saturday: Monday 09:00 local', from: '2026-03-07T10:00:00Z', days: 0, zone: 'Europe/Berlin', due: '2026-03-09T08:00:00.000Z' },
    { name: 'Wednesday + 1: Thursday 09:00', from: '2026-03-04T14:00:00Z', days: 1, zone: 'Europe/Berlin', due: '2026-03-05T08:00:00.000Z' },
    { name: 'Friday + 1 skips the weekend', from: '2026-03-06T16:00:00Z', days: 1, zone: 'Europe/Berlin', due: '2026-03-09T08:00:00.000Z' },
    { name: 'Friday + 3 is Wednesday', from: '2026-03-06T16:00:00Z', days: 3, zone: 'Europe/Berlin', due: '2026-03-11T08:00:00.000Z' },
    { name: 'the local day, not the UTC one: Friday 23:30 in New York is Saturday UTC', from: '2026-03-07T04:30:00Z', days: 1, zone: 'America/New_York', due: '2026-03-09T13:00:00.000Z' },
    { name: 'across the US spring-forward weekend: 09:00 EDT is 13:00 UTC', from: '2026-03-06T15:00:00Z', days: 1, zone: 'America/New_York', due: '2026-03-09T13:00:00.000Z' },
    { name: 'before the switch: 09:00 EST is 14:00 UTC', from: '2026-03-04T15:00:00Z', days: 1, zone: 'America/New_York', due: '2026-03-05T14:00:00.000Z' },
    { name: 'across the EU autumn switch: 09:00 CET is 08:00 UTC', from: '2026-10-23T12:00:00Z', days: 1, zone: 'Europe/Berlin', due: '2026-10-26T08:00:00.000Z' },
    { name: 'a holiday is skipped', from: '2026-12-24T10:00:00Z', days: 1, zone: 'Europe/Berlin', holidays: ['2026-12-25'], due: '2026-12-28T08:00:00.000Z' },
    { name: 'Tokyo is ahead: Monday morning there', from: '2026-03-06T20:00:00Z', days: 1, zone: 'Asia/Tokyo', due: '2026-03-09T00:00:00.000Z' },
  ];
  for (const c of cases) {
    assert.equal(stepDueAt(at(c.from), c.days, { timeZone: c.zone, holidays: c.holidays }).toISOString(), c.due, c.name);
  }
});

test('the prospect\'s zone: given, else their country\'s, else the sender\'s', () => {
  assert.equal(prospectTimeZone('Asia/Tokyo', 'DE', 'UTC'), 'Asia/Tokyo');
  assert.equal(prospectTimeZone('Not/AZone', 'DE', 'UTC'), 'Europe/Berlin');
  assert.equal(prospectTimeZone(null, 'us', 'UTC'), 'America/New_York');
  assert.equal(prospectTimeZone(null, 'XX', 'Europe/Paris'), 'Europe/Paris');
});

const email: SequenceStep = { id: 's1', channel: 'auto_email', delayDays: 0, subject: 'Hi', body: 'Hello' };
const call: SequenceStep = { id: 's2', channel: 'call', delayDays: 2 };
const base: DueEnrollment = { stepIndex: 0, steps: [email, call], sequenceStatus: 'active', address: 'a@b.example', suppressed: null, leadStatus: 'working', activityKinds: [] };

test('what the scheduler does with a due enrollment', () => {
  const cases: [string, Partial<DueEnrollment>, string][] = [
    ['runs the step', {}, 'run s1'],
    ['the second step', { stepIndex: 1 }, 'run s2'],
    ['past the last step: finished', { stepIndex: 2 }, 'finish'],
    ['a reply since enrollment ends it', { activityKinds: ['email_opened', 'email_replied'] }, 'exit replied'],
    ['a booked meeting ends it', { activityKinds: ['meeting_booked'] }, 'exit meeting_booked'],
    ['unsubscribed', { suppressed: 'unsubscribed' }, 'exit unsubscribed'],
    ['bouncing', { suppressed: 'bounced' }, 'exit bounced'],
    ['lead disqualified', { leadStatus: 'disqualified' }, 'exit status_changed'],
    ['lead converted', { leadStatus: 'converted' }, 'exit status_changed'],
    ['an email step without an address', { address: null }, 'exit no_address'],
    ['a call step needs no address', { address: null, stepIndex: 1 }, 'run s2'],
    ['a paused sequence waits', { sequenceStatus: 'paused' }, 'wait'],
    ['exits win over a paused sequence', { sequenceStatus: 'paused', activityKinds: ['email_replied'] }, 'exit replied'],
  ];
  for (const [name, change, expected] of cases) {
    const decision = decideDueStep({ ...base, ...change });
    const said = decision.action === 'run' ? `run ${decision.step.id}` : decision.action === 'exit' ? `exit ${decision.reason}` : decision.action;
    assert.equal(said, expected, name);
  }
});

test('step problems: an automatic email needs content; ids are unique', () => {
  assert.deepEqual(stepProblems([email, call]), []);
  assert.deepEqual(stepProblems([{ id: 'x', channel: 'auto_email', delayDays: 0 }]).map((p) => p.field), ['steps.0']);
  assert.deepEqual(stepProblems([{ id: 'x', channel: 'auto_email', delayDays: 0, templateId: 't' }]), []);
  assert.deepEqual(stepProblems([call, call]).map((p) => p.field), ['steps.1.id']);
});
