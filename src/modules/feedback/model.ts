// Pure rules of customer feedback: the kinds, idea statuses, and the money behind an idea.

export const FEEDBACK_KINDS = ['feature_request', 'bug', 'praise', 'objection', 'lost_reason'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export const IDEA_STATUSES = ['new', 'planned', 'in_progress', 'shipped', 'declined'] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

export const SOURCE_TYPES = ['account', 'contact', 'opportunity', 'lead', 'activity', 'api'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** pg_trgm similarity from which a quote or title is offered as "the same request". */
export const MIN_SIMILARITY = 0.3;

export type Money = Record<string, number>;

/** A deal as the revenue math sees it. */
export type DealFact = { id: string; accountId: string | null; status: 'open' | 'won' | 'lost'; amount: number; currency: string };

/** What an idea's feedback points at: the deal each quote cites (if any) and the customer who said it. */
export type FeedbackLink = { accountId: string | null; opportunityId: string | null };

export type RevenueAtStake = {
  /** Open deals cited by the idea's feedback, each once. */
  openPipeline: Money;
  /** Closed-won deals of the accounts that asked, each once. */
  wonRevenue: Money;
  accountIds: string[];
  openDealCount: number;
};

const add = (money: Money, currency: string, amount: number) => {
  money[currency] = (money[currency] ?? 0) + amount;
};

/**
 * The money behind an idea. Open pipeline counts the open deals its feedback cites (a deal cited
 * by two quotes counts once); won revenue counts every won deal of the accounts that asked (the
 * customers' value, whether or not the quote cites that deal). Totals are per currency: there is
 * no exchange rate to add them with.
 */
export function revenueAtStake(links: readonly FeedbackLink[], deals: readonly DealFact[]): RevenueAtStake {
  const cited = new Set(links.map((l) => l.opportunityId).filter((id): id is string => Boolean(id)));
  const accountIds = new Set(links.map((l) => l.accountId).filter((id): id is string => Boolean(id)));
  const openPipeline: Money = {};
  const wonRevenue: Money = {};
  let openDealCount = 0;
  const seen = new Set<string>();
  for (const deal of deals) {
    if (seen.has(deal.id)) continue;
    seen.add(deal.id);
    if (deal.status === 'open' && cited.has(deal.id)) {
      add(openPipeline, deal.currency, deal.amount);
      openDealCount += 1;
    }
    if (deal.status === 'won' && deal.accountId && accountIds.has(deal.accountId)) add(wonRevenue, deal.currency, deal.amount);
  }
  return { openPipeline, wonRevenue, accountIds: [...accountIds].sort(), openDealCount };
}

/** All the money at stake in one currency-keyed total (open plus won). */
export const totalAtStake = (r: Pick<RevenueAtStake, 'openPipeline' | 'wonRevenue'>): Money => {
  const total: Money = {};
  for (const [c, v] of Object.entries(r.openPipeline)) add(total, c, v);
  for (const [c, v] of Object.entries(r.wonRevenue)) add(total, c, v);
  return total;
};

/**
 * Ideas rank by money: first by the total at stake in the org's currency, then by the sum over
 * other currencies (minor units, a tie-breaker only), then by how many accounts asked, then title.
 */
export function rankIdeas<T extends { title: string; openPipeline: Money; wonRevenue: Money; accountIds: readonly string[] }>(ideas: readonly T[], orgCurrency: string): T[] {
  const key = (i: T) => {
    const total = totalAtStake(i);
    const main = total[orgCurrency] ?? 0;
    const other = Object.entries(total).reduce((s, [c, v]) => (c === orgCurrency ? s : s + v), 0);
    return [main, other, i.accountIds.length] as const;
  };
  return [...ideas]
    .map((idea) => ({ idea, k: key(idea) }))
    .sort((a, b) => b.k[0] - a.k[0] || b.k[1] - a.k[1] || b.k[2] - a.k[2] || a.idea.title.localeCompare(b.idea.title))
    .map((x) => x.idea);
}

/** An area's full name through its parents ("Reporting › Dashboards"); cycles stop at the first repeat. */
export function areaPath(areas: ReadonlyMap<string, { name: string; parentId: string | null }>, id: string | null): string | null {
  if (!id) return null;
  const names: string[] = [];
  const seen = new Set<string>();
  let current: string | null = id;
  while (current && !seen.has(current)) {
    seen.add(current);
    const area = areas.get(current);
    if (!area) break;
    names.unshift(area.name);
    current = area.parentId;
  }
  return names.length ? names.join(' › ') : null;
}

/** Would making `parentId` the parent of `id` put an area under itself? */
export function createsCycle(areas: ReadonlyMap<string, { parentId: string | null }>, id: string, parentId: string | null): boolean {
  let current = parentId;
  const seen = new Set<string>();
  while (current && !seen.has(current)) {
    if (current === id) return true;
    seen.add(current);
    current = areas.get(current)?.parentId ?? null;
  }
  return false;
}

const csvCell = (value: string | number | null | undefined): string => {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ makes spreadsheets run the cell as a formula: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const toCsv = (header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string =>
  [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';

/** Money as "EUR 1234.50; USD 20.00" for a CSV cell (minor units, two decimals). */
export const moneyCell = (money: Money): string =>
  Object.keys(money)
    .sort()
    .map((c) => `${c} ${(money[c]! / 100).toFixed(2)}`)
    .join('; ');
