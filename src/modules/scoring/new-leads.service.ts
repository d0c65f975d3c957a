// Scores for leads loaded in bulk (imports), worked out before the leads are written, so each
// lead is written once with its score instead of being rewritten by a rescore afterwards (a
// second pass through every index of the leads table).
import { eq } from 'drizzle-orm';
import type { Db } from '../../core/db.ts';
import { DEFAULT_SCORING_RULES, scoreLead, type ScoringLead } from './model.ts';
import { scoringRules } from './schema.ts';

/** A new lead's score and its explanation as stored JSON. */
export type NewLeadScore = { score: number; explanation: string };

/**
 * Scores new leads without touching the database again: a new lead has no engagement yet, so its
 * score is its fit under the org's rules as they stand now. Leads with the same firmographics
 * share one result.
 */
export async function newLeadScorer(db: Db, orgId: string, now: Date): Promise<(lead: ScoringLead) => NewLeadScore> {
  const [row] = await db.select({ fit: scoringRules.fit, engagement: scoringRules.engagement }).from(scoringRules).where(eq(scoringRules.orgId, orgId));
  const rules = row ?? DEFAULT_SCORING_RULES;
  const scoredAt = now.toISOString();
  const seen = new Map<string, NewLeadScore>();
  // Rules on custom fields make those values part of what the score depends on.
  const byCustom = rules.fit.some((rule) => rule.field.startsWith('custom.'));
  return (lead) => {
    const key = `${lead.title}\u0000${lead.industry}\u0000${lead.employeeCount}\u0000${lead.country}${byCustom ? `\u0000${JSON.stringify(lead.custom ?? null)}` : ''}`;
    let result = seen.get(key);
    if (!result) {
      const { score, ...explanation } = scoreLead(lead, rules, [], now);
      result = { score, explanation: JSON.stringify({ ...explanation, scoredAt }) };
      if (seen.size >= 10_000) seen.clear();
      seen.set(key, result);
    }
    return result;
  };
}
