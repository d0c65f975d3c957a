// Lead scoring without a database: fit from firmographics, engagement from recent activity that
// fades with time, and a reason for every point so a rep can trust (and argue with) the number.
import type { FieldError } from '../../core/errors.ts';
import { ruleValue } from '../customfields/model.ts';

export const SENIORITIES = ['c_level', 'vp', 'director', 'manager', 'individual'] as const;
export type Seniority = (typeof SENIORITIES)[number];

const SENIORITY_NAMES: Record<Seniority, string> = {
  c_level: 'C-level',
  vp: 'VP',
  director: 'Director',
  manager: 'Manager',
  individual: 'individual contributor',
};

// Checked in this order, first match wins. Assistants come first so "Assistant to the CEO" is not
// a CEO; "vice president" before "president"; "Managing Director" and "Geschäftsführer" run the
// company; team leads before the "Leiter" of a department. German titles are compounds
// ("Vertriebsleiter", "Regionaldirektor"), so their endings are matched inside words.
const SENIORITY_PATTERNS: [Seniority, RegExp][] = [
  ['individual', /\b(assistant|product owner|intern|trainee|student(in)?|azubi|auszubildende[r]?)\b|assistent(in)?\b|praktikant(in)?\b|werkstudent(in)?\b/],
  ['vp', /\b(vp|svp|evp|avp|vice[\s-]president)\b|vizepräsident(in)?\b/],
  [
    'c_level',
    /\b(ceo|cfo|cto|coo|cmo|cio|cro|cso|cpo|cdo|chief|president|founder|owner|managing director|inhaber(in)?)\b|\bvorstand|präsident(in)?\b|gründer(in)?\b|geschäftsführ|geschaeftsfuehr/,
  ],
  ['manager', /(team|gruppen|projekt|schicht)(leiter(in)?|leitung)\b|\b(team|tech|group)\s?lead\b/],
  ['director', /\b(director|head|general manager)\b|direktor(in)?\b|prokurist(in)?\b|leiter(in)?\b|leitung\b/],
  ['manager', /manager(in)?\b|\b(supervisor|coordinator)\b|koordinator(in)?\b/],
];

/** How senior a job title is, from common English and German patterns; null when there is no title. */
export function titleSeniority(title: string | null | undefined): Seniority | null {
  const text = title?.trim().toLowerCase();
  if (!text) return null;
  for (const [seniority, pattern] of SENIORITY_PATTERNS) if (pattern.test(text)) return seniority;
  return 'individual';
}

export const ENGAGEMENT_KINDS = ['call_connected', 'email_opened', 'email_replied', 'form_submission', 'meeting_held'] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];

const ENGAGEMENT_WORDS: Record<EngagementKind, string> = {
  call_connected: 'call connected',
  email_opened: 'opened an email',
  email_replied: 'replied',
  form_submission: 'submitted a form',
  meeting_held: 'had a meeting',
};

export type ListOperator = 'in' | 'not_in';

/** A fit rule fires only on a known value: a lead without a country is neither in nor out of a list. */
export type FitRule =
  | { field: 'industry'; operator: ListOperator; values: string[]; points: number }
  | { field: 'country'; operator: ListOperator; values: string[]; points: number }
  | { field: 'titleSeniority'; operator: ListOperator; values: Seniority[]; points: number }
  | { field: 'employeeCount'; operator: 'between'; min: number | null; max: number | null; points: number }
  // A lead custom field: a list of values (picklists, text, checkboxes as true/false; a multi-picklist
  // fires when any chosen value is listed), or a range (numbers, money in minor units).
  | { field: `custom.${string}`; operator: ListOperator; values: string[]; points: number }
  | { field: `custom.${string}`; operator: 'between'; min: number | null; max: number | null; points: number };

/** Points for each event of a kind, halving every `halfLifeDays`; only the `maxEvents` most recent count. */
export type EngagementRule = { kind: EngagementKind; points: number; halfLifeDays: number; maxEvents: number };

export type ScoringRules = { fit: FitRule[]; engagement: EngagementRule[] };

export const DEFAULT_SCORING_RULES: ScoringRules = {
  fit: [
    { field: 'titleSeniority', operator: 'in', values: ['c_level'], points: 25 },
    { field: 'titleSeniority', operator: 'in', values: ['vp'], points: 20 },
    { field: 'titleSeniority', operator: 'in', values: ['director'], points: 15 },
    { field: 'titleSeniority', operator: 'in', values: ['manager'], points: 8 },
    { field: 'employeeCount', operator: 'between', min: 50, max: 999, points: 10 },
    { field: 'employeeCount', operator: 'between', min: 1000, max: null, points: 15 },
  ],
  engagement: [
    { kind: 'call_connected', points: 10, halfLifeDays: 14, maxEvents: 3 },
    { kind: 'email_opened', points: 2, halfLifeDays: 7, maxEvents: 5 },
    { kind: 'email_replied', points: 15, halfLifeDays: 14, maxEvents: 3 },
    { kind: 'form_submission', points: 20, halfLifeDays: 30, maxEvents: 3 },
    { kind: 'meeting_held', points: 25, halfLifeDays: 30, maxEvents: 2 },
  ],
};

