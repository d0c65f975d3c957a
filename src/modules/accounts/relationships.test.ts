import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { startSmtpServer } from '../../../test/smtp.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';

const smtp = await startSmtpServer();
after(() => smtp.close());
const t = await startTestApp({ config: { SMTP_URL: smtp.url, SMTP_FROM: 'Leadflow <leadflow@acme.test>' } });

const admin = await newOrg(t, 'Teams');
const insideRep = await addUser(t, admin, 'rep', 'Ivy Inside');
const outsideExec = await addUser(t, admin, 'executive', 'Oscar Outside');
const accountManager = await addUser(t, admin, 'manager', 'Amy Account');
const partner = await addUser(t, admin, 'partner', 'Pat Partner');
const bystander = await addUser(t, admin, 'rep', 'Bea Bystander');

const inbox = async (caller: Caller) => (await caller.get('/api/v1/notifications')).json() as { data: { id: string; kind: string; title: string; readAt: string | null }[]; unread: number };
const put = (caller: Caller, url: string, payload: unknown) => caller.request({ method: 'PUT', url, payload: payload as Record<string, unknown> });

describe('the account team', () => {
  test('several people on one account, each in a role; each hears of new deals, stage changes and escalations', async () => {
    const account = (await insideRep.post('/api/v1/accounts', { name: 'Vandelay Industries' })).json();
    for (const [member, role] of [[outsideExec, 'outside_exec'], [accountManager, 'account_manager'], [partner, 'partner']] as const) {
      const added = await put(insideRep, `/api/v1/accounts/${account.id}/team/${member.userId}`, { role });
      assert.equal(added.statusCode, 200, added.body);
    }
    await put(insideRep, `/api/v1/accounts/${account.id}/team/${insideRep.userId}`, { role: 'inside_rep' });
    const team = (await admin.get(`/api/v1/accounts/${account.id}/team`)).json().data;
    assert.deepEqual(team.map((m: { role: string }) => m.role), ['outside_exec', 'account_manager', 'partner', 'inside_rep']);
    assert.equal((await inbox(partner)).data[0]?.title, 'You are on the Vandelay Industries account team');

    const audience = [outsideExec, accountManager, partner];
    const seen = async (caller: Caller, title: string) => (await inbox(caller)).data.some((n) => n.title === title);

    const deal = (await insideRep.post('/api/v1/opportunities', { name: 'Vandelay latex imports', accountId: account.id, amount: 120_000, currency: 'USD' })).json();
    for (const member of audience) assert.ok(await seen(member, 'New deal on your account: Vandelay latex imports'), member.email);
    assert.ok(!(await seen(insideRep, 'New deal on your account: Vandelay latex imports')), 'not the one who did it');
    assert.ok(!(await seen(bystander, 'New deal on your account: Vandelay latex imports')), 'not someone off the team');
    assert.ok(smtp.inbox.some((m) => m.to.includes(outsideExec.email) && m.subject === 'New deal on your account: Vandelay latex imports'), 'and by email');

    const [pipeline] = (await admin.get('/api/v1/pipelines')).json().data;
    await outsideExec.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: pipeline.stages[1].id });
    for (const member of [insideRep, accountManager, partner]) assert.ok(await seen(member, 'Vandelay latex imports moved to Discovery'), member.email);

    const escalation = await accountManager.post(`/api/v1/accounts/${account.id}/escalations`, { summary: 'Shipping delays', details: 'Three late deliveries this month' });
    assert.equal(escalation.statusCode, 201, escalation.body);
    assert.deepEqual(escalation.json().notified.sort(), [insideRep.userId, outsideExec.userId, partner.userId].sort());
    for (const member of [insideRep, outsideExec, partner]) assert.ok(await seen(member, 'Escalation on Vandelay Industries: Shipping delays'));
    const timeline = (await admin.get(`/api/v1/accounts/${account.id}/timeline?kind=escalation,opportunity_created`)).json().data;
    assert.deepEqual(timeline.map((i: { kind: string }) => i.kind), ['escalation', 'opportunity_created']);

    assert.equal((await insideRep.del(`/api/v1/accounts/${account.id}/team/${partner.userId}`)).statusCode, 204);
    await insideRep.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: pipeline.stages[0].id });
    assert.ok(!(await seen(partner, 'Vandelay latex imports moved to Qualification')), 'off the team, out of the loop');
  });

  test('notifications are the reader\'s own, and can be marked read', async () => {
    const before = await inbox(outsideExec);
    assert.ok(before.unread > 0);
    const first = before.data[0]!;
    assert.equal((await insideRep.post(`/api/v1/notifications/${first.id}/read`)).statusCode, 404, 'someone else\'s notification');
    const read = await outsideExec.post(`/api/v1/notifications/${first.id}/read`);
    assert.notEqual(read.json().readAt, null);
    assert.equal((await inbox(outsideExec)).unread, before.unread - 1);
    assert.equal((await outsideExec.post('/api/v1/notifications/read-all')).json().updated, before.unread - 1);
    assert.equal((await outsideExec.get('/api/v1/notifications?unread=true')).json().data.length, 0);
  });

  test('a team member must be an active user of the org, in a known role', async () => {
    const account = (await admin.post('/api/v1/accounts', { name: 'Kramerica' })).json();
    assert.equal((await put(admin, `/api/v1/accounts/${account.id}/team/01900000-0000-7000-8000-000000000000`, { role: 'inside_rep' })).statusCode, 400);
    assert.equal((await put(admin, `/api/v1/accounts/${account.id}/team/${bystander.userId}`, { role: 'sidekick' })).statusCode, 400);
    assert.equal((await put(admin, `/api/v1/accounts/01900000-0000-7000-8000-000000000000/team/${bystander.userId}`, { role: 'inside_rep' })).statusCode, 404);
  });
});

