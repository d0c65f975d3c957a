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

test('whose numbers each role sees', async () => {
  const { numbersVisibleTo } = await import('./model.ts');
  const teams = [
    { id: 'sales', parentTeamId: null, managerId: 'vp', memberIds: ['vp'] },
    { id: 'east', parentTeamId: 'sales', managerId: 'm1', memberIds: ['m1', 'r1', 'r2'] },
    { id: 'west', parentTeamId: 'sales', managerId: 'm2', memberIds: ['r3'] },
  ];
  const seen = (userId: string, role: string, repsSee = true) => {
    const v = numbersVisibleTo({ userId, role }, teams, repsSee);
    return [v.everyone, [...v.userIds].sort(), [...v.teamIds].sort()];
  };
  assert.deepEqual(seen('a', 'admin'), [true, [], []]);
  assert.deepEqual(seen('vp', 'manager'), [false, ['m1', 'r1', 'r2', 'r3', 'vp'], ['east', 'sales', 'west']]);
  assert.deepEqual(seen('m1', 'manager'), [false, ['m1', 'r1', 'r2'], ['east']]);
  assert.deepEqual(seen('r1', 'rep'), [false, ['m1', 'r1', 'r2'], ['east']]);
  assert.deepEqual(seen('r1', 'rep', false), [false, ['r1'], []]);
  assert.deepEqual(seen('x', 'executive'), [false, ['x'], []]);
  assert.deepEqual(seen('p', 'partner'), [false, [], []]);
});
