import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signIn, startTestApp } from '../../../test/helpers.ts';
import { DEMO_ADMIN_EMAIL, DEMO_ORG_NAME, DEMO_PASSWORD, seedDemo } from './service.ts';

const t = await startTestApp();

const counts = async () =>
  (
    await t.database.executeSql(
      'select (select count(*) from organizations) as orgs, (select count(*) from users) as users, (select count(*) from leads) as leads, (select count(*) from accounts) as accounts, (select count(*) from contacts) as contacts',
    )
  ).rows[0]!;

test('the demo organisation loads once, with its staff, teams, accounts and leads, and its admin signs in', async () => {
  const lines: string[] = [];
  const started = Date.now();
  const first = await seedDemo(t.database, (line) => lines.push(line));
  assert.equal(first.created, true);
  assert.ok(Date.now() - started < 30_000, 'a few seconds, not minutes');
  assert.match(lines.join('\n'), /Sign in as admin@northwind\.demo \/ northwind-demo/);

  const admin = await signIn(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
  const users = (await admin.get('/api/v1/users')).json().data as { role: string }[];
  const roles = users.map((u) => u.role).sort();
  assert.deepEqual(roles, ['admin', 'executive', 'manager', 'partner', 'rep', 'rep', 'rep', 'rep', 'rep']);
  const teams = (await admin.get('/api/v1/teams')).json().data as { name: string; memberIds: string[] }[];
  assert.deepEqual(teams.map((team) => team.name), ['Inside Sales EMEA', 'Inside Sales NA']);
  assert.deepEqual(teams.map((team) => team.memberIds.length), [3, 2]);

  const leads = (await admin.get('/api/v1/leads?limit=500')).json();
  assert.equal(leads.data.length, 500);
  assert.ok(leads.nextCursor, 'more than one page of leads');
  const oldest = (await admin.get('/api/v1/leads?sort=createdAt&limit=1')).json().data[0];
  assert.ok(Date.now() - Date.parse(oldest.createdAt) > 150 * 24 * 3600 * 1000, 'history goes back months');
  const accounts = (await admin.get('/api/v1/accounts?limit=5')).json();
  assert.equal(accounts.data.length, 5);

  const row = await counts();
  assert.ok(Number(row.leads) >= 2900 && Number(row.leads) <= 3100);
  assert.equal(Number(row.accounts), 300);
  assert.ok(Number(row.contacts) >= 300 && Number(row.contacts) <= 1500);

  // A rep signs in with the same documented password and sees the leads of the team's territory.
  const rep = await signIn(t.app, 'sophie.laurent@northwind.demo', DEMO_PASSWORD);
  assert.equal((await rep.get('/api/v1/leads?limit=1')).statusCode, 200);
});

test('a second run adds nothing', async () => {
  const before = await counts();
  const lines: string[] = [];
  const again = await seedDemo(t.database, (line) => lines.push(line));
  assert.equal(again.created, false);
  assert.match(lines.join('\n'), new RegExp(`"${DEMO_ORG_NAME}" is already there; nothing added`));
  assert.deepEqual(await counts(), before);
});
