// Notifications end to end: the events a person must act on each notify them; their preferences
// route each event in the app and by email (a real SMTP server); the daily digest goes once a
// local morning. Hand-offs and approvals notify as handoffs.test.ts and approvals.test.ts show.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { systemActor } from '../../core/actor.ts';
import { createMailer } from '../../core/mailer.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { startSmtpServer } from '../../../test/smtp.ts';
import { recordReply } from '../emails/service.ts';
import { warnClocks } from '../routing/escalations.service.ts';
import { startRoutingWorkers } from '../routing/workers.ts';
import { sendDailyDigests } from './service.ts';

const smtp = await startSmtpServer();
after(() => smtp.close());
const t = await startTestApp({ config: { SMTP_URL: smtp.url, SMTP_FROM: 'Leadflow <crm@acme.test>', LEADFLOW_PUBLIC_URL: 'https://crm.acme.test' }, jobs: true });
const mailer = createMailer(t.config, () => {});
// Routing's workers deliver the emails that notifications queue in their transactions.
await startRoutingWorkers({ db: t.database.db, jobs: t.jobs!, config: t.config, mailer, log: () => {} });
const db = t.database.db;

const admin = await newOrg(t, 'Notify');
const rep = await addUser(t, admin, 'rep', 'Rita Rep');
const other = await addUser(t, admin, 'rep', 'Omar Other');
const manager = await addUser(t, admin, 'manager', 'Mona Manager');
const partner = await addUser(t, admin, 'partner', 'Paul Partner');

type Note = { id: string; kind: string; title: string; body: string; link: string | null };
const notificationsOf = async (caller: Caller) => (await caller.get('/api/v1/notifications')).json().data as Note[];
const mailTo = (caller: Caller) => smtp.inbox.filter((m) => m.to.includes(caller.email));

/** Waits for the mail worker (polling every half second) to have sent what it will: at least `expected`, and nothing more for a while. */
async function mailsSettle(caller: Caller, expected: number) {
  for (let i = 0; i < 50 && mailTo(caller).length < expected; i++) await new Promise((r) => setTimeout(r, 100));
  let seen: number;
  do {
    seen = mailTo(caller).length;
    await new Promise((r) => setTimeout(r, 1200));
  } while (mailTo(caller).length !== seen);
  return mailTo(caller);
}

