// `leadflow partners …` through a running server's API, as an operator and as a partner user.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptInvitation } from '../src/modules/users/service.ts';
import { leadflow } from './cli-helpers.ts';
import { newOrg, PASSWORD, signIn, startTestApp } from './helpers.ts';

const t = await startTestApp();
await t.app.listen({ port: 0, host: '127.0.0.1' });
const address = t.app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

test('partners list and registrations: the operator sees all, a partner user only their own', { timeout: 120_000 }, async () => {
  const admin = await newOrg(t, 'CLI partners');
  const tier = (await admin.post('/api/v1/partner-tiers', { name: 'Gold' })).json();
  const mine = (await admin.post('/api/v1/partners', { name: 'Northwind', kind: 'reseller', tierId: tier.id })).json();
  const other = (await admin.post('/api/v1/partners', { name: 'Contoso', kind: 'referral' })).json();
  const email = `cli-partner-${Date.now()}@northwind.test`;
  const invited = (await admin.post(`/api/v1/partners/${mine.id}/users`, { email, name: 'Paul' })).json();
  await acceptInvitation(t.database.db, { token: invited.inviteToken, password: PASSWORD });
  const partnerUser = await signIn(t.app, email);
  const base = { amount: 120_000, currency: 'EUR', closeDate: '2027-01-31', contactName: 'A Buyer' };
  assert.equal((await partnerUser.post('/api/v1/deal-registrations', { ...base, company: 'Initech' })).statusCode, 201);
  assert.equal((await admin.post('/api/v1/deal-registrations', { ...base, company: 'Hidden Prospect', partnerId: other.id })).statusCode, 201);

  const [list, all, own, refused] = await Promise.all([
    leadflow(['partners', 'list'], { LEADFLOW_URL: url, LEADFLOW_API_KEY: admin.key }),
    leadflow(['partners', 'registrations', '--status', 'pending'], { LEADFLOW_URL: url, LEADFLOW_API_KEY: admin.key }),
    leadflow(['partners', 'registrations'], { LEADFLOW_URL: url, LEADFLOW_API_KEY: partnerUser.key }),
    leadflow(['partners', 'list'], { LEADFLOW_URL: url, LEADFLOW_API_KEY: partnerUser.key }),
  ]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /Northwind \(reseller, Gold, 1 user\(s\)\)/);
  assert.match(list.stdout, /Contoso \(referral, no tier, 0 user\(s\)\)/);
  assert.match(all.stdout, /2 registration\(s\)/);
  assert.equal(own.code, 0, own.stderr);
  assert.match(own.stdout, /Initech — Northwind, 1200\.00 EUR/);
  assert.doesNotMatch(own.stdout, /Hidden Prospect/);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /role does not allow/);
});
