import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { acceptInvitation } from '../src/modules/users/service.ts';
import { expireRegistration, REGISTRATION_EXPIRY_QUEUE } from '../src/modules/partners/service.ts';
import { startPartnerWorkers } from '../src/modules/partners/workers.ts';
import { addUser, newOrg, PASSWORD, signIn, startTestApp, type Caller } from './helpers.ts';

const t = await startTestApp({ jobs: true });
const db = t.database.db;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

let counter = 0;

/** An org with a partner manager, a partner org and one signed-in partner user (through the invitation). */
async function setup(name: string) {
  const admin = await newOrg(t, name);
  const manager = await addUser(t, admin, 'manager', 'Pia Partnermanager');
  const gold = await ok(manager.post('/api/v1/partner-tiers', { name: 'Gold' }), 201);
  const partner = await ok(manager.post('/api/v1/partners', { name: `Resell ${(counter += 1)}`, kind: 'reseller', tierId: gold.id }), 201);
  assert.equal(partner.managerId, manager.userId, 'the creator manages the partner unless told otherwise');
  const partnerUser = await invitePartner(manager, partner.id);
  return { admin, manager, partner, gold, partnerUser };
}

async function invitePartner(manager: Caller, partnerId: string): Promise<Caller> {
  const email = `partner-${process.pid}-${(counter += 1)}@reseller.test`;
  const invited = await ok(manager.post(`/api/v1/partners/${partnerId}/users`, { email, name: 'Paul Partner' }), 201);
  await acceptInvitation(db, { token: invited.inviteToken, password: PASSWORD });
  return signIn(t.app, email);
}

const registration = (over: Json = {}) => ({
  company: 'Initech',
  domain: 'https://www.initech.example/about',
  contactName: 'Bill Lumbergh',
  contactEmail: 'bill@initech.example',
  country: 'us',
  amount: 4_800_000,
  currency: 'usd',
  closeDate: '2027-03-31',
  productNotes: '200 seats, SSO',
  ...over,
});