describe('events that notify', () => {
  test('a lead assigned to a rep: in the app and by email, linking to the lead', async () => {
    const lead = (await admin.post('/api/v1/leads', { lastName: 'Lane', company: 'Assigned Co', ownerId: rep.userId })).json();
    const [note] = (await notificationsOf(rep)).filter((n) => n.link === `/leads/${lead.id}`);
    assert.equal(note?.kind, 'lead_assigned');
    const mails = await mailsSettle(rep, 1);
    assert.ok(mails.some((m) => m.subject === note!.title && m.text.includes(`https://crm.acme.test/leads/${lead.id}`)), JSON.stringify(mails.map((m) => m.subject)));
  });

  test('an @mention in a note tells each person named who may see the record, once', async () => {
    const lead = (await rep.post('/api/v1/leads', { lastName: 'Mention', company: 'Mention Co' })).json();
    const text = `@Mona Manager and @${other.email}: can you call them? Also @Paul Partner, and @Rita Rep (me), and @Omarx nobody.`;
    assert.equal((await rep.post(`/api/v1/leads/${lead.id}/notes`, { text })).statusCode, 201);
    for (const who of [manager, other]) {
      const mentions = (await notificationsOf(who)).filter((n) => n.kind === 'mention');
      assert.equal(mentions.length, 1, who.email);
      assert.equal(mentions[0]!.title, 'Rita Rep mentioned you on Mention');
      assert.equal(mentions[0]!.link, `/leads/${lead.id}`);
      assert.match(mentions[0]!.body, /can you call them/);
    }
    assert.deepEqual((await notificationsOf(partner)).filter((n) => n.kind === 'mention'), [], 'partners see no leads');
    assert.deepEqual((await notificationsOf(rep)).filter((n) => n.kind === 'mention'), [], 'no one is told of their own mention');
    // A colleague who may not see the lead (visibility: own) is not told about it.
    await admin.patch('/api/v1/org-settings', { recordVisibility: { leads: 'own' } });
    try {
      await rep.post(`/api/v1/leads/${lead.id}/notes`, { text: `Second try @${other.email}` });
      assert.equal((await notificationsOf(other)).filter((n) => n.kind === 'mention').length, 1);
    } finally {
      await admin.patch('/api/v1/org-settings', { recordVisibility: { leads: 'everyone' } });
    }
  });

  test('a reply to my email: I am told, though the mailbox that found it is my own', async () => {
    const lead = (await rep.post('/api/v1/leads', { lastName: 'Replier', company: 'Reply Co', email: 'pat@reply.test' })).json();
    const sent = await rep.post('/api/v1/emails/logged', { subjectType: 'lead', subjectId: lead.id, direction: 'outbound', subject: 'Quick question', body: 'Hi Pat' });
    assert.equal(sent.statusCode, 201, sent.body);
    const actor = { ...systemActor(rep.orgId, rep.userId), role: 'rep' as const };
    assert.equal(await recordReply(db, actor, { emailId: sent.json().id, from: 'pat@reply.test', subject: 'Re: Quick question', messageId: '<reply-1@reply.test>', at: new Date() }), true);
    const [note] = (await notificationsOf(rep)).filter((n) => n.kind === 'email_replied');
    assert.equal(note?.title, 'pat@reply.test replied: Re: Quick question');
    assert.equal(note?.link, `/leads/${lead.id}`);
  });

  test('a first-touch clock about to run out warns its owner once', async () => {
    const lead = (await admin.post('/api/v1/leads', { lastName: 'Clock', company: 'Clock Co', ownerId: other.userId })).json();
    const now = new Date();
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
    await db.execute(sql`insert into sla_timers (org_id, id, kind, subject_type, subject_id, owner_id, minutes, started_at, due_at, job_queued_at)
      values (${admin.orgId}, gen_random_uuid(), 'first_touch', 'lead', ${lead.id}, ${other.userId}, 30, ${at(-26)}::timestamptz, ${at(4)}::timestamptz, now()),
             (${admin.orgId}, gen_random_uuid(), 'first_touch', 'lead', ${lead.id}, ${other.userId}, 30, ${at(-5)}::timestamptz, ${at(25)}::timestamptz, now())`);
    assert.equal(await warnClocks(db, now), 1, 'only the clock in its last fifth');
    assert.equal(await warnClocks(db, now), 0, 'and only once');
    const warnings = (await notificationsOf(other)).filter((n) => n.kind === 'sla_warning');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.title, /^4 min left to touch Clock, Clock Co$/);
  });
});

describe('preferences', () => {
  test('default to everything in the app and by email, no digest; unknown events are refused', async () => {
    const prefs = (await rep.get('/api/v1/notification-preferences')).json();
    assert.deepEqual(prefs.events.mention, { inApp: true, email: true });
    assert.equal(prefs.dailyDigest, false);
    assert.match(prefs.labels.sla, /about to run out/);
    assert.equal((await rep.patch('/api/v1/notification-preferences', { events: { gossip: { email: false } } })).statusCode, 400);
    assert.equal((await partner.get('/api/v1/notification-preferences')).statusCode, 200, 'partners tune theirs too');
  });

  test('turning email off keeps the in-app notification; turning the app off sends only the email', async () => {
    const me = other;
    const assign = async (name: string) => (await admin.post('/api/v1/leads', { lastName: name, company: `${name} Co`, ownerId: me.userId })).json();
    let mails = await mailsSettle(me, 0);
    const before = mails.length;

    const off = await me.patch('/api/v1/notification-preferences', { events: { assigned: { email: false } } });
    assert.deepEqual(off.json().events.assigned, { inApp: true, email: false });
    assert.deepEqual(off.json().events.mention, { inApp: true, email: true }, 'other events keep their setting');
    const quiet = await assign('Quiet');
    assert.ok((await notificationsOf(me)).some((n) => n.link === `/leads/${quiet.id}`));
    mails = await mailsSettle(me, before);
    assert.equal(mails.length, before, 'no email for an assignment with email off');

    await me.patch('/api/v1/notification-preferences', { events: { assigned: { inApp: false, email: true } } });
    const loud = await assign('Loud');
    assert.ok(!(await notificationsOf(me)).some((n) => n.link === `/leads/${loud.id}`), 'nothing in the app');
    mails = await mailsSettle(me, before + 1);
    assert.equal(mails.length, before + 1);
    assert.match(mails.at(-1)!.subject, /Loud/);

    await me.patch('/api/v1/notification-preferences', { events: { assigned: { inApp: false, email: false } } });
    const silent = await assign('Silent');
    assert.ok(!(await notificationsOf(me)).some((n) => n.link === `/leads/${silent.id}`));
    assert.equal((await mailsSettle(me, before + 1)).length, before + 1);
    await me.patch('/api/v1/notification-preferences', { events: { assigned: { inApp: true, email: true } } });
  });
});

