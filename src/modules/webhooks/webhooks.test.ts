import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { startJobs } from '../../core/jobs.ts';
import { createMailer } from '../../core/mailer.ts';
import { secretsOf } from '../../core/secrets.ts';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';
import { setWebhookRuntime, sweepDeliveries } from './service.ts';
import { startWebhookWorkers } from './workers.ts';

const t = await startTestApp({ jobs: true });
const context = { db: t.database.db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} };
await startWebhookWorkers(context, { retryBaseMs: 300 });

// A real receiver on a local port. Each path answers from its own script of statuses (the last
// one repeats), so one test can play a receiver that is down and then comes back.
type Received = { path: string; headers: IncomingHttpHeaders; body: string; at: number };
const received: Received[] = [];
const scripts = new Map<string, number[]>();
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const path = request.url ?? '/';
    received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
    const script = scripts.get(path) ?? [200];
    const status = script.length > 1 ? script.shift()! : script[0]!;
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver is down');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const at = (path: string) => received.filter((r) => r.path === path);

/** What the README tells receivers to do, written out independently of model.ts. */
function verify(secret: string, header: string, body: string): boolean {
  const parts = header.split(',').map((part) => part.split('=') as [string, string]);
  const t = parts.find(([key]) => key === 't')?.[1];
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return parts.some(([key, value]) => {
    const given = Buffer.from(key === 'v1' ? value : '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('webhooks', () => {
  test('a lead change reaches the endpoint signed, with the documented payload; the secret is shown once', async () => {
    const admin = await newOrg(t, 'Hooks');
    const created = await admin.post('/api/v1/webhooks', { url: `${base}/leads`, events: ['lead.created', 'lead.updated'], description: 'Zapier' });
    assert.equal(created.statusCode, 201, created.body);
    const endpoint = created.json();
    assert.match(endpoint.secret, /^whsec_/);
    const listed = (await admin.get('/api/v1/webhooks')).json().data;
    assert.deepEqual(listed.map((e: { id: string }) => e.id), [endpoint.id]);
    assert.equal(listed[0].secret, undefined, 'the secret is not shown again');
    const stored = await t.database.db.execute(sql`select secret_sealed from webhook_endpoints where org_id = ${admin.orgId}`);
    assert.ok(!String((stored as unknown as { rows: { secret_sealed: string }[] }).rows[0]!.secret_sealed).includes(endpoint.secret), 'stored sealed');

    const lead = (await admin.post('/api/v1/leads', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.test', company: 'Analytical' })).json();
    const first = await until('lead.created', () => at('/leads')[0]);
    assert.equal(first.headers['content-type'], 'application/json');
    assert.equal(first.headers['leadflow-event'], 'lead.created');
    assert.ok(verify(endpoint.secret, String(first.headers['leadflow-signature']), first.body), 'signature verifies');
    assert.ok(!verify('whsec_wrong', String(first.headers['leadflow-signature']), first.body));
    const event = JSON.parse(first.body);
    assert.deepEqual(Object.keys(event), ['id', 'type', 'occurredAt', 'orgId', 'data']);
    assert.equal(event.type, 'lead.created');
    assert.equal(event.orgId, admin.orgId);
    assert.equal(event.id, first.headers['leadflow-event-id']);
    assert.equal(event.data.id, lead.id);
    assert.equal(event.data.email, 'ada@analytical.test');

    const patched = await admin.patch(`/api/v1/leads/${lead.id}`, { city: 'London' }, { 'if-match': `"${lead.version}"` });
    assert.equal(patched.statusCode, 200, patched.body);
    const second = await until('lead.updated', () => at('/leads')[1]);
    const update = JSON.parse(second.body);
    assert.equal(update.type, 'lead.updated');
    assert.equal(update.data.city, 'London');
    assert.deepEqual(update.previous, { city: null });

    const log = (await admin.get(`/api/v1/webhook-deliveries?endpointId=${endpoint.id}`)).json().data;
    await until('both delivered in the log', async () => {
      const rows = (await admin.get(`/api/v1/webhook-deliveries?endpointId=${endpoint.id}`)).json().data as { status: string }[];
      return rows.length === 2 && rows.every((r) => r.status === 'delivered');
    });
    assert.equal(log.length, 2);
    const detail = (await admin.get(`/api/v1/webhook-deliveries/${log.at(-1).id}`)).json();
    assert.equal(detail.payload.id, event.id);
    assert.equal(detail.endpointUrl, `${base}/leads`);
  });

  test('a receiver that answers 500 gets the event again with backoff until it answers 200', async () => {
    const admin = await newOrg(t, 'Flaky');
    scripts.set('/flaky', [500, 500, 200]);
    const endpoint = (await admin.post('/api/v1/webhooks', { url: `${base}/flaky`, events: ['opportunity.created', 'opportunity.stage_changed'] })).json();
    const [pipeline] = (await admin.get('/api/v1/pipelines')).json().data;
    const deal = (await admin.post('/api/v1/opportunities', { name: 'Globex', currency: 'EUR' })).json();
    // Three attempts for opportunity.created; wait for them before the stage moves.
    await until('third attempt', () => at('/flaky').length >= 3 || undefined);
    const attempts = at('/flaky');
    assert.deepEqual(new Set(attempts.map((a) => JSON.parse(a.body).id)).size, 1, 'the same event each time');
    assert.deepEqual(attempts.map((a) => a.headers['leadflow-attempt']), ['1', '2', '3']);
    assert.ok(attempts[1]!.at - attempts[0]!.at >= 140, 'waited before the second attempt');
    assert.ok(attempts[2]!.at - attempts[1]!.at >= 290, 'and longer before the third');
    const delivery = await until('delivered', async () => {
      const [row] = (await admin.get(`/api/v1/webhook-deliveries?endpointId=${endpoint.id}`)).json().data;
      return row?.status === 'delivered' ? row : undefined;
    });
    assert.equal(delivery.attempts, 3);
    assert.equal(delivery.responseStatus, 200);
    assert.equal(delivery.eventType, 'opportunity.created');

    const discovery = pipeline.stages.find((s: { name: string }) => s.name === 'Discovery');
    const moved = await admin.post(`/api/v1/opportunities/${deal.id}/move`, { stageId: discovery.id, version: deal.version });
    assert.equal(moved.statusCode, 200, moved.body);
    const stageEvent = await until('stage_changed', () => at('/flaky').map((a) => JSON.parse(a.body)).find((e) => e.type === 'opportunity.stage_changed'));
    assert.equal(stageEvent.data.stageId, discovery.id);
    assert.equal(stageEvent.previous.stage, 'Qualification');
  });

  test('a bulk reassignment sends one lead.assigned per lead (queued through the fan-out job)', async () => {
    const admin = await newOrg(t, 'Bulk');
    const rep = await addUser(t, admin, 'rep');
    const ids: string[] = [];
    // 21: one past the number of deliveries a change queues itself.
    ids.push(...(await Promise.all(Array.from({ length: 21 }, (_, i) => admin.post('/api/v1/leads', { company: `Bulk ${i}` })))).map((r) => r.json().id as string));
    await admin.post('/api/v1/webhooks', { url: `${base}/bulk`, events: ['lead.assigned'] });
    const moved = await admin.post('/api/v1/leads/bulk', { ids, action: 'assign', ownerId: rep.userId });
    assert.equal(moved.statusCode, 200, moved.body);
    await until('21 assignments', () => at('/bulk').length >= 21 || undefined, 20_000);
    const events = at('/bulk').map((r) => JSON.parse(r.body));
    assert.deepEqual(new Set(events.map((e) => e.data.id)), new Set(ids));
    assert.ok(events.every((e) => e.type === 'lead.assigned' && e.data.ownerId === rep.userId && e.previous.ownerId === admin.userId));
  });

  test('redelivery by hand, the test event button and a rotated secret', async () => {
    const admin = await newOrg(t, 'Redeliver');
    scripts.set('/manual', [503]);
    const endpoint = (await admin.post('/api/v1/webhooks', { url: `${base}/manual`, events: ['account.created'] })).json();
    await admin.patch(`/api/v1/webhooks/${endpoint.id}`, { enabled: true });
    const tested = await admin.post(`/api/v1/webhooks/${endpoint.id}/test`);
    assert.equal(tested.statusCode, 200, tested.body);
    assert.equal(tested.json().responseStatus, 503);
    assert.equal(tested.json().status, 'pending', 'a failed test is retried like any delivery');
    assert.equal(JSON.parse(at('/manual')[0]!.body).type, 'webhook.test');

    scripts.set('/manual', [200]);
    const rotated = (await admin.post(`/api/v1/webhooks/${endpoint.id}/rotate-secret`)).json();
    assert.notEqual(rotated.secret, endpoint.secret);
    assert.ok(Date.parse(rotated.previousValidUntil) - Date.now() > 23 * 3600_000, 'the old secret is honoured for a day');
    const again = await admin.post(`/api/v1/webhook-deliveries/${tested.json().id}/redeliver`);
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.json().status, 'delivered');
    assert.equal(again.json().redeliveryOf, tested.json().id);
    let last = at('/manual').at(-1)!;
    assert.equal(JSON.parse(last.body).id, tested.json().eventId, 'the same event, so the receiver can deduplicate');
    assert.ok(verify(rotated.secret, String(last.headers['leadflow-signature']), last.body), 'signed with the new secret');
    assert.ok(verify(endpoint.secret, String(last.headers['leadflow-signature']), last.body), 'and, for now, the old one');
    // A leaked secret is dropped at once.
    const leaked = (await admin.post(`/api/v1/webhooks/${endpoint.id}/rotate-secret`, { previousValidHours: 0 })).json();
    assert.equal(leaked.previousValidUntil, null);
    await admin.post(`/api/v1/webhook-deliveries/${tested.json().id}/redeliver`);
    last = at('/manual').at(-1)!;
    assert.ok(verify(leaked.secret, String(last.headers['leadflow-signature']), last.body));
    assert.ok(!verify(rotated.secret, String(last.headers['leadflow-signature']), last.body));
    assert.ok(!verify(endpoint.secret, String(last.headers['leadflow-signature']), last.body));

    // Disabled: changes raise nothing for it.
    await admin.patch(`/api/v1/webhooks/${endpoint.id}`, { enabled: false });
    const before = at('/manual').length;
    await admin.post('/api/v1/accounts', { name: 'Initech' });
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal(at('/manual').length, before);
    const audit = (await admin.get(`/api/v1/audit-log?entityType=webhook_endpoint&entityId=${endpoint.id}`)).json().data.map((e: { action: string }) => e.action);
    assert.deepEqual(audit.sort(), ['create', 'rotate_secret', 'rotate_secret', 'test', 'update', 'update'].sort());
  });

  test('another org sees none of it, and its changes reach no one else’s endpoint', async () => {
    const mine = await newOrg(t, 'Mine');
    const other = await newOrg(t, 'Other');
    const endpoint = (await mine.post('/api/v1/webhooks', { url: `${base}/mine`, events: ['*'] })).json();
    await other.post('/api/v1/leads', { firstName: 'Not', lastName: 'Mine', company: 'Elsewhere' });
    const test = (await mine.post(`/api/v1/webhooks/${endpoint.id}/test`)).json();
    assert.deepEqual((await other.get('/api/v1/webhooks')).json().data, []);
    assert.deepEqual((await other.get('/api/v1/webhook-deliveries')).json().data, []);
    assert.equal((await other.get(`/api/v1/webhooks/${endpoint.id}`)).statusCode, 404);
    assert.equal((await other.patch(`/api/v1/webhooks/${endpoint.id}`, { enabled: false })).statusCode, 404);
    assert.equal((await other.post(`/api/v1/webhooks/${endpoint.id}/rotate-secret`)).statusCode, 404);
    assert.equal((await other.get(`/api/v1/webhook-deliveries/${test.id}`)).statusCode, 404);
    assert.equal((await other.post(`/api/v1/webhook-deliveries/${test.id}/redeliver`)).statusCode, 404);
    assert.equal((await other.del(`/api/v1/webhooks/${endpoint.id}`)).statusCode, 404);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(at('/mine').map((r) => JSON.parse(r.body).type), ['webhook.test']);
    // Managers run the team, not the org's integrations; a write-scoped key of an admin neither.
    const manager = await addUser(t, mine, 'manager');
    assert.equal((await manager.get('/api/v1/webhooks')).statusCode, 403);
  });

  test('bad input is a 400 with the field, and stores nothing', async () => {
    const admin = await newOrg(t, 'Strict');
    const cases: [unknown, string][] = [
      [{ url: 'ftp://example.com/hook', events: ['lead.created'] }, 'url'],
      [{ url: 'not a url', events: ['lead.created'] }, 'url'],
      [{ url: `${base}/x`, events: ['lead.exploded'] }, 'events'],
      [{ url: `${base}/x`, events: [] }, 'events'],
      [{ url: `${base}/x`, events: ['lead.created'], secret: 'mine' }, ''],
    ];
    for (const [body, field] of cases) {
      const res = await admin.post('/api/v1/webhooks', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      if (field) assert.ok(res.json().errors.some((e: { field: string }) => e.field === field), res.body);
    }
    assert.deepEqual((await admin.get('/api/v1/webhooks')).json().data, []);
    const endpoint = (await admin.post('/api/v1/webhooks', { url: `${base}/strict`, events: ['lead.*'] })).json();
    const bad = await admin.patch(`/api/v1/webhooks/${endpoint.id}`, { url: 'mailto:ops@example.com' });
    assert.equal(bad.statusCode, 400);
    assert.equal((await admin.get(`/api/v1/webhooks/${endpoint.id}`)).json().url, `${base}/strict`);
    const types = (await admin.get('/api/v1/webhook-event-types')).json();
    assert.ok(types.data.some((e: { type: string }) => e.type === 'email.replied'));
    const stageChanged = types.data.find((e: { type: string }) => e.type === 'opportunity.stage_changed');
    assert.deepEqual(Object.keys(stageChanged.example), ['id', 'type', 'occurredAt', 'orgId', 'data', 'previous']);
    assert.equal(stageChanged.example.type, 'opportunity.stage_changed');
    // The OpenAPI document describes what Leadflow sends, beside what it answers.
    const doc = (await t.app.inject('/api/docs/json')).json();
    const sent = doc.webhooks['lead.assigned'].post;
    assert.equal(sent.requestBody.content['application/json'].schema.$ref, '#/components/schemas/WebhookEvent');
    assert.equal(sent.requestBody.content['application/json'].example.type, 'lead.assigned');
    assert.ok(sent.parameters.some((p: { name: string }) => p.name === 'Leadflow-Signature'));
    assert.ok(doc.components.schemas.WebhookEvent.properties.previous);
    assert.equal(types.signatureHeader, 'Leadflow-Signature');
  });

  test('email.replied; a delivery whose job was lost goes out with the sweep; queued jobs survive a restart', async () => {
    const admin = await newOrg(t, 'Replies');
    const endpoint = (await admin.post('/api/v1/webhooks', { url: `${base}/replies`, events: ['email.replied'] })).json();
    const lead = (await admin.post('/api/v1/leads', { firstName: 'Rita', lastName: 'Reply', email: 'rita@prospect.test', company: 'Prospect' })).json();
    const logged = await admin.post('/api/v1/emails/logged', { subjectType: 'lead', subjectId: lead.id, direction: 'inbound', from: 'rita@prospect.test', subject: 'Re: our call' });
    assert.equal(logged.statusCode, 201, logged.body);
    const reply = JSON.parse((await until('email.replied', () => at('/replies')[0])).body);
    assert.equal(reply.type, 'email.replied');
    assert.deepEqual(reply.data, { emailId: logged.json().id, address: 'rita@prospect.test', subjectType: 'lead', subjectId: lead.id });

    // A process without workers (a CLI command) stores the delivery with no job; the sweep sends it once it is overdue.
    setWebhookRuntime(null);
    await admin.post('/api/v1/emails/logged', { subjectType: 'lead', subjectId: lead.id, direction: 'inbound', from: 'rita@prospect.test', subject: 'Re: pricing' });
    setWebhookRuntime({ jobs: t.jobs!, retryBaseMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(at('/replies').length, 1, 'no job, no attempt yet');
    await t.database.db.execute(sql`update webhook_deliveries set next_attempt_at = now() - interval '2 minutes' where org_id = ${admin.orgId} and status = 'pending'`);
    assert.equal(await sweepDeliveries(t.database.db, secretsOf(t.config)), 1);
    assert.equal(JSON.parse(at('/replies')[1]!.body).type, 'email.replied');

    // The process stops with a delivery queued; the next one sends it.
    await t.jobs!.stop();
    await admin.post('/api/v1/emails/logged', { subjectType: 'lead', subjectId: lead.id, direction: 'inbound', from: 'rita@prospect.test', subject: 'Re: contract' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(at('/replies').length, 2, 'nothing works the queue while stopped');
    const restarted = await startJobs(t.database, { pollingIntervalSeconds: 0.5 });
    try {
      await startWebhookWorkers({ ...context, jobs: restarted }, { retryBaseMs: 300 });
      await until('delivered after the restart', () => at('/replies')[2]);
      const log = (await admin.get(`/api/v1/webhook-deliveries?endpointId=${endpoint.id}`)).json().data as { status: string }[];
      await until('all delivered', async () => ((await admin.get(`/api/v1/webhook-deliveries?endpointId=${endpoint.id}`)).json().data as { status: string }[]).every((d) => d.status === 'delivered') || undefined);
      assert.equal(log.length, 3);
    } finally {
      await restarted.stop();
    }
  });
});
