import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WeeklyHours } from '../routing/hours.model.ts';
import {
  bookingSettingsProblems,
  changeRefusal,
  DEFAULT_WORKING_HOURS,
  escapeText,
  foldLine,
  freeSlots,
  invitationCalendar,
  paramValue,
  slotsByDay,
  slugFrom,
  unfoldCalendar,
  type Interval,
  type SlotRules,
} from './model.ts';

const t = (iso: string) => Date.parse(iso);
const iso = (slots: Interval[]) => slots.map((s) => `${new Date(s.start).toISOString().slice(0, 16)}/${new Date(s.end).toISOString().slice(11, 16)}`);
const BASE: SlotRules = { timeZone: 'Europe/Berlin', hours: DEFAULT_WORKING_HOURS, durationMinutes: 30, bufferMinutes: 0, minNoticeMinutes: 0, daysAhead: 365 };
const LONG_AGO = t('2026-01-01T00:00:00Z');

describe('free slots = working hours ∩ range − busy − buffers − notice', () => {
  const cases: { name: string; rules?: Partial<SlotRules>; range: [string, string]; busy?: [string, string][]; now?: string; expect: string[] | ((slots: string[]) => void) }[] = [
    {
      name: 'a morning of half-hour slots on the rep’s wall clock (Berlin winter, UTC+1)',
      rules: { hours: { mon: [['09:00', '11:00']] } },
      range: ['2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z'],
      expect: ['2026-03-09T08:00/08:30', '2026-03-09T08:30/09:00', '2026-03-09T09:00/09:30', '2026-03-09T09:30/10:00'],
    },
    {
      name: 'after the EU switch to summer time the same hours are an hour earlier in UTC',
      rules: { hours: { mon: [['09:00', '10:00']] } },
      range: ['2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z'],
      expect: ['2026-03-30T07:00/07:30', '2026-03-30T07:30/08:00'],
    },
    {
      name: 'on the night clocks spring forward (02:00 → 03:00), hours 01:00–04:00 hold two hours, not three',
      rules: { hours: { sun: [['01:00', '04:00']] }, durationMinutes: 60 },
      range: ['2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z'],
      expect: (slots) => {
        // 01:00 CET = 00:00Z; 04:00 CEST = 02:00Z: two hours of real time.
        assert.equal(slots[0], '2026-03-29T00:00/01:00');
        assert.equal(slots.at(-1)!.slice(17), '02:00', 'the last slot ends at 04:00 local');
        assert.ok(slots.every((s) => s >= '2026-03-29T00:00' && s.slice(17) <= '02:00'), slots.join(' '));
      },
    },
    {
      name: 'on the night clocks fall back (03:00 → 02:00), hours 01:00–04:00 hold four hours',
      rules: { hours: { sun: [['01:00', '04:00']] }, durationMinutes: 60 },
      range: ['2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z'],
      expect: (slots) => {
        // 01:00 CEST = 23:00Z the day before; 04:00 CET = 03:00Z.
        assert.equal(slots[0], '2026-10-24T23:00/00:00');
        assert.equal(slots.at(-1), '2026-10-25T02:00/03:00');
        assert.equal(slots.length, 7, 'every 30 minutes from 23:00Z to 02:00Z');
      },
    },
    {
      name: 'a busy meeting and its buffer remove the slots they touch',
      rules: { hours: { mon: [['09:00', '12:00']] }, bufferMinutes: 15 },
      range: ['2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z'],
      busy: [['2026-03-09T09:30:00Z', '2026-03-09T10:00:00Z']],
      // Busy 10:30–11:00 local, blocked 10:15–11:15: 10:00, 10:30, 11:00 go; 11:30 stays.
      expect: ['2026-03-09T08:00/08:30', '2026-03-09T08:30/09:00', '2026-03-09T10:30/11:00'],
    },
    {
      name: 'minimum notice hides slots starting too soon',
      rules: { hours: { mon: [['09:00', '11:00']] }, minNoticeMinutes: 120 },
      now: '2026-03-09T07:10:00Z',
      range: ['2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z'],
      expect: ['2026-03-09T09:30/10:00'],
    },
    {
      name: 'the horizon ends offering slots days ahead',
      rules: { hours: DEFAULT_WORKING_HOURS, daysAhead: 1, durationMinutes: 60, timeZone: 'UTC' },
      now: '2026-03-09T15:00:00Z',
      range: ['2026-03-09T00:00:00Z', '2026-03-20T00:00:00Z'],
      // Slots start every 30 minutes and fit before 17:00; Tuesday's up to 15:00 (now + 1 day).
      expect: (slots) => {
        assert.equal(slots[0], '2026-03-09T15:00/16:00');
        assert.equal(slots.at(-1), '2026-03-10T14:30/15:30');
      },
    },
    {
      name: 'a slot never crosses the closing time, and split days leave lunch free',
      rules: { hours: { mon: [['09:00', '10:15'], ['13:00', '14:00']] }, durationMinutes: 45, timeZone: 'UTC' },
      range: ['2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z'],
      expect: ['2026-03-09T09:00/09:45', '2026-03-09T09:30/10:15', '2026-03-09T13:00/13:45'],
    },
    {
      name: 'a rep ahead of UTC works on a day that starts the evening before in UTC',
      rules: { hours: { mon: [['08:00', '09:00']] }, timeZone: 'Pacific/Auckland', durationMinutes: 60 },
      range: ['2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z'],
      // Auckland is UTC+13 in March: Monday 08:00 is Sunday 19:00Z.
      expect: ['2026-03-08T19:00/20:00'],
    },
    {
      name: 'nothing when the range is past or empty',
      range: ['2026-03-09T00:00:00Z', '2026-03-09T00:00:00Z'],
      expect: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const slots = iso(
        freeSlots(
          { ...BASE, ...c.rules },
          { start: t(c.range[0]), end: t(c.range[1]) },
          (c.busy ?? []).map(([s, e]) => ({ start: t(s), end: t(e) })),
          c.now ? t(c.now) : LONG_AGO,
        ),
      );
      if (typeof c.expect === 'function') c.expect(slots);
      else assert.deepEqual(slots, c.expect);
    });
  }

  test('slots show on the prospect’s own days and clock, across their DST switch', () => {
    // Berlin 09:00 on Friday 6 and Monday 9 March: New York switches to summer time on Sunday 8 March.
    const hours: WeeklyHours = { fri: [['09:00', '09:30']], mon: [['09:00', '09:30']] };
    const slots = freeSlots({ ...BASE, hours }, { start: t('2026-03-06T00:00:00Z'), end: t('2026-03-10T00:00:00Z') }, [], LONG_AGO);
    const days = slotsByDay(slots, 'America/New_York');
    assert.deepEqual(
      days.map((d) => [d.day, d.slots.map((s) => s.time)]),
      [
        ['2026-03-06', ['03:00']],
        ['2026-03-09', ['04:00']],
      ],
    );
    // Tokyo sees Berlin's Monday-morning slot on Monday evening; Honolulu sees it on Sunday night.
    assert.equal(slotsByDay(slots, 'Pacific/Honolulu')[1]!.day, '2026-03-08');
    assert.equal(slotsByDay(slots, 'Pacific/Honolulu')[1]!.slots[0]!.time, '22:00');
  });
});

