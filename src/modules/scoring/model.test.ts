import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_SCORING_RULES,
  ENGAGEMENT_KINDS,
  SENIORITIES,
  decayedPoints,
  scoreLead,
  scoringRulesProblems,
  titleSeniority,
  type EngagementEvent,
  type EngagementRule,
  type FitRule,
  type ScoringLead,
  type ScoringRules,
} from './model.ts';

const NOW = new Date('2025-06-15T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const vp: ScoringLead = { title: 'VP Sales', industry: 'Software', employeeCount: 250, country: 'DE' };

describe('title seniority', () => {
  const cases: [string, ReturnType<typeof titleSeniority>][] = [
    ['CEO', 'c_level'],
    ['Chief Revenue Officer', 'c_level'],
    ['Co-Founder & CTO', 'c_level'],
    ['President', 'c_level'],
    ['Owner', 'c_level'],
    ['Managing Director', 'c_level'],
    ['Geschäftsführer', 'c_level'],
    ['GESCHÄFTSFÜHRERIN', 'c_level'],
    ['Geschaeftsfuehrer', 'c_level'],
    ['Vorstandsvorsitzender', 'c_level'],
    ['Inhaberin', 'c_level'],
    ['Mitgründer', 'c_level'],
    ['VP Sales', 'vp'],
    ['SVP, Marketing', 'vp'],
    ['Vice President of Engineering', 'vp'],
    ['Executive Vice-President', 'vp'],
    ['Vizepräsidentin Vertrieb', 'vp'],
    ['Director of Sales', 'director'],
    ['Sales Director EMEA', 'director'],
    ['Head of Marketing', 'director'],
    ['General Manager', 'director'],
    ['Leiter Vertrieb', 'director'],
    ['Vertriebsleiter', 'director'],
    ['Abteilungsleiterin Einkauf', 'director'],
    ['Leitung IT', 'director'],
    ['Regionaldirektor', 'director'],
    ['Prokurist', 'director'],
    ['Sales Manager', 'manager'],
    ['Vertriebsmanagerin', 'manager'],
    ['Team Lead Support', 'manager'],
    ['Teamleiter Innendienst', 'manager'],
    ['Projektleiterin', 'manager'],
    ['Supervisor', 'manager'],
    ['Software Engineer', 'individual'],
    ['Account Executive', 'individual'],
    ['Sachbearbeiter', 'individual'],
    ['Executive Assistant to the CEO', 'individual'],
    ['Assistentin der Geschäftsführung', 'individual'],
    ['Product Owner', 'individual'],
    ['Werkstudent Marketing', 'individual'],
    ['Marketing Intern', 'individual'],
    ['', null],
    ['   ', null],
    [null, null],
  ] as [string, ReturnType<typeof titleSeniority>][];
  for (const [title, expected] of cases) {
    test(`${JSON.stringify(title)} is ${expected}`, () => assert.equal(titleSeniority(title), expected));
  }

  test('any title has a seniority', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''), (title) => SENIORITIES.includes(titleSeniority(title)!)));
  });
});

describe('decay', () => {
  test('points halve every half-life, are rounded, and never come from the future', () => {
    assert.equal(decayedPoints(20, 10, 0), 20);
    assert.equal(decayedPoints(20, 10, 10), 10);
    assert.equal(decayedPoints(20, 10, 20), 5);
    assert.equal(decayedPoints(15, 14, 2), 14); // 13.59
    assert.equal(decayedPoints(15, 14, 100), 0); // 0.11
    assert.equal(decayedPoints(20, 10, -3), 20);
  });

  test('decayed points stay between zero and the full points, and fall as the event ages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0.5, max: 365, noNaN: true }), fc.double({ min: 0, max: 3650, noNaN: true }), fc.double({ min: 0, max: 365, noNaN: true }), (points, halfLife, age, later) => {
        const now = decayedPoints(points, halfLife, age);
        return now >= 0 && now <= points && decayedPoints(points, halfLife, age + later) <= now;
      }),
    );
  });
});

