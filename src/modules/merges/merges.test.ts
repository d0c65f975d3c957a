import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';

const t = await startTestApp();

const LEAD_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company', 'title', 'website', 'industry', 'employeeCount', 'country', 'region', 'city', 'postcode', 'status', 'source', 'ownerId', 'notes', 'deletedAt'];
const pick = (record: Record<string, unknown>, fields: string[]) => Object.fromEntries(fields.map((f) => [f, record[f]]));

async function create(caller: Caller, path: string, body: Record<string, unknown>) {
  const res = await caller.post(path, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const noteSummaries = async (caller: Caller, path: string) =>
  (await caller.get(`${path}/timeline?kind=note,merge&limit=100`)).json().data.map((i: { kind: string; summary: string }) => `${i.kind}: ${i.summary}`);

describe('finding duplicates', () => {
  test('leads: same email in any case, same phone in any format, same name at one company domain, similar company', async () => {
    const org = await newOrg(t, 'Finder');
    const a = await create(org, '/api/v1/leads', { firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.test' });
    const b = await create(org, '/api/v1/leads', { firstName: 'Anna', lastName: 'Berg', email: 'ANNA@ACME.TEST', company: 'Acme' });
    const c = await create(org, '/api/v1/leads', { lastName: 'Roth', phone: '+49 40 5550123' });
    const d = await create(org, '/api/v1/leads', { lastName: 'Roth-Meyer', phone: '040 555 0123', country: 'DE' });
    const e = await create(org, '/api/v1/leads', { firstName: 'Tom', lastName: 'Lee', email: 'tom@initech.test' });
    const f = await create(org, '/api/v1/leads', { firstName: 'tom', lastName: 'LEE', email: 'tlee@gmail.com', website: 'https://www.initech.test' });
    const g = await create(org, '/api/v1/leads', { firstName: 'Eva', lastName: 'Nowak', company: 'Globex Corporation' });
    const h = await create(org, '/api/v1/leads', { firstName: 'Eva', lastName: 'Nowak', company: 'Globex Corp' });
    // Not duplicates: the same name at free-mail addresses, a different person at the same company.
    await create(org, '/api/v1/leads', { firstName: 'Sam', lastName: 'Park', email: 'sam.park@gmail.com' });
    await create(org, '/api/v1/leads', { firstName: 'Sam', lastName: 'Park', email: 'parksam@gmail.com' });
    await create(org, '/api/v1/leads', { firstName: 'Bob', lastName: 'Berg', email: 'bob@acme.test' });
    await create(org, '/api/v1/leads', { firstName: 'Eva', lastName: 'Nowak', company: 'Umbrella' });

    const res = await org.get('/api/v1/duplicates?type=lead');
    assert.equal(res.statusCode, 200, res.body);
    const groups = res.json().data as { ids: string[]; score: number; reasons: { reason: string; value: string | null }[]; records: { id: string; name: string }[] }[];
    const sorted = (ids: string[]) => [...ids].sort();
    const find = (ids: string[]) => groups.find((g) => JSON.stringify(g.ids) === JSON.stringify(sorted(ids)));
    assert.equal(groups.length, 4, JSON.stringify(groups.map((g) => g.reasons)));
    assert.deepEqual(find([a.id, b.id])?.reasons.map((r) => [r.reason, r.value]), [['email', 'anna@acme.test'], ['name_and_domain', 'acme.test']]);
    assert.equal(find([a.id, b.id])?.score, 1);
    assert.deepEqual(find([c.id, d.id])?.reasons.map((r) => [r.reason, r.value]), [['phone', '+49405550123']]);
    assert.deepEqual(find([e.id, f.id])?.reasons.map((r) => [r.reason, r.value]), [['name_and_domain', 'initech.test']]);
    const fuzzy = find([g.id, h.id]);
    assert.equal(fuzzy?.reasons[0]?.reason, 'similar_company');
    assert.ok(fuzzy!.score > 0.3 && fuzzy!.score < 0.8, String(fuzzy!.score));
    assert.deepEqual(groups.map((g) => g.score), [...groups.map((g) => g.score)].sort((x, y) => y - x), 'strongest first');
    assert.deepEqual(find([a.id, b.id])?.records.map((r) => r.name), ['Anna Berg', 'Anna Berg']);

    const paged = (await org.get('/api/v1/duplicates?type=lead&limit=3')).json();
    assert.equal(paged.data.length, 3);
    const rest = (await org.get(`/api/v1/duplicates?type=lead&limit=3&cursor=${paged.nextCursor}`)).json();
    assert.deepEqual([...paged.data, ...rest.data].map((g: { ids: string[] }) => g.ids), groups.map((g) => g.ids));
    assert.equal(rest.nextCursor, null);

    const other = await newOrg(t, 'Finder other');
    assert.deepEqual((await other.get('/api/v1/duplicates?type=lead')).json().data, [], 'another organisation sees none of them');
  });

  test('accounts by domain and by similar name (pg_trgm); contacts by email and on the same account', async () => {
    const org = await newOrg(t, 'Finder accounts');
    const globex = await create(org, '/api/v1/accounts', { name: 'Globex Corporation' });
    const globex2 = await create(org, '/api/v1/accounts', { name: 'Globex Corp.' });
    const hooli = await create(org, '/api/v1/accounts', { name: 'Hooli', domain: 'hooli.test' });
    const hooli2 = await create(org, '/api/v1/accounts', { name: 'Hooli XYZ Holdings', domain: 'https://www.hooli.test/' });
    await create(org, '/api/v1/accounts', { name: 'Acme' });
    await create(org, '/api/v1/accounts', { name: 'Apex' });
    const groups = (await org.get('/api/v1/duplicates?type=account')).json().data as { ids: string[]; reasons: { reason: string }[] }[];
    assert.equal(groups.length, 2, JSON.stringify(groups));
    const ids = groups.map((g) => g.ids.join());
    assert.ok(ids.includes([globex.id, globex2.id].sort().join()));
    assert.ok(ids.includes([hooli.id, hooli2.id].sort().join()));
    assert.equal(groups.find((g) => g.ids.includes(globex.id))!.reasons[0]!.reason, 'similar_name');
    assert.equal(groups.find((g) => g.ids.includes(hooli.id))!.reasons[0]!.reason, 'domain');

    const c1 = await create(org, '/api/v1/contacts', { accountId: globex.id, firstName: 'Nina', lastName: 'Sharp' });
    const c2 = await create(org, '/api/v1/contacts', { accountId: globex.id, firstName: 'nina', lastName: 'sharp', email: 'nina@else.test' });
    const c3 = await create(org, '/api/v1/contacts', { firstName: 'Olaf', lastName: 'Rand', email: 'olaf@rand.test' });
    const c4 = await create(org, '/api/v1/contacts', { firstName: 'O.', lastName: 'Rand', email: 'Olaf@Rand.test' });
    await create(org, '/api/v1/contacts', { accountId: hooli.id, firstName: 'Nina', lastName: 'Sharp' });
    const contactGroups = (await org.get('/api/v1/duplicates?type=contact')).json().data as { ids: string[]; reasons: { reason: string }[] }[];
    assert.deepEqual(contactGroups.map((g) => [g.ids, g.reasons.map((r) => r.reason)]), [
      [[c3.id, c4.id].sort(), ['email']],
      [[c1.id, c2.id].sort(), ['same_account']],
    ]);
  });
});

describe('merging', () => {
  test('leads: preview, merge keeping chosen values, then undo restoring exactly the previous state', async () => {
    const org = await newOrg(t, 'Merge leads');
    const rep = await addUser(t, org, 'rep');
    const survivor = await create(org, '/api/v1/leads', { firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.test', company: 'Acme', notes: 'Met at the fair' });
    const second = await create(org, '/api/v1/leads', { firstName: 'Anna', lastName: 'Berg-Lund', email: 'ANNA@acme.test', phone: '+49 30 1234567', title: 'CTO', ownerId: rep.userId, notes: 'Wants a demo' });
    const third = await create(org, '/api/v1/leads', { firstName: 'A.', lastName: 'Berg', email: 'a.berg@acme.test', title: 'VP Engineering', country: 'DE' });
    await org.post(`/api/v1/leads/${second.id}/notes`, { text: 'Note on the second' });
    await org.post(`/api/v1/leads/${third.id}/notes`, { text: 'Note on the third' });
    await org.post(`/api/v1/leads/${survivor.id}/notes`, { text: 'Note on the survivor' });
    const before = await Promise.all([survivor, second, third].map(async (l) => (await org.get(`/api/v1/leads/${l.id}`)).json()));

    const preview = await org.get(`/api/v1/merges/preview?type=lead&ids=${survivor.id},${second.id},${third.id}`);
    assert.equal(preview.statusCode, 200, preview.body);
    const rows = Object.fromEntries(preview.json().fields.map((f: { field: string }) => [f.field, f]));
    assert.deepEqual(rows.title.values.map((v: { value: unknown }) => v.value), [null, 'CTO', 'VP Engineering']);
    assert.equal(rows.title.differs, true);
    assert.equal(rows.company.differs, false);

    const merged = await org.post('/api/v1/merges', { type: 'lead', survivorId: survivor.id, mergedIds: [second.id, third.id], fieldChoices: { title: third.id, lastName: second.id } });
    assert.equal(merged.statusCode, 201, merged.body);
    const merge = merged.json();
    assert.equal(merge.moved.activities, 2);
    const after = (await org.get(`/api/v1/leads/${survivor.id}`)).json();
    assert.equal(after.title, 'VP Engineering', 'chosen');
    assert.equal(after.lastName, 'Berg-Lund', 'chosen');
    assert.equal(after.firstName, 'Anna', 'its own');
    assert.equal(after.phone, '+49 30 1234567', 'filled from the first merged record that had one');
    assert.equal(after.country, 'DE');
    assert.equal(after.ownerId, org.userId, 'its own owner');
    assert.equal(after.notes, 'Met at the fair\n\nWants a demo');
    for (const gone of [second, third]) assert.notEqual((await org.get(`/api/v1/leads/${gone.id}`)).json().deletedAt, null);
    assert.deepEqual((await org.get('/api/v1/leads?deleted=true')).json().data.map((l: { id: string }) => l.id).sort(), [second.id, third.id].sort());
    const survivorTimeline = await noteSummaries(org, `/api/v1/leads/${survivor.id}`);
    assert.deepEqual(survivorTimeline, ['merge: Merged 2 duplicate leads into this one', 'note: Note on the survivor', 'note: Note on the third', 'note: Note on the second']);
    assert.deepEqual(await noteSummaries(org, `/api/v1/leads/${second.id}`), []);
    const mergeHistory = (await org.get(`/api/v1/audit-log/merge/${merge.id}`)).json().data;
    assert.deepEqual(mergeHistory.map((e: { action: string }) => e.action), ['create']);
    const secondHistory = (await org.get(`/api/v1/audit-log/lead/${second.id}`)).json().data;
    assert.equal(secondHistory[0].action, 'delete');
    assert.match(secondHistory[0].reason, new RegExp(`Merge ${merge.id}: merged into ${survivor.id}`));
    assert.equal((await org.get(`/api/v1/merges?survivorId=${survivor.id}`)).json().data[0].id, merge.id);

    const undone = await org.post(`/api/v1/merges/${merge.id}/undo`);
    assert.equal(undone.statusCode, 200, undone.body);
    assert.ok(undone.json().undoneAt);
    const restored = await Promise.all([survivor, second, third].map(async (l) => (await org.get(`/api/v1/leads/${l.id}`)).json()));
    restored.forEach((record, i) => assert.deepEqual(pick(record, LEAD_FIELDS), pick(before[i], LEAD_FIELDS), `record ${i} is back as it was`));
    assert.deepEqual(await noteSummaries(org, `/api/v1/leads/${survivor.id}`), ['note: Note on the survivor']);
    assert.deepEqual(await noteSummaries(org, `/api/v1/leads/${second.id}`), ['note: Note on the second']);
    assert.deepEqual(await noteSummaries(org, `/api/v1/leads/${third.id}`), ['note: Note on the third']);
    assert.equal((await org.get('/api/v1/leads?deleted=true')).json().data.length, 0);
    const again = await org.post(`/api/v1/merges/${merge.id}/undo`);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'merge_already_undone');
  });

  test('an undo is refused with 409 once the survivor was edited, and changes nothing', async () => {
    const org = await newOrg(t, 'Merge conflict');
    const a = await create(org, '/api/v1/leads', { lastName: 'Keep', email: 'k@keep.test' });
    const b = await create(org, '/api/v1/leads', { lastName: 'Keep', email: 'K@keep.test', phone: '+49 30 999999' });
    const merge = (await org.post('/api/v1/merges', { type: 'lead', survivorId: a.id, mergedIds: [b.id] })).json();
    await org.patch(`/api/v1/leads/${a.id}`, { status: 'working' });
    const refused = await org.post(`/api/v1/merges/${merge.id}/undo`);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().code, 'merge_undo_conflict');
    assert.match(refused.json().detail, /surviving lead was changed after the merge/);
    assert.equal((await org.get(`/api/v1/leads/${a.id}`)).json().phone, '+49 30 999999');
    assert.notEqual((await org.get(`/api/v1/leads/${b.id}`)).json().deletedAt, null);
    assert.equal((await org.get(`/api/v1/merges/${merge.id}`)).json().undoneAt, null);
  });

  test('accounts: contacts and subsidiaries move to the survivor, and back on undo', async () => {
    const org = await newOrg(t, 'Merge accounts');
    const keep = await create(org, '/api/v1/accounts', { name: 'Globex Corporation', domain: 'globex.test' });
    const dupe = await create(org, '/api/v1/accounts', { name: 'Globex Corp', industry: 'Energy', country: 'US' });
    const person = await create(org, '/api/v1/contacts', { accountId: dupe.id, firstName: 'Hank', lastName: 'Scorpio' });
    const subsidiary = await create(org, '/api/v1/accounts', { name: 'Globex Labs', parentAccountId: dupe.id });
    await org.post(`/api/v1/accounts/${dupe.id}/notes`, { text: 'Big energy deal' });

    const merge = await org.post('/api/v1/merges', { type: 'account', survivorId: keep.id, mergedIds: [dupe.id], fieldChoices: { name: dupe.id } });
    assert.equal(merge.statusCode, 201, merge.body);
    assert.deepEqual(merge.json().moved, { activities: 1, contacts: 1, subsidiaries: 1 });
    const survivor = (await org.get(`/api/v1/accounts/${keep.id}`)).json();
    assert.equal(survivor.name, 'Globex Corp');
    assert.equal(survivor.industry, 'Energy');
    assert.deepEqual(survivor.contacts.map((c: { id: string }) => c.id), [person.id]);
    assert.deepEqual(survivor.children.map((c: { id: string }) => c.id), [subsidiary.id]);
    assert.equal((await org.get(`/api/v1/contacts/${person.id}`)).json().accountId, keep.id);

    assert.equal((await org.post(`/api/v1/merges/${merge.json().id}/undo`)).statusCode, 200);
    assert.equal((await org.get(`/api/v1/contacts/${person.id}`)).json().accountId, dupe.id);
    assert.equal((await org.get(`/api/v1/accounts/${subsidiary.id}`)).json().parentAccountId, dupe.id);
    const back = (await org.get(`/api/v1/accounts/${keep.id}`)).json();
    assert.deepEqual([back.name, back.industry, back.contacts.length, back.children.length], ['Globex Corporation', null, 0, 0]);
    assert.equal((await org.get(`/api/v1/accounts/${dupe.id}`)).json().deletedAt, null);
    assert.deepEqual(await noteSummaries(org, `/api/v1/accounts/${dupe.id}`), ['note: Big energy deal']);

    const hierarchy = await org.post('/api/v1/merges', { type: 'account', survivorId: dupe.id, mergedIds: [subsidiary.id] });
    assert.equal(hierarchy.statusCode, 409, 'an account cannot merge with its own subsidiary');
    assert.equal(hierarchy.json().code, 'merge_hierarchy');
  });

  test('contacts merge too', async () => {
    const org = await newOrg(t, 'Merge contacts');
    const a = await create(org, '/api/v1/contacts', { firstName: 'Nina', lastName: 'Sharp', email: 'nina@sharp.test' });
    const b = await create(org, '/api/v1/contacts', { firstName: 'Nina', lastName: 'Sharp', phone: '+1 415 555 0100', title: 'CEO' });
    const res = await org.post('/api/v1/merges', { type: 'contact', survivorId: a.id, mergedIds: [b.id] });
    assert.equal(res.statusCode, 201, res.body);
    const after = (await org.get(`/api/v1/contacts/${a.id}`)).json();
    assert.deepEqual([after.email, after.phone, after.title], ['nina@sharp.test', '+1 415 555 0100', 'CEO']);
  });

  test('bad merges are refused and change nothing; other organisations\' records and merges are not found', async () => {
    const org = await newOrg(t, 'Merge checks');
    const a = await create(org, '/api/v1/leads', { lastName: 'One' });
    const b = await create(org, '/api/v1/leads', { lastName: 'Two' });
    const self = await org.post('/api/v1/merges', { type: 'lead', survivorId: a.id, mergedIds: [a.id] });
    assert.equal(self.statusCode, 400);
    assert.equal(self.json().errors[0].field, 'mergedIds');
    const unknownField = await org.post('/api/v1/merges', { type: 'lead', survivorId: a.id, mergedIds: [b.id], fieldChoices: { score: b.id, email: '01900000-0000-7000-8000-000000000000' } });
    assert.deepEqual(unknownField.json().errors.map((e: { field: string }) => e.field), ['fieldChoices.score', 'fieldChoices.email']);
    await org.del(`/api/v1/leads/${b.id}`);
    const trashed = await org.post('/api/v1/merges', { type: 'lead', survivorId: a.id, mergedIds: [b.id] });
    assert.equal(trashed.statusCode, 409);
    assert.equal(trashed.json().code, 'merge_deleted_record');

    const other = await newOrg(t, 'Merge thief');
    const mine = await create(other, '/api/v1/leads', { lastName: 'Mine' });
    assert.equal((await other.post('/api/v1/merges', { type: 'lead', survivorId: mine.id, mergedIds: [a.id] })).statusCode, 404);
    assert.equal((await other.get(`/api/v1/merges/preview?type=lead&ids=${mine.id},${a.id}`)).statusCode, 404);
    assert.equal((await org.get(`/api/v1/leads/${a.id}`)).json().deletedAt, null);
    const c = await create(org, '/api/v1/leads', { lastName: 'Three' });
    const merge = (await org.post('/api/v1/merges', { type: 'lead', survivorId: a.id, mergedIds: [c.id] })).json();
    assert.equal((await other.get(`/api/v1/merges/${merge.id}`)).statusCode, 404);
    assert.equal((await other.post(`/api/v1/merges/${merge.id}/undo`)).statusCode, 404);
    assert.equal((await other.get('/api/v1/merges')).json().data.length, 0);
    const partner = await addUser(t, org, 'partner');
    assert.equal((await partner.post(`/api/v1/merges/${merge.id}/undo`)).statusCode, 403);
  });
});
