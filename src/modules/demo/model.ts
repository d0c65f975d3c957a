// The demo organisation's generators: deterministic (a seeded PRNG), pure, no database.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { COMPANY_STEMS, COMPANY_SUFFIXES, FIRST_NAMES, INDUSTRIES, LAST_NAMES, MARKETS, type Market } from './vocabulary.ts';

export type Random = {
  /** A number in [0, 1). */
  next: () => number;
  /** An integer in [min, max]. */
  int: (min: number, max: number) => number;
  pick: <T>(items: readonly T[]) => T;
  weighted: <T extends { weight: number }>(items: readonly T[]) => T;
  chance: (probability: number) => boolean;
};

/** A small, fast, seedable PRNG (sfc32 seeded through cyrb128): the same seed gives the same demo. */
export function createRandom(seed: string): Random {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < seed.length; i += 1) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  let a = h1 >>> 0, b = h2 >>> 0, c = h3 >>> 0, d = h4 >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i += 1) next();
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (items) => {
      const total = items.reduce((sum, item) => sum + item.weight, 0);
      let roll = next() * total;
      for (const item of items) {
        roll -= item.weight;
        if (roll < 0) return item;
      }
      return items.at(-1)!;
    },
    chance: (probability) => next() < probability,
  };
}

/** A UUIDv7 for a given moment, so demo ids sort like their backdated creation times. */
export function uuidv7At(ms: number, random: Random): string {
  const hex = (digits: number) => Array.from({ length: digits }, () => random.int(0, 15).toString(16)).join('');
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  const variant = (8 + random.int(0, 3)).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

const DAY = 24 * 3600 * 1000;

/**
 * A moment in the last `days` days, during office hours on a weekday, more often recent than old
 * (a growing pipeline). Never later than `now`.
 */
export function pastMoment(random: Random, now: Date, days: number): Date {
  const daysAgo = days * random.next() ** 1.4;
  const at = new Date(now.getTime() - daysAgo * DAY);
  const weekday = at.getUTCDay();
  if (weekday === 0 || weekday === 6) at.setUTCDate(at.getUTCDate() - (weekday === 0 ? 2 : 1));
  at.setUTCHours(random.int(7, 17), random.int(0, 59), random.int(0, 59), random.int(0, 999));
  return at.getTime() > now.getTime() ? new Date(now.getTime() - random.int(1, 3600) * 1000) : at;
}

/** A moment between `from` and `now`, for the last change to a record. */
export const laterMoment = (random: Random, from: Date, now: Date): Date =>
  new Date(from.getTime() + (now.getTime() - from.getTime()) * random.next() ** 2);

/** "Müller & Söhne" → "mullersohne": how names become email local parts and domains. */
export const asciiSlug = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

export const pickMarket = (random: Random): Market => random.weighted(MARKETS);

export type DemoPerson = { firstName: string; lastName: string };

export const demoPerson = (random: Random, market: Market): DemoPerson => ({
  firstName: random.pick(FIRST_NAMES[market.language]),
  lastName: random.pick(LAST_NAMES[market.language]),
});

export type DemoCompany = { name: string; core: string; domain: string; industry: string; market: Market; employeeCount: number };

/** A company of the market: "Bluepeak Logistics Inc.", "Nordfeld Maschinenbau GmbH", at bluepeaklogistics.com. */
export function demoCompany(random: Random, market: Market): DemoCompany {
  const industry = random.weighted(INDUSTRIES);
  const word = random.pick(industry.words[market.language] ?? industry.words.en);
  const stem = random.pick(COMPANY_STEMS[market.language]) + random.pick(COMPANY_SUFFIXES[market.language]);
  const core = `${stem} ${word}`;
  const legalForm = random.pick(market.legalForms);
  return {
    name: legalForm ? `${core} ${legalForm}` : core,
    core,
    domain: `${asciiSlug(random.chance(0.5) ? stem : core)}.${market.tld}`,
    industry: industry.industry,
    market,
    employeeCount: employeeCount(random),
  };
}

/** Head count, shaped like an SMB/mid-market funnel: mostly 11–1,000, a long tail of enterprises. */
export function employeeCount(random: Random): number {
  const band = random.weighted([
    { weight: 10, min: 2, max: 10 },
    { weight: 25, min: 11, max: 50 },
    { weight: 30, min: 51, max: 200 },
    { weight: 20, min: 201, max: 1000 },
    { weight: 10, min: 1001, max: 5000 },
    { weight: 5, min: 5001, max: 60000 },
  ]);
  const count = random.int(band.min, band.max);
  // People quote head counts rounded.
  return count > 100 ? Math.round(count / 10) * 10 : count;
}

/** first.last@, flast@, first@ … at the company's domain, in plain ASCII. */
export function demoEmail(random: Random, person: DemoPerson, domain: string): string {
  const first = asciiSlug(person.firstName);
  const last = asciiSlug(person.lastName);
  const local = random.weighted([
    { weight: 50, value: `${first}.${last}` },
    { weight: 15, value: `${first[0]}${last}` },
    { weight: 12, value: first },
    { weight: 10, value: `${first}${last}` },
    { weight: 8, value: `${first}_${last}` },
    { weight: 5, value: `${first[0]}.${last}` },
  ]).value;
  return `${local}@${domain}`;
}

const digits = (random: Random, count: number) => Array.from({ length: count }, () => random.int(0, 9)).join('');

/** A phone number as people in that country write it. */
export function demoPhone(random: Random, market: Market, areaCode: string): string {
  switch (market.country) {
    case 'US':
    case 'CA':
      // 555-01xx numbers are reserved for fiction.
      return `+1 (${areaCode}) 555-01${digits(random, 2)}`;
    case 'GB':
      return areaCode.length === 2 ? `+44 ${areaCode} ${digits(random, 4)} ${digits(random, 4)}` : `+44 ${areaCode} ${digits(random, 3)} ${digits(random, 4)}`;
    case 'FR':
      return `+33 ${areaCode} ${digits(random, 2)} ${digits(random, 2)} ${digits(random, 2)} ${digits(random, 2)}`;
    case 'DK':
      return `+45 ${digits(random, 2)} ${digits(random, 2)} ${digits(random, 2)} ${digits(random, 2)}`;
    case 'NL':
      return `+31 ${areaCode} ${digits(random, 3)} ${digits(random, 4)}`;
    default:
      return `${market.dial} ${areaCode ? `${areaCode.replace(/^0/, '')} ` : ''}${digits(random, 3)} ${digits(random, 4)}`;
  }
}

export type DemoPeople = { admin: string; manager: string; reps: { id: string; territory: 'EMEA' | 'NA' }[]; executive: string; partner: string };

/** What each capability's part of the demo gets: the open transaction and who is who. */
export type DemoContext = {
  db: Db;
  orgId: string;
  /** The demo admin, acting as the system. */
  actor: Actor;
  people: DemoPeople;
  /** A PRNG of the part's own, so adding a part never changes the data of the others. */
  random: Random;
  now: Date;
};

/** One capability's slice of the demo; it answers a short summary such as "3,000 leads". */
export type DemoPart = { capability: string; seed: (context: DemoContext) => Promise<string> };

/** The EMEA team works Europe; the NA team the Americas, and APAC from the US west coast. */
export const territoryOf = (country: string): 'EMEA' | 'NA' => (['US', 'CA', 'AU'].includes(country) ? 'NA' : 'EMEA');

/** The reps of the territory, or all of them when it has none. */
export function repsFor(people: DemoPeople, country: string): string[] {
  const inTerritory = people.reps.filter((rep) => rep.territory === territoryOf(country)).map((rep) => rep.id);
  return inTerritory.length > 0 ? inTerritory : people.reps.map((rep) => rep.id);
}

export const formatCount = (n: number): string => n.toLocaleString('en-US');