describe('lead score', () => {
  test('explains every point with the default rules', () => {
    const events: EngagementEvent[] = [
      { kind: 'form_submission', occurredAt: daysAgo(30) },
      { kind: 'email_replied', occurredAt: daysAgo(2) },
      { kind: 'call_connected', occurredAt: daysAgo(0.2) },
    ];
    assert.deepEqual(scoreLead(vp, DEFAULT_SCORING_RULES, events, NOW), {
      score: 64,
      fit: 30,
      engagement: 34,
      reasons: [
        { points: 20, reason: '+20 title is VP', source: 'fit' },
        { points: 10, reason: '+10 company has 250 employees', source: 'fit' },
        { points: 10, reason: '+10 call connected today', source: 'engagement' },
        { points: 14, reason: '+14 replied 2 days ago', source: 'engagement' },
        { points: 10, reason: '+10 submitted a form 30 days ago', source: 'engagement' },
      ],
    });
  });

  test('a lead with nothing known scores zero with no reasons', () => {
    const unknown = { title: null, industry: null, employeeCount: null, country: null };
    assert.deepEqual(scoreLead(unknown, DEFAULT_SCORING_RULES, [], NOW), { score: 0, fit: 0, engagement: 0, reasons: [] });
  });

  test('list rules match known values ignoring case; unknown values fire neither in nor not_in', () => {
    const rules: ScoringRules = {
      fit: [
        { field: 'industry', operator: 'in', values: ['software', 'Fintech'], points: 10 },
        { field: 'industry', operator: 'not_in', values: ['Education'], points: 3 },
        { field: 'country', operator: 'in', values: ['DE', 'AT', 'CH'], points: 5 },
        { field: 'country', operator: 'not_in', values: ['DE'], points: -7 },
        { field: 'titleSeniority', operator: 'not_in', values: ['individual'], points: 4 },
      ],
      engagement: [],
    };
    assert.deepEqual(scoreLead(vp, rules, [], NOW).reasons.map((r) => r.reason), [
      '+10 industry is Software',
      '+3 industry is Software',
      '+5 country is DE',
      '+4 title is VP',
    ]);
    const student = { title: 'Werkstudent', industry: 'Education', employeeCount: 5000, country: 'US' };
    assert.deepEqual(scoreLead(student, rules, [], NOW), { score: -7, fit: -7, engagement: 0, reasons: [{ points: -7, reason: '-7 country is US', source: 'fit' }] });
    const blank = { title: null, industry: null, employeeCount: null, country: null };
    assert.equal(scoreLead(blank, rules, [], NOW).reasons.length, 0);
  });

  test('company size ranges include both ends and may be open', () => {
    const rules: ScoringRules = { fit: DEFAULT_SCORING_RULES.fit.filter((r) => r.field === 'employeeCount'), engagement: [] };
    const size = (employeeCount: number) => scoreLead({ ...vp, employeeCount }, rules, [], NOW).fit;
    assert.deepEqual([49, 50, 999, 1000, 2_000_000].map(size), [0, 10, 10, 15, 15]);
  });

  test('only the most recent events of a kind count, and faded ones leave no reason', () => {
    const opens = Array.from({ length: 7 }, (_, i) => ({ kind: 'email_opened' as const, occurredAt: daysAgo(i) }));
    const rules: ScoringRules = { fit: [], engagement: [{ kind: 'email_opened', points: 4, halfLifeDays: 7, maxEvents: 5 }] };
    // 4 × 0.5^(age/7) for ages 0..4: 4, 3.6, 3.3, 3.0, 2.7
    assert.deepEqual(scoreLead(vp, rules, opens, NOW).reasons.map((r) => r.reason), [
      '+4 opened an email today',
      '+4 opened an email 1 day ago',
      '+3 opened an email 2 days ago',
      '+3 opened an email 3 days ago',
      '+3 opened an email 4 days ago',
    ]);
    const old = [{ kind: 'email_opened' as const, occurredAt: daysAgo(90) }];
    assert.deepEqual(scoreLead(vp, rules, old, NOW), { score: 0, fit: 0, engagement: 0, reasons: [] });
  });

  test('events of kinds without a rule are ignored', () => {
    const rules: ScoringRules = { fit: [], engagement: [{ kind: 'meeting_held', points: 25, halfLifeDays: 30, maxEvents: 2 }] };
    assert.equal(scoreLead(vp, rules, [{ kind: 'email_replied', occurredAt: NOW }], NOW).score, 0);
  });
});

