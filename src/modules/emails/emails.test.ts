import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createRequire } from 'node:module';
import { ImapFlow } from 'imapflow';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { startSmtpServer } from '../../../test/smtp.ts';

const smtp = await startSmtpServer({ rejectRecipients: /^nobody@/ });
after(() => smtp.close());
const t = await startTestApp({ config: { SMTP_URL: smtp.url, LEADFLOW_PUBLIC_URL: 'http://leadflow.test' } });
const admin = await newOrg(t, 'Mailers');

// hoodiecrow is an in-process IMAP server (CommonJS, no types): a real protocol peer for imapflow.
const require = createRequire(import.meta.url);
const hoodiecrow = require('hoodiecrow-imap') as (options: object) => { listen: (port: number, host: string, cb: () => void) => void; server: { address: () => { port: number } }; close: (cb: () => void) => void };
const imap = hoodiecrow({ plugins: ['ID', 'UIDPLUS', 'IDLE'], storage: { INBOX: { messages: [] } } });
await new Promise<void>((resolve) => imap.listen(0, '127.0.0.1', resolve));
const imapPort = imap.server.address().port;
after(() => new Promise<void>((resolve) => imap.close(() => resolve())));

async function appendToInbox(raw: string): Promise<void> {
  const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user: 'testuser', pass: 'testpass' }, logger: false });
  await client.connect();
  await client.append('INBOX', raw);
  await client.logout();
}

const lastMail = () => smtp.inbox.at(-1)!;
const to = (address: string) => smtp.inbox.filter((m) => m.to.includes(address));
const headerOf = (raw: string, name: string) => new RegExp(`^${name}:\\s*(.+(?:\\r?\\n\\s+.+)*)`, 'im').exec(raw)?.[1]?.replace(/\r?\n\s+/g, ' ');
const decodeQp = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

async function lead(caller: Caller, fields: Record<string, unknown> = {}) {
  const res = await caller.post('/api/v1/leads', { firstName: 'Mia', lastName: 'Koch', company: 'Koch Logistik', email: `mia-${Math.random().toString(36).slice(2)}@koch.example`, ...fields });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; email: string };
}

describe('templates and preview', () => {
  test('merge fields fill from the lead, its company and the sender; HTML in values is escaped', async () => {
    const template = (await admin.post('/api/v1/email-templates', { name: 'Intro', subject: 'Hi {{lead.firstName}} at {{account.name}}', body: 'Hello {{lead.firstName}},\n\nsee https://leadflow.example/x?a=1&b=2\n{{sender.name}} — {{lead.title | "your team"}}' })).json();
    const target = await lead(admin, { firstName: '<script>alert(1)</script>', company: 'A&B "Co"' });
    const preview = await admin.post('/api/v1/emails/preview', { subjectType: 'lead', subjectId: target.id, templateId: template.id });
    assert.equal(preview.statusCode, 200, preview.body);
    const p = preview.json();
    assert.equal(p.subject, 'Hi <script>alert(1)</script> at A&B "Co"');
    assert.ok(!p.html.includes('<script>'), p.html);
    assert.ok(p.html.includes('Hello &lt;script&gt;alert(1)&lt;/script&gt;,'));
    assert.ok(p.html.includes('<a href="https://leadflow.example/x?a=1&amp;b=2">'));
    assert.ok(p.text.includes('Ada Admin — your team'));
    assert.deepEqual(p.missing, []);
    assert.equal(p.to, target.email);
  });

  test('a template needs a name, subject and body; unknown fields are refused and nothing is created', async () => {
    const before = (await admin.get('/api/v1/email-templates')).json().data.length;
    const bad = await admin.post('/api/v1/email-templates', { name: '', subject: 'x', body: 'y', extra: true });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal((await admin.get('/api/v1/email-templates')).json().data.length, before);
  });
});

