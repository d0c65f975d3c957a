// Channel partner rules: pure data in, data out.

export const PARTNER_KINDS = ['reseller', 'referral', 'technology'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export const REGISTRATION_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'withdrawn'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export const DEFAULT_EXPIRY_DAYS = 90;
const DAY_MS = 24 * 3600 * 1000;

/** "https://www.Globex.com/about" → "globex.com"; null for blanks and things that are no host. */
export function normaliseDomain(input: string | null | undefined): string | null {
  const raw = input?.trim().toLowerCase();
  if (!raw) return null;
  const host = raw.replace(/^[a-z]+:\/\//, '').replace(/^www\./, '').split(/[/?#:]/)[0]!;
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

/** When a registration lapses if nothing happens from `from` on. */
export const expiryFrom = (from: Date, days: number): Date => new Date(from.getTime() + days * DAY_MS);

/** Only a pending registration is decided, noted on with effect on its clock, or expired. */
export const isOpen = (status: RegistrationStatus): boolean => status === 'pending';

/** The expiry job's decision: expire now, look again later (progress pushed the date), or nothing to do. */
export function expiryStep(registration: { status: RegistrationStatus; expiresAt: Date }, at: Date): 'expire' | 'later' | 'done' {
  if (!isOpen(registration.status)) return 'done';
  return registration.expiresAt.getTime() <= at.getTime() ? 'expire' : 'later';
}

export type PartnerDeal = { partnerId: string; status: 'open' | 'won' | 'lost'; amount: number; currency: string; createdAt: Date; closedAt: Date | null };

export type PartnerNumbers = {
  openDeals: number;
  wonDeals: number;
  lostDeals: number;
  /** Open amount per currency (minor units). */
  pipeline: Record<string, number>;
  /** Won amount per currency (minor units). */
  wonRevenue: Record<string, number>;
  /** won / (won + lost), null before any deal closed. */
  winRate: number | null;
  /** Mean days from creation to close of the won deals, one decimal; null without any. */
  averageCycleDays: number | null;
};

const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Pipeline, won revenue, win rate and average sales cycle of a set of deals. */
export function partnerNumbers(deals: readonly PartnerDeal[]): PartnerNumbers {
  const pipeline: Record<string, number> = {};
  const wonRevenue: Record<string, number> = {};
  let open = 0;
  let won = 0;
  let lost = 0;
  let cycleDays = 0;
  for (const deal of deals) {
    if (deal.status === 'open') {
      open += 1;
      pipeline[deal.currency] = (pipeline[deal.currency] ?? 0) + deal.amount;
    } else if (deal.status === 'won') {
      won += 1;
      wonRevenue[deal.currency] = (wonRevenue[deal.currency] ?? 0) + deal.amount;
      cycleDays += ((deal.closedAt ?? deal.createdAt).getTime() - deal.createdAt.getTime()) / DAY_MS;
    } else lost += 1;
  }
  return {
    openDeals: open,
    wonDeals: won,
    lostDeals: lost,
    pipeline,
    wonRevenue,
    winRate: won + lost ? round3(won / (won + lost)) : null,
    averageCycleDays: won ? round1(cycleDays / won) : null,
  };
}

export type PartnerReportRow = PartnerNumbers & { partnerId: string; name: string; tierId: string | null };
export type TierReportRow = PartnerNumbers & { tierId: string | null; name: string; partners: number };

/** The partner report: one row per partner (deal-less partners too) and one per tier, by name. */
export function partnerReport(
  partners: readonly { id: string; name: string; tierId: string | null }[],
  tiers: readonly { id: string; name: string; position: number }[],
  deals: readonly PartnerDeal[],
): { partners: PartnerReportRow[]; tiers: TierReportRow[] } {
  const byPartner = new Map<string, PartnerDeal[]>();
  for (const deal of deals) byPartner.set(deal.partnerId, [...(byPartner.get(deal.partnerId) ?? []), deal]);
  const partnerRows = partners
    .map((p) => ({ partnerId: p.id, name: p.name, tierId: p.tierId, ...partnerNumbers(byPartner.get(p.id) ?? []) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const tierOf = new Map(partners.map((p) => [p.id, p.tierId]));
  const tierRows: TierReportRow[] = [...tiers]
    .sort((a, b) => a.position - b.position)
    .map((tier) => ({ tierId: tier.id, name: tier.name, partners: partners.filter((p) => p.tierId === tier.id).length, ...partnerNumbers(deals.filter((d) => tierOf.get(d.partnerId) === tier.id)) }));
  const untiered = partners.filter((p) => !p.tierId);
  if (untiered.length) {
    tierRows.push({ tierId: null, name: 'No tier', partners: untiered.length, ...partnerNumbers(deals.filter((d) => tierOf.has(d.partnerId) && !tierOf.get(d.partnerId))) });
  }
  return { partners: partnerRows, tiers: tierRows };
}