describe('outcomes', () => {
  const now = t('2026-03-09T12:00:00Z');
  const past = t('2026-03-09T10:00:00Z');
  const future = t('2026-03-10T10:00:00Z');
  const table: [Parameters<typeof changeRefusal>[0], Parameters<typeof changeRefusal>[1], number, boolean][] = [
    ['scheduled', 'held', past, true],
    ['scheduled', 'held', future, false],
    ['scheduled', 'no_show', past, true],
    ['scheduled', 'no_show', future, false],
    ['scheduled', 'rescheduled', future, true],
    ['scheduled', 'cancelled', future, true],
    ['rescheduled', 'held', past, true],
    ['rescheduled', 'rescheduled', future, true],
    ['no_show', 'rescheduled', past, true],
    ['no_show', 'held', past, false],
    ['no_show', 'cancelled', past, false],
    ['held', 'no_show', past, false],
    ['held', 'rescheduled', past, false],
    ['held', 'cancelled', past, false],
    ['cancelled', 'rescheduled', future, false],
    ['cancelled', 'held', past, false],
  ];
  for (const [status, change, startsAt, allowed] of table) {
    test(`${status} → ${change} ${startsAt > now ? 'before' : 'after'} the start: ${allowed ? 'allowed' : 'refused'}`, () => {
      assert.equal(changeRefusal(status, change, startsAt, now) === null, allowed);
    });
  }
});

describe('booking page settings', () => {
  const good = { slug: 'ada-lovelace', title: 'Meet Ada', meetingTypes: [{ key: 'demo', name: 'Demo', minutes: 30 }], bufferMinutes: 10, minNoticeMinutes: 120, daysAhead: 30 };
  test('valid settings have no problems', () => assert.deepEqual(bookingSettingsProblems(good), []));
  test('bad slugs, duplicate types, odd lengths and no types are refused by field', () => {
    assert.deepEqual(bookingSettingsProblems({ ...good, slug: '-Ada' }).map((p) => p.field), ['slug']);
    assert.deepEqual(bookingSettingsProblems({ ...good, slug: 'ab' }).map((p) => p.field), ['slug']);
    assert.deepEqual(
      bookingSettingsProblems({ ...good, meetingTypes: [...good.meetingTypes, { key: 'demo', name: 'Again', minutes: 31 }] }).map((p) => p.field),
      ['meetingTypes.1.key', 'meetingTypes.1.minutes'],
    );
    assert.deepEqual(bookingSettingsProblems({ ...good, meetingTypes: [] }).map((p) => p.field), ['meetingTypes']);
  });
  test('slugs from names', () => {
    assert.equal(slugFrom("Zoë O'Neil"), 'zoe-oneil');
    assert.equal(slugFrom('李'), 'rep-meet');
    assert.equal(slugFrom('Al'), 'al-meet');
  });
});

