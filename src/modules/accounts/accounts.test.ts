import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Accounts');

describe('accounts and contacts', () => {
  test('an account with linked contacts and a subsidiary reads back as one page', async () => {
    const parent = await admin.post('/api/v1/accounts', { name: 'Globex Holding', domain: 'https://www.Globex.com/about', industry: 'Manufacturing', employeeCount: 5000, country: 'us' });
    assert.equal(parent.statusCode, 201, parent.body);
    assert.equal(parent.json().domain, 'globex.com');
    assert.equal(parent.json().country, 'US');
    const child = (await admin.post('/api/v1/accounts', { name: 'Globex GmbH', parentAccountId: parent.json().id, country: 'DE' })).json();
    const contact = await admin.post('/api/v1/contacts', { firstName: 'Hank', lastName: 'Scorpio', email: 'Hank@Globex.com', title: 'CEO', accountId: parent.json().id });
    assert.equal(contact.statusCode, 201);
    const loose = (await admin.post('/api/v1/contacts', { firstName: 'Frank', lastName: 'Grimes' })).json();
    const linked = await admin.patch(`/api/v1/contacts/${loose.id}`, { accountId: parent.json().id });
    assert.equal(linked.json().accountId, parent.json().id);

    const page = (await admin.get(`/api/v1/accounts/${parent.json().id}`)).json();
    assert.deepEqual(page.contacts.map((c: { lastName: string }) => c.lastName), ['Grimes', 'Scorpio']);
    assert.deepEqual(page.children.map((c: { id: string }) => c.id), [child.id]);
    const byAccount = (await admin.get(`/api/v1/contacts?accountId=${parent.json().id}`)).json().data;
    assert.equal(byAccount.length, 2);
  });

  test('search finds accounts by name or domain and contacts by name or email', async () => {
    await admin.post('/api/v1/accounts', { name: 'Initech', domain: 'initech.io' });
    await admin.post('/api/v1/contacts', { firstName: 'Peter', lastName: 'Gibbons', email: 'peter@initech.io' });
    assert.equal((await admin.get('/api/v1/accounts?q=initech.io')).json().data[0].name, 'Initech');
    assert.equal((await admin.get('/api/v1/accounts?q=INITE')).json().data.length, 1);
    assert.equal((await admin.get('/api/v1/contacts?q=gibb')).json().data[0].email, 'peter@initech.io');
    assert.equal((await admin.get('/api/v1/contacts?q=peter@initech')).json().data.length, 1);
  });

  test('an account cannot sit under its own subsidiary, and a contact needs a real account', async () => {
    const top = (await admin.post('/api/v1/accounts', { name: 'Top' })).json();
    const middle = (await admin.post('/api/v1/accounts', { name: 'Middle', parentAccountId: top.id })).json();
    const cycle = await admin.patch(`/api/v1/accounts/${top.id}`, { parentAccountId: middle.id });
    assert.equal(cycle.statusCode, 400);
    assert.equal(cycle.json().errors[0].field, 'parentAccountId');
    const orphan = await admin.post('/api/v1/contacts', { lastName: 'Nobody', accountId: '01900000-0000-7000-8000-000000000000' });
    assert.equal(orphan.statusCode, 400);
    assert.equal(orphan.json().errors[0].field, 'accountId');
  });

  test('account lists page by name without gaps, and a stale edit is refused', async () => {
    const org = await newOrg(t, 'AccountPaging');
    for (const name of ['Delta', 'alpha', 'Charlie', 'Bravo', 'Echo']) await org.post('/api/v1/accounts', { name });
    const first = (await org.get('/api/v1/accounts?limit=2')).json();
    const second = (await org.get(`/api/v1/accounts?limit=2&cursor=${first.nextCursor}`)).json();
    const third = (await org.get(`/api/v1/accounts?limit=2&cursor=${second.nextCursor}`)).json();
    const names = [...first.data, ...second.data, ...third.data].map((a: { name: string }) => a.name);
    assert.equal(names.length, 5);
    assert.equal(new Set(names).size, 5);
    assert.equal(third.nextCursor, null);
    const account = first.data[0];
    assert.equal((await org.patch(`/api/v1/accounts/${account.id}`, { industry: 'Retail' }, { 'if-match': '"1"' })).statusCode, 200);
    assert.equal((await org.patch(`/api/v1/accounts/${account.id}`, { industry: 'Energy' }, { 'if-match': '"1"' })).statusCode, 412);
  });

  test('a rep can work accounts but not reassign them in bulk; partners see none', async () => {
    const rep = await addUser(t, admin, 'rep');
    assert.equal((await rep.post('/api/v1/accounts', { name: 'Rep Account' })).statusCode, 201);
    const partner = await addUser(t, admin, 'partner');
    assert.equal((await partner.get('/api/v1/accounts')).statusCode, 403);
    assert.equal((await partner.get('/api/v1/contacts')).statusCode, 403);
    assert.equal((await partner.get('/api/v1/leads')).statusCode, 403);
  });
});
