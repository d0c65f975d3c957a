import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemActor } from '../../core/actor.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { logActivity } from '../activities/service.ts';

const t = await startTestApp();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

const put = (caller: Caller, url: string, payload: unknown) => caller.request({ method: 'PUT', url, payload: payload as string });

const rule = (name: string, extra: Json) => ({ name, strategy: 'round_robin', target: { type: 'record_territory' }, ...extra });

async function activeRuleSet(admin: Caller, body: Json): Promise<Json> {
  const draft = await ok(admin.post('/api/v1/routing/rule-sets', { object: 'lead_create', name: 'Inbound', ...body }), 201);
  return ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
}

async function team(admin: Caller, name: string, members: Caller[]): Promise<string> {
  const created = await ok(admin.post('/api/v1/teams', { name }), 201);
  for (const member of members) await ok(admin.patch(`/api/v1/users/${member.userId}`, { teamId: created.id }));
  return created.id;
}

describe('territories', () => {
  test('a tree with members; leads and accounts resolve to the most specific territory, and move when they change', async () => {
    const admin = await newOrg(t, 'Territories');
    const anna = await addUser(t, admin, 'rep', 'Anna');
    const emea = await ok(admin.post('/api/v1/territories', { name: 'EMEA', criteria: { countries: ['de', 'AT', 'CH', 'FR'] } }), 201);
    assert.deepEqual(emea.criteria.countries, ['DE', 'AT', 'CH', 'FR'], 'country codes are stored upper-case');
    const dach = await ok(admin.post('/api/v1/territories', { name: 'DACH', parentId: emea.id, criteria: { countries: ['DE', 'AT', 'CH'] }, members: [{ userId: anna.userId, role: 'rep' }] }), 201);
    const mid = await ok(admin.post('/api/v1/territories', { name: 'DACH mid-market', parentId: dach.id, criteria: { minEmployees: 100, maxEmployees: 999 } }), 201);
    assert.deepEqual(mid.path, ['EMEA', 'DACH', 'DACH mid-market']);
    assert.equal(mid.description, '100–999 employees');

    const tree = await ok(admin.get('/api/v1/territories'));
    assert.deepEqual(tree.data.map((x: Json) => x.name), ['EMEA', 'DACH', 'DACH mid-market']);
    assert.deepEqual(tree.data[1].members, [{ userId: anna.userId, role: 'rep' }]);

    const placement = await ok(admin.get('/api/v1/territories/placement?country=DE&employeeCount=250'));
    assert.equal(placement.name, 'DACH mid-market');
    assert.deepEqual(placement.alsoMatched, ['DACH', 'EMEA']);

    const lead = await ok(admin.post('/api/v1/leads', { company: 'Bayern GmbH', country: 'DE', employeeCount: 250 }), 201);
    assert.equal(lead.territoryId, mid.id);
    const moved = await ok(admin.patch(`/api/v1/leads/${lead.id}`, { country: 'FR' }));
    assert.equal(moved.territoryId, emea.id, 'a lead that moves country moves territory');
    const gone = await ok(admin.patch(`/api/v1/leads/${lead.id}`, { country: 'US' }));
    assert.equal(gone.territoryId, null);
    const account = await ok(admin.post('/api/v1/accounts', { name: 'Wien AG', country: 'AT' }), 201);
    assert.equal(account.territoryId, dach.id);

    // A new territory applies to existing records once realigned.
    const austria = await ok(admin.post('/api/v1/territories', { name: 'Austria', parentId: dach.id, criteria: { countries: ['AT'] }, priority: 10 }), 201);
    const realigned = await ok(admin.post('/api/v1/territories/realign'));
    assert.equal(realigned.accounts.moved, 1);
    assert.equal((await ok(admin.get(`/api/v1/accounts/${account.id}`))).territoryId, austria.id);
  });

  test('bad trees and bad criteria are refused and change nothing', async () => {
    const admin = await newOrg(t, 'Bad trees');
    const root = await ok(admin.post('/api/v1/territories', { name: 'Root' }), 201);
    const child = await ok(admin.post('/api/v1/territories', { name: 'Child', parentId: root.id }), 201);
    const loop = await admin.patch(`/api/v1/territories/${root.id}`, { parentId: child.id });
    assert.equal(loop.statusCode, 400);
    assert.equal(loop.json().errors[0].field, 'parentId');
    const bad = await admin.post('/api/v1/territories', { name: 'Bad', criteria: { countries: ['D1'], postcodeRanges: [{ from: '29999', to: '20000' }], minEmployees: 10, maxEmployees: 5 } });
    assert.deepEqual(bad.json().errors.map((e: Json) => e.field), ['criteria.countries.0', 'criteria.postcodeRanges.0', 'criteria.maxEmployees']);
    const parentless = await admin.del(`/api/v1/territories/${root.id}`);
    assert.equal(parentless.statusCode, 409, 'a territory with sub-territories stays');
    assert.equal((await ok(admin.get('/api/v1/territories'))).data.length, 2);
    const rep = await addUser(t, admin, 'rep');
    assert.equal((await rep.post('/api/v1/territories', { name: 'Mine' })).statusCode, 403);
  });
});