describe('sending', () => {
  test('an email arrives with tracking, is on the timeline, and a signature follows the body', async () => {
    await admin.patch('/api/v1/email-settings/me', { signature: 'Ada Admin\nMailers Inc.' });
    const target = await lead(admin);
    const sent = await admin.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, subject: 'Quick question', body: 'Hi Mia,\n\nhttps://leadflow.example/pricing' });
    assert.equal(sent.statusCode, 201, sent.body);
    const email = sent.json();
    assert.equal(email.status, 'sent');
    const mail = lastMail();
    assert.deepEqual(mail.to, [target.email]);
    assert.equal(mail.subject, 'Quick question');
    assert.ok(mail.text.includes('-- \nAda Admin\nMailers Inc.'), mail.text);
    assert.equal(headerOf(mail.raw, 'Message-ID'), email.messageId);
    const html = decodeQp(mail.raw);
    assert.match(html, /http:\/\/leadflow\.test\/api\/v1\/email-tracking\/open\/[^"]+\.gif/);
    assert.match(html, /href="http:\/\/leadflow\.test\/api\/v1\/email-tracking\/click\//);
    // A one-to-one sales email is not marketing: no unsubscribe footer.
    assert.equal(headerOf(mail.raw, 'List-Unsubscribe'), undefined);
    const timeline = (await admin.get(`/api/v1/leads/${target.id}/timeline?kind=email`)).json().data;
    assert.equal(timeline[0].summary, 'Sent "Quick question"');
    assert.equal(timeline[0].details.emailId, email.id);
  });

  test('opens are counted and put on the timeline once; clicks redirect only to the signed target', async () => {
    const target = await lead(admin);
    const email = (await admin.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, subject: 'Tracked', body: 'See https://leadflow.example/case-study' })).json();
    const html = decodeQp(lastMail().raw);
    const pixel = /http:\/\/leadflow\.test(\/api\/v1\/email-tracking\/open\/[^"]+)"/.exec(html)![1]!;
    const click = /href="http:\/\/leadflow\.test(\/api\/v1\/email-tracking\/click\/[^"]+)"/.exec(html)![1]!;
    for (let i = 0; i < 3; i += 1) {
      const res = await t.app.inject({ method: 'GET', url: pixel });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'image/gif');
    }
    const redirect = await t.app.inject({ method: 'GET', url: click });
    assert.equal(redirect.statusCode, 302);
    assert.equal(redirect.headers.location, 'https://leadflow.example/case-study');
    const tracked = (await admin.get(`/api/v1/emails/${email.id}`)).json();
    assert.equal(tracked.openCount, 3);
    assert.equal(tracked.clickCount, 1);
    const kinds = (await admin.get(`/api/v1/leads/${target.id}/timeline?kind=email_opened,email_clicked`)).json().data.map((i: { kind: string }) => i.kind);
    assert.deepEqual(kinds.sort(), ['email_clicked', 'email_opened']);
    // A tampered token is no redirect: the target is inside the signature.
    const [body, signature] = click.split('/').at(-1)!.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), u: 'https://evil.example' })).toString('base64url');
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/email-tracking/click/${forged}.${signature}` })).statusCode, 404);
    // A bad pixel token still gets a GIF (mail clients show broken images otherwise) and records nothing.
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/email-tracking/open/garbage.gif' })).statusCode, 200);
  });

  test('tracking the org switched off: no pixel, no wrapped links', async () => {
    const org = await newOrg(t, 'Private');
    assert.equal((await org.patch('/api/v1/email-settings', { trackOpens: false, trackClicks: false })).statusCode, 200);
    const target = await lead(org);
    assert.equal((await org.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, subject: 'Plain', body: 'https://leadflow.example/a' })).statusCode, 201);
    const html = decodeQp(lastMail().raw);
    assert.ok(!html.includes('email-tracking'), html);
    assert.ok(html.includes('href="https://leadflow.example/a"'));
  });

  test('marketing email carries the unsubscribe link, List-Unsubscribe and the postal address; unsubscribing suppresses at once', async () => {
    const org = await newOrg(t, 'Marketing');
    await org.patch('/api/v1/email-settings', { postalAddress: 'Marketing GmbH\nHauptstr. 1, 10115 Berlin' });
    const template = (await org.post('/api/v1/email-templates', { name: 'Newsletter', subject: 'News for {{account.name}}', body: 'Hello {{lead.firstName}}', marketing: true })).json();
    const target = await lead(org);
    assert.equal((await org.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, templateId: template.id })).statusCode, 201);
    const mail = lastMail();
    assert.ok(mail.text.includes('Marketing GmbH\nHauptstr. 1, 10115 Berlin'), mail.text);
    const link = /Unsubscribe: (http:\/\/leadflow\.test\/api\/v1\/unsubscribe\/\S+)/.exec(mail.text)![1]!;
    assert.equal(headerOf(mail.raw, 'List-Unsubscribe'), `<${link}>`);
    assert.equal(headerOf(mail.raw, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    const path = new URL(link).pathname;
    // Visiting the link only asks (mail scanners follow links); posting unsubscribes.
    const page = await t.app.inject({ method: 'GET', url: path });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(target.email));
    assert.equal((await org.get(`/api/v1/email-addresses?address=${encodeURIComponent(target.email)}`)).json().suppressed, false);
    const oneClick = await t.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(oneClick.statusCode, 200, oneClick.body);
    const status = (await org.get(`/api/v1/email-addresses?address=${encodeURIComponent(target.email)}`)).json();
    assert.equal(status.suppressed, true);
    assert.deepEqual(status.history.map((h: { kind: string; source: string }) => `${h.kind}/${h.source}`), ['unsubscribed/one_click']);
    const count = smtp.inbox.length;
    const refused = await org.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, subject: 'Still there?', body: 'x' });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().code, 'address_suppressed');
    assert.equal(smtp.inbox.length, count);
    assert.deepEqual((await org.get('/api/v1/email-suppressions')).json().data.map((s: { address: string; reason: string }) => `${s.address} ${s.reason}`), [`${target.email} unsubscribed`]);
    // Another org knows nothing of it: suppression lists are per org.
    const other = await newOrg(t, 'Other');
    assert.equal((await other.get(`/api/v1/email-addresses?address=${encodeURIComponent(target.email)}`)).json().suppressed, false);
    // A manager resubscribes on the prospect's word; a rep may not lift a suppression.
    const rep = await addUser(t, org, 'rep');
    assert.equal((await rep.post('/api/v1/email-addresses/consent', { address: target.email, kind: 'resubscribed' })).statusCode, 403);
    const back = await org.post('/api/v1/email-addresses/consent', { address: target.email, kind: 'resubscribed', note: 'Asked by phone' });
    assert.equal(back.json().suppressed, false);
    assert.deepEqual(back.json().history.map((h: { kind: string }) => h.kind), ['resubscribed', 'unsubscribed']);
  });

  test('a templated bulk send is marketing-style and skips suppressed and address-less recipients', async () => {
    const org = await newOrg(t, 'Bulk');
    await org.patch('/api/v1/email-settings', { postalAddress: 'Bulk Ltd, 2 Side St' });
    const template = (await org.post('/api/v1/email-templates', { name: 'Webinar', subject: 'Join us, {{lead.firstName}}', body: 'Thursday at 10' })).json();
    const a = await lead(org, { firstName: 'Ann' });
    const b = await lead(org, { firstName: 'Bo' });
    const none = await lead(org, { email: null });
    await org.post('/api/v1/email-addresses/consent', { address: b.email, kind: 'unsubscribed' });
    const res = await org.post('/api/v1/emails/bulk', { templateId: template.id, targets: [a, b, none].map((l) => ({ subjectType: 'lead', subjectId: l.id })) });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().sent.length, 1);
    assert.deepEqual(res.json().skipped.map((s: { reason: string }) => s.reason), ['address_suppressed', 'no_email_address']);
    const mail = to(a.email)[0]!;
    assert.equal(mail.subject, 'Join us, Ann');
    assert.ok(mail.text.includes('Bulk Ltd, 2 Side St'));
    assert.match(mail.text, /Unsubscribe: http:\/\/leadflow\.test\/api\/v1\/unsubscribe\//);
    assert.equal(to(b.email).length, 0);
  });

  test('a recipient the SMTP server rejects marks the address as bouncing, and nothing more goes to it', async () => {
    const target = await lead(admin, { email: 'nobody@koch.example' });
    const res = await admin.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, subject: 'Hello', body: 'x' });
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().code, 'recipient_rejected');
    const status = (await admin.get('/api/v1/email-addresses?address=nobody@koch.example')).json();
    assert.ok(status.bouncedAt);
    assert.match(status.bounceReason, /No such user/);
    const kinds = (await admin.get(`/api/v1/leads/${target.id}/timeline?kind=email_bounced`)).json().data;
    assert.equal(kinds.length, 1);
    assert.equal((await admin.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, subject: 'Again', body: 'x' })).json().code, 'address_suppressed');
  });

  test('logging an email sent elsewhere puts it on the timeline; bad input changes nothing', async () => {
    const target = await lead(admin);
    const logged = await admin.post('/api/v1/emails/logged', { subjectType: 'lead', subjectId: target.id, subject: 'From Outlook', sentAt: '2026-01-05T10:00:00Z' });
    assert.equal(logged.statusCode, 201, logged.body);
    assert.equal(logged.json().status, 'logged');
    const timeline = (await admin.get(`/api/v1/leads/${target.id}/timeline?kind=email`)).json().data;
    assert.equal(timeline[0].occurredAt, '2026-01-05T10:00:00.000Z');
    for (const body of [{ subjectType: 'lead', subjectId: target.id }, { subjectType: 'lead', subjectId: target.id, subject: 'x', from: 'not-an-address' }, { subjectType: 'deal', subjectId: target.id, subject: 'x' }]) {
      const res = await admin.post('/api/v1/emails/logged', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
    }
    assert.equal((await admin.get(`/api/v1/emails?subjectType=lead&subjectId=${target.id}`)).json().data.length, 1);
  });

  test('the SMTP password is stored sealed and never returned or audited', async () => {
    const org = await newOrg(t, 'Secretive');
    const res = await org.patch('/api/v1/email-settings', { smtpHost: 'mail.secretive.example', smtpPort: 2525, smtpUser: 'mailer', smtpPassword: 'hunter2-very-secret' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().smtpPasswordSet, true);
    assert.ok(!res.body.includes('hunter2'));
    assert.ok(!(await org.get('/api/v1/email-settings')).body.includes('hunter2'));
    const stored = await t.database.executeSql(`select smtp_password_sealed from email_settings where org_id = '${org.orgId}'`);
    assert.ok(!String(stored.rows[0]!.smtp_password_sealed).includes('hunter2'));
    const audit = await t.database.executeSql(`select before::text || after::text as change from audit_log where org_id = '${org.orgId}' and entity_type = 'email_settings'`);
    assert.ok(!String(audit.rows[0]!.change).includes('hunter2'));
    // Mail now goes through the org's own server (the test server, which takes no login over plain SMTP).
    assert.equal((await org.patch('/api/v1/email-settings', { smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpUser: null })).json().transport, 'org');
    const target = await lead(org);
    assert.equal((await org.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, subject: 'Via org SMTP', body: 'x' })).statusCode, 201);
    assert.equal(lastMail().subject, 'Via org SMTP');
  });

  test('another org\'s lead, template or email is not found; a rep cannot change org settings', async () => {
    const target = await lead(admin);
    const template = (await admin.post('/api/v1/email-templates', { name: 'Mine', subject: 's', body: 'b' })).json();
    const email = (await admin.post('/api/v1/emails/logged', { subjectType: 'lead', subjectId: target.id, subject: 'x' })).json();
    const other = await newOrg(t, 'Nosy');
    assert.equal((await other.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, subject: 's', body: 'b' })).statusCode, 404);
    assert.equal((await other.post('/api/v1/emails/preview', { subjectType: 'lead', subjectId: target.id, subject: 's', body: 'b' })).statusCode, 404);
    assert.equal((await other.get(`/api/v1/email-templates/${template.id}`)).statusCode, 404);
    assert.equal((await other.get(`/api/v1/emails/${email.id}`)).statusCode, 404);
    const rep = await addUser(t, admin, 'rep');
    assert.equal((await rep.patch('/api/v1/email-settings', { trackOpens: false })).statusCode, 403);
    assert.equal((await rep.post('/api/v1/email-templates', { name: 'x', subject: 's', body: 'b' })).statusCode, 403);
  });
});

describe('replies and bounces from the rep\'s mailbox (IMAP)', () => {
  test('a reply threaded to our email is recorded once; a delivery-status report marks the address', async () => {
    const org = await newOrg(t, 'Imap');
    const saved = await org.patch('/api/v1/email-settings/me', { imapHost: '127.0.0.1', imapPort: imapPort, imapSecure: false, imapUser: 'testuser', imapPassword: 'testpass' });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().imapPasswordSet, true);
    // The first poll starts at the mailbox's present.
    assert.equal((await org.post('/api/v1/email-settings/me/poll', {})).json().error, null);
    const target = await lead(org);
    const email = (await org.post('/api/v1/emails', { subjectType: 'lead', subjectId: target.id, subject: 'Quick question', body: 'x' })).json();
    const bounced = await lead(org, { email: 'gone@koch.example' });
    const lost = (await org.post('/api/v1/emails', { subjectType: 'lead', subjectId: bounced.id, subject: 'Hello', body: 'x' })).json();
    await appendToInbox(`From: Mia <${target.email}>\r\nTo: ${org.email}\r\nSubject: Re: Quick question\r\nMessage-ID: <reply-1@koch.example>\r\nIn-Reply-To: ${email.messageId}\r\nReferences: ${email.messageId}\r\n\r\nYes, call me.`);
    await appendToInbox('From: someone@else.example\r\nSubject: Unrelated\r\nMessage-ID: <other@else.example>\r\n\r\nhi');
    await appendToInbox(
      'From: MAILER-DAEMON@koch.example\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@koch.example>\r\n' +
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n' +
        '--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.koch.example\r\n\r\nFinal-Recipient: rfc822; gone@koch.example\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n' +
        `--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: ${lost.messageId}\r\nSubject: Hello\r\n--b--\r\n`,
    );
    const poll = (await org.post('/api/v1/email-settings/me/poll', {})).json();
    assert.deepEqual(poll, { seen: 3, replies: 1, bounces: 1, error: null });
    assert.equal((await org.post('/api/v1/email-settings/me/poll', {})).json().seen, 0);
    const replied = (await org.get(`/api/v1/emails/${email.id}`)).json();
    assert.ok(replied.repliedAt);
    const timeline = (await org.get(`/api/v1/leads/${target.id}/timeline?kind=email_replied`)).json().data;
    assert.equal(timeline.length, 1);
    assert.equal(timeline[0].summary, 'Replied "Re: Quick question"');
    const status = (await org.get('/api/v1/email-addresses?address=gone@koch.example')).json();
    assert.ok(status.bouncedAt);
    assert.equal(status.history[0].source, 'dsn');
    assert.ok(!(await org.get('/api/v1/email-settings/me')).body.includes('testpass'));
  });

  test('a mailbox that refuses the login is reported on the settings, not thrown', async () => {
    const org = await newOrg(t, 'BadImap');
    await org.patch('/api/v1/email-settings/me', { imapHost: '127.0.0.1', imapPort: imapPort, imapSecure: false, imapUser: 'testuser', imapPassword: 'wrong' });
    const poll = (await org.post('/api/v1/email-settings/me/poll', {})).json();
    assert.ok(poll.error);
    assert.ok((await org.get('/api/v1/email-settings/me')).json().imapError);
  });
});
