import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canSignIn, normaliseEmail, passwordProblem } from './model.ts';

test('password policy refuses short passwords and the email itself', () => {
  assert.equal(passwordProblem('short')?.field, 'password');
  assert.equal(passwordProblem('anna@acme.test', 'Anna@Acme.test')?.message, 'The password must not be the email address');
  assert.equal(passwordProblem('correct horse battery'), null);
  assert.match(passwordProblem('x'.repeat(257))?.message ?? '', /at most/);
});

test('emails compare case-insensitively and only active users sign in', () => {
  assert.equal(normaliseEmail('  Anna@Acme.TEST '), 'anna@acme.test');
  assert.equal(canSignIn('active'), true);
  assert.equal(canSignIn('invited'), false);
  assert.equal(canSignIn('deactivated'), false);
});