describe('key players and the org chart', () => {
  test('contacts with buying roles, reporting lines as a chart; circles and outsiders refused', async () => {
    const account = (await admin.post('/api/v1/accounts', { name: 'Pendant Publishing' })).json();
    const contact = async (firstName: string, title: string) => (await admin.post('/api/v1/contacts', { firstName, lastName: 'Pendant', title, accountId: account.id })).json();
    const ceo = await contact('Celia', 'CEO');
    const cfo = await contact('Frank', 'CFO');
    const it = await contact('Ian', 'IT lead');
    await put(admin, `/api/v1/accounts/${account.id}/key-players/${ceo.id}`, { roles: ['decision_maker'] });
    await put(admin, `/api/v1/accounts/${account.id}/key-players/${cfo.id}`, { roles: ['economic_buyer', 'blocker'], reportsToContactId: ceo.id });
    const itSet = await put(admin, `/api/v1/accounts/${account.id}/key-players/${it.id}`, { roles: ['champion', 'user'], reportsToContactId: cfo.id });
    assert.equal(itSet.statusCode, 200, itSet.body);
    const players = (await admin.get(`/api/v1/accounts/${account.id}/key-players`)).json();
    assert.deepEqual(players.data.map((p: { firstName: string; roles: string[] }) => [p.firstName, p.roles]), [['Celia', ['decision_maker']], ['Frank', ['economic_buyer', 'blocker']], ['Ian', ['champion', 'user']]]);
    const chart = (node: { firstName: string; reports: unknown[] }): unknown => (node.reports.length ? { [node.firstName]: node.reports.map((n) => chart(n as never)) } : node.firstName);
    assert.deepEqual(players.orgChart.map(chart), [{ Celia: [{ Frank: ['Ian'] }] }]);

    const circle = await put(admin, `/api/v1/accounts/${account.id}/key-players/${ceo.id}`, { roles: ['decision_maker'], reportsToContactId: it.id });
    assert.equal(circle.statusCode, 400);
    assert.equal(circle.json().errors[0].field, 'reportsToContactId');
    const stranger = (await admin.post('/api/v1/contacts', { lastName: 'Elsewhere' })).json();
    assert.equal((await put(admin, `/api/v1/accounts/${account.id}/key-players/${stranger.id}`, { roles: ['influencer'] })).statusCode, 400);

    assert.equal((await admin.del(`/api/v1/accounts/${account.id}/key-players/${cfo.id}`)).statusCode, 204);
    const after = (await admin.get(`/api/v1/accounts/${account.id}/key-players`)).json();
    assert.deepEqual(after.orgChart.map(chart), ['Celia', 'Ian'], 'whoever reported to a removed player moves to the top');
  });
});

