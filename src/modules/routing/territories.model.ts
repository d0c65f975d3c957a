// Territories without a database: which territory a lead or account belongs to, by country,
// region, postcode, industry, company size or named account, in a tree (EMEA → DACH → DACH
// mid-market). Every record resolves to at most one territory, by one documented tie-break.
import type { FieldError } from '../../core/errors.ts';

export type PostcodeRange = { from: string; to: string };

/** What a record must have to sit in a territory. Every criterion given must hold; a list holds when any entry does. */
export type TerritoryCriteria = {
  countries?: string[] | undefined;
  regions?: string[] | undefined;
  postcodePrefixes?: string[] | undefined;
  postcodeRanges?: PostcodeRange[] | undefined;
  industries?: string[] | undefined;
  minEmployees?: number | undefined;
  maxEmployees?: number | undefined;
  /** Named accounts: only records of these accounts. */
  accountIds?: string[] | undefined;
};

export type Territory = { id: string; name: string; parentId: string | null; priority: number; criteria: TerritoryCriteria };

/** The facts about a lead or account that territories look at. */
export type Placeable = {
  country?: string | null | undefined;
  region?: string | null | undefined;
  postcode?: string | null | undefined;
  industry?: string | null | undefined;
  employeeCount?: number | null | undefined;
  accountId?: string | null | undefined;
};

export const TERRITORY_ROLES = ['rep', 'executive'] as const;
export type TerritoryRole = (typeof TERRITORY_ROLES)[number];

/** "sw1a 1aa" and "SW1A-1AA" are the same postcode. */
export const normalisePostcode = (postcode: string): string => postcode.toUpperCase().replace(/[\s-]/g, '');

const DIGITS = /^\d+$/;

/**
 * Postcode ranges compare as numbers when the postcode and both bounds are all digits (so the
 * Austrian 1010 is not inside the German 10000–14999), otherwise as normalised text.
 */
export function postcodeInRange(postcode: string, range: PostcodeRange): boolean {
  const code = normalisePostcode(postcode);
  const from = normalisePostcode(range.from);
  const to = normalisePostcode(range.to);
  if (DIGITS.test(code) && DIGITS.test(from) && DIGITS.test(to)) {
    const value = Number(code);
    return value >= Number(from) && value <= Number(to);
  }
  return code >= from && code <= to;
}

type CompiledCriteria = {
  countries: Set<string> | null;
  regions: Set<string> | null;
  prefixes: string[] | null;
  ranges: PostcodeRange[] | null;
  industries: Set<string> | null;
  minEmployees: number | null;
  maxEmployees: number | null;
  accountIds: Set<string> | null;
};

const lowerSet = (values: string[] | undefined) => (values?.length ? new Set(values.map((v) => v.trim().toLowerCase())) : null);

function compileCriteria(criteria: TerritoryCriteria): CompiledCriteria {
  return {
    countries: criteria.countries?.length ? new Set(criteria.countries.map((c) => c.trim().toUpperCase())) : null,
    regions: lowerSet(criteria.regions),
    prefixes: criteria.postcodePrefixes?.length ? criteria.postcodePrefixes.map(normalisePostcode) : null,
    ranges: criteria.postcodeRanges?.length ? criteria.postcodeRanges : null,
    industries: lowerSet(criteria.industries),
    minEmployees: criteria.minEmployees ?? null,
    maxEmployees: criteria.maxEmployees ?? null,
    accountIds: criteria.accountIds?.length ? new Set(criteria.accountIds) : null,
  };
}

function criteriaHold(c: CompiledCriteria, record: Placeable): boolean {
  if (c.countries && !(record.country && c.countries.has(record.country.toUpperCase()))) return false;
  if (c.regions && !(record.region && c.regions.has(record.region.trim().toLowerCase()))) return false;
  if (c.prefixes || c.ranges) {
    if (!record.postcode) return false;
    const code = normalisePostcode(record.postcode);
    const byPrefix = c.prefixes?.some((prefix) => code.startsWith(prefix)) ?? false;
    if (!byPrefix && !(c.ranges?.some((range) => postcodeInRange(code, range)) ?? false)) return false;
  }
  if (c.industries && !(record.industry && c.industries.has(record.industry.trim().toLowerCase()))) return false;
  if (c.minEmployees !== null || c.maxEmployees !== null) {
    if (record.employeeCount === null || record.employeeCount === undefined) return false;
    if (c.minEmployees !== null && record.employeeCount < c.minEmployees) return false;
    if (c.maxEmployees !== null && record.employeeCount > c.maxEmployees) return false;
  }
  if (c.accountIds && !(record.accountId && c.accountIds.has(record.accountId))) return false;
  return true;
}

type CompiledTerritory = Territory & { depth: number; chain: CompiledCriteria[]; named: boolean; path: string[] };

/** Territories ready to resolve many records: each with its ancestors' criteria, in tie-break order. */
export type TerritoryMap = { ordered: CompiledTerritory[]; byId: Map<string, CompiledTerritory> };

/**
 * The tie-break, when a record fits several territories:
 *  1. a territory that names the record's account (named accounts beat geography),
 *  2. the deepest territory (DACH mid-market before DACH before EMEA),
 *  3. the lowest priority number,
 *  4. the name, then the id, so the order is total and never depends on storage order.
 * A child territory only holds records its parent holds: criteria are inherited down the tree.
 */
