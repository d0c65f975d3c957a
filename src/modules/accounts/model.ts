// Account rules that need no database.
export const LIFECYCLE_STAGES = ['prospect', 'customer', 'former_customer'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** "https://www.Acme.com/about" → "acme.com": the form domains are stored and matched in. */
export function normaliseDomain(input: string | null | undefined): string | null {
  if (!input) return null;
  const trimmed = input.trim().toLowerCase();
  if (!trimmed) return null;
  const host = trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/?#]/)[0]!.split('@').pop()!.split(':')[0]!;
  return host.replace(/^www\./, '') || null;
}

/** An account may not be its own ancestor: walking up from the new parent must not reach it. */
export function createsCycle(accountId: string, newParentId: string | null, parentOf: Map<string, string | null>): boolean {
  let current = newParentId;
  const seen = new Set<string>();
  while (current) {
    if (current === accountId) return true;
    if (seen.has(current)) return true;
    seen.add(current);
    current = parentOf.get(current) ?? null;
  }
  return false;
}
