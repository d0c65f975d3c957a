import assert from 'node:assert/strict';
import { test } from 'node:test';
import { can } from '../src/core/roles.ts';
import { acceptInvitation } from '../src/modules/users/service.ts';
import { newOrg, PASSWORD, signIn, startTestApp, type Caller } from './helpers.ts';

// A partner user, attacking: every route of the app with their session, every id they could
// guess (internal records, another partner's registration in the same org, another org's), every
// list with every filter, the exports and the API description. They must see their own partner
// org's registrations and the notes shared with them, and nothing else.
const t = await startTestApp({ jobs: true });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let counter = 0;

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

async function partnerUser(admin: Caller, partnerId: string, name: string): Promise<Caller> {
  const email = `${name.toLowerCase()}-${process.pid}-${(counter += 1)}@partner.test`;
  const invited = await ok(admin.post(`/api/v1/partners/${partnerId}/users`, { email, name }), 201);
  await acceptInvitation(t.database.db, { token: invited.inviteToken, password: PASSWORD });
  return signIn(t.app, email);
}

const registration = (company: string, domain: string) => ({ company, domain, contactName: 'Some Body', contactEmail: `buyer@${domain}`, amount: 1_000_00, currency: 'USD', closeDate: '2027-06-30' });

// Org A: internal records, two partners with registrations, notes shared and not.
const admin = await newOrg(t, 'Vendor');
const lead = await ok(admin.post('/api/v1/leads', { firstName: 'Ina', lastName: 'Internal', email: 'ina@secret-lead.test', company: 'Secret Lead Co' }), 201);
const account = await ok(admin.post('/api/v1/accounts', { name: 'Secret Account Ltd', domain: 'secret-account.test' }), 201);
const contact = await ok(admin.post('/api/v1/contacts', { lastName: 'Hidden Contact', email: 'hidden@secret-account.test', accountId: account.id }), 201);
const deal = await ok(admin.post('/api/v1/opportunities', { name: 'Secret Deal', accountId: account.id, amount: 99_000_00, currency: 'USD' }), 201);
const tier = await ok(admin.post('/api/v1/partner-tiers', { name: 'Platinum' }), 201);
const mine = await ok(admin.post('/api/v1/partners', { name: 'Mine Reseller', kind: 'reseller', tierId: tier.id }), 201);
const rival = await ok(admin.post('/api/v1/partners', { name: 'Rival Referrals', kind: 'referral' }), 201);
const me = await partnerUser(admin, mine.id, 'Mallory');
const colleague = await partnerUser(admin, mine.id, 'Colleague');
const rivalUser = await partnerUser(admin, rival.id, 'Rival');
const myReg = await ok(me.post('/api/v1/deal-registrations', registration('My Prospect', 'my-prospect.test')), 201);
const colleagueReg = await ok(colleague.post('/api/v1/deal-registrations', registration('Colleague Prospect', 'colleague-prospect.test')), 201);
const rivalReg = await ok(rivalUser.post('/api/v1/deal-registrations', registration('Rival Prospect', 'rival-prospect.test')), 201);
await ok(admin.post(`/api/v1/deal-registrations/${myReg.id}/notes`, { body: 'INTERNAL ONLY: they are on our churn list' }), 201);
await ok(admin.post(`/api/v1/deal-registrations/${myReg.id}/notes`, { body: 'Shared: please send the buyer list', shared: true }), 201);
await ok(admin.post(`/api/v1/deal-registrations/${rivalReg.id}/notes`, { body: 'Rival shared note', shared: true }), 201);
// A conflicting registration: the internal side sees the conflict, the partner never does.
const conflicting = await ok(me.post('/api/v1/deal-registrations', registration('Secret Account', 'secret-account.test')), 201);
await ok(admin.patch(`/api/v1/opportunities/${deal.id}`, { partnerId: rival.id, partnerRole: 'influenced' }));

