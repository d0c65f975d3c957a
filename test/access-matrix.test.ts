import assert from 'node:assert/strict';
import { test } from 'node:test';
import { can, ROLES } from '../src/core/roles.ts';
import { ADMIN_SCOPE_PERMISSIONS } from '../src/http/auth.ts';
import { addUser, newOrg, startTestApp, type Caller } from './helpers.ts';

// The access matrix, generated from the routes' own declarations (config.permission) and the one
// PERMISSIONS table: every role against every API route, plus an anonymous caller and the three API
// key scopes. The last column, another org's admin, is test/tenancy.test.ts: every route with a
// path parameter called with this org's real ids must refuse (4xx) or, for reads, show nothing.
const t = await startTestApp({ jobs: true });
const admin = await newOrg(t, 'Matrix');
const callers: Record<string, Caller> = { admin };
for (const role of ROLES.filter((r) => r !== 'admin')) callers[role] = await addUser(t, admin, role);
const PLACEHOLDER_ID = '01900000-0000-7000-8000-000000000000';

const concreteUrl = (url: string) => url.replace(/:[A-Za-z]+/g, PLACEHOLDER_ID);
const routes = t.app.apiRoutes.filter((route) => !route.public);

test('the API has routes to check, and each protected one declares what it needs or is self-service', () => {
  assert.ok(routes.length > 20, `only ${routes.length} routes found`);
  const selfService = routes.filter((r) => !r.permission).map((r) => `${r.method} ${r.url}`);
  // Routes without a permission act only on the caller's own session, keys or profile.
  for (const route of selfService) assert.match(route, /\/auth\/|\/users\/me\/|\/users\/:id$/, route);
});

test('anonymous callers get 401 on every protected route', async () => {
  for (const route of routes) {
    const res = await t.app.inject({ method: route.method as 'GET', url: concreteUrl(route.url), payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
    assert.equal(res.statusCode, 401, `${route.method} ${route.url} → ${res.statusCode}`);
  }
});

for (const role of ROLES) {
  test(`${role}: allowed exactly where the permission table says`, async () => {
    const caller = callers[role]!;
    for (const route of routes.filter((r) => r.permission)) {
      const res = await caller.request({ method: route.method as 'GET', url: concreteUrl(route.url), payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
      const allowed = can(role, route.permission!);
      if (allowed) assert.notEqual(res.statusCode, 403, `${role} should reach ${route.method} ${route.url}: ${res.body}`);
      else assert.equal(res.statusCode, 403, `${role} must be refused ${route.method} ${route.url}, got ${res.statusCode}`);
      assert.ok(res.statusCode < 500, `${role} ${route.method} ${route.url} → ${res.statusCode} ${res.body}`);
    }
  });
}

// Record visibility over the same generated route list: with every object set to `own`, each GET
// about one record (`/leads/:id/…`, `/accounts/:id/…`, …) answers another rep's record with 404,
// as for another org's; the owner and admins still reach it.
test('record visibility: every read route about a record hides records the caller may not see', async () => {
  const owner = await addUser(t, admin, 'rep', 'Owner Rep');
  const records: Record<string, string> = {
    leads: (await owner.post('/api/v1/leads', { lastName: 'Hidden', company: 'Hidden Co' })).json().id,
    accounts: (await owner.post('/api/v1/accounts', { name: 'Hidden Account' })).json().id,
  };
  records.contacts = (await owner.post('/api/v1/contacts', { lastName: 'Hidden', accountId: records.accounts })).json().id;
  records.opportunities = (await owner.post('/api/v1/opportunities', { name: 'Hidden deal', accountId: records.accounts })).json().id;
  const modes = { leads: 'own', contacts: 'own', accounts: 'own', opportunities: 'own' };
  assert.equal((await admin.patch('/api/v1/org-settings', { recordVisibility: modes })).statusCode, 200);
  try {
    const about = routes.filter((r) => r.method === 'GET' && /^\/api\/v1\/(leads|accounts|contacts|opportunities)\/:id(\/[a-z-]+)*$/.test(r.url) && r.permission && can('rep', r.permission));
    assert.ok(about.length >= 10, `only ${about.length} record routes`);
    let informative = 0;
    for (const route of about) {
      const url = route.url.replace(':id', records[route.url.split('/')[3]!]!);
      // A hidden record answers exactly as a record that does not exist.
      const missing = await owner.get(concreteUrl(route.url));
      const hidden = await callers.rep!.get(url);
      assert.equal(hidden.statusCode, missing.statusCode, `another rep reads ${route.url}: ${hidden.body}`);
      assert.equal(hidden.json().detail, missing.json().detail, `another rep reads ${route.url}`);
      const mine = await owner.get(url);
      assert.ok(mine.statusCode < 500, `owner reads ${route.url} → ${mine.statusCode} ${mine.body}`);
      // Some reads are 404 for the owner too (a lead's conversion before it is converted).
      if (mine.statusCode === 404) continue;
      informative += 1;
      assert.equal(hidden.statusCode, 404, `another rep reads ${route.url}`);
      assert.notEqual((await admin.get(url)).statusCode, 404, `admin reads ${route.url}`);
    }
    assert.ok(informative >= 10, `only ${informative} routes told the owner something`);
  } finally {
    await admin.patch('/api/v1/org-settings', { recordVisibility: { leads: 'everyone', contacts: 'everyone', accounts: 'everyone', opportunities: 'everyone' } });
  }
});

// The API key column of the matrix: a `read` key may only read, a `write` key everything but the
// admin-scoped permissions (ADMIN_SCOPE_PERMISSIONS), whatever its user's role allows.
test('API key scopes: read keys never write, write keys never administer', async () => {
  const keyOf = async (scope: string) => (await admin.post('/api/v1/api-keys', { name: `${scope} key`, scope })).json().key as string;
  const [readKey, writeKey] = [await keyOf('read'), await keyOf('write')];
  const send = (key: string, route: (typeof routes)[number]) =>
    t.app.inject({ method: route.method as 'GET', url: concreteUrl(route.url), headers: { authorization: `Bearer ${key}` }, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
  for (const route of routes) {
    const write = route.method !== 'GET';
    const adminScoped = Boolean(route.permission && ADMIN_SCOPE_PERMISSIONS.has(route.permission));
    const asRead = await send(readKey, route);
    if (write) assert.equal(asRead.json().code, 'insufficient_scope', `read key ${route.method} ${route.url} → ${asRead.statusCode}`);
    if (write || adminScoped) {
      const asWrite = await send(writeKey, route);
      if (adminScoped) assert.equal(asWrite.json().code, 'insufficient_scope', `write key ${route.method} ${route.url} → ${asWrite.statusCode}`);
      else assert.notEqual(asWrite.statusCode, 403, `write key ${route.method} ${route.url}: ${asWrite.body}`);
    }
  }
});
