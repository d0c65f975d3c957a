// Record visibility end to end: each object × each mode × every role, through the list, page,
// edit, delete, search and export routes, the board, a report and the account team — and the SQL
// condition held to the pure rule in model.ts for every person and record of one org.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import type { TeamLink } from '../users/model.ts';
import { canSeeRecord, RECORD_OBJECTS, VISIBILITY_MODES, type RecordObject, type VisibilityMode } from './model.ts';

const t = await startTestApp();

type Person = { caller: Caller; role: string; teamId: string | null };

/**
 * One org: team Alpha managed by Mia with the sub-team Alpha East below it, team Beta managed by
 * Noah. Reps Rae and Ravi in Alpha, Rosa in Alpha East, Remy in Beta with the executive Eve.
 * Every person owns one record of each kind, and one of each is unowned; Remy is on the account
 * team of Rae's account.
 */
async function org() {
  const admin = await newOrg(t, 'Visibility');
  const team = async (name: string, parentTeamId: string | null, managerId: string | null) =>
    (await admin.post('/api/v1/teams', { name, parentTeamId, managerId })).json().id as string;
  const mia = await addUser(t, admin, 'manager', 'Mia Manager');
  const noah = await addUser(t, admin, 'manager', 'Noah Manager');
  const alpha = await team('Alpha', null, mia.userId);
  const east = await team('Alpha East', alpha, null);
  const beta = await team('Beta', null, noah.userId);
  const member = async (role: string, name: string, teamId: string): Promise<Caller> => {
    const caller = await addUser(t, admin, role, name);
    const user = (await admin.get(`/api/v1/users/${caller.userId}`)).json();
    const res = await admin.patch(`/api/v1/users/${caller.userId}`, { teamId }, { 'if-match': `"${user.version}"` });
    assert.equal(res.statusCode, 200, res.body);
    return caller;
  };
  const rae = await member('rep', 'Rae Rep', alpha);
  const ravi = await member('rep', 'Ravi Rep', alpha);
  const rosa = await member('rep', 'Rosa Rep', east);
  const remy = await member('rep', 'Remy Rep', beta);
  const eve = await member('executive', 'Eve Exec', beta);
  const partnerUser = await addUser(t, admin, 'partner', 'Pat Partner');
  const people: Record<string, Person> = {
    admin: { caller: admin, role: 'admin', teamId: null },
    mia: { caller: mia, role: 'manager', teamId: null },
    noah: { caller: noah, role: 'manager', teamId: null },
    rae: { caller: rae, role: 'rep', teamId: alpha },
    ravi: { caller: ravi, role: 'rep', teamId: alpha },
    rosa: { caller: rosa, role: 'rep', teamId: east },
    remy: { caller: remy, role: 'rep', teamId: beta },
    eve: { caller: eve, role: 'executive', teamId: beta },
  };
  const teams: TeamLink[] = [
    { id: alpha, parentTeamId: null, managerId: mia.userId, memberIds: [rae.userId, ravi.userId] },
    { id: east, parentTeamId: alpha, managerId: null, memberIds: [rosa.userId] },
    { id: beta, parentTeamId: null, managerId: noah.userId, memberIds: [remy.userId, eve.userId] },
  ];

  const pipeline = (await admin.get('/api/v1/pipelines')).json().data[0];
  type Rec = { id: string; ownerId: string | null; accountId: string | null; name: string };
  const records: Record<RecordObject, Rec[]> = { leads: [], contacts: [], accounts: [], opportunities: [] };
  const owners = [...Object.values(people).map((p) => p.caller.userId), null];
  for (const [i, ownerId] of owners.entries()) {
    const tag = `vis${i}`;
    const lead = await admin.post('/api/v1/leads', { lastName: `Lead ${tag}`, company: `Co ${tag}`, ownerId });
    assert.equal(lead.statusCode, 201, lead.body);
    records.leads.push({ id: lead.json().id, ownerId, accountId: null, name: `Lead ${tag}` });
    const account = await admin.post('/api/v1/accounts', { name: `Account ${tag}`, ownerId });
    assert.equal(account.statusCode, 201, account.body);
    records.accounts.push({ id: account.json().id, ownerId, accountId: account.json().id, name: `Account ${tag}` });
    // Each contact and deal sits on the account of the next owner round, so ownership and the
    // account team point at different people.
    records.contacts.push({ id: '', ownerId, accountId: null, name: `Contact ${tag}` });
    records.opportunities.push({ id: '', ownerId, accountId: null, name: `Deal ${tag}` });
  }
  for (const [i, rec] of records.contacts.entries()) {
    const accountId = records.accounts[(i + 1) % records.accounts.length]!.id;
    const contact = await admin.post('/api/v1/contacts', { lastName: rec.name, ownerId: rec.ownerId, accountId });
    assert.equal(contact.statusCode, 201, contact.body);
    Object.assign(rec, { id: contact.json().id, accountId });
    const deal = await admin.post('/api/v1/opportunities', { name: records.opportunities[i]!.name, ownerId: rec.ownerId, accountId, pipelineId: pipeline.id, amount: 1000 });
    assert.equal(deal.statusCode, 201, deal.body);
    Object.assign(records.opportunities[i]!, { id: deal.json().id, accountId });
  }
  // Remy works Rae's account.
  const raeAccount = records.accounts.find((a) => a.ownerId === rae.userId)!;
  assert.equal((await admin.request({ method: 'PUT', url: `/api/v1/accounts/${raeAccount.id}/team/${remy.userId}`, payload: { role: 'account_manager' } })).statusCode, 200);
  const accountTeams = new Map<string, string[]>([[raeAccount.id, [remy.userId]]]);

  const setModes = async (modes: Partial<Record<RecordObject, VisibilityMode>>) => {
    const res = await admin.patch('/api/v1/org-settings', { recordVisibility: modes });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const expected = (who: Person, object: RecordObject, mode: VisibilityMode) =>
    new Set(
      records[object]
        .filter((r) => canSeeRecord({ userId: who.caller.userId, role: who.role }, mode, teams, { ownerId: r.ownerId, accountTeam: r.accountId ? (accountTeams.get(r.accountId) ?? []) : [] }))
        .map((r) => r.id),
    );
  return { admin, people, partnerUser, records, pipeline, setModes, expected, raeAccount, rae, ravi, rosa, remy, eve, mia, noah };
}

const o = await org();

const listIds = async (caller: Caller, object: RecordObject, query = '') => {
  const res = await caller.get(`/api/v1/${object}?limit=500${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return new Set((res.json().data as { id: string }[]).map((r) => r.id));
};

describe('record visibility', () => {
  test('the settings default to everyone; a mode outside the three is refused and changes nothing', async () => {
    const settings = (await o.admin.get('/api/v1/org-settings')).json();
    assert.deepEqual(settings.recordVisibility, { leads: 'everyone', contacts: 'everyone', accounts: 'everyone', opportunities: 'everyone' });
    const bad = await o.admin.patch('/api/v1/org-settings', { recordVisibility: { leads: 'private' } });
    assert.equal(bad.statusCode, 400);
    assert.equal((await o.rae.patch('/api/v1/org-settings', { recordVisibility: { leads: 'own' } })).statusCode, 403);
    assert.equal((await o.admin.get('/api/v1/org-settings')).json().recordVisibility.leads, 'everyone');
  });

  // Every object in every mode, for every person: the list holds exactly what the rule says, so
  // the one SQL condition and the pure rule agree on ownership, teams, sub-teams, managers,
  // unowned records and account teams.
  for (const mode of VISIBILITY_MODES) {
    test(`lists in ${mode} mode show each person exactly what the rule allows`, async () => {
      await o.setModes({ leads: mode, contacts: mode, accounts: mode, opportunities: mode });
      for (const object of RECORD_OBJECTS) {
        for (const [name, person] of Object.entries(o.people)) {
          const seen = await listIds(person.caller, object);
          assert.deepEqual([...seen].sort(), [...o.expected(person, object, mode)].sort(), `${name} listing ${object} in ${mode} mode`);
        }
      }
    });
  }

  test('own mode: a hidden record is a 404 to read, edit, delete, search or open its timeline', async () => {
    await o.setModes({ leads: 'own', contacts: 'own', accounts: 'own', opportunities: 'own' });
    const ravisLead = o.records.leads.find((r) => r.ownerId === o.ravi.userId)!;
    const ravisDeal = o.records.opportunities.find((r) => r.ownerId === o.ravi.userId)!;
    const ravisContact = o.records.contacts.find((r) => r.ownerId === o.ravi.userId)!;
    const ravisAccount = o.records.accounts.find((r) => r.ownerId === o.ravi.userId)!;
    for (const [url, kind] of [
      [`/api/v1/leads/${ravisLead.id}`, 'lead'],
      [`/api/v1/opportunities/${ravisDeal.id}`, 'deal'],
      [`/api/v1/contacts/${ravisContact.id}`, 'contact'],
      [`/api/v1/accounts/${ravisAccount.id}`, 'account'],
    ] as const) {
      assert.equal((await o.rae.get(url)).statusCode, 404, `rae reads ravi's ${kind}`);
      const edit = kind === 'deal' ? { description: 'mine now' } : { notes: 'mine now' };
      assert.equal((await o.rae.patch(url, edit, { 'if-match': '"1"' })).statusCode, 404, `rae edits ravi's ${kind}`);
      assert.equal((await o.rae.del(url)).statusCode, 404, `rae deletes ravi's ${kind}`);
      assert.equal((await o.ravi.get(url)).statusCode, 200, `ravi reads his own ${kind}`);
      assert.equal((await o.mia.get(url)).statusCode, 200, `mia reads her report's ${kind}`);
    }
    assert.equal((await o.rae.get(`/api/v1/leads/${ravisLead.id}/timeline`)).statusCode, 404);
    assert.equal((await o.rae.post(`/api/v1/opportunities/${ravisDeal.id}/move`, { stageId: o.pipeline.id })).statusCode, 404);
    // Searching by name finds nothing hidden.
    assert.equal((await listIds(o.rae, 'leads', `&q=${encodeURIComponent(ravisLead.name)}`)).size, 0);
    assert.equal((await listIds(o.ravi, 'leads', `&q=${encodeURIComponent(ravisLead.name)}`)).size, 1);
    assert.equal((await listIds(o.rae, 'accounts', `&q=${encodeURIComponent(ravisAccount.name)}`)).size, 0);
    // Global search finds nothing hidden either, and finds it for the owner.
    const searched = async (caller: Caller, q: string) => (await caller.get(`/api/v1/search?q=${encodeURIComponent(q)}`)).json().data.map((h: { id: string }) => h.id);
    for (const hidden of [ravisLead, ravisDeal, ravisContact, ravisAccount]) {
      assert.ok(!(await searched(o.rae, hidden.name)).includes(hidden.id), `search shows rae ${hidden.name}`);
      assert.ok((await searched(o.ravi, hidden.name)).includes(hidden.id), `search finds ravi his ${hidden.name}`);
    }
    // A bulk change over ids one cannot see changes none of them.
    const bulk = await o.rae.post('/api/v1/leads/bulk', { ids: [ravisLead.id], action: 'status', status: 'working' });
    assert.equal(bulk.json().updated, 0, bulk.body);
    assert.equal((await o.ravi.get(`/api/v1/leads/${ravisLead.id}`)).json().status, 'new');
  });

  test('the account team sees the account, its contacts and its deals; the owner can edit them', async () => {
    await o.setModes({ contacts: 'own', accounts: 'own', opportunities: 'own' });
    const page = await o.remy.get(`/api/v1/accounts/${o.raeAccount.id}`);
    assert.equal(page.statusCode, 200);
    const onAccount = o.records.contacts.filter((c) => c.accountId === o.raeAccount.id).map((c) => c.id);
    assert.deepEqual(page.json().contacts.map((c: { id: string }) => c.id).sort(), onAccount.sort());
    const deals = await listIds(o.remy, 'opportunities', `&accountId=${o.raeAccount.id}`);
    assert.deepEqual([...deals].sort(), o.records.opportunities.filter((d) => d.accountId === o.raeAccount.id).map((d) => d.id).sort());
    const account = page.json();
    assert.equal((await o.remy.patch(`/api/v1/accounts/${o.raeAccount.id}`, { notes: 'QBR booked' }, { 'if-match': `"${account.version}"` })).statusCode, 200);
    // Off the team, the account is gone again.
    assert.equal((await o.admin.del(`/api/v1/accounts/${o.raeAccount.id}/team/${o.remy.userId}`)).statusCode, 204);
    assert.equal((await o.remy.get(`/api/v1/accounts/${o.raeAccount.id}`)).statusCode, 404);
    assert.equal((await o.remy.get(`/api/v1/accounts/${o.raeAccount.id}/team`)).statusCode, 404);
    assert.equal((await o.admin.request({ method: 'PUT', url: `/api/v1/accounts/${o.raeAccount.id}/team/${o.remy.userId}`, payload: { role: 'account_manager' } })).statusCode, 200);
  });

  test('exports hold only what the exporter may see', async () => {
    await o.setModes({ leads: 'own', accounts: 'team', contacts: 'own' });
    const csvIds = async (caller: Caller, object: RecordObject) => {
      const res = await caller.get(`/api/v1/${object}/export.csv`);
      assert.equal(res.statusCode, 200, res.body);
      return new Set(res.body.replace(/^\uFEFF/, '').trim().split('\n').slice(1).map((line) => line.split(',')[0]!.replace(/"/g, '')));
    };
    for (const who of ['eve', 'mia', 'noah', 'admin'] as const) {
      const person = o.people[who]!;
      assert.deepEqual([...(await csvIds(person.caller, 'leads'))].sort(), [...o.expected(person, 'leads', 'own')].sort(), `${who} exporting leads`);
      assert.deepEqual([...(await csvIds(person.caller, 'accounts'))].sort(), [...o.expected(person, 'accounts', 'team')].sort(), `${who} exporting accounts`);
      assert.deepEqual([...(await csvIds(person.caller, 'contacts'))].sort(), [...o.expected(person, 'contacts', 'own')].sort(), `${who} exporting contacts`);
    }
  });

  test('the board, its column totals and the reports count only visible records', async () => {
    await o.setModes({ leads: 'own', opportunities: 'own' });
    for (const who of ['noah', 'rae', 'admin'] as const) {
      const person = o.people[who]!;
      const visibleDeals = o.expected(person, 'opportunities', 'own');
      const board = (await person.caller.get(`/api/v1/pipelines/${o.pipeline.id}/board?perStage=100`)).json();
      const cards = board.columns.flatMap((c: { cards: { id: string }[] }) => c.cards.map((card) => card.id));
      assert.deepEqual(cards.sort(), [...visibleDeals].sort(), `${who}'s board`);
      const summary = (await person.caller.get(`/api/v1/pipelines/${o.pipeline.id}/summary`)).json().data;
      assert.equal(summary.reduce((n: number, s: { count: number }) => n + s.count, 0), visibleDeals.size, `${who}'s column counts`);
      const funnel = await person.caller.get('/api/v1/reports/funnel?period=year');
      assert.equal(funnel.statusCode, 200, funnel.body);
      assert.equal(funnel.json().steps[0].count, o.expected(person, 'leads', 'own').size, `${who}'s funnel`);
    }
  });

  test('emails and tasks about a hidden record are hidden with it', async () => {
    await o.setModes({ leads: 'own' });
    const ravisLead = o.records.leads.find((r) => r.ownerId === o.ravi.userId)!;
    const email = await o.ravi.post('/api/v1/emails/logged', { subjectType: 'lead', subjectId: ravisLead.id, direction: 'outbound', to: 'buyer@vis.test', subject: 'Pricing for Ravi', body: 'Hi' });
    assert.equal(email.statusCode, 201, email.body);
    const task = await o.ravi.post('/api/v1/tasks', { title: 'Call back about pricing', subjectType: 'lead', subjectId: ravisLead.id });
    assert.equal(task.statusCode, 201, task.body);
    const emailIds = async (caller: Caller, query = '') => (await caller.get(`/api/v1/emails?limit=500${query}`)).json().data.map((e: { id: string }) => e.id);
    assert.ok((await emailIds(o.ravi)).includes(email.json().id));
    assert.ok((await emailIds(o.mia)).includes(email.json().id), 'his manager sees it');
    assert.ok(!(await emailIds(o.rae)).includes(email.json().id), 'another rep does not');
    assert.deepEqual(await emailIds(o.rae, `&subjectType=lead&subjectId=${ravisLead.id}`), []);
    // The activity report's drill-down lists a teammate's activities, but not those on records one may not see.
    const emailed = async (caller: Caller) =>
      (await caller.get('/api/v1/reports/activity/records?metric=emails&period=year&limit=500')).json().data.map((a: { subjectId: string }) => a.subjectId);
    assert.ok((await emailed(o.mia)).includes(ravisLead.id));
    assert.ok(!(await emailed(o.rae)).includes(ravisLead.id));
    const taskIds = async (caller: Caller) => (await caller.get(`/api/v1/tasks?subjectType=lead&subjectId=${ravisLead.id}`)).json().data.map((x: { id: string }) => x.id);
    assert.deepEqual(await taskIds(o.ravi), [task.json().id]);
    assert.deepEqual(await taskIds(o.rae), []);
  });

  test('meetings on a hidden record are hidden, except from the people in them', async () => {
    await o.setModes({ leads: 'own' });
    const ravisLead = o.records.leads.find((r) => r.ownerId === o.ravi.userId)!;
    const start = new Date(Date.now() + 86_400_000);
    const meeting = await o.ravi.post('/api/v1/meetings', {
      title: 'Demo for Ravi’s lead', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 1_800_000).toISOString(), timeZone: 'UTC',
      leadId: ravisLead.id, attendeeUserIds: [o.eve.userId],
    });
    assert.equal(meeting.statusCode, 201, meeting.body);
    const listed = async (caller: Caller) => (await caller.get('/api/v1/meetings?limit=500')).json().data.map((m: { id: string }) => m.id);
    assert.ok((await listed(o.ravi)).includes(meeting.json().id));
    assert.ok((await listed(o.eve)).includes(meeting.json().id), 'an attendee sees it though the lead is not hers');
    assert.ok((await listed(o.mia)).includes(meeting.json().id), 'his manager sees it');
    assert.ok(!(await listed(o.rae)).includes(meeting.json().id));
    assert.equal((await o.rae.get(`/api/v1/meetings/${meeting.json().id}`)).statusCode, 404);
  });

  test('a finance approver sees the deal waiting for their decision, and only while it waits', async () => {
    await o.setModes({ opportunities: 'own' });
    const ravisDeal = o.records.opportunities.find((r) => r.ownerId === o.ravi.userId)!;
    const policy = await o.admin.get('/api/v1/deal-policy');
    const set = await o.admin.patch('/api/v1/deal-policy', { financeApproverIds: [o.eve.userId] }, { 'if-match': policy.headers.etag as string });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal((await o.eve.get(`/api/v1/opportunities/${ravisDeal.id}`)).statusCode, 404);
    await t.database.db.execute(sql`insert into approval_requests (org_id, id, opportunity_id, kind, level, value, reason, requested_by)
      values (${o.admin.orgId}, gen_random_uuid(), ${ravisDeal.id}, 'payment_terms', 'finance', 90, 'Payment terms of 90 days', ${o.ravi.userId})`);
    assert.equal((await o.eve.get(`/api/v1/opportunities/${ravisDeal.id}`)).statusCode, 200);
    assert.ok((await listIds(o.eve, 'opportunities')).has(ravisDeal.id));
    assert.equal((await o.remy.get(`/api/v1/opportunities/${ravisDeal.id}`)).statusCode, 404, 'not an approver');
    await t.database.db.execute(sql`update approval_requests set status = 'approved' where org_id = ${o.admin.orgId} and opportunity_id = ${ravisDeal.id}`);
    assert.equal((await o.eve.get(`/api/v1/opportunities/${ravisDeal.id}`)).statusCode, 404);
  });

  test('partner users see no records, only their own registrations', async () => {
    for (const object of RECORD_OBJECTS) assert.equal((await o.partnerUser.get(`/api/v1/${object}`)).statusCode, 403);
    assert.equal((await o.partnerUser.get(`/api/v1/leads/${o.records.leads[0]!.id}`)).statusCode, 403);
  });

  test('going back to everyone shows everything again', async () => {
    await o.setModes({ leads: 'everyone', contacts: 'everyone', accounts: 'everyone', opportunities: 'everyone' });
    for (const object of RECORD_OBJECTS) assert.equal((await listIds(o.rosa, object)).size, o.records[object].length);
  });
});
