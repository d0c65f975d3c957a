import assert from 'node:assert/strict';
import { test } from 'node:test';
import { can, ROLES } from '../src/core/roles.ts';
import { addUser, newOrg, startTestApp, type Caller } from './helpers.ts';

// The access matrix, generated from the routes' own declarations (config.permission) and the one
// PERMISSIONS table: every role against every API route, plus an anonymous caller.
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
