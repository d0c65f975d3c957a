// Pipelines and stages: the shapes an org's sales process takes, and which stage lists make sense.
import type { FieldError } from '../../core/errors.ts';
import { GATE_REQUIREMENTS, type GateRequirement } from './gates.model.ts';

export const PIPELINE_KINDS = ['new_business', 'expansion', 'renewal', 'partner'] as const;
export type PipelineKind = (typeof PIPELINE_KINDS)[number];

/**
 * Where a deal in a stage counts in the forecast. `omitted` is for lost deals: they are closed,
 * but counting them under "closed" would add lost money to won revenue.
 */
export const FORECAST_CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

export const STAGE_OUTCOMES = ['open', 'won', 'lost'] as const;
export type StageOutcome = (typeof STAGE_OUTCOMES)[number];

export type StageTemplate = {
  name: string;
  probability: number;
  forecastCategory: ForecastCategory;
  outcome: StageOutcome;
  gates: GateRequirement[];
};

const won = (gates: GateRequirement[] = ['products', 'approvals']): StageTemplate => ({
  name: 'Closed won',
  probability: 100,
  forecastCategory: 'closed',
  outcome: 'won',
  gates,
});
const lost: StageTemplate = { name: 'Closed lost', probability: 0, forecastCategory: 'omitted', outcome: 'lost', gates: [] };
const open = (name: string, probability: number, forecastCategory: ForecastCategory, gates: GateRequirement[] = []): StageTemplate => ({
  name,
  probability,
  forecastCategory,
  outcome: 'open',
  gates,
});

/** What every new organisation starts with; admins rename, reorder and gate stages from here. */
export const DEFAULT_PIPELINES: { name: string; kind: PipelineKind; stages: StageTemplate[] }[] = [
  {
    name: 'New business',
    kind: 'new_business',
    stages: [
      open('Qualification', 10, 'pipeline'),
      open('Discovery', 20, 'pipeline'),
      open('Proposal', 50, 'best_case', ['decision_maker', 'amount']),
      open('Negotiation', 75, 'commit', ['approvals']),
      won(),
      lost,
    ],
  },
  {
    name: 'Expansion',
    kind: 'expansion',
    stages: [open('Qualification', 20, 'pipeline'), open('Proposal', 50, 'best_case', ['amount']), open('Negotiation', 75, 'commit', ['approvals']), won(), lost],
  },
  {
    name: 'Renewal',
    kind: 'renewal',
    stages: [open('Upcoming', 70, 'best_case'), open('Negotiation', 85, 'commit', ['approvals']), won(['approvals']), lost],
  },
  {
    name: 'Partner',
    kind: 'partner',
    stages: [
      open('Registered', 10, 'pipeline'),
      open('Qualification', 20, 'pipeline'),
      open('Proposal', 50, 'best_case', ['decision_maker', 'amount']),
      open('Negotiation', 75, 'commit', ['approvals']),
      won(),
      lost,
    ],
  },
];

/** The forecast categories that fit a stage with this outcome. */
export function categoriesFor(outcome: StageOutcome): ForecastCategory[] {
  if (outcome === 'won') return ['closed'];
  if (outcome === 'lost') return ['omitted'];
  return ['pipeline', 'best_case', 'commit'];
}

/**
 * What is wrong with an ordered stage list an admin wants: every pipeline needs open stages to
 * work deals in, exactly one won and one lost stage to close them, and closed stages after the
 * open ones (gates count the stages a deal passes on its way, so the order must be the journey).
 */
export function stageListProblems(stages: StageTemplate[]): FieldError[] {
  const problems: FieldError[] = [];
  const at = (i: number, field: string, message: string) => problems.push({ field: `stages.${i}.${field}`, message });
  if (!stages.some((s) => s.outcome === 'open')) problems.push({ field: 'stages', message: 'A pipeline needs at least one open stage' });
  for (const outcome of ['won', 'lost'] as const) {
    const count = stages.filter((s) => s.outcome === outcome).length;
    if (count !== 1) problems.push({ field: 'stages', message: `A pipeline needs exactly one ${outcome} stage (has ${count})` });
  }
  const seen = new Set<string>();
  let closedSeen = false;
  stages.forEach((stage, i) => {
    const name = stage.name.trim();
    if (!name) at(i, 'name', 'A stage needs a name');
    else if (seen.has(name.toLowerCase())) at(i, 'name', `Two stages are called "${name}"`);
    seen.add(name.toLowerCase());
    if (!Number.isInteger(stage.probability) || stage.probability < 0 || stage.probability > 100) at(i, 'probability', 'A whole number from 0 to 100');
    if (!categoriesFor(stage.outcome).includes(stage.forecastCategory)) {
      const allowed = categoriesFor(stage.outcome);
      const list = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
      at(i, 'forecastCategory', `${stage.outcome === 'open' ? 'An' : 'A'} ${stage.outcome} stage counts as ${list}`);
    }
    if (stage.outcome === 'won' && stage.probability !== 100) at(i, 'probability', 'A won stage is 100 %');
    if (stage.outcome === 'lost' && stage.probability !== 0) at(i, 'probability', 'A lost stage is 0 %');
    if (stage.outcome === 'lost' && stage.gates.length > 0) at(i, 'gates', 'A lost deal only needs a loss reason, which is always required');
    const unknown = stage.gates.filter((g) => !(GATE_REQUIREMENTS as readonly string[]).includes(g));
    if (unknown.length) at(i, 'gates', `Unknown requirement ${unknown.join(', ')}`);
    if (stage.outcome === 'open' && closedSeen) at(i, 'outcome', 'Open stages come before the closed ones');
    if (stage.outcome !== 'open') closedSeen = true;
  });
  return problems;
}