export function compileTerritories(territories: readonly Territory[]): TerritoryMap {
  const byRawId = new Map(territories.map((t) => [t.id, t]));
  const compiled = new Map<string, CompiledTerritory>();
  const own = new Map(territories.map((t) => [t.id, compileCriteria(t.criteria)]));
  for (const territory of territories) {
    const chain: CompiledCriteria[] = [];
    const path: string[] = [];
    let named = false;
    const seen = new Set<string>();
    for (let current: Territory | undefined = territory; current && !seen.has(current.id); current = current.parentId ? byRawId.get(current.parentId) : undefined) {
      seen.add(current.id);
      chain.push(own.get(current.id)!);
      path.unshift(current.name);
      if (current.criteria.accountIds?.length) named = true;
    }
    compiled.set(territory.id, { ...territory, depth: chain.length - 1, chain, named, path });
  }
  const ordered = [...compiled.values()].sort(
    (a, b) =>
      Number(b.named) - Number(a.named) ||
      b.depth - a.depth ||
      a.priority - b.priority ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { ordered, byId: compiled };
}

export type Placement = { territoryId: string; name: string; path: string[]; alsoMatched: string[] };

/** The one territory a record belongs to (see the tie-break above), or null when none fits. */
export function resolveTerritory(map: TerritoryMap, record: Placeable): Placement | null {
  let chosen: CompiledTerritory | null = null;
  const alsoMatched: string[] = [];
  for (const territory of map.ordered) {
    if (!territory.chain.every((criteria) => criteriaHold(criteria, record))) continue;
    if (!chosen) chosen = territory;
    else alsoMatched.push(territory.name);
  }
  return chosen ? { territoryId: chosen.id, name: chosen.name, path: chosen.path, alsoMatched } : null;
}

/** A territory and every territory under it: a rep of DACH also covers DACH mid-market. */
export function withDescendants(territories: readonly Pick<Territory, 'id' | 'parentId'>[], roots: readonly string[]): string[] {
  const children = new Map<string, string[]>();
  for (const t of territories) {
    if (!t.parentId) continue;
    children.set(t.parentId, [...(children.get(t.parentId) ?? []), t.id]);
  }
  const found = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const id = queue.shift()!;
    if (found.has(id)) continue;
    found.add(id);
    queue.push(...(children.get(id) ?? []));
  }
  return [...found];
}

/** The territory and its ancestors, nearest first. */
export function ancestry(territories: ReadonlyMap<string, Pick<Territory, 'id' | 'parentId'>>, id: string): string[] {
  const chain: string[] = [];
  for (let current = territories.get(id); current && !chain.includes(current.id); current = current.parentId ? territories.get(current.parentId) : undefined) {
    chain.push(current.id);
  }
  return chain;
}

/** Whether putting `territoryId` under `parentId` would make it its own ancestor. */
export function createsLoop(territoryId: string, parentId: string | null, parentOf: ReadonlyMap<string, string | null>): boolean {
  const seen = new Set<string>();
  for (let current = parentId; current; current = parentOf.get(current) ?? null) {
    if (current === territoryId || seen.has(current)) return true;
    seen.add(current);
  }
  return false;
}

/** What is wrong with a territory's criteria beyond their shape. */
export function criteriaProblems(criteria: TerritoryCriteria, field = 'criteria'): FieldError[] {
  const problems: FieldError[] = [];
  criteria.countries?.forEach((country, i) => {
    if (!/^[A-Za-z]{2}$/.test(country.trim())) problems.push({ field: `${field}.countries.${i}`, message: 'Use two-letter ISO country codes' });
  });
  criteria.postcodeRanges?.forEach((range, i) => {
    const from = normalisePostcode(range.from);
    const to = normalisePostcode(range.to);
    const numeric = DIGITS.test(from) && DIGITS.test(to);
    if (!from || !to) problems.push({ field: `${field}.postcodeRanges.${i}`, message: 'A range needs both ends' });
    else if (numeric ? Number(from) > Number(to) : from > to) problems.push({ field: `${field}.postcodeRanges.${i}`, message: `${range.from} comes after ${range.to}` });
  });
  if (criteria.minEmployees !== undefined && criteria.maxEmployees !== undefined && criteria.minEmployees > criteria.maxEmployees) {
    problems.push({ field: `${field}.maxEmployees`, message: 'The maximum is below the minimum' });
  }
  return problems;
}

/** "country DE, AT or CH; 100–999 employees" — how the editor and decision log describe a territory. */
export function describeCriteria(criteria: TerritoryCriteria): string {
  const parts: string[] = [];
  const any = (values: string[]) => (values.length === 1 ? values[0]! : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`);
  if (criteria.countries?.length) parts.push(`country ${any(criteria.countries)}`);
  if (criteria.regions?.length) parts.push(`region ${any(criteria.regions)}`);
  const postcodes = [...(criteria.postcodePrefixes ?? []).map((p) => `${p}…`), ...(criteria.postcodeRanges ?? []).map((r) => `${r.from}–${r.to}`)];
  if (postcodes.length) parts.push(`postcode ${any(postcodes)}`);
  if (criteria.industries?.length) parts.push(`industry ${any(criteria.industries)}`);
  if (criteria.minEmployees !== undefined || criteria.maxEmployees !== undefined) {
    parts.push(
      criteria.maxEmployees === undefined
        ? `${criteria.minEmployees}+ employees`
        : criteria.minEmployees === undefined
          ? `up to ${criteria.maxEmployees} employees`
          : `${criteria.minEmployees}–${criteria.maxEmployees} employees`,
    );
  }
  if (criteria.accountIds?.length) parts.push(`${criteria.accountIds.length} named account${criteria.accountIds.length === 1 ? '' : 's'}`);
  return parts.length ? parts.join('; ') : 'everything';
}