describe('the daily digest', () => {
  test('goes once a local morning to those who asked, listing what is still unread from the last day', async () => {
    const digestOrg = await newOrg(t, 'Digest');
    const ny = await addUser(t, digestOrg, 'rep', 'Nia York');
    const off = await addUser(t, digestOrg, 'rep', 'Otto Off');
    await db.execute(sql`update users set time_zone = 'America/New_York' where org_id = ${digestOrg.orgId} and id = ${ny.userId}`);
    assert.equal((await ny.patch('/api/v1/notification-preferences', { dailyDigest: true })).json().dailyDigest, true);
    const note = (userId: string, title: string, at: string, read = false) =>
      db.execute(sql`insert into notifications (org_id, id, user_id, kind, title, body, link, created_at, read_at)
        values (${digestOrg.orgId}, gen_random_uuid(), ${userId}, 'mention', ${title}, '', '/leads/x', ${at}::timestamptz, ${read ? sql`now()` : sql`null`})`);
    await note(ny.userId, 'Fresh one', '2026-03-10T02:00:00Z');
    await note(ny.userId, 'Already read', '2026-03-10T03:00:00Z', true);
    await note(ny.userId, 'Too old', '2026-03-08T03:00:00Z');
    await note(off.userId, 'Not asked for', '2026-03-10T02:00:00Z');
    const mine = () => smtp.inbox.filter((m) => m.to.includes(ny.email) && m.subject.includes('waiting for you'));

    await sendDailyDigests(db, mailer, new Date('2026-03-10T10:30:00Z'), 'https://crm.acme.test'); // 06:30 in New York
    assert.equal(mine().length, 0, 'not before 07:00 local');
    await sendDailyDigests(db, mailer, new Date('2026-03-10T11:05:00Z'), 'https://crm.acme.test'); // 07:05
    await sendDailyDigests(db, mailer, new Date('2026-03-10T15:05:00Z'), 'https://crm.acme.test'); // 11:05, same day
    assert.equal(mine().length, 1, 'once a day');
    assert.equal(mine()[0]!.subject, 'Leadflow: 1 thing waiting for you');
    assert.match(mine()[0]!.text, /Fresh one[\s\S]*https:\/\/crm\.acme\.test\/leads\/x/);
    assert.doesNotMatch(mine()[0]!.text, /Already read|Too old/);
    assert.ok(!smtp.inbox.some((m) => m.to.includes(off.email)), 'no digest unless asked for');

    // The next morning: nothing unread from the last day, nothing sent; a new one, one digest.
    await sendDailyDigests(db, mailer, new Date('2026-03-11T11:05:00Z'), 'https://crm.acme.test');
    assert.equal(mine().length, 1);
    await note(ny.userId, 'Overnight', '2026-03-11T09:00:00Z');
    await sendDailyDigests(db, mailer, new Date('2026-03-11T12:05:00Z'), 'https://crm.acme.test');
    assert.equal(mine().length, 2);
    assert.match(mine()[1]!.text, /Overnight/);
  });
});
