import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BANT, checkAnswers, currentAnswers, qualificationProgress, questionProblems, type Question } from './model.ts';

const MEDDIC: Question[] = [
  { key: 'metrics', label: 'Metrics', type: 'number', required: true, weight: 2 },
  { key: 'economicBuyer', label: 'Economic buyer', type: 'user', required: true },
  { key: 'decisionCriteria', label: 'Decision criteria', type: 'text', required: true },
  { key: 'decisionProcess', label: 'Decision process', type: 'text', required: false },
  { key: 'identifyPain', label: 'Pain identified', type: 'boolean', required: true },
  { key: 'champion', label: 'Champion', type: 'text', required: false },
];

describe('framework questions', () => {
  test('BANT is a valid framework', () => assert.deepEqual(questionProblems(BANT.questions), []));

  test('bad keys, duplicate keys, blank labels and bad options are named', () => {
    const problems = questionProblems([
      { key: 'Budget', label: 'Budget', type: 'money', required: true },
      { key: 'need', label: '  ', type: 'text', required: true },
      { key: 'need', label: 'Need again', type: 'text', required: false },
      { key: 'stage', label: 'Stage', type: 'select', required: false },
      { key: 'tier', label: 'Tier', type: 'select', options: ['A', 'A'], required: false },
      { key: 'size', label: 'Size', type: 'number', options: ['1'], required: false },
    ]);
    assert.deepEqual(problems, [
      { field: 'questions.0.key', message: 'Start with a lower-case letter; letters, digits and _ only' },
      { field: 'questions.1.label', message: 'Give the question a label' },
      { field: 'questions.2.key', message: 'Another question has the key need' },
      { field: 'questions.3.options', message: 'A select question needs options' },
      { field: 'questions.4.options', message: 'Options must be distinct and not blank' },
      { field: 'questions.5.options', message: 'Only select questions have options' },
    ]);
  });

  test('a framework needs at least one required question to say when a lead is ready', () => {
    assert.deepEqual(questionProblems([{ key: 'notes', label: 'Notes', type: 'text', required: false }]), [
      { field: 'questions', message: 'Mark at least one question as required: it decides when a lead is ready to qualify' },
    ]);
  });
});

describe('answers', () => {
  test('answers of every type are accepted and tidied', () => {
    const { answers, problems } = checkAnswers(BANT.questions, {
      budget: { amount: 5_000_000, currency: 'EUR' },
      authority: 'Decision maker',
      need: '  Replace spreadsheets  ',
      timeline: '2025-09-30',
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(answers, { budget: { amount: 5_000_000, currency: 'EUR' }, authority: 'Decision maker', need: 'Replace spreadsheets', timeline: '2025-09-30' });
    const meddic = checkAnswers(MEDDIC, { metrics: 12.5, economicBuyer: '0190a000-0000-7000-8000-000000000001', identifyPain: false, champion: '' });
    assert.deepEqual(meddic, { answers: { metrics: 12.5, economicBuyer: '0190a000-0000-7000-8000-000000000001', identifyPain: false }, problems: [] });
  });

  test('wrong types and unknown questions are refused field by field', () => {
    const { problems } = checkAnswers([...BANT.questions, ...MEDDIC], {
      budget: { amount: 10.5, currency: 'EUR' },
      authority: 'The CEO',
      need: 42,
      timeline: '2025-02-30',
      metrics: 'a lot',
      economicBuyer: 'bob',
      identifyPain: 'yes',
      favouriteColour: 'blue',
    });
    assert.deepEqual(problems, [
      { field: 'answers.budget', message: 'Must be { amount: whole minor units (cents), currency: ISO code like "EUR" }' },
      { field: 'answers.authority', message: 'Must be one of: Decision maker, Influencer, Champion without authority, No access to the decision maker' },
      { field: 'answers.need', message: 'Must be text of at most 5000 characters' },
      { field: 'answers.timeline', message: 'Must be a date like 2025-09-30' },
      { field: 'answers.metrics', message: 'Must be a number' },
      { field: 'answers.economicBuyer', message: 'Must be a user id' },
      { field: 'answers.identifyPain', message: 'Must be true or false' },
      { field: 'answers.favouriteColour', message: 'No such question in this framework' },
    ]);
    for (const budget of [{ amount: -1, currency: 'EUR' }, { amount: 100, currency: 'eur' }, { amount: 100 }, { amount: 100, currency: 'EUR', note: 'x' }, [100, 'EUR'], 100]) {
      assert.equal(checkAnswers(BANT.questions, { budget }).problems.length, 1, JSON.stringify(budget));
    }
  });
});

describe('progress', () => {
  test('counts answered required questions; optional ones do not move it', () => {
    assert.deepEqual(qualificationProgress(BANT.questions, {}), { answeredRequired: 0, totalRequired: 4, percent: 0, qualifiedReady: false, missing: ['budget', 'authority', 'need', 'timeline'] });
    assert.deepEqual(qualificationProgress(BANT.questions, { need: 'CRM', authority: 'Influencer', budget: null }), {
      answeredRequired: 2,
      totalRequired: 4,
      percent: 50,
      qualifiedReady: false,
      missing: ['budget', 'timeline'],
    });
    const all = { budget: { amount: 1, currency: 'USD' }, authority: 'Influencer', need: 'CRM', timeline: '2025-01-01' };
    assert.deepEqual(qualificationProgress(BANT.questions, all), { answeredRequired: 4, totalRequired: 4, percent: 100, qualifiedReady: true, missing: [] });
  });

  test('weights shift the percentage, and a false answer is an answer', () => {
    // Required weights: metrics 2, economicBuyer 1, decisionCriteria 1, identifyPain 1 → 5.
    const progress = qualificationProgress(MEDDIC, { metrics: 3, identifyPain: false, champion: 'Jo' });
    assert.equal(progress.percent, 60);
    assert.equal(progress.answeredRequired, 2);
    assert.deepEqual(progress.missing, ['economicBuyer', 'decisionCriteria']);
  });

  test('ready exactly when every required question is answered; percent never passes 100', () => {
    fc.assert(
      fc.property(fc.subarray(MEDDIC.map((q) => q.key)), (keys) => {
        const answers = Object.fromEntries(keys.map((k) => [k, 'x']));
        const progress = qualificationProgress(MEDDIC, answers);
        const allRequired = MEDDIC.filter((q) => q.required).every((q) => keys.includes(q.key));
        return progress.qualifiedReady === allRequired && (progress.percent === 100) === allRequired && progress.percent >= 0 && progress.percent <= 100;
      }),
    );
  });

  test('answers to questions an admin removed are not shown', () => {
    assert.deepEqual(currentAnswers(BANT.questions, { need: 'CRM', oldQuestion: 'x' }), { need: 'CRM' });
  });
});
