import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addBusinessMinutes, calendarProblems, isOpen, localDay, weeklyHoursProblems, type BusinessCalendar, type WeeklyHours } from './hours.model.ts';

const OFFICE: WeeklyHours = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
};
const BERLIN: BusinessCalendar = { timeZone: 'Europe/Berlin', hours: OFFICE };
const at = (iso: string) => new Date(iso);

describe('local days and open hours', () => {
  test('the local day turns at the person’s midnight, not UTC’s', () => {
    assert.equal(localDay(at('2025-06-15T22:30:00Z'), 'Europe/Berlin'), '2025-06-16');
    assert.equal(localDay(at('2025-06-15T22:30:00Z'), 'UTC'), '2025-06-15');
    assert.equal(localDay(at('2025-06-16T03:00:00Z'), 'America/Los_Angeles'), '2025-06-15');
    assert.equal(localDay(at('2025-06-15T12:00:00Z'), 'Pacific/Kiritimati'), '2025-06-16');
  });

  test('open exactly from the opening minute until before the closing minute, on working days', () => {
    // Monday 16 June 2025; Berlin is UTC+2 in summer.
    assert.equal(isOpen(at('2025-06-16T06:59:00Z'), 'Europe/Berlin', OFFICE), false);
    assert.equal(isOpen(at('2025-06-16T07:00:00Z'), 'Europe/Berlin', OFFICE), true);
    assert.equal(isOpen(at('2025-06-16T14:59:00Z'), 'Europe/Berlin', OFFICE), true);
    assert.equal(isOpen(at('2025-06-16T15:00:00Z'), 'Europe/Berlin', OFFICE), false);
    assert.equal(isOpen(at('2025-06-14T10:00:00Z'), 'Europe/Berlin', OFFICE), false, 'Saturday');
    assert.equal(isOpen(at('2025-01-13T08:00:00Z'), 'Europe/Berlin', OFFICE), true, 'winter: UTC+1, 09:00 local');
    assert.equal(isOpen(at('2025-06-16T10:00:00Z'), 'Europe/Berlin', OFFICE, ['2025-06-16']), false, 'a holiday');
  });

  test('split days and a day open until midnight', () => {
    const hours: WeeklyHours = { mon: [['08:00', '12:00'], ['13:00', '24:00']] };
    assert.equal(isOpen(at('2025-06-16T12:30:00Z'), 'UTC', hours), false, 'lunch');
    assert.equal(isOpen(at('2025-06-16T23:59:00Z'), 'UTC', hours), true);
    assert.equal(isOpen(at('2025-06-17T00:00:00Z'), 'UTC', hours), false, 'Tuesday is closed');
  });
});

describe('business minutes', () => {
  test('the clock stops overnight and at the weekend', () => {
    // Friday 16:50 Berlin + 30 business minutes → Monday 09:20 Berlin.
    assert.equal(addBusinessMinutes(at('2025-06-13T14:50:00Z'), 30, BERLIN).toISOString(), '2025-06-16T07:20:00.000Z');
    // Inside hours it is plain minutes.
    assert.equal(addBusinessMinutes(at('2025-06-16T08:00:00Z'), 45, BERLIN).toISOString(), '2025-06-16T08:45:00.000Z');
    // Before opening the clock starts at opening.
    assert.equal(addBusinessMinutes(at('2025-06-16T05:00:00Z'), 15, BERLIN).toISOString(), '2025-06-16T07:15:00.000Z');
    // Exactly a day's worth ends at closing, not the next morning.
    assert.equal(addBusinessMinutes(at('2025-06-16T07:00:00Z'), 480, BERLIN).toISOString(), '2025-06-16T15:00:00.000Z');
  });

  test('holidays and lunch breaks are skipped', () => {
    const calendar: BusinessCalendar = { timeZone: 'UTC', hours: { mon: [['09:00', '12:00'], ['13:00', '17:00']], tue: [['09:00', '17:00']] }, holidays: ['2025-06-16'] };
    assert.equal(addBusinessMinutes(at('2025-06-16T10:00:00Z'), 60, calendar).toISOString(), '2025-06-17T10:00:00.000Z');
    const noHoliday = { ...calendar, holidays: [] };
    assert.equal(addBusinessMinutes(at('2025-06-16T11:30:00Z'), 60, noHoliday).toISOString(), '2025-06-16T13:30:00.000Z');
  });

  test('daylight saving: an hour that does not exist is not counted', () => {
    const always: BusinessCalendar = { timeZone: 'Europe/Berlin', hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])) };
    // Saturday 29 March 2025 23:00 CET; clocks jump 02:00 → 03:00 on Sunday.
    assert.equal(addBusinessMinutes(at('2025-03-29T22:00:00Z'), 180, always).toISOString(), '2025-03-30T01:00:00.000Z');
    // Office hours on the Monday after the switch open at 09:00 CEST = 07:00 UTC.
    assert.equal(addBusinessMinutes(at('2025-03-28T15:59:00Z'), 2, BERLIN).toISOString(), '2025-03-31T07:01:00.000Z');
  });

  test('the due time is never earlier than the wall-clock minutes and always inside open hours', () => {
    const start = Date.parse('2025-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 24 * 60 }), fc.integer({ min: 1, max: 5000 }), (offsetMinutes, minutes) => {
        const from = new Date(start + offsetMinutes * 60_000);
        const due = addBusinessMinutes(from, minutes, BERLIN);
        assert.ok(due.getTime() - from.getTime() >= minutes * 60_000);
        assert.ok(isOpen(new Date(due.getTime() - 60_000), 'Europe/Berlin', OFFICE), `${due.toISOString()} is the end of an open minute`);
        const later = addBusinessMinutes(from, minutes + 1, BERLIN);
        assert.ok(later.getTime() > due.getTime(), 'one more minute is later');
      }),
      { numRuns: 300 },
    );
  });
});

describe('validation', () => {
  test('bad, backwards and overlapping intervals are named', () => {
    const problems = weeklyHoursProblems({ mon: [['9:00', '17:00']], tue: [['17:00', '09:00']], wed: [['09:00', '13:00'], ['12:00', '18:00']] } as WeeklyHours, 'hours');
    assert.deepEqual(problems.map((p) => p.field), ['hours.mon.0', 'hours.tue.0', 'hours.wed.1']);
    assert.deepEqual(weeklyHoursProblems({}, 'hours'), [{ field: 'hours', message: 'Open at least one interval in the week' }]);
    assert.deepEqual(weeklyHoursProblems({}, 'hours', false), []);
    assert.deepEqual(weeklyHoursProblems(OFFICE, 'hours'), []);
  });

  test('a calendar needs a real time zone and real holiday dates', () => {
    const problems = calendarProblems({ timeZone: 'Mars/Olympus', hours: OFFICE, holidays: ['2025-13-45', '2025-12-25'] }, 'businessHours');
    assert.deepEqual(problems.map((p) => p.field), ['businessHours.timeZone', 'businessHours.holidays.0']);
  });
});
