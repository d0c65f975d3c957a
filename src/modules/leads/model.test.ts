import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identifiesSomeone, leadDisplayName, parseSort, tidyLeadInput } from './model.ts';

test('sort strings name a key and a direction', () => {
  assert.deepEqual(parseSort('-createdAt'), { key: 'createdAt', descending: true });
  assert.deepEqual(parseSort('company'), { key: 'company', descending: false });
});

test('input is tidied: trimmed, blanks to null, emails lower-case, countries upper-case', () => {
  assert.deepEqual(tidyLeadInput({ firstName: '  Anna ', email: ' Anna@Acme.TEST ', phone: '  ', country: 'de', company: ' ', employeeCount: 50 }), {
    firstName: 'Anna',
    email: 'anna@acme.test',
    phone: null,
    country: 'DE',
    company: '',
    employeeCount: 50,
  });
});

test('a lead must identify someone, and shows the best name it has', () => {
  assert.equal(identifiesSomeone({ firstName: '', lastName: '', company: '', email: null }), false);
  assert.equal(identifiesSomeone({ company: 'Acme' }), true);
  assert.equal(leadDisplayName({ firstName: 'Anna', lastName: 'Berg', company: 'Acme', email: null }), 'Anna Berg');
  assert.equal(leadDisplayName({ firstName: '', lastName: '', company: 'Acme', email: 'x@acme.test' }), 'Acme');
  assert.equal(leadDisplayName({ firstName: '', lastName: '', company: '', email: 'x@acme.test' }), 'x@acme.test');
});