describe('lead score properties', () => {
  const seniority = fc.constantFrom(...SENIORITIES);
  const fitRule: fc.Arbitrary<FitRule> = fc.oneof(
    fc.record({ field: fc.constant('industry' as const), operator: fc.constantFrom('in' as const, 'not_in' as const), values: fc.array(fc.constantFrom('Software', 'Retail', 'Banking'), { minLength: 1 }), points: fc.integer({ min: -50, max: 50 }) }),
    fc.record({ field: fc.constant('country' as const), operator: fc.constantFrom('in' as const, 'not_in' as const), values: fc.array(fc.constantFrom('DE', 'US', 'FR'), { minLength: 1 }), points: fc.integer({ min: -50, max: 50 }) }),
    fc.record({ field: fc.constant('titleSeniority' as const), operator: fc.constantFrom('in' as const, 'not_in' as const), values: fc.array(seniority, { minLength: 1 }), points: fc.integer({ min: -50, max: 50 }) }),
    fc.record({ field: fc.constant('employeeCount' as const), operator: fc.constant('between' as const), min: fc.option(fc.integer({ min: 0, max: 5000 })), max: fc.option(fc.integer({ min: 0, max: 5000 })), points: fc.integer({ min: -50, max: 50 }) }),
  );
  const engagementRule: fc.Arbitrary<EngagementRule> = fc.record({
    kind: fc.constantFrom(...ENGAGEMENT_KINDS),
    points: fc.integer({ min: 1, max: 100 }),
    halfLifeDays: fc.double({ min: 0.5, max: 365, noNaN: true }),
    maxEvents: fc.integer({ min: 1, max: 10 }),
  });
  const rules: fc.Arbitrary<ScoringRules> = fc.record({
    fit: fc.array(fitRule, { maxLength: 8 }),
    engagement: fc.uniqueArray(engagementRule, { selector: (r) => r.kind, maxLength: 5 }),
  });
  const lead: fc.Arbitrary<ScoringLead> = fc.record({
    title: fc.option(fc.constantFrom('CEO', 'VP Sales', 'Head of IT', 'Teamleiter', 'Engineer')),
    industry: fc.option(fc.constantFrom('Software', 'retail', 'Banking', 'Mining')),
    employeeCount: fc.option(fc.integer({ min: 0, max: 10_000 })),
    country: fc.option(fc.constantFrom('DE', 'US', 'FR', 'IT')),
  });
  const events: fc.Arbitrary<EngagementEvent[]> = fc.array(
    fc.record({ kind: fc.constantFrom(...ENGAGEMENT_KINDS), occurredAt: fc.integer({ min: 0, max: 400 * 24 }).map((hours) => new Date(NOW.getTime() - hours * 3_600_000)) }),
    { maxLength: 30 },
  );

  test('the reasons add up to the score, and fit plus engagement is the score', () => {
    fc.assert(
      fc.property(lead, rules, events, (l, r, e) => {
        const result = scoreLead(l, r, e, NOW);
        return (
          result.reasons.reduce((n, x) => n + x.points, 0) === result.score &&
          result.fit + result.engagement === result.score &&
          result.reasons.every((x) => x.points !== 0 && x.reason.startsWith(x.points > 0 ? `+${x.points} ` : `${x.points} `))
        );
      }),
    );
  });

  test('the score never increases as events age', () => {
    fc.assert(
      fc.property(lead, rules, events, fc.integer({ min: 0, max: 1000 * 3_600_000 }), (l, r, e, later) => {
        const today = scoreLead(l, r, e, NOW);
        const afterwards = scoreLead(l, r, e, new Date(NOW.getTime() + later));
        return afterwards.score <= today.score && afterwards.fit === today.fit;
      }),
    );
  });

  test('one more engagement event never lowers the score', () => {
    fc.assert(
      fc.property(lead, rules, events, events, (l, r, e, more) => scoreLead(l, r, [...e, ...more], NOW).score >= scoreLead(l, r, e, NOW).score),
    );
  });

  test('the order the events arrive in does not matter', () => {
    fc.assert(fc.property(lead, rules, events, (l, r, e) => scoreLead(l, r, [...e].reverse(), NOW).score === scoreLead(l, r, e, NOW).score));
  });
});

test('rules a scoring model cannot mean are refused, field by field', () => {
  assert.deepEqual(scoringRulesProblems(DEFAULT_SCORING_RULES), []);
  const problems = scoringRulesProblems({
    fit: [
      { field: 'employeeCount', operator: 'between', min: null, max: null, points: 5 },
      { field: 'employeeCount', operator: 'between', min: 500, max: 100, points: 5 },
      { field: 'industry', operator: 'in', values: [], points: 5 },
    ],
    engagement: [
      { kind: 'email_opened', points: 1, halfLifeDays: 7, maxEvents: 3 },
      { kind: 'email_opened', points: 2, halfLifeDays: 7, maxEvents: 3 },
    ],
  });
  assert.deepEqual(problems, [
    { field: 'fit.0.min', message: 'Give a minimum, a maximum or both' },
    { field: 'fit.1.max', message: 'The maximum is below the minimum' },
    { field: 'fit.2.values', message: 'List at least one value' },
    { field: 'engagement.1.kind', message: 'email_opened has a rule already' },
  ]);
});
