import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newOrg, startTestApp } from '../../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Timeline');

type Item = { id: string; source: string; kind: string; summary: string; occurredAt: string; actorId: string | null; details: Record<string, unknown> };

describe('notes and timelines', () => {
  test('a lead\'s timeline shows its notes and every change to it, newest first', async () => {
    const lead = (await admin.post('/api/v1/leads', { firstName: 'Mia', lastName: 'Koch', company: 'Koch Logistik' })).json();
    const note = await admin.post(`/api/v1/leads/${lead.id}/notes`, { text: '  Called, wants a demo next week  ' });
    assert.equal(note.statusCode, 201, note.body);
    assert.equal(note.json().kind, 'note');
    assert.equal(note.json().summary, 'Called, wants a demo next week');
    assert.equal(note.json().actorId, admin.userId);
    await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'working', title: 'COO' });
    await admin.post(`/api/v1/leads/${lead.id}/notes`, { text: 'Demo booked' });

    const timeline = (await admin.get(`/api/v1/leads/${lead.id}/timeline`)).json();
    assert.deepEqual(
      timeline.data.map((i: Item) => `${i.kind}: ${i.summary}`),
      ['note: Demo booked', 'change: Changed title and status', 'note: Called, wants a demo next week', 'change: Created'],
    );
    const change = timeline.data[1] as Item;
    assert.equal(change.source, 'audit');
    assert.deepEqual(change.details.before, { status: 'new', title: null });
    assert.deepEqual(change.details.after, { status: 'working', title: 'COO' });
    assert.equal(timeline.nextCursor, null);
  });

  test('filter by kind: notes only, changes only, or several', async () => {
    const lead = (await admin.post('/api/v1/leads', { lastName: 'Filter' })).json();
    await admin.post(`/api/v1/leads/${lead.id}/notes`, { text: 'one' });
    await admin.patch(`/api/v1/leads/${lead.id}`, { company: 'Filter AG' });
    const kinds = async (query: string) => (await admin.get(`/api/v1/leads/${lead.id}/timeline?kind=${query}`)).json().data.map((i: Item) => i.kind);
    assert.deepEqual(await kinds('note'), ['note']);
    assert.deepEqual(await kinds('change'), ['change', 'change']);
    assert.deepEqual(await kinds('note,change'), ['change', 'note', 'change']);
    assert.deepEqual(await kinds('call'), []);
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}/timeline?kind=Not-A-Kind`)).statusCode, 400);
  });

  test('pages follow each other without gaps or repeats across notes and changes', async () => {
    const lead = (await admin.post('/api/v1/leads', { lastName: 'Pager' })).json();
    for (let i = 0; i < 6; i += 1) {
      await admin.post(`/api/v1/leads/${lead.id}/notes`, { text: `note ${i}` });
      await admin.patch(`/api/v1/leads/${lead.id}`, { notes: `edit ${i}` });
    }
    const all = (await admin.get(`/api/v1/leads/${lead.id}/timeline?limit=100`)).json().data.map((i: Item) => i.id);
    assert.equal(all.length, 13);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await admin.get(`/api/v1/leads/${lead.id}/timeline?limit=4${cursor ? `&cursor=${cursor}` : ''}`)).json() as { data: Item[]; nextCursor: string | null };
      assert.ok(page.data.length <= 4);
      paged.push(...page.data.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(paged, all);
    const times = (await admin.get(`/api/v1/leads/${lead.id}/timeline?limit=100`)).json().data.map((i: Item) => Date.parse(i.occurredAt));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.equal((await admin.get(`/api/v1/leads/${lead.id}/timeline?cursor=garbage`)).statusCode, 400);
  });

  test('contacts and accounts have timelines too', async () => {
    const account = (await admin.post('/api/v1/accounts', { name: 'Initech' })).json();
    const contact = (await admin.post('/api/v1/contacts', { accountId: account.id, firstName: 'Peter', lastName: 'Gibbons' })).json();
    assert.equal((await admin.post(`/api/v1/accounts/${account.id}/notes`, { text: 'Renewal in March' })).statusCode, 201);
    assert.equal((await admin.post(`/api/v1/contacts/${contact.id}/notes`, { text: 'Prefers email' })).statusCode, 201);
    const accountTimeline = (await admin.get(`/api/v1/accounts/${account.id}/timeline`)).json().data;
    assert.deepEqual(accountTimeline.map((i: Item) => i.summary), ['Prefers email', 'Renewal in March', 'Created']);
    assert.deepEqual(accountTimeline[0].contact, { id: contact.id, name: 'Peter Gibbons' });
    assert.equal(accountTimeline[1].contact, undefined);
    const contactTimeline = (await admin.get(`/api/v1/contacts/${contact.id}/timeline`)).json().data;
    assert.deepEqual(contactTimeline.map((i: Item) => i.summary), ['Prefers email', 'Created']);
  });

  test("an account's and a deal's timelines show their contacts' activities, newest first, paged without gaps", async () => {
    const account = (await admin.post('/api/v1/accounts', { name: 'Umbrella' })).json();
    const alice = (await admin.post('/api/v1/contacts', { accountId: account.id, firstName: 'Alice', lastName: 'Abernathy' })).json();
    const bob = (await admin.post('/api/v1/contacts', { accountId: account.id, firstName: 'Bob', lastName: 'Bauer' })).json();
    const stranger = (await admin.post('/api/v1/contacts', { firstName: 'Carl', lastName: 'Elsewhere' })).json();
    const expected: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      for (const [path, id] of [['accounts', account.id], ['contacts', alice.id], ['contacts', bob.id]] as const) {
        await admin.post(`/api/v1/${path}/${id}/notes`, { text: `${path}-${id === bob.id ? 'bob' : id === alice.id ? 'alice' : 'acct'}-${i}` });
        expected.unshift(`${path}-${id === bob.id ? 'bob' : id === alice.id ? 'alice' : 'acct'}-${i}`);
      }
    }
    await admin.post(`/api/v1/contacts/${stranger.id}/notes`, { text: 'not theirs' });
    const paged: Item[] = [];
    let cursor: string | null = null;
    do {
      const page = (await admin.get(`/api/v1/accounts/${account.id}/timeline?kind=note&limit=5${cursor ? `&cursor=${cursor}` : ''}`)).json() as { data: Item[]; nextCursor: string | null };
      paged.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(paged.map((i) => i.summary), expected);
    const bobs = paged.filter((i) => i.summary.includes('bob')) as (Item & { contact?: { id: string; name: string } })[];
    assert.ok(bobs.every((i) => i.contact?.id === bob.id && i.contact?.name === 'Bob Bauer'));

    const deal = (await admin.post('/api/v1/opportunities', { name: 'Umbrella pilot', currency: 'EUR', accountId: account.id })).json();
    assert.equal((await admin.request({ method: 'PUT', url: `/api/v1/opportunities/${deal.id}/contacts/${bob.id}`, payload: { roles: ['champion'] } })).statusCode, 200);
    await admin.post(`/api/v1/opportunities/${deal.id}/notes`, { text: 'deal note' });
    const dealNotes = (await admin.get(`/api/v1/opportunities/${deal.id}/timeline?kind=note&limit=3`)).json().data as (Item & { contact?: { id: string } })[];
    assert.deepEqual(dealNotes.map((i) => i.summary), ['deal note', 'contacts-bob-3', 'contacts-bob-2']);
    assert.equal(dealNotes[1]!.contact?.id, bob.id);
  });

  test('an empty note is refused, and a record of another organisation is not found', async () => {
    const lead = (await admin.post('/api/v1/leads', { lastName: 'Private' })).json();
    await admin.post(`/api/v1/leads/${lead.id}/notes`, { text: 'secret plan' });
    assert.equal((await admin.post(`/api/v1/leads/${lead.id}/notes`, { text: '   ' })).statusCode, 400);
    assert.equal((await admin.post(`/api/v1/leads/${lead.id}/notes`, { text: 'x', extra: 1 })).statusCode, 400);
    const other = await newOrg(t, 'Nosy');
    assert.equal((await other.get(`/api/v1/leads/${lead.id}/timeline`)).statusCode, 404);
    assert.equal((await other.post(`/api/v1/leads/${lead.id}/notes`, { text: 'planted' })).statusCode, 404);
    assert.equal((await other.get(`/api/v1/accounts/${lead.id}/timeline`)).statusCode, 404);
    const notes = (await admin.get(`/api/v1/leads/${lead.id}/timeline?kind=note`)).json().data;
    assert.deepEqual(notes.map((i: Item) => i.summary), ['secret plan']);
  });
});
