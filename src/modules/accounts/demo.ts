// The accounts and contacts of the demo organisation (see src/modules/demo/registry.ts): about 300
// accounts, some groups with subsidiaries abroad, each with one to five contacts.
import {
  demoCompany,
  demoEmail,
  demoPerson,
  demoPhone,
  formatCount,
  laterMoment,
  pastMoment,
  pickMarket,
  repsFor,
  uuidv7At,
  type DemoCompany,
  type DemoContext,
} from '../demo/model.ts';
import { CONTACT_TITLES, COUNTRY_LABELS, MARKETS } from '../demo/vocabulary.ts';
import type { LifecycleStage } from './model.ts';
import { accounts, contacts } from './schema.ts';

export const DEMO_ACCOUNTS = 300;
const GROUPS = 25;

type AccountRow = typeof accounts.$inferInsert;
type ContactRow = typeof contacts.$inferInsert;

export function demoAccountRows(context: Pick<DemoContext, 'orgId' | 'people' | 'random' | 'now'>, count = DEMO_ACCOUNTS): { accounts: AccountRow[]; contacts: ContactRow[] } {
  const { random, now, people, orgId } = context;
  const accountRows: AccountRow[] = [];
  const contactRows: ContactRow[] = [];
  const names = new Set<string>();

  const add = (company: DemoCompany, parent: AccountRow | null, createdAfter: Date | null) => {
    const { market } = company;
    const place = random.pick(market.cities);
    const stage = random.weighted<{ weight: number; stage: LifecycleStage }>([
      { weight: 60, stage: 'prospect' },
      { weight: 30, stage: 'customer' },
      { weight: 10, stage: 'former_customer' },
    ]).stage;
    // The sales executive keeps the big customers; reps own the rest in their territory.
    const ownerId = stage === 'customer' && company.employeeCount > 1000 ? people.executive : random.pick(repsFor(people, market.country));
    let createdAt = pastMoment(random, now, 182);
    if (createdAfter && createdAt < createdAfter) createdAt = laterMoment(random, createdAfter, now);
    const updatedAt = laterMoment(random, createdAt, now);
    const row: AccountRow = {
      orgId,
      id: uuidv7At(createdAt.getTime(), random),
      name: company.name,
      domain: company.domain,
      industry: company.industry,
      employeeCount: company.employeeCount,
      country: market.country,
      region: place.region,
      city: place.city,
      phone: demoPhone(random, market, place.areaCode),
      parentAccountId: parent?.id ?? null,
      lifecycleStage: stage,
      ownerId,
      notes: '',
      version: random.int(1, 4),
      createdAt,
      updatedAt,
    };
    names.add(company.name);
    accountRows.push(row);
    for (let n = random.weighted([{ weight: 20, n: 1 }, { weight: 30, n: 2 }, { weight: 25, n: 3 }, { weight: 15, n: 4 }, { weight: 10, n: 5 }]).n; n > 0; n -= 1) {
      const person = demoPerson(random, market);
      const contactCreated = laterMoment(random, createdAt, now);
      contactRows.push({
        orgId,
        id: uuidv7At(contactCreated.getTime(), random),
        accountId: row.id,
        firstName: person.firstName,
        lastName: person.lastName,
        email: demoEmail(random, person, company.domain),
        phone: random.chance(0.8) ? demoPhone(random, market, place.areaCode) : null,
        title: random.pick(CONTACT_TITLES),
        ownerId,
        notes: '',
        version: 1,
        createdAt: contactCreated,
        updatedAt: contactCreated,
      });
    }
    return row;
  };

  const fresh = (make: () => DemoCompany) => {
    for (;;) {
      const company = make();
      if (!names.has(company.name)) return company;
    }
  };

  // Groups first: a parent and one to three subsidiaries in other countries, on the group's name.
  for (let g = 0; g < GROUPS && accountRows.length < count; g += 1) {
    const group = fresh(() => {
      const company = demoCompany(random, pickMarket(random));
      return { ...company, name: `${company.core} Group`, employeeCount: Math.max(company.employeeCount, 2000) };
    });
    const parent = add(group, null, null);
    for (let s = random.int(1, 3); s > 0 && accountRows.length < count; s -= 1) {
      const market = random.pick(MARKETS.filter((m) => m.country !== group.market.country));
      const name = `${group.core} ${COUNTRY_LABELS[market.country] ?? market.country} ${random.pick(market.legalForms)}`.trim();
      if (names.has(name)) continue;
      const domain = `${group.domain.split('.')[0]}.${market.tld}`;
      add({ ...group, name, domain, market, employeeCount: random.int(20, 800) }, parent, parent.createdAt as Date);
    }
  }
  while (accountRows.length < count) add(fresh(() => demoCompany(random, pickMarket(random))), null, null);
  return { accounts: accountRows, contacts: contactRows };
}

export async function seedDemoAccounts(context: DemoContext): Promise<string> {
  const rows = demoAccountRows(context);
  for (let i = 0; i < rows.accounts.length; i += 500) await context.db.insert(accounts).values(rows.accounts.slice(i, i + 500));
  for (let i = 0; i < rows.contacts.length; i += 500) await context.db.insert(contacts).values(rows.contacts.slice(i, i + 500));
  return `${formatCount(rows.accounts.length)} accounts with ${formatCount(rows.contacts.length)} contacts`;
}
