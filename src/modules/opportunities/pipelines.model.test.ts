import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PIPELINES, PIPELINE_KINDS, stageListProblems, type StageTemplate } from './pipelines.model.ts';

const open = (name: string, probability = 20): StageTemplate => ({ name, probability, forecastCategory: 'pipeline', outcome: 'open', gates: [] });
const won: StageTemplate = { name: 'Won', probability: 100, forecastCategory: 'closed', outcome: 'won', gates: ['products'] };
const lost: StageTemplate = { name: 'Lost', probability: 0, forecastCategory: 'omitted', outcome: 'lost', gates: [] };

test('every default pipeline is valid, and there is one of each kind', () => {
  for (const pipeline of DEFAULT_PIPELINES) assert.deepEqual(stageListProblems(pipeline.stages), [], pipeline.name);
  assert.deepEqual(DEFAULT_PIPELINES.map((p) => p.kind).sort(), [...PIPELINE_KINDS].sort());
  const newBusiness = DEFAULT_PIPELINES.find((p) => p.kind === 'new_business')!;
  assert.deepEqual(newBusiness.stages.find((s) => s.name === 'Proposal')!.gates, ['decision_maker', 'amount']);
  assert.ok(newBusiness.stages.find((s) => s.outcome === 'won')!.gates.includes('products'));
});

test('a stage list needs open stages, exactly one won and one lost stage', () => {
  assert.deepEqual(stageListProblems([won, lost]).map((p) => p.message), ['A pipeline needs at least one open stage']);
  assert.deepEqual(stageListProblems([open('A'), lost]).map((p) => p.message), ['A pipeline needs exactly one won stage (has 0)']);
  assert.deepEqual(stageListProblems([open('A'), won, { ...won, name: 'Won 2' }, lost]).map((p) => p.message), ['A pipeline needs exactly one won stage (has 2)']);
});

test('closed stages come last, names are unique and forecast categories fit the outcome', () => {
  const problems = stageListProblems([
    open('Qualify'),
    won,
    open('qualify ', 150),
    { ...lost, probability: 10, gates: ['amount'] },
    { ...open('Commit'), forecastCategory: 'closed' },
    { ...open('Odd'), gates: ['signature' as never] },
  ]);
  assert.deepEqual(
    problems.map((p) => `${p.field}: ${p.message}`),
    [
      'stages.2.name: Two stages are called "qualify"',
      'stages.2.probability: A whole number from 0 to 100',
      'stages.2.outcome: Open stages come before the closed ones',
      'stages.3.probability: A lost stage is 0 %',
      'stages.3.gates: A lost deal only needs a loss reason, which is always required',
      'stages.4.forecastCategory: An open stage counts as pipeline, best_case or commit',
      'stages.4.outcome: Open stages come before the closed ones',
      'stages.5.gates: Unknown requirement signature',
      'stages.5.outcome: Open stages come before the closed ones',
    ],
  );
});

test('a won stage is 100 % and counts as closed; a lost stage as omitted', () => {
  assert.deepEqual(
    stageListProblems([open('A'), { ...won, probability: 90, forecastCategory: 'commit' }, { ...lost, forecastCategory: 'closed' }]).map((p) => p.message),
    ['A won stage counts as closed', 'A won stage is 100 %', 'A lost stage counts as omitted'],
  );
});