describe('deal registration', () => {
  test('a partner registers a deal for their own partner org; the manager sees it with no conflicts on a fresh company', async () => {
    const { manager, partner, partnerUser } = await setup('Reg');
    const created = await ok(partnerUser.post('/api/v1/deal-registrations', registration()), 201);
    assert.equal(created.partnerId, partner.id);
    assert.equal(created.domain, 'initech.example');
    assert.equal(created.currency, 'USD');
    assert.equal(created.country, 'US');
    assert.equal(created.status, 'pending');
    const portal = await ok(partnerUser.get('/api/v1/partner-portal'));
    assert.equal(portal.partner.name, partner.name);
    assert.equal(portal.partner.tier, 'Gold');
    const seen = await ok(manager.get(`/api/v1/deal-registrations/${created.id}`));
    assert.deepEqual(seen.conflicts, []);
    const inbox = await ok(manager.get('/api/v1/notifications'));
    assert.ok(JSON.stringify(inbox).includes('registered a deal: Initech'), 'the partner manager is told');
    assert.equal((await partnerUser.post('/api/v1/deal-registrations', registration({ domain: 'not a domain' }))).statusCode, 400);
  });

  test('an inactive partner cannot register new deals, and nothing is stored', async () => {
    const { manager, partner, partnerUser } = await setup('Inactive');
    await ok(manager.patch(`/api/v1/partners/${partner.id}`, { active: false }));
    const refused = await partnerUser.post('/api/v1/deal-registrations', registration());
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().code, 'partner_inactive');
    const byManager = await manager.post('/api/v1/deal-registrations', { ...registration(), partnerId: partner.id });
    assert.equal(byManager.statusCode, 409, byManager.body);
    const list = await ok(manager.get(`/api/v1/deal-registrations?partnerId=${partner.id}`));
    assert.equal(list.data.length, 0);
  });

  test('conflicts: same domain account, fuzzy-named lead, and an open deal on the matching account', async () => {
    const { admin, manager, partnerUser } = await setup('Conflicts');
    const account = await ok(admin.post('/api/v1/accounts', { name: 'Globex Inc', domain: 'globex.example' }), 201);
    const deal = await ok(admin.post('/api/v1/opportunities', { name: 'Globex expansion', accountId: account.id, amount: 100_00, currency: 'USD' }), 201);
    const lead = await ok(admin.post('/api/v1/leads', { firstName: 'Hank', lastName: 'Scorpio', company: 'Globex Corporation', email: 'hank@gmail.com' }), 201);
    await ok(admin.post('/api/v1/leads', { firstName: 'Unrelated', lastName: 'Person', company: 'Acme Anvils', email: 'u@acme.example' }), 201);
    const reg = await ok(partnerUser.post('/api/v1/deal-registrations', registration({ company: 'Globex Corp', domain: 'globex.example' })), 201);
    const detail = await ok(manager.get(`/api/v1/deal-registrations/${reg.id}`));
    const byType = (type: string) => detail.conflicts.filter((c: Json) => c.type === type);
    assert.deepEqual(byType('account').map((c: Json) => [c.id, c.reason]), [[account.id, 'domain']]);
    assert.deepEqual(byType('lead').map((c: Json) => [c.id, c.reason]), [[lead.id, 'similar_name']]);
    assert.ok(byType('lead')[0].similarity >= 0.5);
    assert.deepEqual(byType('opportunity').map((c: Json) => [c.id, c.reason]), [[deal.id, 'account']]);

    // An open deal with a similar name but no account is found by name alone; a won one is not.
    const named = await ok(admin.post('/api/v1/opportunities', { name: 'Umbrella Corp rollout', amount: 1, currency: 'USD' }), 201);
    const reg2 = await ok(partnerUser.post('/api/v1/deal-registrations', registration({ company: 'Umbrella Corp', domain: 'umbrella.example' })), 201);
    const detail2 = await ok(manager.get(`/api/v1/deal-registrations/${reg2.id}`));
    assert.deepEqual(detail2.conflicts.map((c: Json) => [c.type, c.id, c.reason]), [['opportunity', named.id, 'similar_name']]);
    await db.execute(sql`update opportunities set status = 'won' where id = ${named.id}`);
    assert.deepEqual((await ok(manager.get(`/api/v1/deal-registrations/${reg2.id}`))).conflicts, []);

    // The partner never sees the conflicts (they name internal records).
    assert.deepEqual((await ok(partnerUser.get(`/api/v1/deal-registrations/${reg.id}`))).conflicts, []);
  });

  test('approval creates account, contact and a partner-pipeline deal credited to the partner, and routes it', async () => {
    const { admin, manager, partner, partnerUser } = await setup('Approve');
    const erik = await addUser(t, admin, 'executive', 'Erik Executive');
    const draft = await ok(
      admin.post('/api/v1/routing/rule-sets', { object: 'lead_qualified', name: 'Partner deals', rules: [{ name: 'All to Erik', strategy: 'round_robin', target: { type: 'users', userIds: [erik.userId] } }] }),
      201,
    );
    await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
    const reg = await ok(partnerUser.post('/api/v1/deal-registrations', registration()), 201);
    const rep = await addUser(t, admin, 'rep');
    assert.equal((await rep.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'approve' })).statusCode, 403, 'a rep who does not manage the partner cannot decide');
    assert.equal((await partnerUser.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'approve' })).statusCode, 403);

    const approved = await ok(manager.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'approve', reason: 'New logo, no conflict' }));
    assert.equal(approved.status, 'approved');
    assert.ok(approved.handoffId, 'handed to routing');
    const deal = await ok(manager.get(`/api/v1/opportunities/${approved.opportunityId}`));
    assert.equal(deal.partnerId, partner.id);
    assert.equal(deal.partnerRole, 'sourced');
    assert.equal(deal.source, 'partner');
    assert.equal(deal.amount, 4_800_000);
    assert.equal(deal.currency, 'USD');
    assert.equal(deal.closeDate, '2027-03-31');
    assert.equal(deal.ownerId, erik.userId, 'the routing engine picked the executive');
    const pipeline = await ok(manager.get(`/api/v1/pipelines/${deal.pipelineId}`));
    assert.equal(pipeline.kind, 'partner');
    const account = await ok(manager.get(`/api/v1/accounts/${approved.accountId}`));
    assert.equal(account.domain, 'initech.example');
    assert.deepEqual(account.contacts.map((c: Json) => [c.firstName, c.lastName, c.email]), [['Bill', 'Lumbergh', 'bill@initech.example']]);
    const handoff = await ok(manager.get(`/api/v1/handoffs/${approved.handoffId}`));
    assert.equal(handoff.toUserId, erik.userId);

    // The partner sees the outcome, not the internal record ids.
    const mine = await ok(partnerUser.get(`/api/v1/deal-registrations/${reg.id}`));
    assert.equal(mine.status, 'approved');
    assert.equal(mine.opportunityId, null);
    assert.equal(mine.accountId, null);
    assert.equal((await manager.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'reject', reason: 'again' })).statusCode, 409);
  });

  test('approval can link an existing account; a missing partner pipeline is created', async () => {
    const { admin, manager, partnerUser } = await setup('Link');
    const account = await ok(admin.post('/api/v1/accounts', { name: 'Initech', domain: 'initech.example' }), 201);
    await db.execute(sql`update pipelines set kind = 'new_business', name = 'Old partner' where org_id = ${admin.orgId} and kind = 'partner'`);
    const reg = await ok(partnerUser.post('/api/v1/deal-registrations', registration()), 201);
    const approved = await ok(manager.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'approve', accountId: account.id }));
    assert.equal(approved.accountId, account.id);
    assert.equal(approved.handoffId, null, 'no active hand-off rules: the manager keeps it');
    const deal = await ok(manager.get(`/api/v1/opportunities/${approved.opportunityId}`));
    assert.equal(deal.accountId, account.id);
    assert.equal(deal.ownerId, manager.userId);
    const pipelines = await ok(manager.get('/api/v1/pipelines'));
    const created = pipelines.data.find((p: Json) => p.kind === 'partner');
    assert.equal(created.name, 'Partner');
    assert.equal(deal.pipelineId, created.id);
    const accounts = await ok(admin.get('/api/v1/accounts?q=Initech'));
    assert.equal(accounts.data.length, 1, 'no second account');
  });

  test('rejection needs a reason, which the partner reads', async () => {
    const { manager, partnerUser } = await setup('Reject');
    const reg = await ok(partnerUser.post('/api/v1/deal-registrations', registration()), 201);
    assert.equal((await manager.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'reject' })).statusCode, 400);
    assert.equal((await manager.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'reject', reason: '  ' })).statusCode, 400);
    await ok(manager.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'reject', reason: 'Already in our pipeline with a direct rep' }));
    const mine = await ok(partnerUser.get(`/api/v1/deal-registrations/${reg.id}`));
    assert.equal(mine.status, 'rejected');
    assert.equal(mine.decisionReason, 'Already in our pipeline with a direct rep');
    assert.equal(mine.opportunityId, null);
    const notes = await ok(partnerUser.get('/api/v1/notifications'));
    assert.ok(JSON.stringify(notes).includes('was rejected'));
  });

  test('withdraw: the partner takes back a pending registration (audited); the manager may too; a decided one is a 409', async () => {
    const { admin, manager, partnerUser } = await setup('Withdraw');
    const rep = await addUser(t, admin, 'rep');
    const reg = await ok(partnerUser.post('/api/v1/deal-registrations', registration()), 201);
    assert.equal((await rep.post(`/api/v1/deal-registrations/${reg.id}/withdraw`, {})).statusCode, 403, 'a rep who does not manage the partner cannot withdraw');
    const withdrawn = await ok(partnerUser.post(`/api/v1/deal-registrations/${reg.id}/withdraw`, { reason: 'The buyer went with a competitor' }));
    assert.equal(withdrawn.status, 'withdrawn');
    assert.equal(withdrawn.decisionReason, 'The buyer went with a competitor');
    assert.equal((await ok(manager.get(`/api/v1/deal-registrations/${reg.id}`))).status, 'withdrawn');
    const audits = (await db.execute(sql`select count(*)::int as n from audit_log where org_id = ${admin.orgId} and entity_id = ${reg.id} and action = 'withdraw'`)) as unknown as { rows: { n: number }[] };
    assert.equal(audits.rows[0]!.n, 1, 'audited once');
    const again = await partnerUser.post(`/api/v1/deal-registrations/${reg.id}/withdraw`);
    assert.equal(again.statusCode, 409, `withdrawn already: ${again.body}`);
    assert.equal((await manager.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'approve' })).statusCode, 409, 'a withdrawn registration is not decided');
    assert.ok(JSON.stringify(await ok(manager.get('/api/v1/notifications'))).includes('withdrew'), 'the partner manager hears of it');

    const second = await ok(partnerUser.post('/api/v1/deal-registrations', registration({ company: 'Hooli', domain: 'hooli.example' })), 201);
    assert.equal((await ok(manager.post(`/api/v1/deal-registrations/${second.id}/withdraw`, {}))).status, 'withdrawn', 'the partner manager may withdraw it');
    const approved = await ok(partnerUser.post('/api/v1/deal-registrations', registration({ company: 'Pied Piper', domain: 'piedpiper.example' })), 201);
    await ok(manager.post(`/api/v1/deal-registrations/${approved.id}/decision`, { decision: 'reject', reason: 'Direct deal' }));
    assert.equal((await partnerUser.post(`/api/v1/deal-registrations/${approved.id}/withdraw`, {})).statusCode, 409);
  });

  test('timeline: partner notes are shared, internal notes only when marked shared', async () => {
    const { manager, partnerUser } = await setup('Notes');
    const reg = await ok(partnerUser.post('/api/v1/deal-registrations', registration()), 201);
    await ok(partnerUser.post(`/api/v1/deal-registrations/${reg.id}/notes`, { body: 'They have budget approved', shared: false }), 201);
    await ok(manager.post(`/api/v1/deal-registrations/${reg.id}/notes`, { body: 'Check with the direct team first' }), 201);
    await ok(manager.post(`/api/v1/deal-registrations/${reg.id}/notes`, { body: 'Send us the org chart please', shared: true }), 201);
    const internal = await ok(manager.get(`/api/v1/deal-registrations/${reg.id}`));
    assert.deepEqual(internal.notes.map((n: Json) => [n.authorSide, n.shared, n.body]), [
      ['partner', true, 'They have budget approved'],
      ['internal', false, 'Check with the direct team first'],
      ['internal', true, 'Send us the org chart please'],
    ]);
    const portal = await ok(partnerUser.get(`/api/v1/deal-registrations/${reg.id}`));
    assert.deepEqual(portal.notes.map((n: Json) => n.body), ['They have budget approved', 'Send us the org chart please']);
    assert.equal(portal.notes[1].authorId, null, 'internal user ids stay internal');
  });
});

