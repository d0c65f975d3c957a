import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { prefixTsQuery, rankHits, searchTerms } from './model.ts';

const t = await startTestApp();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

const search = async (caller: Caller, q: string, extra = '') => (await ok(caller.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`))).data as Json[];
const titles = (hits: Json[]) => hits.map((h) => `${h.type}:${h.title}`);

describe('reading a query', () => {
  test('phone numbers in any format become digits; emails and words are picked out', () => {
    assert.equal(searchTerms('+1 (415) 555-0134')?.phoneDigits, '14155550134');
    assert.equal(searchTerms('415.555.0134')?.phoneDigits, '4155550134');
    assert.equal(searchTerms('555-01')?.phoneDigits, null);
    assert.equal(searchTerms('Ann@Acme.io')?.email, 'ann@acme.io');
    assert.deepEqual(searchTerms('  Quarterly   BUDGET! ')?.words, ['quarterly', 'budget']);
    assert.equal(searchTerms('a'), null);
    assert.equal(prefixTsQuery(['budg', 'q3']), 'budg:* & q3:*');
  });

  test('ranking: best score first, then people before companies before deals before notes', () => {
    const hit = (type: 'lead' | 'account' | 'note', score: number, title: string) => ({ type, id: title, title, subtitle: '', score, link: '' });
    assert.deepEqual(rankHits([hit('note', 0.9, 'n'), hit('account', 0.9, 'a'), hit('lead', 0.5, 'l'), hit('lead', 0.9, 'm')], 3).map((h) => h.title), ['m', 'a', 'n']);
  });
});

describe('global search', async () => {
  const admin = await newOrg(t, 'Search');
  const rep = await addUser(t, admin, 'rep');
  const create = async (url: string, body: Record<string, unknown>, caller: Caller = admin) => (await ok(caller.post(url, body), 201)).id as string;
  const jonathan = await create('/api/v1/leads', { firstName: 'Jonathan', lastName: 'Smithers', company: 'Northwind Traders', email: 'jon@northwind.example', phone: '+1 (415) 555-0134' });
  await create('/api/v1/leads', { firstName: 'Jon', lastName: 'Baker', company: 'Bakery Ltd', email: 'jon.baker@bakery.example' });
  const acme = await create('/api/v1/accounts', { name: 'Acme Robotics', domain: 'acme-robotics.example', phone: '030 1234567' });
  const contact = await create('/api/v1/contacts', { firstName: 'Priya', lastName: 'Raman', email: 'priya@acme-robotics.example', phone: '+49 30 9876543', accountId: acme });
  const deal = await create('/api/v1/opportunities', { name: 'Acme renewal 2027', accountId: acme, amount: 120000, currency: 'EUR' });
  await ok(admin.post(`/api/v1/leads/${jonathan}/notes`, { text: 'They mentioned a quarterly budget freeze until April' }), 201);

  const stranger = await newOrg(t, 'Elsewhere');
  await create('/api/v1/leads', { firstName: 'Jonathan', lastName: 'Smithers', company: 'Other Smithers Inc', phone: '+1 415 555 0134' }, stranger);

  test('names with typos, ranked: the closest first', async () => {
    const hits = await search(admin, 'jonathon smithers');
    assert.equal(hits[0]?.id, jonathan);
    assert.equal(hits[0]?.link, `/leads/${jonathan}`);
    assert.match(hits[0]?.subtitle, /Northwind Traders/);
    assert.equal((await search(admin, 'smihters'))[0]?.id, jonathan);
    // "jon" matches both Jons; the closer match (a whole word "Jon") comes first.
    assert.deepEqual(titles(await search(admin, 'jon baker')).slice(0, 1), ['lead:Jon Baker']);
  });

  test('phone numbers in any format; emails; domains', async () => {
    for (const q of ['+1 415 555 0134', '(415) 555-0134', '4155550134', '415.555.0134']) {
      assert.equal((await search(admin, q))[0]?.id, jonathan, q);
    }
    assert.equal((await search(admin, '0049 30 987 65 43'))[0]?.id, contact);
    assert.equal((await search(admin, '+49 30 1234567'))[0]?.id, acme);
    assert.equal((await search(admin, 'priya@acme-robotics.example'))[0]?.id, contact);
    const byDomain = await search(admin, 'acme-robotics');
    assert.ok(byDomain.some((h) => h.type === 'account' && h.id === acme));
  });

  test('deals by name and notes by their words; a note links to its record', async () => {
    const deals = await search(admin, 'acme renewl');
    assert.ok(deals.some((h) => h.type === 'opportunity' && h.id === deal), JSON.stringify(deals));
    const notes = await search(admin, 'quarterly budg');
    const note = notes.find((h) => h.type === 'note');
    assert.ok(note, JSON.stringify(notes));
    assert.equal(note.link, `/leads/${jonathan}`);
    assert.match(note.subtitle, /Jonathan Smithers/);
    assert.deepEqual((await search(admin, 'budget', '&types=note')).map((h) => h.type), ['note']);
  });

  test('only the caller\'s org, only records they may see; partners get nothing', async () => {
    const hits = await search(admin, 'smithers');
    assert.ok(hits.every((h) => h.title !== 'Other Smithers Inc' && !/Other Smithers/.test(h.subtitle)));
    assert.equal(hits.filter((h) => h.type === 'lead').length, 1);
    assert.equal((await search(stranger, '4155550134')).length, 1);

    assert.equal((await search(rep, 'jonathan smithers'))[0]?.id, jonathan);
    await ok(admin.patch('/api/v1/org-settings', { recordVisibility: { leads: 'own' } }));
    const asRep = await search(rep, 'jonathan smithers');
    assert.ok(!asRep.some((h) => h.id === jonathan), 'a lead the rep may not see');
    // Its note goes with it.
    assert.ok(!(await search(rep, 'quarterly budget')).some((h) => h.type === 'note'));
    await ok(admin.patch('/api/v1/org-settings', { recordVisibility: { leads: 'everyone' } }));

    const partner = await addUser(t, admin, 'partner');
    assert.equal((await partner.get('/api/v1/search?q=acme')).statusCode, 403);
    assert.deepEqual(await search(admin, 'a'), []);
  });
});
