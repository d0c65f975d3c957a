// Account look-ups for bulk loads, run on the load's own transaction (see src/core/bulk-session.ts).
import type { BulkSession } from '../../core/bulk-session.ts';

/**
 * `findAccountForLead` for many leads in one statement, inside a bulk load's transaction (an
 * import routing a batch): the account for each probe by position, or null.
 */
export async function findAccountsForLeads(
  session: BulkSession,
  orgId: string,
  probes: { domain: string | null; company: string | null }[],
): Promise<({ id: string; name: string; ownerId: string | null } | null)[]> {
  if (probes.length === 0) return [];
  const rows = await session.query<{ i: string; id: string | null; name: string | null; owner_id: string | null }>(
    `SELECT p.i, a.id, a.name, a.owner_id
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS p(domain, company, i)
       LEFT JOIN LATERAL (
         SELECT x.id, x.name, x.owner_id FROM (
           (SELECT id, name, owner_id, created_at, 0 AS rank FROM accounts
             WHERE org_id = $1 AND deleted_at IS NULL AND p.domain IS NOT NULL AND lower(domain) = p.domain ORDER BY created_at LIMIT 1)
           UNION ALL
           (SELECT id, name, owner_id, created_at, 1 AS rank FROM accounts
             WHERE org_id = $1 AND deleted_at IS NULL AND p.company <> '' AND lower(name) = p.company ORDER BY created_at LIMIT 1)
         ) x ORDER BY x.rank LIMIT 1
       ) a ON true
      ORDER BY p.i`,
    [orgId, probes.map((p) => p.domain?.toLowerCase() ?? null), probes.map((p) => p.company?.trim().toLowerCase() ?? '')],
  );
  return rows.map((r) => (r.id ? { id: r.id, name: r.name!, ownerId: r.owner_id } : null));
}
