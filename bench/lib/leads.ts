import { sql } from 'drizzle-orm';
import { UUID } from 'uuidv7';
import type { Database } from '../../src/core/db.ts';
import { LEAD_SOURCES, type LeadStatus } from '../../src/modules/leads/model.ts';
import { leads } from '../../src/modules/leads/schema.ts';
import { DEFAULT_ORG_SETTINGS } from '../../src/modules/orgs/settings-model.ts';
import { insertRows, withIndexesBuiltAfter } from './bulk-insert.ts';

// Realistic-looking leads, generated from a seeded random source so every run loads the same data.

export type Random = () => number;

/** mulberry32: tiny, fast and good enough to spread test data. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Picks by weight: `[[value, weight], …]`. */
function weighted<T>(random: Random, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [value, weight] of table) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return table.at(-1)![0];
}

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Chris', 'Karen', 'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony',
  'Sandra', 'Mark', 'Ashley', 'Paul', 'Emily', 'Steven', 'Donna', 'Andrew', 'Michelle', 'Kenji', 'Yuki', 'Priya', 'Arjun', 'Sofia',
  'Lucas', 'Emma', 'Noah', 'Olivia', 'Liam', 'Ava', 'Mateo', 'Camila', 'Lukas', 'Hanna', 'Pierre', 'Chloé', 'Giulia', 'Marco',
  'Ingrid', 'Lars', 'Fatima', 'Omar', 'Wei', 'Mei', 'Diego', 'Valentina', 'Aisha', 'Tomás', 'Zoe', 'Henrik', 'Anja',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez',
  'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White',
  'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres',
  'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Dubois', 'Laurent', 'Bernard', 'Rossi', 'Russo', 'Ferrari', 'Esposito',
  'Janssen', 'de Vries', 'Jansen', 'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Sato', 'Suzuki', 'Takahashi', 'Tanaka',
  'Patel', 'Sharma', 'Singh', 'Kumar', 'Gupta', 'Silva', 'Santos', 'Oliveira', 'Souza', 'Kowalski', 'Nowak', 'Novak', 'Horvat',
  'Okafor', 'Mensah', 'Haddad', 'Khan', 'Chen', 'Wang', 'Li', 'Zhang', 'Liu', "O'Brien", 'Murphy', 'Kelly', 'Byrne', 'Walsh',
] as const;

const COMPANY_WORDS = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Cyberdyne', 'Soylent', 'Hooli', 'Vandelay', 'Pied Piper', 'Aperture',
  'Blue Ridge', 'Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Litware', 'Proseware', 'Adatum', 'Wingtip', 'Lucerne', 'Fourth Coffee',
  'Alpine', 'Summit', 'Harbor', 'Granite', 'Cedar', 'Maple', 'Atlas', 'Orbit', 'Vertex', 'Pinnacle', 'Horizon', 'Beacon', 'Keystone',
  'Evergreen', 'Silverline', 'Redwood', 'Ironclad', 'Brightwave', 'Clearpath', 'Quantum', 'Nimbus', 'Polaris', 'Sterling', 'Crescent',
] as const;
const COMPANY_KINDS = ['Logistics', 'Software', 'Health', 'Foods', 'Energy', 'Capital', 'Labs', 'Systems', 'Retail', 'Media', 'Partners', 'Manufacturing', 'Analytics', 'Consulting', 'Robotics'] as const;
const COMPANY_SUFFIXES = ['Inc', 'Ltd', 'GmbH', 'SAS', 'BV', 'AB', 'LLC', 'plc', 'Co', 'Group'] as const;
const INDUSTRIES = ['Software', 'Manufacturing', 'Healthcare', 'Financial services', 'Retail', 'Logistics', 'Education', 'Energy', 'Media', 'Professional services', 'Hospitality', 'Construction'] as const;
const TITLES = ['CEO', 'CTO', 'CFO', 'VP Sales', 'Head of Marketing', 'Operations Manager', 'IT Director', 'Procurement Lead', 'Founder', 'Office Manager', 'Engineering Manager', 'Sales Director', null] as const;

// Country, weight, a few cities (with their region), so filters by country have realistic selectivity.
const COUNTRIES: readonly (readonly [string, number, readonly (readonly [string, string])[]])[] = [
  ['US', 30, [['New York', 'NY'], ['Austin', 'TX'], ['San Francisco', 'CA'], ['Chicago', 'IL'], ['Boston', 'MA']]],
  ['GB', 12, [['London', 'England'], ['Manchester', 'England'], ['Edinburgh', 'Scotland']]],
  ['DE', 10, [['Berlin', 'Berlin'], ['Munich', 'Bavaria'], ['Hamburg', 'Hamburg']]],
  ['FR', 8, [['Paris', 'Île-de-France'], ['Lyon', 'Auvergne-Rhône-Alpes']]],
  ['CA', 6, [['Toronto', 'ON'], ['Vancouver', 'BC']]],
  ['NL', 5, [['Amsterdam', 'North Holland'], ['Rotterdam', 'South Holland']]],
  ['AU', 5, [['Sydney', 'NSW'], ['Melbourne', 'VIC']]],
  ['ES', 4, [['Madrid', 'Madrid'], ['Barcelona', 'Catalonia']]],
  ['IT', 4, [['Milan', 'Lombardy'], ['Rome', 'Lazio']]],
  ['SE', 3, [['Stockholm', 'Stockholm'], ['Gothenburg', 'Västra Götaland']]],
  ['IN', 5, [['Bengaluru', 'Karnataka'], ['Mumbai', 'Maharashtra']]],
  ['BR', 4, [['São Paulo', 'SP'], ['Rio de Janeiro', 'RJ']]],
  ['JP', 4, [['Tokyo', 'Tokyo'], ['Osaka', 'Osaka']]],
];