describe('rule sets', () => {
  test('drafts are validated, activation is audited and archives the previous version, active versions are read-only', async () => {
    const admin = await newOrg(t, 'Rule sets');
    const invalid = await admin.post('/api/v1/routing/rule-sets', {
      object: 'lead_create',
      name: 'Broken',
      rules: [{ name: 'x', strategy: 'round_robin', target: { type: 'users', userIds: ['01900000-0000-7000-8000-000000000000'] }, conditions: [{ field: 'favouriteColour', op: 'equals', value: 'blue' }] }],
    });
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(invalid.json().errors.map((e: Json) => e.field).sort(), ['rules.0.conditions.0.field', 'rules.0.target.userIds.0']);
    assert.equal((await ok(admin.get('/api/v1/routing/rule-sets'))).data.length, 0);

    const v1 = await activeRuleSet(admin, { rules: [rule('Everyone', { target: { type: 'users', userIds: [admin.userId] } })] });
    assert.equal(v1.version, 1);
    assert.equal(v1.status, 'active');
    const locked = await admin.patch(`/api/v1/routing/rule-sets/${v1.id}`, { name: 'Changed' });
    assert.equal(locked.statusCode, 409);
    const v2 = await ok(admin.post(`/api/v1/routing/rule-sets/${v1.id}/copy`), 201);
    assert.equal(v2.version, 2);
    assert.equal(v2.status, 'draft');
    assert.equal(v2.rules[0].name, 'Everyone');
    await ok(admin.patch(`/api/v1/routing/rule-sets/${v2.id}`, { slaMinutes: 15, rules: [rule('Renamed', { target: { type: 'users', userIds: [admin.userId] } })] }));
    await ok(admin.post(`/api/v1/routing/rule-sets/${v2.id}/activate`, { reason: 'faster follow-up' }));
    const all = (await ok(admin.get('/api/v1/routing/rule-sets?object=lead_create'))).data;
    assert.deepEqual(all.map((s: Json) => [s.version, s.status]), [[2, 'active'], [1, 'archived']]);
    const audit = (await ok(admin.get(`/api/v1/audit-log/rule_set/${v2.id}`))).data[0];
    assert.equal(audit.action, 'activate');
    assert.deepEqual(audit.before, { object: 'lead_create', activeVersion: 1, activeRuleSetId: v1.id });
    assert.deepEqual(audit.after, { object: 'lead_create', activeVersion: 2, activeRuleSetId: v2.id });
    assert.equal(audit.reason, 'faster follow-up');
  });
});

