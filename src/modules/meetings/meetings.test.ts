import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { startSmtpServer, type ReceivedMail } from '../../../test/smtp.ts';
import { createMailer } from '../../core/mailer.ts';
import { unfoldCalendar } from './model.ts';
import { startMeetingWorkers } from './workers.ts';

const smtp = await startSmtpServer();
const t = await startTestApp({ config: { SMTP_URL: smtp.url, SMTP_FROM: 'Leadflow <meetings@leadflow.test>' }, jobs: true });
// As in the server: invitations are queued with each change and sent by the worker once it commits.
await startMeetingWorkers({ db: t.database.db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} });
const admin = await newOrg(t, 'Meetings');
const rep = await addUser(t, admin, 'rep', 'Rita Rep');
const otherRep = await addUser(t, admin, 'rep', 'Otto Other');

const HOUR = 3_600_000;
/** A whole hour some days from now, so tests never depend on the time they run. */
const hoursFromNow = (hours: number) => new Date(Math.ceil(Date.now() / HOUR) * HOUR + hours * HOUR).toISOString();
const icsStamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

let mailbox = 0;
const newEmail = (who: string) => `${who}-${process.pid}-${(mailbox += 1)}@buyer.test`;

/** The calendar lines of the .ics attached to the latest mail to `to` whose calendar passes `where`. */
async function calendarFor(to: string, where: (lines: string[]) => boolean = () => true): Promise<{ mail: ReceivedMail; lines: string[]; contentType: string }> {
  for (let i = 0; i < 300; i += 1) {
    for (const mail of [...smtp.inbox].reverse()) {
      if (!mail.to.includes(to)) continue;
      const parsed = await simpleParser(mail.raw);
      const ics = parsed.attachments.find((a) => a.filename?.endsWith('.ics'));
      if (!ics) continue;
      const lines = unfoldCalendar(ics.content.toString('utf8'));
      if (where(lines)) return { mail, lines, contentType: ics.contentType };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no matching invitation arrived for ${to}`);
}

async function newLead(caller: Caller, email: string | null = newEmail('lead')) {
  const res = await caller.post('/api/v1/leads', { firstName: 'Grace', lastName: 'Hopper', company: 'Navy Labs', email });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; email: string; score: number };
}

async function timelineKinds(caller: Caller, path: string): Promise<string[]> {
  const res = await caller.get(`${path}/timeline?limit=100`);
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { data: { kind: string }[] }).data.map((i) => i.kind);
}

type Meeting = { id: string; status: string; sequence: number; version: number; startsAt: string; endsAt: string; attendees: { email: string }[]; leadId: string | null; accountId: string | null };

async function schedule(caller: Caller, body: Record<string, unknown>): Promise<Meeting> {
  const res = await caller.post('/api/v1/meetings', { kind: 'demo', title: 'Leadflow demo', timeZone: 'Europe/Berlin', startsAt: hoursFromNow(48), endsAt: hoursFromNow(49), ...body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

describe('scheduling, rescheduling, cancelling', () => {
  test('a demo with a lead sends an .ics invitation to the lead and the organizer; the lead’s timeline shows it', async () => {
    const lead = await newLead(rep);
    const startsAt = hoursFromNow(50);
    const endsAt = hoursFromNow(51);
    const meeting = await schedule(rep, {
      title: 'Demo, for Navy Labs',
      startsAt,
      endsAt,
      leadId: lead.id,
      videoUrl: 'https://meet.example.com/abc-defg-hij',
      attendeeUserIds: [otherRep.userId],
    });
    assert.equal(meeting.status, 'scheduled');
    assert.deepEqual(meeting.attendees.map((a) => a.email).sort(), [lead.email, otherRep.email].sort());

    for (const to of [lead.email, rep.email, otherRep.email]) {
      const { lines, contentType, mail } = await calendarFor(to, (l) => l.includes(`UID:${meeting.id}@leadflow`));
      assert.match(contentType, /^text\/calendar/);
      assert.match(mail.subject, /^Invitation: Demo, for Navy Labs/);
      for (const expected of [
        'METHOD:REQUEST',
        'SEQUENCE:0',
        `DTSTART:${icsStamp(startsAt)}`,
        `DTEND:${icsStamp(endsAt)}`,
        'SUMMARY:Demo\\, for Navy Labs',
        'URL:https://meet.example.com/abc-defg-hij',
        `ORGANIZER;CN=Rita Rep:mailto:${rep.email}`,
        `ATTENDEE;CN=Grace Hopper;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${lead.email}`,
        `ATTENDEE;CN=Otto Other;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${otherRep.email}`,
      ]) {
        assert.ok(lines.includes(expected), `${to}: missing ${expected} in\n${lines.join('\n')}`);
      }
    }
    assert.ok((await timelineKinds(rep, `/api/v1/leads/${lead.id}`)).includes('meeting_booked'));
  });

  test('a reschedule keeps the UID, bumps SEQUENCE and sends the new time; a cancel sends METHOD:CANCEL', async () => {
    const lead = await newLead(rep);
    const meeting = await schedule(rep, { leadId: lead.id });
    const startsAt = hoursFromNow(72);
    const endsAt = hoursFromNow(73);
    const moved = await rep.post(`/api/v1/meetings/${meeting.id}/reschedule`, { startsAt, endsAt, reason: 'Their CFO joins' });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().status, 'rescheduled');
    assert.equal(moved.json().sequence, 1);
    const update = await calendarFor(lead.email, (l) => l.includes('SEQUENCE:1'));
    assert.ok(update.lines.includes(`UID:${meeting.id}@leadflow`));
    assert.ok(update.lines.includes(`DTSTART:${icsStamp(startsAt)}`));
    assert.match(update.mail.subject, /^Updated invitation/);

    const cancelled = await rep.post(`/api/v1/meetings/${meeting.id}/cancel`, { reason: 'Budget frozen' });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(cancelled.json().status, 'cancelled');
    const cancel = await calendarFor(lead.email, (l) => l.includes('METHOD:CANCEL'));
    assert.ok(cancel.lines.includes(`UID:${meeting.id}@leadflow`));
    assert.ok(cancel.lines.includes('SEQUENCE:2'));
    assert.ok(cancel.lines.includes('STATUS:CANCELLED'));

    const kinds = await timelineKinds(rep, `/api/v1/leads/${lead.id}`);
    for (const kind of ['meeting_booked', 'meeting_rescheduled', 'meeting_cancelled']) assert.ok(kinds.includes(kind), kind);
    const again = await rep.post(`/api/v1/meetings/${meeting.id}/reschedule`, { startsAt, endsAt });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'meeting_state');
  });

  test('a held meeting is logged on the timeline at its time and lead scoring counts it; no-show and early outcomes are refused as they should be', async () => {
    const lead = await newLead(rep);
    const past = await schedule(rep, { leadId: lead.id, startsAt: hoursFromNow(-3), endsAt: hoursFromNow(-2) });
    const early = await rep.post(`/api/v1/meetings/${(await schedule(rep, { leadId: lead.id })).id}/outcome`, { outcome: 'held' });
    assert.equal(early.statusCode, 409);
    assert.match(early.json().detail, /not started/);

    const before = (await rep.get(`/api/v1/leads/${lead.id}`)).json().score as number;
    const held = await rep.post(`/api/v1/meetings/${past.id}/outcome`, { outcome: 'held', notes: 'Loved the call queue' });
    assert.equal(held.statusCode, 200, held.body);
    assert.equal(held.json().status, 'held');
    assert.equal(held.json().outcomeNotes, 'Loved the call queue');
    const after = (await rep.get(`/api/v1/leads/${lead.id}`)).json().score as number;
    assert.ok(after > before, `score ${before} → ${after}`);
    const timeline = (await rep.get(`/api/v1/leads/${lead.id}/timeline?kind=meeting_held`)).json().data as { occurredAt: string; summary: string }[];
    assert.equal(timeline.length, 1);
    assert.equal(timeline[0]!.occurredAt, past.startsAt);
    assert.match(timeline[0]!.summary, /Loved the call queue/);

    const noShow = await rep.post(`/api/v1/meetings/${past.id}/outcome`, { outcome: 'no_show' });
    assert.equal(noShow.statusCode, 409);

    const missed = await schedule(rep, { leadId: lead.id, startsAt: hoursFromNow(-5), endsAt: hoursFromNow(-4) });
    assert.equal((await rep.post(`/api/v1/meetings/${missed.id}/outcome`, { outcome: 'no_show' })).json().status, 'no_show');
    assert.ok((await timelineKinds(rep, `/api/v1/leads/${lead.id}`)).includes('meeting_no_show'));
    // The usual next step after a no-show: move it.
    const rebooked = await rep.post(`/api/v1/meetings/${missed.id}/reschedule`, { startsAt: hoursFromNow(30), endsAt: hoursFromNow(31) });
    assert.equal(rebooked.json().status, 'rescheduled');
  });

  test('a contact’s meeting links the contact’s account; details edits on an upcoming meeting resend the invitation', async () => {
    const account = (await rep.post('/api/v1/accounts', { name: `Buyer ${process.pid}` })).json() as { id: string };
    const email = newEmail('contact');
    const contact = await rep.post('/api/v1/contacts', { firstName: 'Alan', lastName: 'Turing', email, accountId: account.id });
    assert.equal(contact.statusCode, 201, contact.body);
    const meeting = await schedule(rep, { contactId: contact.json().id });
    assert.equal(meeting.accountId, account.id);
    assert.ok((await timelineKinds(rep, `/api/v1/accounts/${account.id}`)).includes('meeting_booked'));

    const stale = await rep.patch(`/api/v1/meetings/${meeting.id}`, { videoUrl: 'https://meet.example.com/new' }, { 'if-match': '"99"' });
    assert.equal(stale.statusCode, 412);
    const edited = await rep.patch(`/api/v1/meetings/${meeting.id}`, { videoUrl: 'https://meet.example.com/new' }, { 'if-match': `"${meeting.version}"` });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().sequence, 1);
    const { lines } = await calendarFor(email, (l) => l.includes('SEQUENCE:1'));
    assert.ok(lines.includes('URL:https://meet.example.com/new'));
  });

  test('mine=1 with a range lists the meetings I organize or attend that overlap it (the Today screen)', async () => {
    const mine = await schedule(otherRep, { startsAt: hoursFromNow(200), endsAt: hoursFromNow(201) });
    const attending = await schedule(admin, { startsAt: hoursFromNow(202), endsAt: hoursFromNow(203), attendeeUserIds: [otherRep.userId] });
    const notMine = await schedule(admin, { startsAt: hoursFromNow(201), endsAt: hoursFromNow(202) });
    const url = `/api/v1/meetings?mine=1&from=${encodeURIComponent(hoursFromNow(199))}&to=${encodeURIComponent(hoursFromNow(210))}`;
    const res = await otherRep.get(url);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((res.json().data as Meeting[]).map((m) => m.id), [mine.id, attending.id]);
    const all = (await otherRep.get(url.replace('mine=1&', ''))).json().data as Meeting[];
    assert.deepEqual(all.map((m) => m.id), [mine.id, notMine.id, attending.id]);
    const paged = await otherRep.get(`${url.replace('mine=1&', '')}&limit=2`);
    const next = await otherRep.get(`${url.replace('mine=1&', '')}&limit=2&cursor=${paged.json().nextCursor}`);
    assert.deepEqual((next.json().data as Meeting[]).map((m) => m.id), [attending.id]);
  });
});

describe('bad input, tenancy and roles', () => {
  test('bad input is a problem with its fields, and nothing is scheduled or sent', async () => {
    const lead = await newLead(rep);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ startsAt: hoursFromNow(50), endsAt: hoursFromNow(49) }, ['endsAt']],
      [{ timeZone: 'Mars/Olympus' }, ['timeZone']],
      [{ leadId: '0190a000-0000-7000-8000-000000000000' }, ['leadId']],
      [{ videoUrl: 'javascript:alert(1)' }, ['videoUrl']],
      [{ startsAt: 'tomorrow' }, ['startsAt']],
      [{ kind: 'party' }, ['kind']],
    ];
    for (const [body, fields] of cases) {
      const res = await rep.post('/api/v1/meetings', { kind: 'demo', title: 'Bad', timeZone: 'UTC', startsAt: hoursFromNow(48), endsAt: hoursFromNow(49), leadId: lead.id, ...body });
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
      assert.deepEqual((res.json().errors as { field: string }[]).map((e) => e.field), fields, JSON.stringify(body));
    }
    assert.equal((await rep.get(`/api/v1/meetings?leadId=${lead.id}`)).json().data.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(!smtp.inbox.some((m) => m.to.includes(lead.email)), 'no invitation went to the lead');
  });

  test('another organisation sees none of it and cannot link its records', async () => {
    const meeting = await schedule(rep, {});
    const stranger = await newOrg(t, 'Strangers');
    assert.equal((await stranger.get(`/api/v1/meetings/${meeting.id}`)).statusCode, 404);
    assert.equal((await stranger.post(`/api/v1/meetings/${meeting.id}/cancel`, {})).statusCode, 404);
    assert.equal((await stranger.patch(`/api/v1/meetings/${meeting.id}`, { title: 'Mine now' })).statusCode, 404);
    assert.ok(!((await stranger.get('/api/v1/meetings')).json().data as Meeting[]).some((m) => m.id === meeting.id));
    const theirLead = await newLead(stranger);
    const res = await rep.post('/api/v1/meetings', { kind: 'demo', title: 'x', timeZone: 'UTC', startsAt: hoursFromNow(48), endsAt: hoursFromNow(49), leadId: theirLead.id });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().errors[0].field, 'leadId');
    assert.equal((await rep.get(`/api/v1/meetings/${meeting.id}`)).json().status, 'scheduled');
  });

  test('reps change only meetings they organize or attend, and schedule only as themselves; managers may do both', async () => {
    const meeting = await schedule(rep, {});
    const denied = await otherRep.post(`/api/v1/meetings/${meeting.id}/cancel`, {});
    assert.equal(denied.statusCode, 403);
    assert.equal((await otherRep.patch(`/api/v1/meetings/${meeting.id}`, { title: 'Hijacked' })).statusCode, 403);
    assert.equal((await rep.get(`/api/v1/meetings/${meeting.id}`)).json().title, 'Leadflow demo');
    const forSomeoneElse = await otherRep.post('/api/v1/meetings', { kind: 'demo', title: 'x', timeZone: 'UTC', startsAt: hoursFromNow(48), endsAt: hoursFromNow(49), organizerId: rep.userId });
    assert.equal(forSomeoneElse.statusCode, 403);
    const manager = await addUser(t, admin, 'manager');
    const delegated = await manager.post('/api/v1/meetings', { kind: 'demo', title: 'For Rita', timeZone: 'UTC', startsAt: hoursFromNow(48), endsAt: hoursFromNow(49), organizerId: rep.userId });
    assert.equal(delegated.statusCode, 201, delegated.body);
    assert.equal((await manager.post(`/api/v1/meetings/${meeting.id}/cancel`, {})).statusCode, 200);
    const partner = await addUser(t, admin, 'partner');
    assert.equal((await partner.get('/api/v1/meetings')).statusCode, 403);
    assert.equal((await partner.get('/api/v1/booking-page')).statusCode, 403);
  });
});

describe('booking page', () => {
  const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));
  const page = (slug: string) => ({
    slug,
    title: 'Book a demo with Rita',
    meetingTypes: [{ key: 'demo', name: 'Product demo', minutes: 30 }, { key: 'deep', name: 'Deep dive', minutes: 60 }],
    bufferMinutes: 15,
    minNoticeMinutes: 60,
    daysAhead: 14,
    videoUrl: 'https://meet.example.com/rita',
    active: true,
  });
  const slug = `rita-${process.pid}`;
  let address = 0;
  const from = () => `203.0.113.${(address += 1)}`;
  const publicPost = (path: string, payload: Record<string, unknown>, ip = from()) => t.app.inject({ method: 'POST', url: path, payload, remoteAddress: ip });
  const slotsOf = async (query = '') => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/booking/${slug}/slots?from=${encodeURIComponent(hoursFromNow(24))}&to=${encodeURIComponent(hoursFromNow(48))}&timeZone=America/New_York${query}`, remoteAddress: from() });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { days: { day: string; slots: { start: string; end: string; time: string }[] }[] };
  };

  test('set-up: a suggestion first, then saved; another rep cannot take the slug', async () => {
    const suggestion = (await rep.get('/api/v1/booking-page')).json();
    assert.equal(suggestion.saved, false);
    assert.equal(suggestion.slug, 'rita-rep');
    assert.equal((await rep.request({ method: 'PUT', url: '/api/v1/users/me/availability', payload: { workingHours: everyDay } })).statusCode, 200);
    const saved = await rep.request({ method: 'PUT', url: '/api/v1/booking-page', payload: page(slug) });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().saved, true);
    const taken = await otherRep.request({ method: 'PUT', url: '/api/v1/booking-page', payload: page(slug) });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().code, 'slug_taken');
    const bad = await otherRep.request({ method: 'PUT', url: '/api/v1/booking-page', payload: { ...page('-bad'), meetingTypes: [] } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual((bad.json().errors as { field: string }[]).map((e) => e.field), ['slug', 'meetingTypes']);
    const info = await t.app.inject({ method: 'GET', url: `/api/v1/booking/${slug}` });
    assert.equal(info.statusCode, 200);
    assert.equal(info.json().repName, 'Rita Rep');
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/booking/nobody-here' })).statusCode, 404);
  });

  test('a prospect books a free slot: a lead owned by the rep, the meeting, the invitation to both, and the slot is gone', async () => {
    const before = await slotsOf();
    const slot = before.days.flatMap((d) => d.slots)[4]!;
    const email = newEmail('prospect');
    const res = await publicPost(`/api/v1/booking/${slug}`, { type: 'demo', startsAt: slot.start, timeZone: 'America/New_York', name: 'Katherine Johnson', email, company: 'Orbit Co', website: '' });
    assert.equal(res.statusCode, 201, res.body);
    const booked = res.json() as { meetingId: string; endsAt: string; videoUrl: string };
    assert.equal(booked.videoUrl, 'https://meet.example.com/rita');
    assert.equal(Date.parse(booked.endsAt) - Date.parse(slot.start), 30 * 60_000);

    const meeting = (await rep.get(`/api/v1/meetings/${booked.meetingId}`)).json() as Meeting & { bookedVia: string; organizerId: string };
    assert.equal(meeting.bookedVia, 'booking_page');
    assert.equal(meeting.organizerId, rep.userId);
    const lead = (await rep.get(`/api/v1/leads/${meeting.leadId}`)).json();
    assert.equal(lead.email, email);
    assert.equal(lead.ownerId, rep.userId);
    assert.equal(lead.source, 'booking_page');
    assert.equal(lead.company, 'Orbit Co');
    assert.ok((await timelineKinds(rep, `/api/v1/leads/${lead.id}`)).includes('meeting_booked'));

    for (const to of [email, rep.email]) {
      const { lines } = await calendarFor(to, (l) => l.includes(`UID:${meeting.id}@leadflow`));
      assert.ok(lines.includes(`DTSTART:${icsStamp(slot.start)}`), to);
      assert.ok(lines.includes(`ATTENDEE;CN=Katherine Johnson;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${email}`), to);
    }

    const after = (await slotsOf()).days.flatMap((d) => d.slots.map((s) => s.start));
    // The booked half hour and the 15-minute buffers around it take out the slots that touch them.
    const bookedAt = Date.parse(slot.start);
    assert.ok(!after.some((s) => Math.abs(Date.parse(s) - bookedAt) < 45 * 60_000), 'no slot within 45 minutes of the booking');

    // The same person booking again is matched to the lead, not duplicated.
    const second = before.days.flatMap((d) => d.slots)[20]!;
    const again = await publicPost(`/api/v1/booking/${slug}`, { startsAt: second.start, timeZone: 'UTC', name: 'Katherine Johnson', email });
    assert.equal(again.statusCode, 201, again.body);
    assert.equal((await rep.get(`/api/v1/meetings/${again.json().meetingId}`)).json().leadId, lead.id);
  });

  test('two prospects racing for the same slot: one booking and one 409', async () => {
    const slot = (await slotsOf()).days.flatMap((d) => d.slots).at(-3)!;
    const results = await Promise.all(
      ['Ada', 'Bea'].map((name) => publicPost(`/api/v1/booking/${slug}`, { startsAt: slot.start, timeZone: 'UTC', name: `${name} Racer`, email: newEmail(name.toLowerCase()) })),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409], results.map((r) => r.body).join('\n'));
    const lost = results.find((r) => r.statusCode === 409)!;
    assert.equal(lost.json().code, 'slot_taken');
    assert.match(lost.json().detail, /pick another/);
    const booked = (await rep.get(`/api/v1/meetings?from=${encodeURIComponent(slot.start)}&to=${encodeURIComponent(slot.end)}`)).json().data as Meeting[];
    assert.equal(booked.filter((m) => m.startsAt === slot.start).length, 1);
  });

  test('times that are not slots, bots, floods and big bodies are turned away', async () => {
    const meetingsBefore = (await rep.get('/api/v1/meetings?limit=500&mine=1')).json().data.length as number;
    const slot = (await slotsOf()).days.flatMap((d) => d.slots)[1]!;
    const odd = await publicPost(`/api/v1/booking/${slug}`, { startsAt: new Date(Date.parse(slot.start) + 7 * 60_000).toISOString(), timeZone: 'UTC', name: 'Odd Time', email: newEmail('odd') });
    assert.equal(odd.statusCode, 400);
    assert.equal(odd.json().errors[0].field, 'startsAt');
    const tooSoon = await publicPost(`/api/v1/booking/${slug}`, { startsAt: hoursFromNow(0), timeZone: 'UTC', name: 'Too Soon', email: newEmail('soon') });
    assert.equal(tooSoon.statusCode, 400);
    const badEmail = await publicPost(`/api/v1/booking/${slug}`, { startsAt: slot.start, timeZone: 'UTC', name: 'No Mail', email: 'not-an-email' });
    assert.equal(badEmail.statusCode, 400);
    const bot = await publicPost(`/api/v1/booking/${slug}`, { startsAt: slot.start, timeZone: 'UTC', name: 'Spam Bot', email: newEmail('bot'), website: 'http://spam.example' });
    assert.equal(bot.statusCode, 201);
    assert.equal(bot.json().meetingId, null);
    const huge = await publicPost(`/api/v1/booking/${slug}`, { startsAt: slot.start, timeZone: 'UTC', name: 'Big', email: newEmail('big'), notes: 'x'.repeat(10_000) });
    assert.equal(huge.statusCode, 413);
    assert.equal((await rep.get('/api/v1/meetings?limit=500&mine=1')).json().data.length, meetingsBefore);

    const ip = from();
    const codes: number[] = [];
    for (let i = 0; i < 7; i += 1) codes.push((await publicPost(`/api/v1/booking/${slug}`, { startsAt: new Date(Date.parse(slot.start) + 60_000).toISOString(), timeZone: 'UTC', name: 'Flood', email: newEmail('flood') }, ip)).statusCode);
    assert.deepEqual(codes, [400, 400, 400, 400, 400, 429, 429]);
  });

  test('slots show in the prospect’s zone and skip the rep’s out-of-office time; an inactive page is gone', async () => {
    const ny = await slotsOf();
    const first = ny.days[0]!.slots[0]!;
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(first.start));
    assert.equal(first.time, local);
    const bad = await t.app.inject({ method: 'GET', url: `/api/v1/booking/${slug}/slots?from=${encodeURIComponent(hoursFromNow(48))}&to=${encodeURIComponent(hoursFromNow(24))}&timeZone=Nowhere/Land` });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual((bad.json().errors as { field: string }[]).map((e) => e.field), ['timeZone', 'to']);

    await rep.request({ method: 'PUT', url: '/api/v1/users/me/availability', payload: { outOfOfficeUntil: hoursFromNow(36) } });
    const during = (await slotsOf()).days.flatMap((d) => d.slots);
    assert.ok(during.every((s) => Date.parse(s.start) >= Date.parse(hoursFromNow(36))));
    await rep.request({ method: 'PUT', url: '/api/v1/users/me/availability', payload: { outOfOfficeUntil: null } });

    const current = (await rep.get('/api/v1/booking-page')).json();
    assert.equal((await rep.request({ method: 'PUT', url: '/api/v1/booking-page', payload: { ...page(slug), active: false, version: current.version } })).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/booking/${slug}/slots?from=${encodeURIComponent(hoursFromNow(24))}&to=${encodeURIComponent(hoursFromNow(48))}` })).statusCode, 404);
    await rep.request({ method: 'PUT', url: '/api/v1/booking-page', payload: page(slug) });
  });
});

after(() => smtp.close());
