import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { addUser, newOrg, PASSWORD, signIn, startTestApp } from '../../../test/helpers.ts';
import { startSmtpServer } from '../../../test/smtp.ts';

const smtp = await startSmtpServer();
after(() => smtp.close());
const t = await startTestApp({ config: { SMTP_URL: smtp.url, SMTP_FROM: 'Leadflow <leadflow@acme.test>' } });
const admin = await newOrg(t, 'Users');

describe('invitations', () => {
  test('an invited user gets the link by email, chooses a password and signs in', async () => {
    const invited = await admin.post('/api/v1/users/invitations', { email: 'New.Rep@Acme.test', name: 'Nora Rep', role: 'rep' });
    assert.equal(invited.statusCode, 201, invited.body);
    const { user, inviteUrl, emailed } = invited.json();
    assert.equal(user.status, 'invited');
    assert.equal(emailed, true);
    const mail = smtp.inbox.find((m) => m.to.includes('new.rep@acme.test'));
    assert.ok(mail, 'the invitation arrived at the SMTP server');
    assert.equal(mail.from, 'leadflow@acme.test');
    assert.ok(mail.text.includes(inviteUrl), 'the email carries the link');

    const token = new URL(inviteUrl).searchParams.get('token')!;
    const weak = await t.app.inject({ method: 'POST', url: '/api/v1/auth/accept-invitation', payload: { token, password: 'short' } });
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json().errors[0].field, 'password');
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'new.rep@acme.test', password: PASSWORD } })).statusCode, 401, 'no sign-in before accepting');
    const accepted = await t.app.inject({ method: 'POST', url: '/api/v1/auth/accept-invitation', payload: { token, password: PASSWORD } });
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.equal(accepted.json().user.role, 'rep');
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/auth/accept-invitation', payload: { token, password: PASSWORD } });
    assert.equal(again.statusCode, 400, 'an invitation works once');
    const rep = await signIn(t.app, 'new.rep@acme.test');
    assert.equal((await rep.get('/api/v1/leads')).statusCode, 200);
  });

  test('an email already in use is refused, and only admins invite', async () => {
    const dup = await admin.post('/api/v1/users/invitations', { email: admin.email.toUpperCase(), name: 'Dup', role: 'rep' });
    assert.equal(dup.statusCode, 409);
    const manager = await addUser(t, admin, 'manager');
    assert.equal((await manager.post('/api/v1/users/invitations', { email: 'x@acme.test', name: 'X', role: 'rep' })).statusCode, 403);
  });
});

describe('deactivation and reassignment', () => {
  test('a rep leaves: deactivated, their leads, accounts and contacts move to another rep with the reason logged', async () => {
    const leaving = await addUser(t, admin, 'rep', 'Lee Leaving');
    const staying = await addUser(t, admin, 'rep', 'Sam Staying');
    const leadIds = [];
    for (let i = 0; i < 3; i += 1) leadIds.push((await leaving.post('/api/v1/leads', { company: `Leaver lead ${i}` })).json().id);
    const account = (await leaving.post('/api/v1/accounts', { name: 'Leaver Account' })).json();
    await leaving.post('/api/v1/contacts', { lastName: 'Contact', accountId: account.id });

    const deactivated = await admin.patch(`/api/v1/users/${leaving.userId}`, { status: 'deactivated' });
    assert.equal(deactivated.json().status, 'deactivated');
    const stillOwned = (await admin.get(`/api/v1/leads?ownerId=${leaving.userId}`)).json().data;
    assert.equal(stillOwned.length, 3, 'records stay with a deactivated user until reassigned');

    const toInactive = await admin.post(`/api/v1/users/${staying.userId}/reassign`, { toUserId: leaving.userId, reason: 'x' });
    assert.equal(toInactive.statusCode, 400, 'nothing can be handed to a deactivated user');
    const moved = await admin.post(`/api/v1/users/${leaving.userId}/reassign`, { toUserId: staying.userId, reason: 'Lee left the company' });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.deepEqual(moved.json(), { leads: 3, accounts: 1, contacts: 1 });
    assert.equal((await admin.get(`/api/v1/leads?ownerId=${staying.userId}`)).json().data.length, 3);
    const history = (await admin.get(`/api/v1/audit-log/lead/${leadIds[0]}`)).json().data[0];
    assert.equal(history.reason, 'Lee left the company');
    assert.deepEqual(history.after, { ownerId: staying.userId });
    const repeat = await admin.post(`/api/v1/users/${leaving.userId}/reassign`, { toUserId: staying.userId, reason: 'again' });
    assert.deepEqual(repeat.json(), { leads: 0, accounts: 0, contacts: 0 }, 'a second run finds nothing left to move');
  });

  test('only admins change roles; nobody deactivates or demotes themselves', async () => {
    const rep = await addUser(t, admin, 'rep');
    assert.equal((await rep.patch(`/api/v1/users/${rep.userId}`, { role: 'admin' })).statusCode, 403);
    assert.equal((await rep.patch(`/api/v1/users/${rep.userId}`, { timeZone: 'Europe/Berlin' })).json().timeZone, 'Europe/Berlin');
    assert.equal((await rep.patch(`/api/v1/users/${rep.userId}`, { timeZone: 'Mars/Olympus' })).statusCode, 400);
    assert.equal((await admin.patch(`/api/v1/users/${admin.userId}`, { status: 'deactivated' })).statusCode, 400);
    assert.equal((await admin.patch(`/api/v1/users/${admin.userId}`, { role: 'rep' })).statusCode, 400);
    const promoted = await admin.patch(`/api/v1/users/${rep.userId}`, { role: 'manager' }, { 'if-match': '"2"' });
    assert.equal(promoted.statusCode, 200, promoted.body);
    assert.equal((await admin.patch(`/api/v1/users/${rep.userId}`, { role: 'rep' }, { 'if-match': '"2"' })).statusCode, 412);
  });

  test('teams group users; a team name is unique in the org', async () => {
    const manager = await addUser(t, admin, 'manager');
    const team = await manager.post('/api/v1/teams', { name: 'Inside Sales EMEA', managerId: manager.userId });
    assert.equal(team.statusCode, 201, team.body);
    const rep = await addUser(t, admin, 'rep');
    assert.equal((await admin.patch(`/api/v1/users/${rep.userId}`, { teamId: team.json().id })).statusCode, 200);
    const teams = (await rep.get('/api/v1/teams')).json().data;
    assert.deepEqual(teams.find((x: { id: string }) => x.id === team.json().id).memberIds, [rep.userId]);
    assert.equal((await manager.post('/api/v1/teams', { name: 'inside sales emea' })).statusCode, 409);
    assert.equal((await rep.post('/api/v1/teams', { name: 'Rogue' })).statusCode, 403);
  });
});