const COUNTRY_WEIGHTS = COUNTRIES.map((entry) => [entry, entry[1]] as const);
const STATUS_WEIGHTS: readonly (readonly [LeadStatus, number])[] = [
  ['new', 30], ['working', 22], ['nurture', 15], ['qualified', 10], ['disqualified', 15], ['converted', 8],
];
const SOURCE_WEIGHTS = LEAD_SOURCES.map((source, i) => [source, i < 4 ? 20 : 5] as const);

export type LeadInsert = typeof leads.$inferInsert;

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** The fields a person would send to POST /api/v1/leads. */
export function leadFields(random: Random, ownerIds: readonly string[], serial: number) {
  const firstName = pick(random, FIRST_NAMES);
  const lastName = pick(random, LAST_NAMES);
  const companyName = `${pick(random, COMPANY_WORDS)} ${pick(random, COMPANY_KINDS)}`;
  const company = random() < 0.9 ? `${companyName} ${pick(random, COMPANY_SUFFIXES)}` : '';
  const domain = `${companyName.toLowerCase().replace(/[^a-z]+/g, '')}.example`;
  const [country, , cities] = weighted(random, COUNTRY_WEIGHTS);
  const [city, region] = pick(random, cities);
  return {
    firstName,
    lastName,
    email: random() < 0.92 ? `${firstName}.${lastName}.${serial}@${domain}`.toLowerCase().replace(/[^a-z0-9.@]/g, '') : null,
    phone: random() < 0.7 ? `+1 555 ${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}` : null,
    company,
    title: pick(random, TITLES),
    website: company && random() < 0.6 ? `https://${domain}` : null,
    industry: random() < 0.8 ? pick(random, INDUSTRIES) : null,
    employeeCount: random() < 0.7 ? Math.floor(10 ** (1 + random() * 4)) : null,
    country,
    region,
    city,
    postcode: random() < 0.5 ? String(10_000 + Math.floor(random() * 89_999)) : null,
    status: weighted(random, STATUS_WEIGHTS),
    source: weighted(random, SOURCE_WEIGHTS),
    ownerId: random() < 0.05 ? null : pick(random, ownerIds),
    notes: random() < 0.2 ? 'Asked for pricing for the team plan; follow up after their budget review next quarter.' : '',
  };
}

/** One stored lead, created some time in the year before `now`, with a time-ordered id to match. */
export function generateLead(random: Random, orgId: string, ownerIds: readonly string[], serial: number, now: number): LeadInsert {
  const createdMs = now - Math.floor(random() * YEAR_MS);
  const createdAt = new Date(createdMs);
  const touched = random() < 0.6;
  const updatedAt = touched ? new Date(Math.min(now, createdMs + Math.floor(random() * 30 * 24 * 3600 * 1000))) : createdAt;
  const fields = leadFields(random, ownerIds, serial);
  const disqualified = fields.status === 'disqualified';
  return {
    ...fields,
    // The lifecycle rules require a reason for every disqualified lead.
    disqualifiedReason: disqualified ? pick(random, DEFAULT_ORG_SETTINGS.disqualificationReasons) : null,
    disqualifiedAt: disqualified ? updatedAt : null,
    orgId,
    id: uuidv7At(createdMs, random),
    version: touched ? 2 : 1,
    createdBy: fields.ownerId ?? ownerIds[0]!,
    createdAt,
    updatedAt,
    deletedAt: random() < 0.01 ? updatedAt : null,
  };
}

/** A UUIDv7 for a past instant, as newId() would have made it then. */
function uuidv7At(ms: number, random: Random): string {
  const word = () => Math.floor(random() * 2 ** 30);
  return UUID.fromFieldsV7(ms, word() & 0xfff, word(), word() * 4 + Math.floor(random() * 4)).toString();
}

/**
 * Bulk-loads `count` leads with batched multi-row INSERTs (indexes built afterwards), then
 * ANALYZEs so the planner sees the real distribution (PGlite has no autovacuum to do it later).
 * The leads get no audit entries: nothing measured here reads them.
 */
export async function loadLeads(
  database: Database,
  options: { orgId: string; ownerIds: readonly string[]; count: number; seed?: number; batchSize?: number; onProgress?: (loaded: number) => void },
): Promise<void> {
  const random = seededRandom(options.seed ?? 42);
  const batchSize = options.batchSize ?? 5000;
  const now = Date.now();
  await withIndexesBuiltAfter(database, leads, async () => {
    for (let start = 0; start < options.count; start += batchSize) {
      const rows: LeadInsert[] = [];
      for (let serial = start; serial < Math.min(options.count, start + batchSize); serial++) {
        rows.push(generateLead(random, options.orgId, options.ownerIds, serial, now));
      }
      await insertRows(database, leads, rows, batchSize);
      options.onProgress?.(start + rows.length);
    }
  });
  await database.db.execute(sql`analyze leads`);
}