describe('iCalendar text', () => {
  test('TEXT escapes backslash, semicolon, comma and newlines', () => {
    const table: [string, string][] = [
      ['plain', 'plain'],
      ['a,b;c', 'a\\,b\\;c'],
      ['back\\slash', 'back\\\\slash'],
      ['line\nbreak\r\nand', 'line\\nbreak\\nand'],
      ['colon: stays', 'colon: stays'],
    ];
    for (const [input, output] of table) assert.equal(escapeText(input), output, input);
  });

  test('parameter values are quoted when they must be and lose what cannot be quoted', () => {
    assert.equal(paramValue('Ada Lovelace'), 'Ada Lovelace');
    assert.equal(paramValue('Lovelace, Ada'), '"Lovelace, Ada"');
    assert.equal(paramValue('Ada "the Countess"'), 'Ada the Countess');
  });

  test('lines fold at 75 octets without splitting a character, and unfold to the original', () => {
    const table = ['x'.repeat(75), 'x'.repeat(76), 'y'.repeat(300), `DESCRIPTION:${'ü'.repeat(100)}`, `SUMMARY:${'🎉'.repeat(40)}`];
    for (const line of table) {
      const folded = foldLine(line);
      for (const part of folded.split('\r\n')) assert.ok(Buffer.byteLength(part, 'utf8') <= 75, `${part.length} chars`);
      assert.ok(!folded.includes('\uFFFD'));
      assert.equal(folded.replace(/\r\n /g, ''), line);
    }
    assert.equal(foldLine('x'.repeat(75)), 'x'.repeat(75), 'exactly 75 octets stay on one line');
    assert.equal(foldLine('x'.repeat(76)), `${'x'.repeat(75)}\r\n x`);
  });

  test('an invitation holds the event in UTC with organizer, attendees and the video link', () => {
    const text = invitationCalendar({
      method: 'REQUEST',
      uid: 'abc@leadflow',
      sequence: 2,
      stamp: t('2026-03-01T10:00:00Z'),
      start: t('2026-03-09T13:00:00Z'),
      end: t('2026-03-09T13:30:00Z'),
      timeZone: 'Europe/Berlin',
      title: 'Demo: Leadflow, for Acme; quick',
      description: 'Agenda:\n1. You\n2. Us',
      videoUrl: 'https://meet.example.com/abc-defg-hij',
      organizer: { name: 'Ada Lovelace', email: 'ada@seller.test' },
      attendees: [{ name: 'Grace, Hopper', email: 'grace@buyer.test' }],
    });
    assert.ok(text.endsWith('\r\n'));
    assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');
    const lines = unfoldCalendar(text);
    for (const expected of [
      'METHOD:REQUEST',
      'UID:abc@leadflow',
      'SEQUENCE:2',
      'DTSTART:20260309T130000Z',
      'DTEND:20260309T133000Z',
      'SUMMARY:Demo: Leadflow\\, for Acme\\; quick',
      'DESCRIPTION:Agenda:\\n1. You\\n2. Us',
      'URL:https://meet.example.com/abc-defg-hij',
      'ORGANIZER;CN=Ada Lovelace:mailto:ada@seller.test',
      'ATTENDEE;CN="Grace, Hopper";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:grace@buyer.test',
      'STATUS:CONFIRMED',
    ]) {
      assert.ok(lines.includes(expected), `missing ${expected}`);
    }
    assert.deepEqual([lines[0], lines.at(-1)], ['BEGIN:VCALENDAR', 'END:VCALENDAR']);
  });

  test('a cancellation says CANCEL and CANCELLED', () => {
    const lines = unfoldCalendar(
      invitationCalendar({
        method: 'CANCEL',
        uid: 'abc@leadflow',
        sequence: 3,
        stamp: 0,
        start: 0,
        end: 1_800_000,
        timeZone: 'UTC',
        title: 'Demo',
        description: '',
        videoUrl: null,
        organizer: { name: '', email: 'ada@seller.test' },
        attendees: [],
      }),
    );
    assert.ok(lines.includes('METHOD:CANCEL'));
    assert.ok(lines.includes('STATUS:CANCELLED'));
    assert.ok(lines.includes('ORGANIZER:mailto:ada@seller.test'));
    assert.ok(!lines.some((l) => l.startsWith('URL:')));
  });
});
