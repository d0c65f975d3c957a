import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TeamLink } from '../users/model.ts';
import { canSeeRecord, mergeVisibility, DEFAULT_RECORD_VISIBILITY, reachableOwners } from './model.ts';

// Alpha (managed by mia) holds rae and ravi, with Alpha East (rosa) below it; Beta (noah) holds remy.
const teams: TeamLink[] = [
  { id: 'alpha', parentTeamId: null, managerId: 'mia', memberIds: ['rae', 'ravi'] },
  { id: 'east', parentTeamId: 'alpha', managerId: null, memberIds: ['rosa'] },
  { id: 'beta', parentTeamId: null, managerId: 'noah', memberIds: ['remy'] },
];
const see = (userId: string, role: string, mode: 'everyone' | 'team' | 'own', ownerId: string | null, accountTeam: string[] = []) =>
  canSeeRecord({ userId, role }, mode, teams, { ownerId, accountTeam });

test('own: yourself; managers their whole hierarchy and the unassigned; admins everything; partners nothing', () => {
  assert.equal(see('rae', 'rep', 'own', 'rae'), true);
  assert.equal(see('rae', 'rep', 'own', 'ravi'), false);
  assert.equal(see('mia', 'manager', 'own', 'rosa'), true, 'a sub-team belongs to the hierarchy');
  assert.equal(see('mia', 'manager', 'own', 'remy'), false);
  assert.equal(see('mia', 'manager', 'own', null), true);
  assert.equal(see('rae', 'rep', 'own', null), false);
  assert.equal(see('ada', 'admin', 'own', 'remy'), true);
  assert.equal(see('pat', 'partner', 'everyone', 'rae'), false);
});

test('team: your own team, not the one below or beside it; everyone: all', () => {
  assert.equal(see('rae', 'rep', 'team', 'ravi'), true);
  assert.equal(see('rae', 'rep', 'team', 'rosa'), false);
  assert.equal(see('rosa', 'rep', 'team', 'rae'), false);
  assert.equal(see('remy', 'rep', 'everyone', 'rae'), true);
  assert.deepEqual([...reachableOwners({ userId: 'noah', role: 'manager' }, 'team', teams)].sort(), ['noah', 'remy']);
});

test('the account team sees the account and what hangs on it in any mode', () => {
  assert.equal(see('remy', 'rep', 'own', 'rae', ['remy']), true);
  assert.equal(see('remy', 'rep', 'own', null, ['remy']), true);
  assert.equal(see('ravi', 'rep', 'own', 'rae', ['remy']), false);
});

test('settings merge: known modes replace, anything else is ignored', () => {
  const next = mergeVisibility(DEFAULT_RECORD_VISIBILITY, { leads: 'own', contacts: 'nonsense' as 'own', accounts: undefined });
  assert.deepEqual(next, { leads: 'own', contacts: 'everyone', accounts: 'everyone', opportunities: 'everyone' });
});