describe('registration expiry', () => {
  test('the durable job expires a registration without progress once; a re-run changes nothing', async () => {
    await startPartnerWorkers({ db, jobs: t.jobs!, config: t.config, mailer: { send: async () => undefined } as never, log: () => undefined });
    const { admin, manager, partnerUser } = await setup('Expiry');
    await ok(manager.patch('/api/v1/partner-program', { registrationExpiryDays: 30 }));
    const reg = await ok(partnerUser.post('/api/v1/deal-registrations', registration()), 201);
    const days = (Date.parse(reg.expiresAt) - Date.parse(reg.createdAt)) / 86_400_000;
    assert.equal(Math.round(days), 30);
    // The job was queued with the registration, for its expiry time.
    const queued = (await db.execute(sql`select start_after from pgboss.job where name = ${REGISTRATION_EXPIRY_QUEUE} and data->>'registrationId' = ${reg.id}`)) as unknown as { rows: { start_after: Date }[] };
    assert.equal(queued.rows.length, 1);
    assert.equal(new Date(queued.rows[0]!.start_after).toISOString(), reg.expiresAt);

    // Time passes without progress: the expiry is due now; the worker picks the job up.
    await db.execute(sql`update deal_registrations set expires_at = now() - interval '1 minute' where id = ${reg.id}`);
    await t.jobs!.send(REGISTRATION_EXPIRY_QUEUE, { orgId: admin.orgId, registrationId: reg.id });
    let status = '';
    for (let i = 0; i < 60 && status !== 'expired'; i += 1) {
      status = (await ok(partnerUser.get(`/api/v1/deal-registrations/${reg.id}`))).status;
      if (status !== 'expired') await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(status, 'expired');
    assert.equal(await expireRegistration(db, admin.orgId, reg.id), 'done', 'a second run is a no-op');
    const audits = (await db.execute(sql`select count(*)::int as n from audit_log where org_id = ${admin.orgId} and entity_id = ${reg.id} and action = 'expire'`)) as unknown as { rows: { n: number }[] };
    assert.equal(audits.rows[0]!.n, 1, 'expired once');
    assert.equal((await manager.post(`/api/v1/deal-registrations/${reg.id}/decision`, { decision: 'approve' })).statusCode, 409);
  });

  test('progress (a note) pushes the expiry out, and the job looks again later instead of expiring', async () => {
    const { admin, partnerUser } = await setup('Progress');
    const reg = await ok(partnerUser.post('/api/v1/deal-registrations', registration()), 201);
    await db.execute(sql`update deal_registrations set expires_at = now() - interval '1 minute' where id = ${reg.id}`);
    await ok(partnerUser.post(`/api/v1/deal-registrations/${reg.id}/notes`, { body: 'Demo booked for Tuesday' }), 201);
    assert.equal(await expireRegistration(db, admin.orgId, reg.id), 'later');
    const after = await ok(partnerUser.get(`/api/v1/deal-registrations/${reg.id}`));
    assert.equal(after.status, 'pending');
    assert.ok(Date.parse(after.expiresAt) > Date.now() + 80 * 86_400_000);
  });
});

describe('attribution and the partner report', () => {
  test('internal users set partner and role on a deal; partner role needs a partner; unknown partners are refused', async () => {
    const { admin, partner } = await setup('Attr');
    const deal = await ok(admin.post('/api/v1/opportunities', { name: 'Direct deal', amount: 1000, currency: 'EUR' }), 201);
    assert.equal(deal.partnerId, null);
    const influenced = await ok(admin.patch(`/api/v1/opportunities/${deal.id}`, { partnerId: partner.id, partnerRole: 'influenced' }));
    assert.equal(influenced.partnerRole, 'influenced');
    const listed = await ok(admin.get(`/api/v1/opportunities?partnerId=${partner.id}`));
    assert.deepEqual(listed.data.map((d: Json) => d.id), [deal.id]);
    const cleared = await ok(admin.patch(`/api/v1/opportunities/${deal.id}`, { partnerId: null }));
    assert.equal(cleared.partnerRole, null);
    assert.equal((await admin.patch(`/api/v1/opportunities/${deal.id}`, { partnerRole: 'sourced' })).statusCode, 400);
    assert.equal((await admin.patch(`/api/v1/opportunities/${deal.id}`, { partnerId: '01900000-0000-7000-8000-000000000000' })).statusCode, 400);
    const created = await ok(admin.post('/api/v1/opportunities', { name: 'Partner deal', amount: 1, currency: 'EUR', partnerId: partner.id }), 201);
    assert.equal(created.partnerRole, 'sourced');
  });

  test('pipeline, won revenue, win rate and average cycle per partner and tier match a hand-computed fixture', async () => {
    const { admin, manager, partner: a, gold } = await setup('Report');
    const silver = await ok(manager.post('/api/v1/partner-tiers', { name: 'Silver' }), 201);
    const b = await ok(manager.post('/api/v1/partners', { name: 'Beta Referrals', kind: 'referral', tierId: silver.id }), 201);
    const c = await ok(manager.post('/api/v1/partners', { name: 'Gamma Tech', kind: 'technology' }), 201);
    const deal = async (partnerId: string, amount: number, status: 'open' | 'won' | 'lost', createdAt: string, closedAt: string | null, currency = 'USD') => {
      const d = await ok(admin.post('/api/v1/opportunities', { name: `D${(counter += 1)}`, amount, currency, partnerId }), 201);
      await db.execute(sql`update opportunities set status = ${status}, created_at = ${createdAt}::timestamptz, closed_at = ${closedAt}::timestamptz where org_id = ${admin.orgId} and id = ${d.id}`);
    };
    // Partner A (Gold): open 1,000 + 2,500; won 10,000 in 10 days and 4,000 in 30 days; lost one.
    await deal(a.id, 1_000_00, 'open', '2026-01-01T00:00:00Z', null);
    await deal(a.id, 2_500_00, 'open', '2026-01-01T00:00:00Z', null);
    await deal(a.id, 10_000_00, 'won', '2026-01-01T00:00:00Z', '2026-01-11T00:00:00Z');
    await deal(a.id, 4_000_00, 'won', '2026-02-01T00:00:00Z', '2026-03-03T00:00:00Z');
    await deal(a.id, 7_000_00, 'lost', '2026-02-01T00:00:00Z', '2026-02-05T00:00:00Z');
    // Partner B (Silver): won 500 EUR in 5 days, lost two; an open USD deal.
    await deal(b.id, 500_00, 'won', '2026-04-01T00:00:00Z', '2026-04-06T00:00:00Z', 'EUR');
    await deal(b.id, 100_00, 'lost', '2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z');
    await deal(b.id, 100_00, 'lost', '2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z');
    await deal(b.id, 300_00, 'open', '2026-04-01T00:00:00Z', null);
    // Partner C: none.
    const report = await ok(manager.get('/api/v1/partner-report'));
    const row = (id: string) => report.partners.find((p: Json) => p.partnerId === id);
    const strip = ({ partnerId: _p, name: _n, tierId: _t, ...numbers }: Json) => numbers;
    assert.deepEqual(strip(row(a.id)), { openDeals: 2, wonDeals: 2, lostDeals: 1, pipeline: { USD: 3_500_00 }, wonRevenue: { USD: 14_000_00 }, winRate: 0.667, averageCycleDays: 20 });
    assert.deepEqual(strip(row(b.id)), { openDeals: 1, wonDeals: 1, lostDeals: 2, pipeline: { USD: 300_00 }, wonRevenue: { EUR: 500_00 }, winRate: 0.333, averageCycleDays: 5 });
    assert.deepEqual(strip(row(c.id)), { openDeals: 0, wonDeals: 0, lostDeals: 0, pipeline: {}, wonRevenue: {}, winRate: null, averageCycleDays: null });
    assert.deepEqual(
      report.tiers.map((tier: Json) => [tier.name, tier.partners, tier.wonDeals, tier.lostDeals, tier.winRate, tier.averageCycleDays]),
      [
        ['Gold', 1, 2, 1, 0.667, 20],
        ['Silver', 1, 1, 2, 0.333, 5],
        ['No tier', 1, 0, 0, null, null],
      ],
    );
    assert.equal(gold.name, 'Gold');
  });
});
