import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import {
  afterAttempt,
  endpointUrlProblem,
  EVENT_TYPES,
  exampleEvent,
  eventsForChange,
  invalidSubscriptions,
  MAX_ATTEMPTS,
  retryDelayMs,
  signatureHeader,
  subscribes,
  verifySignature,
} from './model.ts';

const id = '0196a0d4-0000-7000-8000-000000000001';

test('changes raise the documented events; other audited actions and non-records raise none', () => {
  const types = (change: Parameters<typeof eventsForChange>[0]) => eventsForChange(change).map((e) => e.type);
  assert.deepEqual(types({ entityType: 'lead', entityId: id, action: 'create', after: { ownerId: null } }), ['lead.created']);
  assert.deepEqual(types({ entityType: 'lead', entityId: id, action: 'create', after: { ownerId: 'u1' } }), ['lead.created', 'lead.assigned']);
  assert.deepEqual(types({ entityType: 'lead', entityId: id, action: 'update', before: { ownerId: 'u1', city: 'Oslo' }, after: { ownerId: 'u2', city: 'Oslo' } }), ['lead.updated', 'lead.assigned']);
  assert.deepEqual(types({ entityType: 'contact', entityId: id, action: 'update', before: { title: 'CTO', ownerId: 'u1' }, after: { title: 'CEO', ownerId: 'u1' } }), ['contact.updated']);
  assert.deepEqual(types({ entityType: 'account', entityId: id, action: 'delete' }), ['account.deleted']);
  assert.deepEqual(types({ entityType: 'lead', entityId: id, action: 'restore' }), ['lead.restored']);
  assert.deepEqual(types({ entityType: 'opportunity', entityId: id, action: 'stage_change', before: { stage: 'Discovery' }, after: { stage: 'Proposal' } }), ['opportunity.updated', 'opportunity.stage_changed']);
  // Nothing but the version moved: no event.
  assert.deepEqual(types({ entityType: 'lead', entityId: id, action: 'update', before: { version: 1, city: 'Oslo' }, after: { version: 2, city: 'Oslo' } }), []);
  assert.deepEqual(types({ entityType: 'account', entityId: id, action: 'team_member_set', after: { userId: 'u1' } }), []);
  assert.deepEqual(types({ entityType: 'webhook_endpoint', entityId: id, action: 'create', after: {} }), []);
});

test('every event has an example of its own type with data', () => {
  for (const type of Object.keys(EVENT_TYPES) as (keyof typeof EVENT_TYPES)[]) {
    const example = exampleEvent(type);
    assert.equal(example.type, type);
    assert.ok(Object.keys(example.data).length > 0, type);
    assert.equal('previous' in example, /\.(updated|assigned|stage_changed)$/.test(type), type);
  }
});

test('previous holds the changed fields’ old values', () => {
  const [updated, assigned] = eventsForChange({ entityType: 'lead', entityId: id, action: 'update', before: { ownerId: 'u1', city: 'Oslo', status: 'new', version: 3 }, after: { ownerId: 'u2', city: 'Oslo', status: 'working', version: 4 } });
  assert.deepEqual(updated!.previous, { ownerId: 'u1', status: 'new' });
  assert.deepEqual(assigned!.previous, { ownerId: 'u1' });
});

test('subscriptions: exact names, <record>.* and *; unknown names are reported', () => {
  assert.ok(subscribes(['lead.created'], 'lead.created'));
  assert.ok(!subscribes(['lead.created'], 'lead.updated'));
  assert.ok(subscribes(['opportunity.*'], 'opportunity.stage_changed'));
  assert.ok(!subscribes(['lead.*'], 'leadership.created'));
  assert.ok(subscribes(['*'], 'email.replied'));
  assert.deepEqual(invalidSubscriptions(['lead.created', 'lead.*', '*', 'email.*']), []);
  assert.deepEqual(invalidSubscriptions(['lead.exploded', 'deal.*', 'lead', '**', 'webhook.test']), ['lead.exploded', 'deal.*', 'lead', '**', 'webhook.test']);
});

test('only absolute http(s) URLs are endpoints', () => {
  assert.equal(endpointUrlProblem('https://hooks.example.com/leadflow?x=1'), null);
  assert.equal(endpointUrlProblem('http://127.0.0.1:5678/webhook/abc'), null);
  assert.match(endpointUrlProblem('ftp://example.com/hook')!, /http/);
  assert.match(endpointUrlProblem('javascript:alert(1)')!, /http/);
  assert.match(endpointUrlProblem('hooks.example.com/leadflow')!, /absolute/);
  assert.match(endpointUrlProblem('')!, /absolute/);
});

test('signature: HMAC-SHA256 of "t.body" in hex; verification rejects a changed body, another secret, an old timestamp', () => {
  const body = '{"id":"e1","type":"lead.created"}';
  const header = signatureHeader('whsec_abc', 1_800_000_000, body);
  const expected = createHmac('sha256', 'whsec_abc').update(`1800000000.${body}`).digest('hex');
  assert.equal(header, `t=1800000000,v1=${expected}`);
  assert.ok(verifySignature('whsec_abc', header, body, 1_800_000_100));
  assert.ok(!verifySignature('whsec_abc', header, body.replace('e1', 'e2'), 1_800_000_100));
  assert.ok(!verifySignature('whsec_other', header, body, 1_800_000_100));
  assert.ok(!verifySignature('whsec_abc', header, body, 1_800_000_301), 'outside the 5 minute tolerance');
  assert.ok(!verifySignature('whsec_abc', 'v1=abc', body, 1_800_000_000));
  // After a rotation the header carries the new secret's v1 and the old one's; either secret passes.
  const both = signatureHeader(['whsec_new', 'whsec_abc'], 1_800_000_000, body);
  assert.equal(both, `t=1800000000,v1=${createHmac('sha256', 'whsec_new').update(`1800000000.${body}`).digest('hex')},v1=${expected}`);
  assert.ok(verifySignature('whsec_abc', both, body, 1_800_000_000));
  assert.ok(verifySignature('whsec_new', both, body, 1_800_000_000));
  assert.ok(!verifySignature('whsec_other', both, body, 1_800_000_000));
});

test('backoff doubles from the base with jitter in the upper half, capped; 2xx delivers; the last failure fails', () => {
  assert.equal(retryDelayMs(1, 0), 15_000);
  assert.equal(retryDelayMs(1, 1), 30_000);
  assert.equal(retryDelayMs(2, 1), 60_000);
  assert.equal(retryDelayMs(5, 0.5), Math.round(480_000 * 0.75));
  assert.equal(retryDelayMs(30, 1), 6 * 3600 * 1000);
  assert.equal(retryDelayMs(3, 1, 100), 400);
  assert.deepEqual(afterAttempt({ status: 204 }, 1, 0.5), { status: 'delivered' });
  assert.deepEqual(afterAttempt({ status: 500 }, 1, 1), { status: 'pending', delayMs: 30_000 });
  assert.deepEqual(afterAttempt({ status: null }, 2, 1), { status: 'pending', delayMs: 60_000 });
  assert.deepEqual(afterAttempt({ status: 301 }, 1, 1, 10), { status: 'pending', delayMs: 10 });
  assert.deepEqual(afterAttempt({ status: 404 }, MAX_ATTEMPTS, 0.2), { status: 'failed' });
  let total = 0;
  for (let n = 1; n < MAX_ATTEMPTS; n += 1) total += retryDelayMs(n, 1);
  assert.ok(total > 3 * 3600 * 1000 && total < 5 * 3600 * 1000, `ten attempts span about 4 h (${total / 3600000} h)`);
});