describe('health, customers and upsell', () => {
  test('health reads the deals, the last touch, escalations and whether there is a champion', async () => {
    const account = (await admin.post('/api/v1/accounts', { name: 'Monk\'s Café' })).json();
    const fresh = (await admin.get(`/api/v1/accounts/${account.id}/health`)).json();
    assert.equal(fresh.score, 70);
    assert.deepEqual(fresh.reasons.map((r: { reason: string }) => r.reason), ['Nobody has called, emailed, met or noted anything on this account']);
    await admin.post(`/api/v1/accounts/${account.id}/notes`, { text: 'Met the owner' });
    await admin.post('/api/v1/opportunities', { name: 'Coffee machines', accountId: account.id, closeDate: '2020-01-31' });
    await admin.post(`/api/v1/accounts/${account.id}/escalations`, { summary: 'Soup complaints' });
    const health = (await admin.get(`/api/v1/accounts/${account.id}/health`)).json();
    assert.deepEqual(health.facts, {
      daysSinceLastTouch: 0,
      openDeals: 1,
      overdueDeals: 1,
      closeDatePushes: 0,
      lostLast90Days: 0,
      wonLast365Days: 0,
      escalationsLast30Days: 1,
      hasChampion: false,
      isCustomer: false,
    });
    assert.deepEqual([health.score, health.status], [65, 'at_risk']);
  });

  test('upsell suggests what similar customers bought and this one has not, most-bought first; one click makes the expansion deal', async () => {
    const org = await newOrg(t, 'Upsell');
    const [pipeline] = (await org.get('/api/v1/pipelines')).json().data;
    const wonStage = pipeline.stages.find((s: { outcome: string }) => s.outcome === 'won');
    const product = async (sku: string, active = true) =>
      (await org.post('/api/v1/products', { sku, name: `Product ${sku}`, billing: 'recurring', active, prices: [{ currency: 'USD', unitPrice: 1_000 }] })).json();
    const [a, b, c, d, e, retired] = [await product('A'), await product('B'), await product('C'), await product('D'), await product('E'), await product('R', true)];

    /** A customer: an account with a won deal for these products. */
    async function customer(name: string, industry: string | null, employeeCount: number | null, bought: { id: string }[], stage = wonStage.id) {
      const account = (await org.post('/api/v1/accounts', { name, industry, employeeCount })).json();
      const person = (await org.post('/api/v1/contacts', { lastName: name, accountId: account.id })).json();
      const deal = (await org.post('/api/v1/opportunities', { name: `${name} deal`, accountId: account.id, currency: 'USD' })).json();
      await put(org, `/api/v1/opportunities/${deal.id}/contacts/${person.id}`, { roles: ['decision_maker'] });
      for (const p of bought) await org.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: p.id, quantity: 1 });
      if (bought.length) assert.equal((await org.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: stage })).statusCode, 200);
      return account;
    }

    const target = await customer('Target', 'Retail', 120, [a]);
    await customer('Peer 1', 'retail', 80, [a, b, c, retired]);
    await customer('Peer 2', 'Retail', 199, [b, c, d]);
    await customer('Peer 3', 'Retail', 60, [b, e]);
    await customer('Peer unknown size', 'Retail', null, [d]);
    await customer('Bigger retailer', 'Retail', 5000, [e, e]);
    await customer('Other industry', 'Banking', 100, [e]);
    const prospect = await customer('Open deal only', 'Retail', 100, []);
    await org.post('/api/v1/opportunities', { name: 'Open', accountId: prospect.id });
    await org.patch(`/api/v1/products/${retired.id}`, { active: false });

    const suggestions = (await org.get(`/api/v1/accounts/${target.id}/upsell-suggestions`)).json();
    assert.equal(suggestions.peers, 4, 'retail customers of 51–200 employees, or of unknown size');
    assert.deepEqual(
      suggestions.data.map((s: { sku: string; customers: number }) => [s.sku, s.customers]),
      [['B', 3], ['C', 2], ['D', 2], ['E', 1]],
      'A is owned already, R is no longer sold; ties by name',
    );
    assert.deepEqual((await org.get(`/api/v1/accounts/${target.id}/upsell-suggestions?limit=2`)).json().data.map((s: { sku: string }) => s.sku), ['B', 'C']);

    const expansion = await org.post(`/api/v1/accounts/${target.id}/expansions`, { productIds: [b.id, c.id], currency: 'USD' });
    assert.equal(expansion.statusCode, 201, expansion.body);
    const deal = (await org.get(`/api/v1/opportunities/${expansion.json().id}`)).json();
    assert.equal(deal.pipelineName, 'Expansion');
    assert.equal(deal.source, 'expansion');
    assert.equal(deal.name, 'Target — Product B, Product C');
    assert.deepEqual(deal.lineItems.map((l: { sku: string; termMonths: number }) => [l.sku, l.termMonths]), [['B', 12], ['C', 12]]);
    assert.equal(deal.amount, 24_000);
    assert.equal((await org.get(`/api/v1/accounts/${target.id}`)).json().lifecycleStage, 'customer');
    const none = (await org.get(`/api/v1/accounts/${(await org.post('/api/v1/accounts', { name: 'No industry' })).json().id}/upsell-suggestions`)).json();
    assert.deepEqual(none, { peers: 0, data: [] });
  });
});
