import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ORG_SETTINGS, tidyDisqualificationReasons } from './settings-model.ts';

test('disqualification reasons are trimmed; blank and repeated ones are refused', () => {
  assert.deepEqual(tidyDisqualificationReasons(DEFAULT_ORG_SETTINGS.disqualificationReasons).problems, []);
  assert.deepEqual(tidyDisqualificationReasons([' No budget ', 'Too small']), { reasons: ['No budget', 'Too small'], problems: [] });
  assert.deepEqual(tidyDisqualificationReasons(['No budget', '  ', 'no budget ']).problems, [
    { field: 'disqualificationReasons.1', message: 'A reason cannot be blank' },
    { field: 'disqualificationReasons.2', message: '"no budget" is listed twice' },
  ]);
});