describe('assignment of new leads', () => {
  test('round-robin over a team, with the reason on the record; an explicit owner is not routed', async () => {
    const admin = await newOrg(t, 'Round robin');
    const anna = await addUser(t, admin, 'rep', 'Anna');
    const ben = await addUser(t, admin, 'rep', 'Ben');
    const inbound = await team(admin, 'Inbound', [anna, ben]);
    await activeRuleSet(admin, {
      rules: [
        rule('DACH mid-market', { conditions: [{ field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] }, { field: 'employeeCount', op: 'range', min: 100, max: 999 }], target: { type: 'team', teamId: inbound } }),
        rule('Everything else', { target: { type: 'users', userIds: [admin.userId] } }),
      ],
    });
    const owners: string[] = [];
    for (let i = 0; i < 4; i += 1) owners.push((await ok(admin.post('/api/v1/leads', { company: `Lead ${i}`, country: 'DE', employeeCount: 250 }), 201)).ownerId);
    const [first, second] = [anna, ben].sort((a, b) => (a.userId < b.userId ? -1 : 1));
    assert.deepEqual(owners, [first!.userId, second!.userId, first!.userId, second!.userId]);

    const lead = await ok(admin.post('/api/v1/leads', { company: 'Reasoned', country: 'AT', employeeCount: 300 }), 201);
    const decisions = (await ok(admin.get(`/api/v1/routing/decisions?leadId=${lead.id}`))).data;
    assert.equal(decisions.length, 1);
    assert.match(decisions[0].reason, /^rule 1 "DACH mid-market" matched: country=AT, employeeCount=300; round-robin → (Anna|Ben), next is (Anna|Ben)$/);
    assert.equal(decisions[0].ruleSetVersion, 1);
    assert.equal(decisions[0].ownerId, lead.ownerId);
    const history = (await ok(admin.get(`/api/v1/audit-log/lead/${lead.id}`))).data;
    assert.equal(history[0].reason, decisions[0].reason, 'the owner change on the lead carries the reason');

    const other = await ok(admin.post('/api/v1/leads', { company: 'Elsewhere', country: 'US' }), 201);
    assert.equal(other.ownerId, admin.userId);
    const explicit = await ok(admin.post('/api/v1/leads', { company: 'Mine', country: 'DE', employeeCount: 250, ownerId: anna.userId }), 201);
    assert.equal(explicit.ownerId, anna.userId);
    assert.equal((await ok(admin.get(`/api/v1/routing/decisions?leadId=${explicit.id}`))).data.length, 0);
    const rep = await ok(anna.get('/api/v1/notifications'));
    assert.ok(rep.data.some((n: Json) => n.kind === 'lead_assigned'), 'the owner is told');
  });

  test('a web form’s new lead is routed; a form with a default owner keeps its owner', async () => {
    const admin = await newOrg(t, 'Web forms');
    const anna = await addUser(t, admin, 'rep', 'Anna');
    const fields = [
      { key: 'last_name', label: 'Last name', type: 'text', required: true, mapTo: 'lastName' },
      { key: 'email', label: 'Email', type: 'email', required: true, mapTo: 'email' },
    ];
    const routed = await ok(admin.post('/api/v1/forms', { name: 'Contact us', leadSource: 'web_form', fields }), 201);
    const owned = await ok(admin.post('/api/v1/forms', { name: 'Partner form', leadSource: 'partner', fields, defaultOwnerId: admin.userId }), 201);
    const submit = (form: Json, email: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/forms/${form.id}/submissions`, headers: { 'x-form-key': form.publicKey }, payload: { last_name: 'Visitor', email } });
    assert.ok((await submit(routed, 'before@web.test')).statusCode < 400);
    const before = (await ok(admin.get('/api/v1/leads?q=before%40web.test'))).data[0];
    assert.equal(before.ownerId, null, 'without rules a form lead waits unassigned');
    await activeRuleSet(admin, { rules: [rule('Everyone', { target: { type: 'users', userIds: [anna.userId] } })] });
    assert.ok((await submit(routed, 'after@web.test')).statusCode < 400);
    assert.ok((await submit(owned, 'partner@web.test')).statusCode < 400);
    const after = (await ok(admin.get('/api/v1/leads?q=after%40web.test'))).data[0];
    assert.equal(after.ownerId, anna.userId);
    assert.equal((await ok(admin.get(`/api/v1/routing/decisions?leadId=${after.id}`))).data[0].actorId, null, 'decided for nobody in particular');
    assert.equal((await ok(admin.get('/api/v1/leads?q=partner%40web.test'))).data[0].ownerId, admin.userId);
  });

  test('availability: out of office, daily caps, then the fallback owner, then unassigned', async () => {
    const admin = await newOrg(t, 'Availability');
    const anna = await addUser(t, admin, 'rep', 'Anna');
    const ben = await addUser(t, admin, 'rep', 'Ben');
    const fiona = await addUser(t, admin, 'manager', 'Fiona');
    await activeRuleSet(admin, { fallbackOwnerId: fiona.userId, rules: [rule('Reps', { target: { type: 'users', userIds: [anna.userId, ben.userId] } })] });
    await ok(put(anna, '/api/v1/users/me/availability', { outOfOfficeUntil: new Date(Date.now() + 86_400_000).toISOString() }));
    const mine = await ok(anna.get('/api/v1/users/me/availability'));
    assert.equal(mine.availableNow, false);
    assert.match(mine.unavailableBecause, /^out of office until/);
    assert.equal((await put(anna, `/api/v1/users/${ben.userId}/availability`, { dailyCap: 0 })).statusCode, 403, 'reps set only their own');
    await ok(put(admin, `/api/v1/users/${ben.userId}/availability`, { dailyCap: 2 }));

    const owners: string[] = [];
    for (let i = 0; i < 4; i += 1) owners.push((await ok(admin.post('/api/v1/leads', { company: `Capped ${i}` }), 201)).ownerId);
    assert.deepEqual(owners, [ben.userId, ben.userId, fiona.userId, fiona.userId]);
    assert.equal((await ok(admin.get(`/api/v1/users/${ben.userId}/availability`))).assignedToday, 2);

    await ok(put(admin, `/api/v1/users/${fiona.userId}/availability`, { workingHours: { sun: [['00:00', '00:01']] } }));
    const orphan = await ok(admin.post('/api/v1/leads', { company: 'Nobody home' }), 201);
    assert.equal(orphan.ownerId, null);
    const [decision] = (await ok(admin.get(`/api/v1/routing/decisions?leadId=${orphan.id}`))).data;
    assert.match(decision.reason, /nobody available \(.*Anna: out of office until .*; .*Ben: daily cap of 2 reached\); fallback owner Fiona cannot take it \(outside working hours\); left unassigned$/);
    assert.equal((await put(admin, '/api/v1/users/me/availability', { workingHours: { mon: [['17:00', '09:00']] } })).statusCode, 400);
  });

  test('account owner first: a lead from a known account goes to its owner', async () => {
    const admin = await newOrg(t, 'Accounts first');
    const anna = await addUser(t, admin, 'rep', 'Anna');
    const carl = await addUser(t, admin, 'rep', 'Carl');
    await ok(admin.post('/api/v1/accounts', { name: 'Acme Corp', domain: 'acme.example', ownerId: carl.userId }), 201);
    await activeRuleSet(admin, { rules: [rule('All', { accountOwnerFirst: true, target: { type: 'users', userIds: [anna.userId] } })] });
    const known = await ok(admin.post('/api/v1/leads', { email: 'jo@acme.example', company: 'ACME' }), 201);
    assert.equal(known.ownerId, carl.userId);
    const [decision] = (await ok(admin.get(`/api/v1/routing/decisions?leadId=${known.id}`))).data;
    assert.equal(decision.reason, 'rule 1 "All" matched (no conditions); account owner first → Carl (owner of Acme Corp)');
    const byName = await ok(admin.post('/api/v1/leads', { email: 'jo@gmail.com', company: 'acme corp' }), 201);
    assert.equal(byName.ownerId, carl.userId, 'a free-mail address falls back to the company name');
    const stranger = await ok(admin.post('/api/v1/leads', { email: 'x@other.example', company: 'Other' }), 201);
    assert.equal(stranger.ownerId, anna.userId);
  });

  test('weighted round-robin and load-balanced strategies', async () => {
    const admin = await newOrg(t, 'Strategies');
    const anna = await addUser(t, admin, 'rep', 'Anna');
    const ben = await addUser(t, admin, 'rep', 'Ben');
    await activeRuleSet(admin, {
      rules: [
        rule('Load', { conditions: [{ field: 'source', op: 'equals', value: 'event' }], strategy: 'load_balanced', target: { type: 'users', userIds: [anna.userId, ben.userId] } }),
        rule('Weighted', { strategy: 'weighted_round_robin', weights: { [anna.userId]: 3, [ben.userId]: 1 }, target: { type: 'users', userIds: [anna.userId, ben.userId] } }),
      ],
    });
    const weighted: string[] = [];
    for (let i = 0; i < 8; i += 1) weighted.push((await ok(admin.post('/api/v1/leads', { company: `W${i}` }), 201)).ownerId);
    assert.equal(weighted.filter((id) => id === anna.userId).length, 6);
    assert.equal(weighted.filter((id) => id === ben.userId).length, 2);
    // Anna holds 6 open leads, Ben 2: the next four event leads all go to Ben.
    const balanced: string[] = [];
    for (let i = 0; i < 4; i += 1) balanced.push((await ok(admin.post('/api/v1/leads', { company: `L${i}`, source: 'event' }), 201)).ownerId);
    assert.deepEqual(balanced, [ben.userId, ben.userId, ben.userId, ben.userId]);
  });
});

describe('dry run', () => {
  test('a dry run shows exactly what the real run then does, and changes nothing', async () => {
    const admin = await newOrg(t, 'Dry run');
    const reps = [await addUser(t, admin, 'rep', 'Anna'), await addUser(t, admin, 'rep', 'Ben'), await addUser(t, admin, 'rep', 'Chloe')];
    const dach = await ok(admin.post('/api/v1/territories', { name: 'DACH', criteria: { countries: ['DE', 'AT', 'CH'] }, members: reps.slice(0, 2).map((r) => ({ userId: r.userId, role: 'rep' })) }), 201);
    await ok(put(admin, `/api/v1/users/${reps[1]!.userId}/availability`, { dailyCap: 3 }));
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const lead = await ok(admin.post('/api/v1/leads', { company: `Lead ${i}`, country: ['DE', 'FR', 'AT'][i % 3], employeeCount: i * 100, source: i % 4 === 0 ? 'event' : 'manual', ownerId: null }), 201);
      ids.push(lead.id);
    }
    const draft = await ok(
      admin.post('/api/v1/routing/rule-sets', {
        object: 'lead_create',
        name: 'Proposed',
        fallbackOwnerId: admin.userId,
        rules: [
          rule('Events', { conditions: [{ field: 'source', op: 'equals', value: 'event' }], strategy: 'load_balanced', target: { type: 'users', userIds: reps.map((r) => r.userId) } }),
          rule('DACH', { conditions: [{ field: 'territoryId', op: 'equals', value: dach.id }] }),
          rule('Big', { conditions: [{ field: 'employeeCount', op: 'above', value: 500 }], strategy: 'weighted_round_robin', weights: { [reps[2]!.userId]: 2 }, target: { type: 'users', userIds: reps.map((r) => r.userId) } }),
        ],
      }),
      201,
    );
    const before = JSON.stringify((await ok(admin.get('/api/v1/routing/decisions'))).data);
    const dry = await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/dry-run`, { lastN: 12 }));
    assert.equal(dry.rows.length, 12);
    assert.deepEqual(dry.rows.map((r: Json) => r.subjectId), ids, 'replayed oldest first');
    assert.equal(dry.changed, 12, 'every lead was unassigned');
    assert.equal(JSON.stringify((await ok(admin.get('/api/v1/routing/decisions'))).data), before, 'the dry run decided nothing for real');
    assert.ok(dry.rows.every((r: Json) => ids.includes(r.subjectId) && r.currentOwnerId === null));

    await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
    const real = (await ok(admin.post('/api/v1/routing/route', { leadIds: ids, reason: 'after the dry run' }))).data;
    assert.deepEqual(
      real.map((r: Json) => r.ownerId),
      dry.rows.map((r: Json) => r.proposedOwnerId),
    );
    assert.deepEqual(
      real.map((r: Json) => r.reason),
      dry.rows.map((r: Json) => `after the dry run: ${r.reason}`),
    );
    assert.ok(new Set(real.map((r: Json) => r.ownerId)).size >= 3, 'the scenario spreads leads across people');
  });
});

