import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boardSortFor, parseSort, pipelineKindFor, tidyCompetitors } from './model.ts';

test('a deal goes to the pipeline its source says', () => {
  assert.deepEqual(
    (['lead', 'direct', 'partner', 'expansion', 'renewal'] as const).map(pipelineKindFor),
    ['new_business', 'new_business', 'partner', 'expansion', 'renewal'],
  );
});

test('open columns read soonest close first, closed ones latest first', () => {
  assert.equal(boardSortFor('open'), 'closeDate');
  assert.equal(boardSortFor('won'), '-closeDate');
  assert.equal(boardSortFor('lost'), '-closeDate');
  assert.deepEqual(parseSort('-amount'), { key: 'amount', descending: true });
  assert.deepEqual(parseSort('name'), { key: 'name', descending: false });
});

test('competitors are trimmed and listed once', () => {
  assert.deepEqual(tidyCompetitors([' Initech ', 'initech', '', 'Hooli']), ['Initech', 'Hooli']);
});
