import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickOrganization } from './model.ts';

const acme = { id: '0190a000-0000-7000-8000-000000000001', name: 'Acme' };
const globex = { id: '0190a000-0000-7000-8000-000000000002', name: 'Globex' };

test('with one organisation, no --org is needed', () => {
  assert.deepEqual(pickOrganization([acme], undefined), { org: acme });
  assert.deepEqual(pickOrganization([acme], '  '), { org: acme });
});

test('with several, the operator must choose, and is shown the choices', () => {
  const choice = pickOrganization([acme, globex], undefined);
  assert.match(choice.problem ?? '', /There are 2 organisations; choose one with --org/);
  assert.match(choice.problem ?? '', /Globex \(0190a000-0000-7000-8000-000000000002\)/);
});

test('an organisation is found by id or by name, ignoring case', () => {
  assert.deepEqual(pickOrganization([acme, globex], globex.id.toUpperCase()), { org: globex });
  assert.deepEqual(pickOrganization([acme, globex], 'acme'), { org: acme });
});

test('an unknown or ambiguous name is refused with a reason', () => {
  assert.match(pickOrganization([acme, globex], 'Initech').problem ?? '', /No organisation has the id or name "Initech"/);
  const twin = { id: '0190a000-0000-7000-8000-000000000003', name: 'ACME' };
  assert.match(pickOrganization([acme, twin], 'Acme').problem ?? '', /2 organisations are called "Acme"; use the id/);
  assert.match(pickOrganization([], undefined).problem ?? '', /leadflow org create/);
});