describe('reassignment in bulk', () => {
  test('a rep leaves: their open leads are routed again without them, or moved to a named person, with the reason', async () => {
    const admin = await newOrg(t, 'Leaving');
    const anna = await addUser(t, admin, 'rep', 'Anna');
    const ben = await addUser(t, admin, 'rep', 'Ben');
    const chloe = await addUser(t, admin, 'rep', 'Chloe');
    await activeRuleSet(admin, { rules: [rule('Reps', { target: { type: 'users', userIds: [anna.userId, ben.userId, chloe.userId] } })] });
    const annas: string[] = [];
    for (let i = 0; i < 3; i += 1) annas.push((await ok(admin.post('/api/v1/leads', { company: `Anna ${i}`, ownerId: anna.userId }), 201)).id);
    await ok(admin.post('/api/v1/accounts', { name: 'Anna’s account', ownerId: anna.userId }), 201);

    const refused = await admin.post('/api/v1/routing/reassign', { fromUserId: anna.userId, reason: 'Anna leaves' });
    assert.equal(refused.statusCode, 400, 'accounts have no active rule set: name someone');
    const result = await ok(admin.post('/api/v1/routing/reassign', { fromUserId: anna.userId, reason: 'Anna leaves', accounts: false }));
    assert.deepEqual(result, { leads: { moved: 3, unassigned: 0 }, accounts: { moved: 0, unassigned: 0 } });
    for (const id of annas) {
      const lead = await ok(admin.get(`/api/v1/leads/${id}`));
      assert.ok([ben.userId, chloe.userId].includes(lead.ownerId), 'never back to Anna');
      const [decision] = (await ok(admin.get(`/api/v1/routing/decisions?leadId=${id}`))).data;
      assert.equal(decision.kind, 'reassignment');
      assert.match(decision.reason, /^Anna leaves \(from Anna\): rule 1 "Reps" matched/);
    }
    const toBen = await ok(admin.post('/api/v1/routing/reassign', { fromUserId: anna.userId, toUserId: ben.userId, reason: 'Anna leaves', leads: false }));
    assert.deepEqual(toBen.accounts, { moved: 1, unassigned: 0 });
    const audit = (await ok(admin.get(`/api/v1/audit-log/lead/${annas[0]}`))).data[0];
    assert.match(audit.reason, /^Anna leaves/);
    const rep = await anna.post('/api/v1/routing/reassign', { fromUserId: ben.userId, reason: 'x' });
    assert.equal(rep.statusCode, 403);
  });
});

