// `leadflow webhooks …` through a running server's API: list, the delivery log, a redelivery.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { leadflow } from './cli-helpers.ts';
import { addUser, newOrg, startTestApp } from './helpers.ts';

const t = await startTestApp();
await t.app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

const received: string[] = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    received.push(body);
    response.writeHead(received.length === 1 ? 500 : 200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cli`;

test('webhooks list, deliveries and redeliver; a manager’s key is refused', { timeout: 120_000 }, async () => {
  const admin = await newOrg(t, 'CLI hooks');
  const endpoint = (await admin.post('/api/v1/webhooks', { url: hookUrl, events: ['lead.*'], description: 'n8n' })).json();
  const failed = (await admin.post(`/api/v1/webhooks/${endpoint.id}/test`)).json();
  assert.equal(failed.responseStatus, 500);
  const manager = await addUser(t, admin, 'manager');
  const env = { LEADFLOW_URL: url, LEADFLOW_API_KEY: admin.key };

  const [list, log, refused] = await Promise.all([
    leadflow(['webhooks', 'list'], env),
    leadflow(['webhooks', 'deliveries', '--status', 'pending'], env),
    leadflow(['webhooks', 'list'], { LEADFLOW_URL: url, LEADFLOW_API_KEY: manager.key }),
  ]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`${endpoint.id}  enabled   ${hookUrl}  \\[lead\\.\\*\\]  n8n`));
  assert.match(log.stdout, new RegExp(`${failed.id}  pending    webhook\\.test .* 1/10  500`));
  assert.match(log.stdout, /1 delivery\./);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /role does not allow/);

  const redelivered = await leadflow(['webhooks', 'redeliver', failed.id], env);
  assert.equal(redelivered.code, 0, redelivered.stderr);
  assert.match(redelivered.stdout, /delivered {2}webhook\.test .* 1\/10 {2}200/);
  assert.equal(received.length, 2);
  assert.equal(JSON.parse(received[1]!).id, JSON.parse(received[0]!).id);
});