/** What rules the shapes allow but a scoring model cannot mean; the API checks shapes. */
export function scoringRulesProblems(rules: ScoringRules): FieldError[] {
  const problems: FieldError[] = [];
  rules.fit.forEach((rule, i) => {
    if (rule.operator === 'between') {
      if (rule.min === null && rule.max === null) problems.push({ field: `fit.${i}.min`, message: 'Give a minimum, a maximum or both' });
      else if (rule.min !== null && rule.max !== null && rule.min > rule.max) problems.push({ field: `fit.${i}.max`, message: 'The maximum is below the minimum' });
    } else if (rule.values.length === 0) {
      problems.push({ field: `fit.${i}.values`, message: 'List at least one value' });
    }
  });
  const seen = new Set<EngagementKind>();
  rules.engagement.forEach((rule, i) => {
    if (seen.has(rule.kind)) problems.push({ field: `engagement.${i}.kind`, message: `${rule.kind} has a rule already` });
    seen.add(rule.kind);
  });
  return problems;
}

export type ScoringLead = { title: string | null; industry: string | null; employeeCount: number | null; country: string | null; custom?: Record<string, unknown> | null | undefined };
export type EngagementEvent = { kind: EngagementKind; occurredAt: Date };
export type ScoreReason = { points: number; reason: string; source: 'fit' | 'engagement' };
export type LeadScore = { score: number; fit: number; engagement: number; reasons: ScoreReason[] };

const DAY_MS = 86_400_000;
const signed = (points: number) => (points > 0 ? `+${points}` : `${points}`);
const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The fact about the lead a fit rule fired on, or null when it does not fire. */
function fitFact(rule: FitRule, lead: ScoringLead): string | null {
  switch (rule.field) {
    case 'employeeCount': {
      const n = lead.employeeCount;
      if (n === null || (rule.min !== null && n < rule.min) || (rule.max !== null && n > rule.max)) return null;
      return `company has ${n} employees`;
    }
    case 'titleSeniority': {
      const seniority = titleSeniority(lead.title);
      if (seniority === null || rule.values.includes(seniority) !== (rule.operator === 'in')) return null;
      return `title is ${SENIORITY_NAMES[seniority]}`;
    }
    case 'industry':
    case 'country': {
      const value = lead[rule.field]?.trim();
      if (!value || rule.values.some((v) => sameText(v, value)) !== (rule.operator === 'in')) return null;
      return `${rule.field} is ${value}`;
    }
    default:
      return customFitFact(rule, lead);
  }
}

function customFitFact(rule: Extract<FitRule, { field: `custom.${string}` }>, lead: ScoringLead): string | null {
  const key = rule.field.slice(7);
  const value = ruleValue(lead.custom?.[key]);
  if (value === undefined || value === null || value === '') return null;
  if (rule.operator === 'between') {
    if (typeof value !== 'number' || (rule.min !== null && value < rule.min) || (rule.max !== null && value > rule.max)) return null;
    return `${key} is ${value}`;
  }
  const texts = (Array.isArray(value) ? value : [value]).map(String);
  if (texts.some((text) => rule.values.some((v) => sameText(v, text))) !== (rule.operator === 'in')) return null;
  return `${key} is ${texts.join(', ')}`;
}

const ageWords = (days: number) => (days < 1 ? 'today' : Math.floor(days) === 1 ? '1 day ago' : `${Math.floor(days)} days ago`);

/** Points left of an event after it has aged: points × 0.5^(age / half-life), rounded; never from the future. */
export function decayedPoints(points: number, halfLifeDays: number, ageDays: number): number {
  return Math.round(points * 0.5 ** (Math.max(0, ageDays) / halfLifeDays));
}

/**
 * The lead score at `now`: fit rules that fire plus the decayed points of recent engagement. Every
 * point has a reason, so the reasons always add up to the score.
 */
export function scoreLead(lead: ScoringLead, rules: ScoringRules, events: readonly EngagementEvent[], now: Date): LeadScore {
  const reasons: ScoreReason[] = [];
  for (const rule of rules.fit) {
    const fact = rule.points === 0 ? null : fitFact(rule, lead);
    if (fact) reasons.push({ points: rule.points, reason: `${signed(rule.points)} ${fact}`, source: 'fit' });
  }
  const newestFirst = [...events].sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime());
  for (const rule of rules.engagement) {
    for (const event of newestFirst.filter((e) => e.kind === rule.kind).slice(0, rule.maxEvents)) {
      const ageDays = (now.getTime() - event.occurredAt.getTime()) / DAY_MS;
      const points = decayedPoints(rule.points, rule.halfLifeDays, ageDays);
      if (points !== 0) reasons.push({ points, reason: `${signed(points)} ${ENGAGEMENT_WORDS[rule.kind]} ${ageWords(ageDays)}`, source: 'engagement' });
    }
  }
  const sum = (source: ScoreReason['source']) => reasons.filter((r) => r.source === source).reduce((n, r) => n + r.points, 0);
  const fit = sum('fit');
  const engagement = sum('engagement');
  return { score: fit + engagement, fit, engagement, reasons };
}
