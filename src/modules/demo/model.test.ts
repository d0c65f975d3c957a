import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoAccountRows } from '../accounts/demo.ts';
import { demoLeadRows } from '../leads/demo.ts';
import { createRandom, demoPhone, pastMoment, uuidv7At, type DemoPeople } from './model.ts';
import { MARKETS } from './vocabulary.ts';

const now = new Date('2024-06-14T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const people: DemoPeople = {
  admin: 'admin',
  manager: 'manager',
  reps: [
    { id: 'rep-emea-1', territory: 'EMEA' },
    { id: 'rep-emea-2', territory: 'EMEA' },
    { id: 'rep-na-1', territory: 'NA' },
  ],
  executive: 'executive',
  partner: 'partner',
};
const context = (seed: string) => ({ orgId: 'org', people, random: createRandom(seed), now });

test('the same seed gives the same numbers, another seed others', () => {
  const a = createRandom('northwind');
  const b = createRandom('northwind');
  const sequence = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(Array.from({ length: 5 }, () => b.next()), sequence);
  assert.notDeepEqual(Array.from({ length: 5 }, () => createRandom('southwind').next()), sequence);
  assert.ok(sequence.every((n) => n >= 0 && n < 1));
});

test('int is inclusive at both ends and weighted never picks a zero weight', () => {
  const random = createRandom('dice');
  const rolls = new Set(Array.from({ length: 500 }, () => random.int(1, 6)));
  assert.deepEqual([...rolls].sort(), [1, 2, 3, 4, 5, 6]);
  for (let i = 0; i < 200; i += 1) assert.equal(random.weighted([{ weight: 0, v: 'never' }, { weight: 1, v: 'always' }]).v, 'always');
});

test('demo ids are UUIDv7 that sort by their moment', () => {
  const random = createRandom('ids');
  const early = uuidv7At(Date.parse('2024-01-01T00:00:00Z'), random);
  const late = uuidv7At(Date.parse('2024-01-01T00:00:01Z'), random);
  assert.match(early, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(early < late);
  assert.equal(Number.parseInt(early.replace(/-/g, '').slice(0, 12), 16), Date.parse('2024-01-01T00:00:00Z'));
});

test('moments fall on weekdays in office hours, within the window, never in the future', () => {
  const random = createRandom('moments');
  for (let i = 0; i < 500; i += 1) {
    const at = pastMoment(random, now, 182);
    assert.ok(at <= now && now.getTime() - at.getTime() <= 185 * DAY, at.toISOString());
    if (now.getTime() - at.getTime() > DAY) {
      assert.ok(![0, 6].includes(at.getUTCDay()), `${at.toISOString()} is a weekend`);
      assert.ok(at.getUTCHours() >= 7 && at.getUTCHours() <= 17);
    }
  }
});

test('phone numbers look like the country writes them', () => {
  const random = createRandom('phones');
  const market = (country: string) => MARKETS.find((m) => m.country === country)!;
  assert.match(demoPhone(random, market('US'), '415'), /^\+1 \(415\) 555-01\d\d$/);
  assert.match(demoPhone(random, market('FR'), '1'), /^\+33 1( \d\d){4}$/);
  assert.match(demoPhone(random, market('DK'), ''), /^\+45( \d\d){4}$/);
  assert.match(demoPhone(random, market('GB'), '161'), /^\+44 161 \d{3} \d{4}$/);
});

test('the demo leads are the same every time and look like a real funnel', () => {
  const leads = demoLeadRows(context('leads'));
  assert.deepEqual(demoLeadRows(context('leads')), leads, 'deterministic');
  assert.equal(leads.length, 3000);
  const countries = new Map<string, number>();
  for (const lead of leads) countries.set(lead.country!, (countries.get(lead.country!) ?? 0) + 1);
  assert.ok(countries.size >= 10, 'many countries');
  assert.equal([...countries].sort((a, b) => b[1] - a[1])[0]![0], 'US', 'the US is the biggest market');
  for (const country of ['GB', 'DE', 'FR', 'NL']) assert.ok((countries.get(country) ?? 0) > 100, `${country} is well represented`);
  assert.ok(new Set(leads.map((l) => l.status)).size === 6, 'every status occurs');
  assert.ok(new Set(leads.map((l) => l.source)).size >= 8, 'varied sources');
  assert.ok(new Set(leads.map((l) => `${l.firstName} ${l.lastName}`)).size > 1500, 'varied names');
  for (const lead of leads) {
    const owner = lead.ownerId;
    assert.ok(owner === null || people.reps.some((rep) => rep.id === owner), 'owned by a rep (or waiting for routing)');
    if (owner) assert.equal(people.reps.find((rep) => rep.id === owner)!.territory, ['US', 'CA', 'AU'].includes(lead.country!) ? 'NA' : 'EMEA');
    const created = lead.createdAt as Date;
    assert.ok(created <= now && now.getTime() - created.getTime() < 186 * DAY);
    assert.ok((lead.updatedAt as Date) >= created);
    if (lead.email) assert.match(lead.email, /^[a-z0-9._]+@[a-z0-9]+\.[a-z.]+$/);
  }
  const spread = Math.max(...leads.map((l) => now.getTime() - (l.createdAt as Date).getTime())) / DAY;
  assert.ok(spread > 150, 'created over about six months');
  assert.ok(leads.filter((l) => l.ownerId === null).length < 100, 'only a few unassigned');
});

test('the demo accounts have unique names, one to five contacts each and some subsidiaries', () => {
  const { accounts, contacts } = demoAccountRows(context('accounts'));
  assert.deepEqual(demoAccountRows(context('accounts')).accounts, accounts, 'deterministic');
  assert.equal(accounts.length, 300);
  assert.equal(new Set(accounts.map((a) => a.name)).size, 300);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const children = accounts.filter((a) => a.parentAccountId);
  assert.ok(children.length >= 25);
  for (const child of children) {
    const parent = byId.get(child.parentAccountId!);
    assert.ok(parent, 'the parent exists');
    assert.ok((parent!.createdAt as Date) <= (child.createdAt as Date), 'a parent is there before its subsidiary');
  }
  const perAccount = new Map<string, number>();
  for (const contact of contacts) perAccount.set(contact.accountId!, (perAccount.get(contact.accountId!) ?? 0) + 1);
  assert.equal(perAccount.size, 300);
  assert.ok([...perAccount.values()].every((n) => n >= 1 && n <= 5));
  for (const contact of contacts) assert.ok(contact.email!.endsWith(`@${byId.get(contact.accountId!)!.domain}`), 'contacts use their company domain');
  assert.ok(new Set(accounts.map((a) => a.lifecycleStage)).size === 3);
});
