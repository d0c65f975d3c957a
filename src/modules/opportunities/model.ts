// Opportunity rules that need no database: where a deal comes from, which pipeline it belongs
// in, how lists sort. The stage gates, approvals, money and history have their own model files.
import type { PipelineKind } from './pipelines.model.ts';

/** `lead`: converted from a lead; `partner`: a partner brought it; `expansion`/`renewal`: an existing customer; `direct`: the rep's own. */
/** A channel partner's part in a deal: they brought it (`sourced`) or helped win it (`influenced`). */
export const PARTNER_ROLES = ['sourced', 'influenced'] as const;
export type PartnerRole = (typeof PARTNER_ROLES)[number];

export const OPPORTUNITY_SOURCES = ['lead', 'partner', 'expansion', 'renewal', 'direct'] as const;
export type OpportunitySource = (typeof OPPORTUNITY_SOURCES)[number];

export const OPPORTUNITY_STATUSES = ['open', 'won', 'lost'] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];

/** A deal made without naming a pipeline goes where its source says. */
export function pipelineKindFor(source: OpportunitySource): PipelineKind {
  if (source === 'expansion') return 'expansion';
  if (source === 'renewal') return 'renewal';
  if (source === 'partner') return 'partner';
  return 'new_business';
}

export const OPPORTUNITY_SORTS = ['closeDate', '-closeDate', 'amount', '-amount', 'name', '-updatedAt'] as const;
export type OpportunitySort = (typeof OPPORTUNITY_SORTS)[number];
export type SortKey = 'closeDate' | 'amount' | 'name' | 'updatedAt';

export function parseSort(sort: OpportunitySort): { key: SortKey; descending: boolean } {
  const descending = sort.startsWith('-');
  return { key: (descending ? sort.slice(1) : sort) as SortKey, descending };
}

/** Open stages read soonest close first (what to work now); closed stages latest first (what just happened). */
export const boardSortFor = (outcome: 'open' | 'won' | 'lost'): OpportunitySort => (outcome === 'open' ? 'closeDate' : '-closeDate');

/** Competitor names as a rep types them: trimmed, blanks dropped, each once whatever its case. */
export function tidyCompetitors(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of names) {
    const trimmed = name.trim();
    if (!trimmed || seen.has(trimmed.toLowerCase())) continue;
    seen.add(trimmed.toLowerCase());
    out.push(trimmed);
  }
  return out;
}