// Org B: its own partner and registration.
const adminB = await newOrg(t, 'OtherVendor');
const partnerB = await ok(adminB.post('/api/v1/partners', { name: 'Org B Partner', kind: 'technology' }), 201);
const userB = await partnerUser(adminB, partnerB.id, 'Bert');
const regB = await ok(userB.post('/api/v1/deal-registrations', registration('Org B Prospect', 'orgb-prospect.test')), 201);

const foreignIds: string[] = [lead.id, account.id, contact.id, deal.id, rivalReg.id, rival.id, regB.id, partnerB.id, admin.userId, rivalUser.userId, adminB.orgId, tier.id];
const secrets = [
  ...foreignIds,
  'ina@secret-lead.test', 'Secret Lead Co', 'Secret Account Ltd', 'Hidden Contact', 'Secret Deal', 'Rival Prospect', 'Rival Referrals', 'Rival shared note',
  'Org B Prospect', 'Org B Partner', 'INTERNAL ONLY', 'hidden@secret-account.test',
];
const routes = t.app.apiRoutes.filter((route) => !route.public);

function assertNoSecrets(what: string, body: string): void {
  for (const secret of secrets) assert.ok(!body.includes(secret), `${what} leaked ${secret}`);
}

test('the partner reaches only the registration routes, self-service and their own keys, notifications and notification preferences', () => {
  const reachable = routes.filter((r) => !r.permission || can('partner', r.permission)).map((r) => `${r.method} ${r.url}`);
  for (const route of reachable) assert.match(route, /deal-registrations|partner-portal|\/auth\/|\/users\/me|\/users\/:id$|api-keys|notifications|notification-preferences/, route);
});

test('every route with a guessed id: 4xx, or a read that shows nothing of anyone else', async () => {
  const payload = { name: 'hijack', body: 'hijack note', shared: true, decision: 'approve', reason: 'x', status: 'working', company: 'Hijack', partnerId: mine.id, partnerRole: 'sourced', accountId: account.id };
  let tried = 0;
  for (const route of routes.filter((r) => r.url.includes(':'))) {
    for (const id of foreignIds) {
      const url = route.url.replace(':entityType', 'opportunity').replace(/:[A-Za-z]+/g, id);
      const res = await me.request({ method: route.method as 'GET', url, ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload }) });
      tried += 1;
      assert.ok(res.statusCode < 500, `${route.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (route.method === 'GET' && res.statusCode === 200) assertNoSecrets(`GET ${url}`, res.body);
      else assert.ok(res.statusCode >= 400, `${route.method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    }
  }
  assert.ok(tried > 100);
  // Nothing was changed on the way.
  assert.equal((await ok(admin.get(`/api/v1/deal-registrations/${rivalReg.id}`))).notes.length, 1);
  assert.equal((await ok(admin.get(`/api/v1/opportunities/${deal.id}`))).partnerId, rival.id);
  assert.equal((await ok(adminB.get(`/api/v1/deal-registrations/${regB.id}`))).status, 'pending');
});

test('every list, search, filter and export: only their own partner org’s registrations', async () => {
  const queries = ['', '?q=Secret', '?q=Rival', `?partnerId=${rival.id}`, `?ownerId=${admin.userId}`, `?accountId=${account.id}`, '?status=pending', '?limit=500', `?partnerId=${partnerB.id}`];
  for (const route of routes.filter((r) => r.method === 'GET' && !r.url.includes(':'))) {
    for (const query of queries) {
      const res = await me.get(`${route.url}${query}`);
      assert.ok(res.statusCode < 500, `GET ${route.url}${query} → ${res.statusCode}`);
      if (res.statusCode === 200) assertNoSecrets(`GET ${route.url}${query}`, res.body);
    }
  }
  for (const url of ['/api/v1/leads/export.csv', '/api/v1/accounts/export.csv', '/api/v1/contacts/export.csv', '/api/v1/opportunities?q=Secret', '/api/v1/partner-report', '/api/v1/partners', '/api/v1/users']) {
    const res = await me.get(url);
    assert.equal(res.statusCode, 403, `${url} → ${res.statusCode}`);
  }
  const list = await ok(me.get('/api/v1/deal-registrations?limit=500'));
  assert.deepEqual(list.data.map((r: Json) => r.id).sort(), [myReg.id, colleagueReg.id, conflicting.id].sort(), 'their own partner org’s registrations, the colleague’s included');
  assert.deepEqual((await ok(me.get(`/api/v1/deal-registrations?partnerId=${rival.id}`))).data, [], 'a filter for another partner finds nothing');
});

