import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelsFor, digestMail, eventOf, localDayAndHour, mentionedUserIds, withDefaults } from './model.ts';

const people = [
  { id: 'ann', name: 'Ann Lee', email: 'ann@acme.test' },
  { id: 'anna', name: 'Anna Berg', email: 'anna@acme.test' },
  { id: 'bob', name: 'Bob Stone', email: 'bob@acme.test' },
  { id: 'bob2', name: 'Bob Marsh', email: 'marsh@acme.test' },
];

test('mentions by email, full name or a first name no one else has, where the word ends', () => {
  assert.deepEqual(mentionedUserIds('@Ann please call', people), ['ann'], '@Ann is Ann, not Anna');
  assert.deepEqual(mentionedUserIds('cc @anna berg.', people), ['anna']);
  assert.deepEqual(mentionedUserIds('@Bob can you?', people), [], 'two Bobs: a first name alone is ambiguous');
  assert.deepEqual(mentionedUserIds('@Bob Marsh, @bob@acme.test', people), ['bob', 'bob2']);
  assert.deepEqual(mentionedUserIds('mail ann@acme.test or @Annabel', people), [], 'an address without @ before it, or a longer word, is no mention');
  assert.deepEqual(mentionedUserIds('@Ann @Ann Lee @ann@acme.test', people), ['ann'], 'each person once');
  assert.deepEqual(mentionedUserIds('no mentions here', people), []);
});

test('events gather kinds; preferences fall back to in-app and email, no digest', () => {
  assert.equal(eventOf('lead_assigned'), 'assigned');
  assert.equal(eventOf('approval_rejected'), 'approval');
  assert.equal(eventOf('sla_warning'), 'sla');
  assert.equal(eventOf('task_reminder'), 'other');
  const prefs = withDefaults({ events: { mention: { email: false }, nonsense: { inApp: false } }, dailyDigest: true });
  assert.deepEqual(channelsFor(prefs, 'mention'), { inApp: true, email: false });
  assert.deepEqual(channelsFor(prefs, 'handoff'), { inApp: true, email: true });
  assert.equal(prefs.dailyDigest, true);
  assert.equal(withDefaults(null).dailyDigest, false);
});

test('local day and hour, and the digest text', () => {
  assert.deepEqual(localDayAndHour(new Date('2026-03-10T03:30:00Z'), 'America/New_York'), { day: '2026-03-09', hour: 23 });
  assert.deepEqual(localDayAndHour(new Date('2026-03-10T03:30:00Z'), 'Not/AZone'), { day: '2026-03-10', hour: 3 });
  const mail = digestMail('Nia York', [{ title: 'Approval needed', body: 'Discount 20%', link: '/opportunities/1', createdAt: new Date() }], 'https://crm.test/');
  assert.equal(mail.subject, 'Leadflow: 1 thing waiting for you');
  assert.match(mail.text, /^Good morning Nia,/);
  assert.match(mail.text, /• Approval needed\n {4}Discount 20%\n {4}https:\/\/crm\.test\/opportunities\/1/);
});
