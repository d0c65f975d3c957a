// The leads of the demo organisation (see src/modules/demo/registry.ts): about 3,000 leads over the
// last six months, in the reps' territories, written in batches with their backdated timestamps.
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
  type Random,
} from '../demo/model.ts';
import { LEAD_NOTES, LEAD_SOURCE_WEIGHTS, TITLES } from '../demo/vocabulary.ts';
import { DEFAULT_ORG_SETTINGS } from '../orgs/settings-model.ts';
import type { LeadStatus } from './model.ts';
import { leads } from './schema.ts';

export const DEMO_LEADS = 3000;
const DAY = 24 * 3600 * 1000;
const DISQUALIFICATION_REASONS = DEFAULT_ORG_SETTINGS.disqualificationReasons;

/** Young leads are mostly new or being worked; older ones have been qualified, parked or dropped. */
function statusForAge(random: Random, ageDays: number): LeadStatus {
  const odds: { status: LeadStatus; weight: number }[] =
    ageDays < 7
      ? [{ status: 'new', weight: 60 }, { status: 'working', weight: 35 }, { status: 'nurture', weight: 2 }, { status: 'disqualified', weight: 3 }]
      : ageDays < 30
        ? [{ status: 'new', weight: 22 }, { status: 'working', weight: 45 }, { status: 'nurture', weight: 10 }, { status: 'qualified', weight: 9 }, { status: 'disqualified', weight: 11 }, { status: 'converted', weight: 3 }]
        : [{ status: 'new', weight: 7 }, { status: 'working', weight: 22 }, { status: 'nurture', weight: 20 }, { status: 'qualified', weight: 14 }, { status: 'disqualified', weight: 25 }, { status: 'converted', weight: 12 }];
  return random.weighted(odds).status;
}

type LeadRow = typeof leads.$inferInsert;

export function demoLeadRows(context: Pick<DemoContext, 'orgId' | 'people' | 'random' | 'now'>, count = DEMO_LEADS): LeadRow[] {
  const { random, now, people, orgId } = context;
  // Several leads per company, as when a rep works a buying committee.
  const companies: DemoCompany[] = Array.from({ length: Math.ceil(count / 2.5) }, () => demoCompany(random, pickMarket(random)));
  const rows: LeadRow[] = [];
  for (let i = 0; i < count; i += 1) {
    const company = random.pick(companies);
    const { market } = company;
    const place = random.pick(market.cities);
    const person = demoPerson(random, market);
    const createdAt = pastMoment(random, now, 182);
    const ageDays = (now.getTime() - createdAt.getTime()) / DAY;
    const status = statusForAge(random, ageDays);
    const source = random.weighted(LEAD_SOURCE_WEIGHTS).source;
    // Fresh inbound leads wait a moment for routing; everything else has an owner in its territory.
    const unassigned = status === 'new' && source === 'web_form' && ageDays < 14 && random.chance(0.3);
    const ownerId = unassigned ? null : random.pick(repsFor(people, market.country));
    const updatedAt = status === 'new' ? createdAt : laterMoment(random, createdAt, now);
    const deleted = random.chance(0.01);
    rows.push({
      orgId,
      id: uuidv7At(createdAt.getTime(), random),
      firstName: person.firstName,
      lastName: person.lastName,
      email: random.chance(0.93) ? demoEmail(random, person, company.domain) : null,
      phone: random.chance(0.82) ? demoPhone(random, market, place.areaCode) : null,
      company: company.name,
      title: random.chance(0.9) ? random.weighted(TITLES).title : null,
      website: random.chance(0.6) ? `https://www.${company.domain}` : null,
      industry: random.chance(0.92) ? company.industry : null,
      employeeCount: random.chance(0.85) ? company.employeeCount : null,
      country: market.country,
      region: place.region,
      city: place.city,
      postcode: random.chance(0.7) ? place.postcode : null,
      status,
      source,
      ownerId,
      notes: random.chance(0.2) ? random.pick(LEAD_NOTES) : '',
      version: status === 'new' ? 1 : random.int(2, 6),
      createdBy: source === 'outbound' || source === 'manual' ? ownerId : null,
      createdAt,
      updatedAt,
      deletedAt: deleted ? laterMoment(random, updatedAt, now) : null,
      // Dropped leads say why, from the default reasons, and come back after the default 90 days.
      ...(status === 'disqualified'
        ? { disqualifiedReason: DISQUALIFICATION_REASONS[i % DISQUALIFICATION_REASONS.length], disqualifiedAt: updatedAt, recycleAt: new Date(updatedAt.getTime() + 90 * DAY) }
        : {}),
      // Qualified and converted leads became qualified half way between being made and last touched
      // (no draw from the generator: the rest of the demo stays as it was).
      ...(status === 'qualified' || status === 'converted' ? { qualifiedAt: new Date((createdAt.getTime() + updatedAt.getTime()) / 2) } : {}),
    });
  }
  return rows;
}

export async function seedDemoLeads(context: DemoContext): Promise<string> {
  const rows = demoLeadRows(context);
  for (let i = 0; i < rows.length; i += 500) await context.db.insert(leads).values(rows.slice(i, i + 500));
  return `${formatCount(rows.length)} leads`;
}
