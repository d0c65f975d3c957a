// Stage gates: what a deal needs before it may enter a stage. Pure rules; the service gathers the facts.
import type { ApprovalStanding } from './approvals.model.ts';

/** What an admin can require of a stage. A lost deal always needs a loss reason, whatever the gates. */
export const GATE_REQUIREMENTS = ['amount', 'next_step', 'decision_maker', 'economic_buyer', 'champion', 'products', 'approvals'] as const;
export type GateRequirement = (typeof GATE_REQUIREMENTS)[number];

export type GateStage = { id: string; name: string; position: number; outcome: 'open' | 'won' | 'lost'; gates: readonly string[] };

/** What is true of the deal now (plus the reasons sent with the move). */
export type DealFacts = {
  amount: number;
  nextStep: string | null;
  /** Every role some contact on the deal plays. */
  contactRoles: readonly string[];
  lineItemCount: number;
  /** The approvals the deal's line items and terms need, and where each stands. */
  approvals: readonly ApprovalStanding[];
  lossReason: string | null;
};

export type MissingRequirement = { requirement: GateRequirement | 'loss_reason'; stage: string; message: string };

const ROLE_LABELS: Record<string, string> = { decision_maker: 'a decision maker', economic_buyer: 'an economic buyer', champion: 'a champion' };

/**
 * The stages whose gates a deal must pass to enter `to`: the target's own, and those of every
 * open stage before it — skipping Proposal must not skip Proposal's requirements. Moving back
 * between open stages asks nothing: a deal may always retreat.
 */
export function gatingStages(stages: readonly GateStage[], from: GateStage, to: GateStage): GateStage[] {
  if (from.id === to.id || to.outcome === 'lost') return [];
  if (from.outcome === 'open' && to.outcome === 'open' && to.position < from.position) return [];
  return stages.filter((s) => s.id === to.id || (s.outcome === 'open' && s.position < to.position));
}

function unmet(requirement: GateRequirement, facts: DealFacts): string[] {
  switch (requirement) {
    case 'amount':
      return facts.amount > 0 ? [] : ['An amount (add line items or set the amount)'];
    case 'next_step':
      return facts.nextStep?.trim() ? [] : ['A next step'];
    case 'decision_maker':
    case 'economic_buyer':
    case 'champion': {
      const label = ROLE_LABELS[requirement]!;
      return facts.contactRoles.includes(requirement) ? [] : [`${label.charAt(0).toUpperCase()}${label.slice(1)} among the contact roles`];
    }
    case 'products':
      return facts.lineItemCount > 0 ? [] : ['At least one product (line item)'];
    case 'approvals':
      return facts.approvals.filter((a) => a.state !== 'approved').map(describeStanding);
  }
}

function describeStanding(standing: ApprovalStanding): string {
  const state =
    standing.state === 'pending' ? 'waiting for a decision' : standing.state === 'rejected' ? 'rejected; change the terms or ask again' : 'not requested yet';
  return `${standing.level.charAt(0).toUpperCase()}${standing.level.slice(1)} approval of ${standing.reason} (${state})`;
}

/** Everything missing for the move, each with the stage that asks for it; empty means the move may go. */
export function missingForMove(stages: readonly GateStage[], from: GateStage, to: GateStage, facts: DealFacts): MissingRequirement[] {
  if (to.outcome === 'lost' && from.id !== to.id) {
    return facts.lossReason?.trim() ? [] : [{ requirement: 'loss_reason', stage: to.name, message: 'A loss reason' }];
  }
  const missing: MissingRequirement[] = [];
  const asked = new Set<string>();
  for (const stage of gatingStages(stages, from, to)) {
    for (const requirement of stage.gates as GateRequirement[]) {
      if (asked.has(requirement)) continue;
      asked.add(requirement);
      for (const message of unmet(requirement, facts)) missing.push({ requirement, stage: stage.name, message });
    }
  }
  return missing;
}

/** "Cannot move to Proposal: a decision maker among the contact roles and an amount are missing." */
export function describeMissing(to: string, missing: readonly MissingRequirement[]): string {
  const items = missing.map((m) => m.message.charAt(0).toLowerCase() + m.message.slice(1));
  const list = items.length === 1 ? items[0] : `${items.slice(0, -1).join('; ')} and ${items.at(-1)}`;
  return `Cannot move to ${to}: missing ${list}`;
}
