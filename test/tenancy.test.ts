import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newOrg, startTestApp } from './helpers.ts';

// Org B's admin, with every right in its own org, must never read or change org A's rows: every
// API route is tried with org A's real ids, and every list is searched for them.
const t = await startTestApp({ jobs: true });
const orgA = await newOrg(t, 'Alpha');
const orgB = await newOrg(t, 'Beta');

const leadA = (await orgA.post('/api/v1/leads', { firstName: 'Alice', lastName: 'Alpha', email: 'alice@alpha.test', company: 'Alpha Inc' })).json();
const accountA = (await orgA.post('/api/v1/accounts', { name: 'Alpha Account', domain: 'alpha.test' })).json();
const contactA = (await orgA.post('/api/v1/contacts', { lastName: 'Alpha Contact', accountId: accountA.id })).json();
const keyA = (await orgA.post('/api/v1/api-keys', { name: 'alpha key' })).json();
const teamA = (await orgA.post('/api/v1/teams', { name: 'Alpha Team' })).json();
const pipelineA = (await orgA.get('/api/v1/pipelines')).json().data[0];
const productA = (await orgA.post('/api/v1/products', { sku: 'ALPHA-1', name: 'Alpha Product', billing: 'one_time', prices: [{ currency: 'USD', unitPrice: 100 }] })).json();
const dealA = (await orgA.post('/api/v1/opportunities', { name: 'Alpha deal', accountId: accountA.id, currency: 'USD' })).json();
await orgA.post(`/api/v1/opportunities/${dealA.id}/line-items`, { productId: productA.id, quantity: 1, discountPercent: 50 });
const approvalA = (await orgA.post(`/api/v1/opportunities/${dealA.id}/approvals`, {})).json().requests[0];
const tierA = (await orgA.post('/api/v1/partner-tiers', { name: 'Alpha Tier' })).json();
const partnerA = (await orgA.post('/api/v1/partners', { name: 'Alpha Partner', kind: 'reseller', tierId: tierA.id })).json();
const registrationA = (await orgA.post('/api/v1/deal-registrations', { partnerId: partnerA.id, company: 'Alpha Prospect', contactName: 'Al Alpha', amount: 100, currency: 'USD', closeDate: '2027-01-31' })).json();
const idsOfA: Record<string, string> = {
  leads: leadA.id,
  accounts: accountA.id,
  contacts: contactA.id,
  'api-keys': keyA.id,
  users: orgA.userId,
  teams: teamA.id,
  pipelines: pipelineA.id,
  products: productA.id,
  opportunities: dealA.id,
  approvals: approvalA.id,
  'partner-tiers': tierA.id,
  partners: partnerA.id,
  'deal-registrations': registrationA.id,
};
const allIdsOfA = [...Object.values(idsOfA), orgA.orgId];
const routes = t.app.apiRoutes.filter((route) => !route.public);

function urlWithIdsOfA(url: string): string {
  if (url.includes(':entityType')) return url.replace(':entityType', 'lead').replace(':entityId', leadA.id);
  const resource = url.split('/')[3] ?? '';
  const id = idsOfA[resource] ?? leadA.id;
  return url
    .replace(/:[A-Za-z]*[iI]d\b/g, id)
    .replace(/:[A-Za-z]+/g, id);
}

test('no route reads or writes org A\'s records for org B', async () => {
  const tried: string[] = [];
  for (const route of routes.filter((r) => r.url.includes(':'))) {
    const url = urlWithIdsOfA(route.url);
    const payload = route.method === 'GET' || route.method === 'DELETE' ? undefined : { name: 'hijack', status: 'working', company: 'Hijack', toUserId: orgB.userId, reason: 'x' };
    const res = await orgB.request({ method: route.method as 'GET', url, ...(payload ? { payload } : {}) });
    tried.push(`${route.method} ${url} → ${res.statusCode}`);
    // A read may answer an empty list (a record's history), but never org A's data; a write must fail.
    if (route.method === 'GET' && res.statusCode === 200) {
      for (const secret of [...allIdsOfA, 'alice@alpha.test', 'Alpha Account', 'alpha key']) {
        assert.ok(!res.body.includes(secret), `${route.method} ${url} leaked org A's ${secret}`);
      }
    } else {
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${route.method} ${url} answered ${res.statusCode} to another org: ${res.body.slice(0, 200)}`);
    }
  }
  assert.ok(tried.length >= 10, tried.join('\n'));
  const unchanged = await orgA.get(`/api/v1/leads/${leadA.id}`);
  assert.equal(unchanged.json().version, 1, 'org A\'s lead was not changed');
  assert.equal(unchanged.json().deletedAt, null);
  assert.equal((await orgA.get(`/api/v1/accounts/${accountA.id}`)).json().name, 'Alpha Account');
  assert.equal((await orgA.get('/api/v1/api-keys')).json().data[0].revokedAt, null);
});

test('no list, search or filter of org B shows org A\'s rows', async () => {
  await orgB.post('/api/v1/leads', { firstName: 'Bob', company: 'Alpha Inc' });
  for (const route of routes.filter((r) => r.method === 'GET' && !r.url.includes(':'))) {
    for (const query of ['', '?q=alpha', `?ownerId=${orgA.userId}`, `?accountId=${accountA.id}`]) {
      const res = await orgB.get(`${route.url}${query}`);
      if (res.statusCode >= 400) continue;
      for (const id of allIdsOfA) assert.ok(!res.body.includes(id), `GET ${route.url}${query} leaked an id of org A`);
      assert.ok(!res.body.includes('alice@alpha.test'), `GET ${route.url}${query} leaked org A's data`);
    }
  }
});

test('org B cannot create records that point into org A', async () => {
  const contact = await orgB.post('/api/v1/contacts', { lastName: 'Sneaky', accountId: accountA.id });
  assert.equal(contact.statusCode, 400);
  const lead = await orgB.post('/api/v1/leads', { company: 'Sneaky', ownerId: orgA.userId });
  assert.equal(lead.statusCode, 400);
  const bulk = await orgB.post('/api/v1/leads/bulk', { ids: [leadA.id], action: 'delete' });
  assert.deepEqual(bulk.json(), { updated: 0 });
  assert.equal((await orgA.get(`/api/v1/leads/${leadA.id}`)).json().deletedAt, null);
});

test('org B cannot put org A\'s accounts, contacts or products on its deals', async () => {
  assert.equal((await orgB.post('/api/v1/opportunities', { name: 'Sneaky', accountId: accountA.id })).statusCode, 400);
  const dealB = (await orgB.post('/api/v1/opportunities', { name: 'Beta deal', currency: 'USD' })).json();
  assert.equal((await orgB.post(`/api/v1/opportunities/${dealB.id}/line-items`, { productId: productA.id, quantity: 1 })).statusCode, 400);
  assert.equal((await orgB.request({ method: 'PUT', url: `/api/v1/opportunities/${dealB.id}/contacts/${contactA.id}`, payload: { roles: ['champion'] } })).statusCode, 400);
  assert.equal((await orgB.post(`/api/v1/opportunities/${dealB.id}/move`, { stageId: pipelineA.stages[1].id })).statusCode, 400);
  assert.equal((await orgB.post(`/api/v1/accounts/${accountA.id}/expansions`, { productIds: [productA.id] })).statusCode, 400);
});