test('the registration itself: shared notes only, no conflicts, no internal ids', async () => {
  const detail = await ok(me.get(`/api/v1/deal-registrations/${myReg.id}`));
  assert.deepEqual(detail.notes.map((n: Json) => n.body), ['Shared: please send the buyer list']);
  assertNoSecrets('my registration', JSON.stringify(detail));
  const withConflict = await ok(me.get(`/api/v1/deal-registrations/${conflicting.id}`));
  assert.deepEqual(withConflict.conflicts, []);
  assert.ok((await ok(admin.get(`/api/v1/deal-registrations/${conflicting.id}`))).conflicts.some((c: Json) => c.id === account.id), 'internal side sees it');
  // They may write on their own and their colleague's registration (shared across their org) …
  await ok(me.post(`/api/v1/deal-registrations/${colleagueReg.id}/notes`, { body: 'I can help here' }), 201);
  // … but not decide, and not register for another partner.
  assert.equal((await me.post(`/api/v1/deal-registrations/${myReg.id}/decision`, { decision: 'approve' })).statusCode, 403);
  // Another partner's registration cannot be withdrawn: it is "not found", and stays pending.
  assert.equal((await me.post(`/api/v1/deal-registrations/${rivalReg.id}/withdraw`, {})).statusCode, 404);
  assert.equal((await rivalUser.post(`/api/v1/deal-registrations/${myReg.id}/withdraw`, {})).statusCode, 404);
  assert.equal((await ok(admin.get(`/api/v1/deal-registrations/${rivalReg.id}`))).status, 'pending');
  assert.equal((await ok(admin.get(`/api/v1/deal-registrations/${myReg.id}`))).status, 'pending');
  const forRival = await ok(me.post('/api/v1/deal-registrations', { ...registration('Sneaky', 'sneaky.test'), partnerId: rival.id }), 201);
  assert.equal(forRival.partnerId, mine.id, 'a partnerId in the body is ignored for partner users');
});

test('a partner of another org sees nothing of this org', async () => {
  for (const id of [myReg.id, rivalReg.id, conflicting.id]) {
    assert.equal((await userB.get(`/api/v1/deal-registrations/${id}`)).statusCode, 404);
    assert.equal((await userB.post(`/api/v1/deal-registrations/${id}/notes`, { body: 'x' })).statusCode, 404);
    assert.equal((await userB.post(`/api/v1/deal-registrations/${id}/withdraw`, {})).statusCode, 404);
  }
  const list = await ok(userB.get('/api/v1/deal-registrations?limit=500'));
  assert.deepEqual(list.data.map((r: Json) => r.id), [regB.id]);
  assert.equal((await ok(userB.get('/api/v1/partner-portal'))).partner.name, 'Org B Partner');
});

// Fails while another module's schema breaks the whole document (a 500 for everyone): that is a
// bug of the API description, not of partner isolation, and this test is where it shows.
test('the API description is the same public document for everyone and holds no records', async () => {
  const anonymous = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
  const asPartner = await me.get('/api/docs/json');
  assert.equal(anonymous.statusCode, 200);
  assert.equal(asPartner.body, anonymous.body);
  assertNoSecrets('the API description', asPartner.body);
});
