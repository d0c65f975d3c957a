// The people around an account: its team on our side, its key players on theirs. Pure.

/** Our side: several people on one account, each in one role, so inside and outside sales stay in step. */
export const TEAM_ROLES = ['inside_rep', 'outside_exec', 'account_manager', 'partner'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Their side: what a contact is in a buying decision (also used for the contacts on a deal). */
export const BUYING_ROLES = ['decision_maker', 'economic_buyer', 'champion', 'influencer', 'blocker', 'user'] as const;
export type BuyingRole = (typeof BUYING_ROLES)[number];

export type KeyPlayer = { contactId: string; reportsToContactId: string | null };
export type OrgChartNode<T extends KeyPlayer> = T & { reports: OrgChartNode<T>[] };

/**
 * The simple org chart: key players under whom they report. Someone reporting to a contact who
 * is not a key player (or to themselves, or round in a circle) is shown at the top rather than lost.
 */
export function orgChart<T extends KeyPlayer>(players: readonly T[]): OrgChartNode<T>[] {
  const nodes = new Map(players.map((p) => [p.contactId, { ...p, reports: [] as OrgChartNode<T>[] }]));
  const roots: OrgChartNode<T>[] = [];
  for (const node of nodes.values()) {
    const boss = node.reportsToContactId ? nodes.get(node.reportsToContactId) : undefined;
    if (boss && !reportsUpTo(boss, node.contactId, nodes)) boss.reports.push(node);
    else roots.push(node);
  }
  return roots;
}

function reportsUpTo(start: KeyPlayer, target: string, nodes: Map<string, KeyPlayer>): boolean {
  const seen = new Set<string>();
  let current: KeyPlayer | undefined = start;
  while (current) {
    if (current.contactId === target) return true;
    if (seen.has(current.contactId)) return false;
    seen.add(current.contactId);
    current = current.reportsToContactId ? nodes.get(current.reportsToContactId) : undefined;
  }
  return false;
}

/** Whether making `contactId` report to `managerId` would close a circle in the chart. */
export function reportingCycle(contactId: string, managerId: string | null, players: readonly KeyPlayer[]): boolean {
  if (!managerId) return false;
  if (managerId === contactId) return true;
  const nodes = new Map<string, KeyPlayer>(players.map((p) => [p.contactId, p]));
  nodes.set(contactId, { contactId, reportsToContactId: managerId });
  return reportsUpTo(nodes.get(managerId) ?? { contactId: managerId, reportsToContactId: null }, contactId, nodes);
}

/** Company size bands for "similar customers": firms within a band buy alike. */
export const SIZE_BANDS = [
  { band: '1-10', max: 10 },
  { band: '11-50', max: 50 },
  { band: '51-200', max: 200 },
  { band: '201-1000', max: 1000 },
  { band: '1001-5000', max: 5000 },
  { band: '5000+', max: Number.POSITIVE_INFINITY },
] as const;

export function sizeBand(employees: number | null): string | null {
  if (employees === null) return null;
  return SIZE_BANDS.find((b) => employees <= b.max)!.band;
}
