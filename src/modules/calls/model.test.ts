import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { callingWindow, callKind, callSummary, DEFAULT_CALLING_HOURS, localClock, phoneTailOf, pickByPhone, planQueue, prospectZone, telHref, type PhoneMatch, type QueueCandidate } from './model.ts';

const at = (iso: string) => new Date(iso);

describe('which zone a prospect is in', () => {
  const cases: [string, Parameters<typeof prospectZone>[0], string | null, ReturnType<typeof prospectZone>][] = [
    ['own time zone wins', { timeZone: 'Asia/Tokyo', country: 'DE' }, null, { zones: ['Asia/Tokyo'], source: 'record' }],
    ['a bogus time zone falls back to the country', { timeZone: 'Mars/Olympus', country: 'DE' }, null, { zones: ['Europe/Berlin'], source: 'country' }],
    ['single-zone country', { country: 'fr' }, null, { zones: ['Europe/Paris'], source: 'country' }],
    ['US state narrows the zone', { country: 'US', region: 'tx' }, null, { zones: ['America/Chicago'], source: 'region' }],
    ['Arizona keeps no DST', { country: 'US', region: 'AZ' }, null, { zones: ['America/Phoenix'], source: 'region' }],
    ['US without a state: every contiguous zone', { country: 'US', region: null }, null, { zones: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles'], source: 'country' }],
    ['unknown region of a multi-zone country: every zone', { country: 'AU', region: 'Atlantis' }, null, { zones: ['Australia/Perth', 'Australia/Darwin', 'Australia/Adelaide', 'Australia/Brisbane', 'Australia/Sydney'], source: 'country' }],
    ['unknown country uses the org default', { country: 'ZZ' }, 'Europe/London', { zones: ['Europe/London'], source: 'org_default' }],
    ['nothing known and no default: unknown', { country: null }, null, null],
    ['an invalid org default does not count', {}, 'Nowhere/Land', null],
  ];
  for (const [name, prospect, fallback, expected] of cases) {
    test(name, () => assert.deepEqual(prospectZone(prospect, fallback), expected));
  }
});

describe('calling hours in the prospect\'s zone', () => {
  const berlin = { zones: ['Europe/Berlin'], source: 'country' as const };
  const newYork = { zones: ['America/New_York'], source: 'region' as const };
  const usAll = prospectZone({ country: 'US' }, null);
  const cases: [string, ReturnType<typeof prospectZone>, string, boolean | 'unknown_time_zone'][] = [
    // Berlin summer (UTC+2): 09:00 local = 07:00Z.
    ['Berlin 08:59 local is too early', berlin, '2025-06-16T06:59:00Z', false],
    ['Berlin 09:00 local opens', berlin, '2025-06-16T07:00:00Z', true],
    ['Berlin 19:59 local still fine', berlin, '2025-06-16T17:59:00Z', true],
    ['Berlin 20:00 local closes', berlin, '2025-06-16T18:00:00Z', false],
    ['Berlin Saturday is closed', berlin, '2025-06-14T10:00:00Z', false],
    // Berlin winter (UTC+1): 09:00 local = 08:00Z, so 07:30Z is 08:30 local.
    ['Berlin winter: 07:30Z is 08:30 local', berlin, '2025-01-13T07:30:00Z', false],
    ['Berlin winter: 08:00Z is 09:00 local', berlin, '2025-01-13T08:00:00Z', true],
    // DST: on Sunday 30 March 2025 Berlin springs forward; Monday 31 March is the first summer weekday.
    ['the Monday after spring-forward opens at 07:00Z', berlin, '2025-03-31T07:00:00Z', true],
    ['…and is closed at 06:30Z (08:30 local)', berlin, '2025-03-31T06:30:00Z', false],
    // New York falls back on Sunday 2 November 2025: Monday 3 November is EST (UTC-5).
    ['New York, Friday before fall-back (EDT): 13:00Z is 09:00', newYork, '2025-10-31T13:00:00Z', true],
    ['New York, Monday after fall-back (EST): 13:00Z is 08:00', newYork, '2025-11-03T13:00:00Z', false],
    ['New York, Monday after fall-back (EST): 14:00Z is 09:00', newYork, '2025-11-03T14:00:00Z', true],
    // The whole contiguous US: 09:00 in Los Angeles is 12:00 in New York, so not before 16:00Z in summer.
    ['US without a state: 13:00Z is too early on the west coast', usAll, '2025-06-16T13:00:00Z', false],
    ['US without a state: 17:00Z is fine everywhere', usAll, '2025-06-16T17:00:00Z', true],
    ['US without a state: 00:30Z is past 20:00 in New York', usAll, '2025-06-17T00:30:00Z', false],
    ['an unknown zone is never callable', null, '2025-06-16T12:00:00Z', 'unknown_time_zone'],
  ];
  for (const [name, zone, now, expected] of cases) {
    test(name, () => {
      const window = callingWindow(zone, DEFAULT_CALLING_HOURS, at(now));
      if (expected === 'unknown_time_zone') assert.deepEqual(window, { callable: false, reason: 'unknown_time_zone', zone: null });
      else assert.equal(window.callable, expected);
    });
  }

  test('the prospect\'s local clock', () => {
    assert.equal(localClock(at('2025-06-16T07:05:00Z'), 'Europe/Berlin'), '09:05');
    assert.equal(localClock(at('2025-01-16T07:05:00Z'), 'Europe/Berlin'), '08:05');
    assert.equal(localClock(at('2025-06-16T07:05:00Z'), 'Asia/Kolkata'), '12:35');
  });
});

describe('call outcomes', () => {
  test('conversations are call_connected (what scoring and connect goals count); attempts are call', () => {
    assert.equal(callKind('connected'), 'call_connected');
    assert.equal(callKind('meeting_booked'), 'call_connected');
    assert.equal(callKind('not_interested'), 'call_connected');
    for (const outcome of ['voicemail', 'no_answer', 'busy', 'wrong_number', 'gatekeeper'] as const) assert.equal(callKind(outcome), 'call');
  });
  test('summaries', () => {
    assert.equal(callSummary('connected', 250, 'outbound'), 'Connected (4 min)');
    assert.equal(callSummary('voicemail', 30, 'outbound'), 'Left a voicemail (30 s)');
    assert.equal(callSummary('no_answer', 0, 'outbound'), 'No answer');
    assert.equal(callSummary('connected', 60, 'inbound'), 'Inbound call: Connected (1 min)');
  });
  test('tel: links keep digits, the plus and an extension', () => {
    assert.equal(telHref('+49 (30) 1234-567'), 'tel:+49301234567');
    assert.equal(telHref('030 555 12 x 42'), 'tel:03055512;ext=42');
  });
});

describe('queue order and who is held back', () => {
  const now = at('2025-06-16T10:00:00Z'); // Monday, 12:00 in Berlin
  const berlin = { zones: ['Europe/Berlin'], source: 'country' as const };
  const base = (id: string, over: Partial<QueueCandidate> = {}): QueueCandidate => ({
    id,
    phone: '+49 30 1',
    doNotCall: false,
    score: 10,
    createdAt: at('2025-06-01T00:00:00Z'),
    zone: berlin,
    slaDueAt: null,
    callDueAt: null,
    lastCallAt: null,
    ...over,
  });
  const plan = (candidates: QueueCandidate[], skip: string[] = []) => planQueue(candidates, { now, hours: DEFAULT_CALLING_HOURS, recallAfterMinutes: 240, skip: new Set(skip) });

  test('SLA deadlines first (soonest, overdue on top), then due call-backs, then score, then longest since called', () => {
    const result = plan([
      base('score-90', { score: 90 }),
      base('sla-later', { slaDueAt: at('2025-06-16T10:30:00Z'), score: 1 }),
      base('sla-overdue', { slaDueAt: at('2025-06-16T09:00:00Z'), score: 1 }),
      base('callback-due', { callDueAt: at('2025-06-16T09:30:00Z'), score: 1 }),
      base('callback-tomorrow', { callDueAt: at('2025-06-17T09:30:00Z'), score: 50 }),
      base('called-long-ago', { score: 10, lastCallAt: at('2025-06-10T09:00:00Z') }),
      base('never-called', { score: 10 }),
    ]);
    assert.deepEqual(result.ready.map((c) => c.id), ['sla-overdue', 'sla-later', 'callback-due', 'score-90', 'callback-tomorrow', 'never-called', 'called-long-ago']);
  });

  test('held back: do-not-call, no phone, outside hours, unknown zone, called recently, skipped', () => {
    const result = plan(
      [
        base('ok'),
        base('dnc', { doNotCall: true, slaDueAt: at('2025-06-16T09:00:00Z') }),
        base('no-phone', { phone: '  ' }),
        base('tokyo-night', { zone: { zones: ['America/Los_Angeles'], source: 'record' } }),
        base('unknown', { zone: null }),
        base('just-called', { lastCallAt: at('2025-06-16T08:00:00Z') }),
        base('skipped'),
      ],
      ['skipped'],
    );
    assert.deepEqual(result.ready.map((c) => c.id), ['ok']);
    assert.deepEqual(result.skipped, { do_not_call: 1, no_phone: 1, outside_calling_hours: 1, unknown_time_zone: 1, recently_called: 1, skipped: 1 });
  });

  test('a call-back that came due after the last call brings a recently called prospect back', () => {
    const result = plan([base('callback', { lastCallAt: at('2025-06-16T08:00:00Z'), callDueAt: at('2025-06-16T09:45:00Z') })]);
    assert.deepEqual(result.ready.map((c) => c.id), ['callback']);
    const stale = plan([base('old-task', { lastCallAt: at('2025-06-16T08:00:00Z'), callDueAt: at('2025-06-16T07:00:00Z') })]);
    assert.equal(stale.ready.length, 0);
  });
});

describe('matching a phone system\'s number', () => {
  test('the same number written differently has the same tail; too short has none', () => {
    assert.equal(phoneTailOf('+49 (30) 555-7781'), '5557781');
    assert.equal(phoneTailOf('030 5557781'), '5557781');
    assert.equal(phoneTailOf('0049-30-555 77 81 ext. 12'), '5557781');
    assert.equal(phoneTailOf('+49 89 1'), null);
  });
  test('the caller\'s own record first, then the most recently updated, a contact before a lead on a tie', () => {
    const m = (type: PhoneMatch['type'], id: string, ownerId: string | null, updatedAt: string): PhoneMatch => ({ type, id, ownerId, updatedAt, doNotCall: false });
    assert.equal(pickByPhone([m('lead', 'recent', 'x', '2025-06-02'), m('lead', 'mine', 'me', '2025-01-01')], 'me')!.id, 'mine');
    assert.equal(pickByPhone([m('lead', 'old', null, '2025-01-01'), m('lead', 'recent', null, '2025-06-02')], 'me')!.id, 'recent');
    assert.equal(pickByPhone([m('lead', 'l', null, '2025-01-01'), m('contact', 'c', null, '2025-01-01')], 'me')!.id, 'c');
    assert.equal(pickByPhone([], 'me'), null);
  });
});
