import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Forms');

const contactUs = {
  name: 'Contact us',
  fields: [
    { key: 'first_name', label: 'First name', type: 'text', mapTo: 'firstName' },
    { key: 'last_name', label: 'Last name', type: 'text', required: true, mapTo: 'lastName' },
    { key: 'email', label: 'Work email', type: 'email', required: true, mapTo: 'email' },
    { key: 'phone', label: 'Phone', type: 'phone', mapTo: 'phone' },
    { key: 'company', label: 'Company', type: 'text', mapTo: 'company' },
    { key: 'website', label: 'Website', type: 'text', mapTo: 'website' },
    { key: 'team_size', label: 'Team size', type: 'select', options: ['1-10', '11-50', '51+'] },
    { key: 'message', label: 'How can we help?', type: 'textarea', mapTo: 'notes' },
  ],
  defaultCountry: 'DE',
};

type Form = { id: string; publicKey: string; version: number; spamCount: number };

async function createForm(caller: Caller, overrides: Record<string, unknown> = {}): Promise<Form> {
  const res = await caller.post('/api/v1/forms', { ...contactUs, ...overrides });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

let address = 0;
/** Each test posts from its own address, so the per-address rate limit never leaks between tests. */
const newAddress = () => `198.51.100.${(address += 1)}`;

function submit(form: { id: string; publicKey?: string }, fields: Record<string, unknown>, options: { ip?: string; as?: 'json' | 'form'; headers?: Record<string, string> } = {}) {
  const body = { ...(form.publicKey ? { _key: form.publicKey } : {}), ...fields };
  const request: InjectOptions = {
    method: 'POST',
    url: `/api/v1/forms/${form.id}/submissions`,
    headers: { 'x-forwarded-for': options.ip ?? newAddress(), 'user-agent': 'FormTest/1.0', ...(options.headers ?? {}) },
  };
  if (options.as === 'form') {
    request.payload = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString();
    request.headers = { ...request.headers, 'content-type': 'application/x-www-form-urlencoded' };
  } else {
    request.payload = body;
  }
  return t.app.inject(request);
}

async function leadsMatching(caller: Caller, q: string) {
  return (await caller.get(`/api/v1/leads?q=${encodeURIComponent(q)}&limit=100`)).json().data as { id: string; email: string; source: string; ownerId: string | null; [k: string]: unknown }[];
}

describe('web forms: definition and access', () => {
  test('admins and managers define forms; reps may not', async () => {
    const rep = await addUser(t, admin, 'rep');
    const manager = await addUser(t, admin, 'manager');
    assert.equal((await rep.post('/api/v1/forms', contactUs)).statusCode, 403);
    assert.equal((await manager.post('/api/v1/forms', contactUs)).statusCode, 201);
  });

  test('a definition with bad fields is refused field by field', async () => {
    const res = await admin.post('/api/v1/forms', {
      name: 'Broken',
      fields: [
        { key: 'email', label: 'Email', type: 'text', mapTo: 'email' },
        { key: '_hp', label: 'Trap', type: 'text' },
        { key: 'size', label: 'Size', type: 'select' },
      ],
      redirectUrl: 'javascript:alert(1)',
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().errors.map((e: { field: string }) => e.field).sort(), ['fields.1.key', 'redirectUrl']);
    const semantic = await admin.post('/api/v1/forms', { name: 'Broken', fields: [{ key: 'email', label: 'Email', type: 'text', mapTo: 'email' }, { key: 'size', label: 'Size', type: 'select' }] });
    assert.deepEqual(semantic.json().errors.map((e: { field: string }) => e.field), ['fields.0.mapTo', 'fields.1.options', 'fields']);
  });

  test('read, list, change with If-Match, rotate the key and delete', async () => {
    const form = await createForm(admin, { name: 'Demo request' });
    const read = await admin.get(`/api/v1/forms/${form.id}`);
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers.etag, '"1"');
    assert.ok((await admin.get('/api/v1/forms?limit=500')).json().data.some((f: Form) => f.id === form.id));
    const changed = await admin.patch(`/api/v1/forms/${form.id}`, { thankYouMessage: 'Danke!' }, { 'if-match': '"1"' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal((await admin.patch(`/api/v1/forms/${form.id}`, { active: false }, { 'if-match': '"1"' })).statusCode, 412);
    const rotated = (await admin.post(`/api/v1/forms/${form.id}/rotate-key`)).json();
    assert.notEqual(rotated.publicKey, form.publicKey);
    assert.equal((await submit(form, { last_name: 'Old', email: 'old@key.test' })).statusCode, 404, 'the old key stops working');
    assert.equal((await submit(rotated, { last_name: 'New', email: 'new@key.test' })).statusCode, 200);
    assert.equal((await admin.del(`/api/v1/forms/${form.id}`)).statusCode, 204);
    assert.equal((await admin.get(`/api/v1/forms/${form.id}`)).statusCode, 404);
    assert.equal((await submit(rotated, { last_name: 'Gone', email: 'gone@key.test' })).statusCode, 404);
  });

  test('organisations are isolated: another org can neither see, change nor submit with its own key', async () => {
    const form = await createForm(admin, { name: 'Isolated' });
    const other = await newOrg(t, 'Other');
    const theirs = await createForm(other, { name: 'Theirs' });
    assert.equal((await other.get(`/api/v1/forms/${form.id}`)).statusCode, 404);
    assert.equal((await other.patch(`/api/v1/forms/${form.id}`, { name: 'Hijacked' })).statusCode, 404);
    assert.equal((await other.get(`/api/v1/forms/${form.id}/embed`)).statusCode, 404);
    assert.equal((await other.get(`/api/v1/forms/${form.id}/submissions`)).statusCode, 404);
    assert.equal((await other.post(`/api/v1/forms/${form.id}/rotate-key`)).statusCode, 404);
    assert.equal((await other.del(`/api/v1/forms/${form.id}`)).statusCode, 404);
    assert.equal((await other.get('/api/v1/forms?limit=500')).json().data.some((f: Form) => f.id === form.id), false);
    const crossed = await submit({ id: form.id, publicKey: theirs.publicKey }, { last_name: 'Cross', email: 'cross@org.test' });
    assert.equal(crossed.statusCode, 404);
    assert.equal((await admin.get(`/api/v1/forms/${form.id}`)).json().name, 'Isolated');
    assert.equal((await leadsMatching(admin, 'cross@org.test')).length, 0);
    assert.equal((await leadsMatching(other, 'cross@org.test')).length, 0);
  });

  test('the embed snippet is plain HTML posting to the public endpoint, every label escaped', async () => {
    const form = await createForm(admin, {
      name: 'Embed <b>test</b>',
      fields: [{ key: 'email', label: '<img src=x onerror=alert(1)>Email', type: 'email', required: true, mapTo: 'email' }],
      consentText: 'I agree to "Acme" contacting me <now>',
    });
    const res = await admin.get(`/api/v1/forms/${form.id}/embed`);
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    const html = res.body;
    assert.match(html, new RegExp(`action="${t.config.publicUrl}/api/v1/forms/${form.id}/submissions" method="post"`));
    assert.match(html, new RegExp(`name="_key" value="${form.publicKey}"`));
    assert.match(html, /name="_hp"/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;Email \*/);
    assert.match(html, /I agree to &quot;Acme&quot; contacting me &lt;now&gt;/);
    assert.equal(html.includes('<img'), false);
    assert.equal(html.includes('<b>'), false);
  });
});

describe('web forms: public submissions', () => {
  test('a JSON submission creates a lead with the mapped fields, source, owner, tracking and consent', async () => {
    const rep = await addUser(t, admin, 'rep');
    const form = await createForm(admin, { name: 'Pricing', defaultOwnerId: rep.userId, leadSource: 'web_form', consentText: 'I agree to be contacted about Leadflow.' });
    const res = await submit(
      { id: form.id },
      {
        first_name: 'Jana',
        last_name: 'Novak',
        email: 'Jana.Novak@Brightwave.TEST',
        phone: '030 5550101',
        company: 'Brightwave',
        team_size: '11-50',
        message: 'Need pricing for 20 seats',
        consent: true,
        utm_source: 'google',
        utm_medium: 'cpc',
        utm_campaign: 'spring',
        referrer: 'https://search.example/?q=crm',
      },
      { ip: '203.0.113.9', headers: { 'x-form-key': form.publicKey } },
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { status: 'received', message: 'Thank you! We will be in touch soon.', redirectUrl: null });

    const [lead] = await leadsMatching(admin, 'jana.novak@brightwave.test');
    assert.ok(lead);
    assert.equal(lead.firstName, 'Jana');
    assert.equal(lead.lastName, 'Novak');
    assert.equal(lead.company, 'Brightwave');
    assert.equal(lead.phone, '030 5550101');
    assert.equal(lead.notes, 'Need pricing for 20 seats');
    assert.equal(lead.source, 'web_form');
    assert.equal(lead.ownerId, rep.userId, 'the form\'s default owner');
    assert.equal(lead.createdBy, null, 'no user created it');

    const submissions = (await admin.get(`/api/v1/forms/${form.id}/submissions`)).json().data;
    assert.equal(submissions.length, 1);
    const stored = submissions[0];
    assert.equal(stored.leadId, lead.id);
    assert.equal(stored.outcome, 'created_lead');
    assert.deepEqual(stored.utm, { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'spring', referrer: 'https://search.example/?q=crm' });
    assert.equal(stored.payload.team_size, '11-50');
    assert.equal(stored.consentText, 'I agree to be contacted about Leadflow.');
    assert.ok(Math.abs(Date.parse(stored.consentAt) - Date.now()) < 60_000);
    assert.equal(stored.ip, '203.0.113.9');
    assert.equal(stored.userAgent, 'FormTest/1.0');

    const timeline = (await admin.get(`/api/v1/leads/${lead.id}/timeline`)).json().data;
    const entry = timeline.find((i: { kind: string }) => i.kind === 'form_submission');
    assert.ok(entry, 'the submission is on the lead\'s timeline');
    assert.equal(entry.summary, 'Submitted the form "Pricing"');
    assert.equal(entry.actorId, null);
    assert.equal(entry.details.utm.utm_campaign, 'spring');
    assert.equal(entry.details.consent.text, 'I agree to be contacted about Leadflow.');
    assert.deepEqual(entry.details.answers.find((a: { key: string }) => a.key === 'team_size'), { key: 'team_size', label: 'Team size', value: '11-50' });
    assert.ok(timeline.some((i: { kind: string; summary: string }) => i.kind === 'change' && i.summary === 'Created'), 'the lead\'s creation too');
  });

  test('an HTML form post (urlencoded) shows the thank-you page, or redirects', async () => {
    const form = await createForm(admin, { name: 'Plain HTML', thankYouMessage: 'Thanks — <we will call>' });
    const page = await submit(form, { last_name: 'Lind', email: 'erik@lind-haus.test', team_size: '51+' }, { as: 'form' });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /<p>Thanks — &lt;we will call&gt;<\/p>/);
    assert.equal((await leadsMatching(admin, 'erik@lind-haus.test')).length, 1);

    const redirecting = await createForm(admin, { name: 'Redirecting', redirectUrl: 'https://www.example.com/thanks' });
    const res = await submit(redirecting, { last_name: 'Ek', email: 'ek@ek-consulting.test' }, { as: 'form' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, 'https://www.example.com/thanks');
    const json = await submit(redirecting, { last_name: 'Ek2', email: 'ek2@ek-consulting.test' });
    assert.equal(json.json().redirectUrl, 'https://www.example.com/thanks');
    assert.equal(json.headers['access-control-allow-origin'], '*', 'other sites may post by fetch');
    const preflight = await t.app.inject({ method: 'OPTIONS', url: `/api/v1/forms/${form.id}/submissions` });
    assert.equal(preflight.statusCode, 204);
    assert.match(preflight.headers['access-control-allow-headers'] as string, /x-form-key/);
  });

  test('a bot filling the honeypot gets the same answer, nothing is stored, and it is counted', async () => {
    const form = await createForm(admin, { name: 'Honeypot' });
    const human = await submit(form, { last_name: 'Real', email: 'real@person.test' });
    const bot = await submit(form, { last_name: 'Bot', email: 'bot@spam.test', _hp: 'http://cheap-pills.test' });
    assert.equal(bot.statusCode, human.statusCode);
    assert.deepEqual(bot.json(), human.json());
    const botForm = await submit(form, { last_name: 'Bot', email: 'bot2@spam.test', _hp: 'x' }, { as: 'form' });
    assert.equal(botForm.statusCode, 200);
    assert.equal((await leadsMatching(admin, 'spam.test')).length, 0);
    assert.equal((await admin.get(`/api/v1/forms/${form.id}/submissions`)).json().data.length, 1);
    assert.equal((await admin.get(`/api/v1/forms/${form.id}`)).json().spamCount, 2);
  });

  test('bad fields get one error per field key, and nothing is stored', async () => {
    const form = await createForm(admin, { name: 'Strict', consentText: 'I agree.' });
    const res = await submit(form, { email: 'not-an-email', phone: 'call me', team_size: 'thousands', first_name: ['A', 'B'] }, { as: 'json' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    const problem = res.json();
    assert.equal(problem.code, 'validation_failed');
    assert.deepEqual(problem.errors.map((e: { field: string }) => e.field), ['first_name', 'last_name', 'email', 'phone', 'team_size', 'consent']);
    const urlencoded = await submit(form, { last_name: 'Berg', email: 'x@y.test' }, { as: 'form' });
    assert.equal(urlencoded.statusCode, 400);
    assert.deepEqual(urlencoded.json().errors.map((e: { field: string }) => e.field), ['consent']);
    assert.equal((await admin.get(`/api/v1/forms/${form.id}/submissions`)).json().data.length, 0);
    const notAnObject = await t.app.inject({ method: 'POST', url: `/api/v1/forms/${form.id}/submissions`, payload: ['x'], headers: { 'x-form-key': form.publicKey } });
    assert.equal(notAnObject.statusCode, 400);
  });

  test('an unknown form, a wrong key, a missing key or an inactive form all answer the same 404', async () => {
    const form = await createForm(admin, { name: 'Probed' });
    const answers = [
      await submit({ id: form.id, publicKey: `${form.publicKey.slice(0, -4)}AAAA` }, { last_name: 'X', email: 'x@probe.test' }),
      await submit({ id: form.id }, { last_name: 'X', email: 'x@probe.test' }),
      await submit({ id: '01900000-0000-7000-8000-000000000000', publicKey: form.publicKey }, { last_name: 'X', email: 'x@probe.test' }),
      await submit({ id: 'not-a-uuid', publicKey: form.publicKey }, { last_name: 'X', email: 'x@probe.test' }),
    ];
    await admin.patch(`/api/v1/forms/${form.id}`, { active: false });
    answers.push(await submit(form, { last_name: 'X', email: 'x@probe.test' }));
    for (const answer of answers) {
      assert.equal(answer.statusCode, 404);
      const { detail, code } = answer.json();
      assert.deepEqual({ detail, code }, { detail: 'Form not found', code: 'not_found' });
    }
    assert.equal((await leadsMatching(admin, 'x@probe.test')).length, 0);
  });

  test('at most 20 submissions a minute from one address to one form (429 after)', async () => {
    const form = await createForm(admin, { name: 'Limited' });
    const ip = newAddress();
    for (let i = 0; i < 20; i += 1) {
      const res = await submit(form, { last_name: `Flood ${i}`, email: `flood${i}@flood.test` }, { ip });
      assert.equal(res.statusCode, 200, `submission ${i}: ${res.body}`);
    }
    const limited = await submit(form, { last_name: 'Flood 21', email: 'flood21@flood.test' }, { ip });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.ok(limited.headers['retry-after']);
    assert.equal((await submit(form, { last_name: 'Other', email: 'other@flood.test' })).statusCode, 200, 'another address is not limited');
  });

  test('a body over 32 KB is refused with 413, JSON or form-encoded', async () => {
    const form = await createForm(admin, { name: 'Big' });
    const huge = 'x'.repeat(40 * 1024);
    const json = await submit(form, { last_name: 'Big', email: 'big@big.test', message: huge });
    assert.equal(json.statusCode, 413);
    assert.equal(json.headers['content-type'], 'application/problem+json; charset=utf-8');
    const encoded = await submit(form, { last_name: 'Big', email: 'big@big.test', message: huge }, { as: 'form' });
    assert.equal(encoded.statusCode, 413);
    assert.equal((await leadsMatching(admin, 'big@big.test')).length, 0);
  });
});

describe('web forms: the same person arriving twice', () => {
  async function expectMatched(org: Caller, leadId: string, formId: string, reason: string) {
    const [latest] = (await org.get(`/api/v1/forms/${formId}/submissions?limit=1`)).json().data;
    assert.equal(latest.outcome, 'matched_lead');
    assert.equal(latest.leadId, leadId);
    assert.equal(latest.matchReason, reason);
  }

  test('the same email in another case is the same lead; the new interest lands on its timeline', async () => {
    const org = await newOrg(t, 'Dupes email');
    const form = await createForm(org);
    await submit(form, { last_name: 'Berg', email: 'anna.berg@acme-robotics.test', utm_campaign: 'first' });
    await submit(form, { last_name: 'Berg', email: 'ANNA.Berg@Acme-Robotics.TEST', utm_campaign: 'second', message: 'Back again' });
    const leads = await leadsMatching(org, 'acme-robotics.test');
    assert.equal(leads.length, 1);
    await expectMatched(org, leads[0]!.id, form.id, 'email');
    const submissions = (await org.get(`/api/v1/leads/${leads[0]!.id}/timeline?kind=form_submission`)).json().data;
    assert.deepEqual(submissions.map((s: { details: { utm: { utm_campaign: string } } }) => s.details.utm.utm_campaign), ['second', 'first']);
    assert.equal(leads[0]!.notes, '', 'the existing lead is not overwritten by a public form');
  });

  test('the same phone number in other formats is the same lead', async () => {
    const org = await newOrg(t, 'Dupes phone');
    const existing = (await org.post('/api/v1/leads', { lastName: 'Weber', phone: '+49 (0)89 1234-5678', company: 'Weber AG' })).json();
    const form = await createForm(org);
    await submit(form, { last_name: 'Weber', email: 'k.weber@gmail.com', phone: '089 12345678' });
    await expectMatched(org, existing.id, form.id, 'phone');
    await submit(form, { last_name: 'Weber', email: 'kw@gmail.com', phone: '0049-89-123 456 78' });
    await expectMatched(org, existing.id, form.id, 'phone');
    await submit(form, { last_name: 'Weber', email: 'weber@weber.test', phone: '+44 89 1234 5678' });
    assert.equal((await leadsMatching(org, 'weber')).length, 2, 'the same digits in another country are someone else');
  });

  test('the same first and last name at the same company domain is the same lead — but not at a free-mail domain', async () => {
    const org = await newOrg(t, 'Dupes name');
    const existing = (await org.post('/api/v1/leads', { firstName: 'Lukas', lastName: 'Maier', email: 'lukas.maier@northwind.test', company: 'Northwind' })).json();
    const form = await createForm(org);
    await submit(form, { first_name: 'lukas', last_name: 'MAIER', email: 'l.maier@northwind.test' });
    await expectMatched(org, existing.id, form.id, 'name_and_domain');
    await submit(form, { first_name: 'Lukas', last_name: 'Maier', email: 'lukas.private@gmail.com', website: 'https://www.northwind.test/' });
    await expectMatched(org, existing.id, form.id, 'name_and_domain');

    const gmailLead = (await org.post('/api/v1/leads', { firstName: 'Sara', lastName: 'Olsen', email: 'sara.olsen@gmail.com' })).json();
    await submit(form, { first_name: 'Sara', last_name: 'Olsen', email: 'olsen.sara@gmail.com' });
    const saras = await leadsMatching(org, 'olsen');
    assert.equal(saras.length, 2, 'two Sara Olsens at gmail.com are not the same person');
    assert.ok(saras.some((l) => l.id !== gmailLead.id && l.email === 'olsen.sara@gmail.com'));
  });

  test('a person who is already a contact is recorded on the contact, and no lead is created', async () => {
    const org = await newOrg(t, 'Dupes contact');
    const account = (await org.post('/api/v1/accounts', { name: 'Globex', domain: 'globex.test', country: 'GB' })).json();
    const contact = (await org.post('/api/v1/contacts', { accountId: account.id, firstName: 'Hank', lastName: 'Scorpio', email: 'hank@globex.test', phone: '020 7946 0958' })).json();
    const form = await createForm(org, { defaultCountry: null });
    await submit(form, { first_name: 'Hank', last_name: 'Scorpio', email: 'HANK@globex.test', utm_source: 'newsletter' });
    await submit(form, { last_name: 'Scorpio', email: 'h.s@gmail.com', phone: '+44 20 7946 0958' });
    assert.equal((await leadsMatching(org, 'scorpio')).length, 0);
    const [latest, first] = (await org.get(`/api/v1/forms/${form.id}/submissions`)).json().data;
    assert.deepEqual([first.outcome, first.contactId, first.leadId, first.matchReason], ['matched_contact', contact.id, null, 'email']);
    assert.deepEqual([latest.contactId, latest.matchReason], [contact.id, 'phone'], 'the contact\'s national number is read in its account\'s country');
    const timeline = (await org.get(`/api/v1/contacts/${contact.id}/timeline?kind=form_submission`)).json().data;
    assert.equal(timeline.length, 2);
    assert.equal(timeline[1].details.utm.utm_source, 'newsletter');
  });
});
