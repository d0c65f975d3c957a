// The sourcing and qualification screens' pure rules: how typed qualification answers become the
// API's answers (money in minor units, yes/no, blanks as unanswered) and back. No browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNumber, toAnswers, toDraft } from '../web/src/features/qualification/answers.ts';
import type { Question } from '../web/src/features/qualification/api.ts';

const questions: Question[] = [
  { key: 'budget', label: 'Budget', type: 'money', required: true },
  { key: 'seats', label: 'Seats', type: 'number', required: false },
  { key: 'champion', label: 'Champion?', type: 'boolean', required: false },
  { key: 'need', label: 'Need', type: 'text', required: true },
  { key: 'timeline', label: 'Timeline', type: 'date', required: true },
];

test('numbers are read with either decimal separator', () => {
  for (const [text, expected] of [
    ['50000', 50000],
    ['12,500.50', 12500.5],
    ['12.500,50', 12500.5],
    ['1 250,5', 1250.5],
    ['0.1', 0.1],
    ['1,000', 1000],
    ['', Number.NaN],
    ['ten', Number.NaN],
  ] as const) {
    assert.deepEqual(parseNumber(text), expected, text);
  }
});

test('typed answers become API answers: money in minor units, yes/no as booleans, blanks unanswered', () => {
  const { answers, problems } = toAnswers(questions, { budget: '19.99', 'budget.currency': 'usd', seats: '12', champion: 'no', need: '  ', timeline: '2026-03-31' });
  assert.deepEqual(problems, {});
  assert.deepEqual(answers, { budget: { amount: 1999, currency: 'USD' }, seats: 12, champion: false, need: null, timeline: '2026-03-31' });
  assert.deepEqual(toAnswers(questions, { budget: '50000' }).answers.budget, { amount: 5_000_000, currency: 'EUR' }, 'EUR unless another currency is typed');
});

test('what is not a number is refused before saving, by question', () => {
  const { problems } = toAnswers(questions, { budget: '-5', seats: 'a dozen' });
  assert.deepEqual(problems, { 'answers.budget': 'Enter a number', 'answers.seats': 'Enter a number' });
});

test('stored answers fill the inputs again', () => {
  const draft = toDraft(questions, { budget: { amount: 1999, currency: 'USD' }, champion: true, seats: 3, timeline: '2026-03-31' });
  assert.deepEqual(draft, { budget: '19.99', 'budget.currency': 'USD', champion: 'yes', seats: '3', timeline: '2026-03-31' });
  assert.deepEqual(toAnswers(questions, draft).answers.budget, { amount: 1999, currency: 'USD' });
});