describe('my territory', () => {
  test('accounts with coverage and open leads of my territories and the territories under them', async () => {
    const admin = await newOrg(t, 'Coverage');
    const anna = await addUser(t, admin, 'rep', 'Anna');
    const dach = await ok(admin.post('/api/v1/territories', { name: 'DACH', criteria: { countries: ['DE', 'AT'] }, members: [{ userId: anna.userId, role: 'rep' }] }), 201);
    await ok(admin.post('/api/v1/territories', { name: 'Austria', parentId: dach.id, criteria: { countries: ['AT'] } }), 201);
    const recent = await ok(admin.post('/api/v1/accounts', { name: 'Recent GmbH', country: 'DE' }), 201);
    const stale = await ok(admin.post('/api/v1/accounts', { name: 'Stale AG', country: 'AT' }), 201);
    await ok(admin.post('/api/v1/accounts', { name: 'Never KG', country: 'DE' }), 201);
    await ok(admin.post('/api/v1/accounts', { name: 'Paris SA', country: 'FR' }), 201);
    const actor = systemActor(admin.orgId, admin.userId);
    await logActivity(t.database.db, actor, { subjectType: 'account', subjectId: recent.id, kind: 'call', summary: 'Intro call', occurredAt: new Date(Date.now() - 10 * 86_400_000) });
    await logActivity(t.database.db, actor, { subjectType: 'account', subjectId: stale.id, kind: 'call', summary: 'Old call', occurredAt: new Date(Date.now() - 120 * 86_400_000) });
    await ok(admin.post('/api/v1/leads', { company: 'Open lead', country: 'AT' }), 201);
    await ok(admin.post('/api/v1/leads', { company: 'Closed lead', country: 'DE', status: 'disqualified', disqualifiedReason: 'No budget' }), 201);

    const view = await ok(anna.get('/api/v1/my-territory'));
    assert.deepEqual(view.territories.map((x: Json) => x.name), ['DACH']);
    assert.deepEqual(view.coverage, { accounts: 3, touchedRecently: 1, notTouchedIn90Days: 1, neverTouched: 1, openLeads: 1 });
    assert.deepEqual(view.accounts.map((a: Json) => [a.name, a.coverage]), [['Never KG', 'never'], ['Stale AG', 'stale'], ['Recent GmbH', 'recent']]);
    assert.deepEqual(view.leads.map((l: Json) => l.company), ['Open lead']);
    const managerView = await ok(admin.get(`/api/v1/my-territory?userId=${anna.userId}`));
    assert.equal(managerView.coverage.accounts, 3);
    assert.equal((await ok(admin.get('/api/v1/my-territory'))).coverage.accounts, 0, 'the admin has no territory');
  });
});
