// `leadflow deals …`: bulk export, stage moves through the gates, and reassignment, run as an
// operator runs them — child processes talking to a running server's API.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { leadflow } from './cli-helpers.ts';
import { addUser, newOrg, startTestApp } from './helpers.ts';

const t = await startTestApp();
await t.app.listen({ port: 0, host: '127.0.0.1' });
const address = t.app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const dir = mkdtempSync(join(tmpdir(), 'leadflow-deals-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('deals move, reassign and export work deal by deal through the API; gate refusals are listed and change nothing', { timeout: 120_000 }, async () => {
  const admin = await newOrg(t, 'Bulk deals');
  const [leaving, taking] = [await addUser(t, admin, 'rep'), await addUser(t, admin, 'rep')];
  const env = { LEADFLOW_URL: url, LEADFLOW_API_KEY: admin.key };
  for (const [name, amount] of [['Alpha', 1_000], ['Beta, "quoted"', 2_000], ['Gamma', 0]] as const) {
    const res = await admin.post('/api/v1/opportunities', { name, amount, currency: 'EUR', ownerId: leaving.userId, closeDate: '2027-03-01' });
    assert.equal(res.statusCode, 201, res.body);
  }

  // Proposal needs a decision maker: every move is refused, listed, and nothing moves.
  const [withoutServer, gated] = await Promise.all([
    leadflow(['deals', 'export', '--out', join(dir, 'x.csv')], {}),
    leadflow(['deals', 'move', '--from', 'qualification', '--to', 'Proposal'], env),
  ]);
  assert.equal(withoutServer.code, 1);
  assert.match(withoutServer.stderr, /Deal commands talk to a running server/);
  assert.equal(gated.code, 1, gated.stderr);
  assert.match(gated.stderr, /3 refused:/);
  assert.match(gated.stderr, /Alpha \([0-9a-f-]{36}\): .*decision maker/i);
  assert.match(gated.stdout, /Moved 0 of 3 deals from Qualification to Proposal/);

  const moved = await leadflow(['deals', 'move', '--from', 'Qualification', '--to', 'Discovery'], env);
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /Moved 3 of 3 deals from Qualification to Discovery/);

  const dryRun = await leadflow(['deals', 'reassign', '--from', leaving.email, '--to', taking.email, '--dry-run'], env);
  assert.equal(dryRun.code, 0, dryRun.stderr);
  assert.match(dryRun.stdout, /3 deals would go from/);
  const reassigned = await leadflow(['deals', 'reassign', '--from', leaving.email, '--to', taking.email], env);
  assert.equal(reassigned.code, 0, reassigned.stderr);
  assert.match(reassigned.stdout, /Reassigned 3 of 3 deals/);
  const owners = (await admin.get(`/api/v1/opportunities?ownerId=${taking.userId}`)).json().data as { name: string }[];
  assert.equal(owners.length, 3);

  const out = join(dir, 'deals.csv');
  const exported = await leadflow(['deals', 'export', '--out', out, '--owner', taking.email], env);
  assert.equal(exported.code, 0, exported.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'id,name,pipeline,stage,status,ownerId,accountId,amount,currency,closeDate,probability,forecastCategory,source,nextStep,lossReason,winReason,createdAt');
  assert.equal(lines.length, 4);
  assert.ok(lines.some((line) => line.includes(',"Beta, ""quoted""",New business,Discovery,open,')), lines.join('\n'));
});
