import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { startSmtpServer } from '../../../test/smtp.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';

const smtp = await startSmtpServer();
after(() => smtp.close());
const t = await startTestApp({ config: { SMTP_URL: smtp.url, SMTP_FROM: 'Leadflow <leadflow@acme.test>', LEADFLOW_PUBLIC_URL: 'https://crm.acme.test' } });

const admin = await newOrg(t, 'Deal desk');
const manager = await addUser(t, admin, 'manager', 'Mona Manager');
const otherManager = await addUser(t, admin, 'manager', 'Otto Manager');
const rep = await addUser(t, admin, 'rep', 'Ray Rep');
const finance = await addUser(t, admin, 'executive', 'Fiona Finance');
const legal = await addUser(t, admin, 'executive', 'Leo Legal');
const team = (await admin.post('/api/v1/teams', { name: 'Inside sales', managerId: manager.userId })).json();
await admin.patch(`/api/v1/users/${rep.userId}`, { teamId: team.id });
const policy = await admin.patch('/api/v1/deal-policy', { financeApproverIds: [finance.userId], legalApproverIds: [legal.userId], managerDiscountPercent: 10, financeDiscountPercent: 25 }, { 'if-match': '"0"' });
assert.equal(policy.statusCode, 200, policy.body);

const [pipeline] = (await admin.get('/api/v1/pipelines')).json().data;
const negotiation = pipeline.stages.find((s: { name: string }) => s.name === 'Negotiation');
const product = (await admin.post('/api/v1/products', { sku: 'PLAT', name: 'Platform', billing: 'recurring', prices: [{ currency: 'USD', unitPrice: 10_000 }] })).json();

async function dealWithDiscount(owner: Caller, discountPercent: number, paymentTermsDays = 30) {
  const account = (await owner.post('/api/v1/accounts', { name: `Prospect ${Math.random()}` })).json();
  const contact = (await owner.post('/api/v1/contacts', { firstName: 'Dana', lastName: 'Decider', email: 'dana@prospect.test', accountId: account.id })).json();
  const deal = (await owner.post('/api/v1/opportunities', { name: 'Prospect platform', accountId: account.id, currency: 'USD', paymentTermsDays })).json();
  await owner.request({ method: 'PUT', url: `/api/v1/opportunities/${deal.id}/contacts/${contact.id}`, payload: { roles: ['decision_maker'], isPrimary: true } });
  const line = (await owner.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: product.id, quantity: 5, discountPercent })).json();
  return { deal, line };
}

const notificationsOf = async (caller: Caller) => (await caller.get('/api/v1/notifications')).json().data as { kind: string; title: string; link: string }[];
const standing = async (caller: Caller, dealId: string) =>
  (await caller.get(`/api/v1/opportunities/${dealId}/approvals`)).json().standing.map((s: { level: string; state: string }) => `${s.level}:${s.state}`);
const requestAt = async (dealId: string, level: string) =>
  (await admin.get(`/api/v1/opportunities/${dealId}/approvals`)).json().requests.find((r: { level: string; status: string }) => r.level === level && r.status === 'pending');

