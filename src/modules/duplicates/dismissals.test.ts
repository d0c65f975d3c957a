import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newOrg, startTestApp } from '../../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Dismissals');

type Group = { ids: string[] };
const groupsWith = async (id: string) => ((await admin.get('/api/v1/duplicates?type=lead&limit=100')).json().data as Group[]).filter((g) => g.ids.includes(id));

describe('not a duplicate', () => {
  test('a dismissed pair stays out of the next scan (either order), other matches still show, and undo brings it back', async () => {
    const lead = async (firstName: string, email: string) => (await admin.post('/api/v1/leads', { firstName, lastName: 'Twin', email })).json() as { id: string };
    const a = await lead('Ana', 'ana@twins.example');
    const b = await lead('Anna', 'ANA@twins.example');
    const c = await lead('Ben', 'ben@other.example');
    await lead('Benny', 'ben@other.example');
    assert.deepEqual((await groupsWith(a.id)).map((g) => [...g.ids].sort()), [[a.id, b.id].sort()]);

    const dismissed = await admin.post('/api/v1/duplicate-dismissals', { type: 'lead', ids: [b.id, a.id] });
    assert.equal(dismissed.statusCode, 201, dismissed.body);
    const [row] = dismissed.json().data;
    assert.deepEqual(row.ids, [a.id, b.id].sort(), 'stored normalised');
    assert.deepEqual(await groupsWith(a.id), []);
    assert.equal((await groupsWith(c.id)).length, 1, 'other pairs still show');
    // Dismissing again (the other way round) adds nothing.
    assert.deepEqual((await admin.post('/api/v1/duplicate-dismissals', { type: 'lead', ids: [a.id, b.id] })).json().data, []);
    assert.deepEqual((await admin.get('/api/v1/duplicate-dismissals?type=lead')).json().data.map((x: { id: string }) => x.id), [row.id]);
    assert.deepEqual((await admin.get('/api/v1/duplicate-dismissals?type=contact')).json().data, [], 'per record type');

    assert.equal((await admin.del(`/api/v1/duplicate-dismissals/${row.id}`)).statusCode, 204);
    assert.equal((await groupsWith(a.id)).length, 1, 'undone: the pair is back');
    assert.equal((await admin.del(`/api/v1/duplicate-dismissals/${row.id}`)).statusCode, 404);
  });

  test('bad input and other organisations change nothing', async () => {
    const mine = (await admin.post('/api/v1/leads', { lastName: 'Solo' })).json() as { id: string };
    assert.equal((await admin.post('/api/v1/duplicate-dismissals', { type: 'lead', ids: [mine.id, mine.id] })).statusCode, 400);
    const other = await newOrg(t, 'Other dismissals');
    const theirs = (await other.post('/api/v1/leads', { lastName: 'Theirs' })).json() as { id: string };
    assert.equal((await admin.post('/api/v1/duplicate-dismissals', { type: 'lead', ids: [mine.id, theirs.id] })).statusCode, 400);
    assert.equal((await admin.post('/api/v1/duplicate-dismissals', { type: 'contact', ids: [mine.id, mine.id] })).statusCode, 400);
    const kept = (await admin.post('/api/v1/duplicate-dismissals', { type: 'lead', ids: [mine.id, (await admin.post('/api/v1/leads', { lastName: 'Solo 2' })).json().id] })).json().data[0];
    assert.equal((await other.del(`/api/v1/duplicate-dismissals/${kept.id}`)).statusCode, 404);
    assert.deepEqual((await other.get('/api/v1/duplicate-dismissals?type=lead')).json().data, []);
  });
});