describe('the approval flow, end to end', () => {
  test('a deep discount and long terms block the gated stage until every approver has said yes', async () => {
    const { deal, line } = await dealWithDiscount(rep, 30, 60);

    const blocked = await rep.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: negotiation.id });
    assert.equal(blocked.statusCode, 422);
    assert.deepEqual(blocked.json().errors.map((e: { message: string }) => e.message), [
      'Manager approval of a 30 % discount (not requested yet) (required by Negotiation)',
      'Finance approval of a 30 % discount (not requested yet) (required by Negotiation)',
      'Legal approval of payment terms of 60 days (not requested yet) (required by Negotiation)',
    ]);
    assert.equal((await rep.post(`/api/v1/opportunities/${deal.id}/quote/send`, { to: 'dana@prospect.test' })).statusCode, 422, 'an unapproved quote is not sent');

    const submitted = await rep.post(`/api/v1/opportunities/${deal.id}/approvals`, { comment: 'Strategic logo' });
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.deepEqual(submitted.json().standing.map((s: { state: string }) => s.state), ['pending', 'pending', 'pending']);

    // Each approver hears of it, in the app and by email; the manager is the rep's own, not every manager.
    for (const [approver, level] of [[manager, 'manager'], [finance, 'finance'], [legal, 'legal']] as const) {
      const [note] = await notificationsOf(approver);
      assert.equal(note?.kind, 'approval_requested', level);
      assert.equal(note?.link, `/opportunities/${deal.id}`);
      const mail = smtp.inbox.find((m) => m.to.includes(approver.email) && m.subject.startsWith('Approval needed'));
      assert.ok(mail, `${level} approver got an email`);
      assert.ok(mail.text.includes(`https://crm.acme.test/opportunities/${deal.id}`));
      assert.ok(mail.text.includes('Strategic logo'));
    }
    assert.deepEqual(await notificationsOf(otherManager), []);
    assert.deepEqual(await notificationsOf(rep), [], 'the requester is not notified of their own request');

    const managerRequest = await requestAt(deal.id, 'manager');
    const financeRequest = await requestAt(deal.id, 'finance');
    const legalRequest = await requestAt(deal.id, 'legal');

    // Role checks: a rep cannot approve their own discount; a manager cannot stand in for finance.
    const own = await rep.post(`/api/v1/approvals/${managerRequest.id}/decision`, { decision: 'approve' });
    assert.equal(own.statusCode, 403);
    assert.equal(own.json().detail, 'You cannot decide your own approval request');
    assert.equal((await manager.post(`/api/v1/approvals/${financeRequest.id}/decision`, { decision: 'approve' })).statusCode, 403);
    assert.equal((await legal.post(`/api/v1/approvals/${managerRequest.id}/decision`, { decision: 'approve' })).statusCode, 403);
    assert.equal((await admin.post(`/api/v1/approvals/${financeRequest.id}/decision`, { decision: 'approve' })).statusCode, 403, 'finance is named, so admins do not stand in');

    const approved = await manager.post(`/api/v1/approvals/${managerRequest.id}/decision`, { decision: 'approve', comment: 'OK for the logo' });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json().status, 'approved');
    assert.equal((await manager.post(`/api/v1/approvals/${managerRequest.id}/decision`, { decision: 'reject' })).statusCode, 409);
    assert.deepEqual(await standing(rep, deal.id), ['manager:approved', 'finance:pending', 'legal:pending']);
    assert.equal((await notificationsOf(rep))[0]?.kind, 'approval_approved');

    const rejected = await finance.post(`/api/v1/approvals/${financeRequest.id}/decision`, { decision: 'reject', comment: '30 % is too deep; 20 % is fine' });
    assert.equal(rejected.json().status, 'rejected');
    const stillBlocked = await rep.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: negotiation.id });
    assert.deepEqual(stillBlocked.json().errors.map((e: { message: string }) => e.message), [
      'Finance approval of a 30 % discount (rejected; change the terms or ask again) (required by Negotiation)',
      'Legal approval of payment terms of 60 days (waiting for a decision) (required by Negotiation)',
    ]);
    const rejectionMail = smtp.inbox.find((m) => m.to.includes(rep.email) && m.subject.startsWith('Rejected'));
    assert.ok(rejectionMail?.text.includes('30 % is too deep'));

    // The rep takes finance's advice: 20 % needs only the manager, whose yes for 30 % covers it.
    const current = (await rep.get(`/api/v1/opportunities/${deal.id}`)).json();
    await rep.patch(`/api/v1/opportunities/${deal.id}/line-items/${line.id}`, { discountPercent: 20 }, { 'if-match': `"${current.version}"` });
    assert.deepEqual(await standing(rep, deal.id), ['manager:approved', 'legal:pending']);

    await legal.post(`/api/v1/approvals/${legalRequest.id}/decision`, { decision: 'approve', comment: 'Net 60 accepted' });
    const moved = await rep.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: negotiation.id });
    assert.equal(moved.statusCode, 200, moved.body);

    // The decisions and their comments are in the audit log.
    const audit = (await admin.get(`/api/v1/audit-log/opportunity/${deal.id}`)).json().data as { action: string; actorId: string; reason: string | null }[];
    const decisions = audit.filter((a) => a.action.startsWith('approval_') && a.action !== 'approval_requested').map((a) => [a.action, a.actorId, a.reason]);
    assert.deepEqual(decisions.reverse(), [
      ['approval_approved', manager.userId, 'OK for the logo'],
      ['approval_rejected', finance.userId, '30 % is too deep; 20 % is fine'],
      ['approval_approved', legal.userId, 'Net 60 accepted'],
    ]);
  });

  test('the approval inbox lists what the caller may decide', async () => {
    const { deal } = await dealWithDiscount(rep, 15);
    await rep.post(`/api/v1/opportunities/${deal.id}/approvals`, {});
    const managerInbox = (await manager.get('/api/v1/approvals?decidable=true')).json().data;
    assert.ok(managerInbox.some((r: { opportunityId: string; opportunityName: string }) => r.opportunityId === deal.id && r.opportunityName === 'Prospect platform'));
    assert.ok(!(await rep.get('/api/v1/approvals?decidable=true')).json().data.some((r: { opportunityId: string }) => r.opportunityId === deal.id));
    assert.ok(!(await legal.get('/api/v1/approvals?decidable=true')).json().data.some((r: { opportunityId: string }) => r.opportunityId === deal.id));
    // Deciding it clears the manager's "approval needed" notice for that deal, and only that one.
    const unreadAbout = async () =>
      ((await manager.get('/api/v1/notifications?unread=true')).json().data as { kind: string; link: string }[]).filter((n) => n.kind === 'approval_requested' && n.link === `/opportunities/${deal.id}`).length;
    const unreadBefore = (await manager.get('/api/v1/notifications')).json().unread as number;
    assert.equal(await unreadAbout(), 1);
    const request = await requestAt(deal.id, 'manager');
    assert.equal((await manager.post(`/api/v1/approvals/${request.id}/decision`, { decision: 'approve' })).statusCode, 200);
    assert.equal(await unreadAbout(), 0);
    assert.equal((await manager.get('/api/v1/notifications')).json().unread, unreadBefore - 1);
  });

  test('a manager cannot approve a discount on their own deal; another manager can', async () => {
    const { deal } = await dealWithDiscount(manager, 15);
    await manager.post(`/api/v1/opportunities/${deal.id}/approvals`, {});
    const request = await requestAt(deal.id, 'manager');
    assert.equal((await manager.post(`/api/v1/approvals/${request.id}/decision`, { decision: 'approve' })).statusCode, 403);
    assert.equal((await otherManager.post(`/api/v1/approvals/${request.id}/decision`, { decision: 'approve' })).statusCode, 200);
  });

  test('raising the discount after approval needs a new approval; lowering it withdraws what is no longer needed', async () => {
    const { deal, line } = await dealWithDiscount(rep, 15);
    await rep.post(`/api/v1/opportunities/${deal.id}/approvals`, {});
    await manager.post(`/api/v1/approvals/${(await requestAt(deal.id, 'manager')).id}/decision`, { decision: 'approve' });
    await rep.patch(`/api/v1/opportunities/${deal.id}/line-items/${line.id}`, { discountPercent: 18 });
    assert.deepEqual(await standing(rep, deal.id), ['manager:missing']);
    await rep.post(`/api/v1/opportunities/${deal.id}/approvals`, {});
    assert.deepEqual(await standing(rep, deal.id), ['manager:pending']);
    await rep.patch(`/api/v1/opportunities/${deal.id}/line-items/${line.id}`, { discountPercent: 5 });
    const afterSubmit = (await rep.post(`/api/v1/opportunities/${deal.id}/approvals`, {})).json();
    assert.deepEqual(afterSubmit.standing, []);
    assert.deepEqual(afterSubmit.requests.map((r: { status: string }) => r.status), ['approved', 'withdrawn']);
  });

  test('only admins change the deal policy, and named approvers must be real users', async () => {
    assert.equal((await manager.patch('/api/v1/deal-policy', { managerDiscountPercent: 50 })).statusCode, 403);
    const bad = await admin.patch('/api/v1/deal-policy', { financeApproverIds: ['01900000-0000-7000-8000-000000000000'] });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].field, 'financeApproverIds');
    const inverted = await admin.patch('/api/v1/deal-policy', { managerDiscountPercent: 30, financeDiscountPercent: 20 });
    assert.equal(inverted.statusCode, 400);
    const read = (await rep.get('/api/v1/deal-policy')).json();
    assert.deepEqual([read.managerDiscountPercent, read.financeDiscountPercent, read.financeApproverIds], [10, 25, [finance.userId]]);
  });
});
