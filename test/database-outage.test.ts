// PostgreSQL going away under load (a restart, a failover): requests fail fast and cleanly with 503
// problem+json, the app recovers by itself when the database is back, and nothing is half-written.
// The outage is made by a TCP proxy between the app and PostgreSQL that stops listening and drops
// every connection, as a restarting server does; the machine's PostgreSQL itself is left alone.
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../src/core/db.ts';
import { buildApp } from '../src/http/app.ts';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { openTestDatabase, signIn, testConfig, testDatabaseKind } from './helpers.ts';

/**
 * Forwards connections to PostgreSQL. `cut` drops every connection and hangs up on new ones until
 * `restore`, as a restarting server does. The proxy keeps its port all along: closing it would let
 * another process on the machine take the port before the database "comes back".
 */
async function databaseProxy(upstream: URL): Promise<{ port: number; cut: () => void; restore: () => void; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    client.on('error', () => {});
    if (down) return void client.destroy();
    const database = connect(Number(upstream.port || 5432), upstream.hostname);
    for (const socket of [client, database]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(database).pipe(client);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  const cut = () => {
    down = true;
    for (const socket of sockets) socket.destroy();
  };
  const close = async () => {
    cut();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port, cut, restore: () => void (down = false), close };
}

describe('PostgreSQL restarted under load', { skip: testDatabaseKind !== 'postgres' && 'needs PostgreSQL (PGlite runs in the process)' }, () => {
  test('requests answer 503 problem+json while it is away, recover by themselves, and leave nothing half-written', { timeout: 120_000 }, async () => {
    const direct = await openTestDatabase();
    const url = new URL((direct.pool as unknown as { options: { connectionString: string } }).options.connectionString);
    const proxy = await databaseProxy(url);
    const proxiedUrl = new URL(url);
    proxiedUrl.hostname = '127.0.0.1';
    proxiedUrl.port = String(proxy.port);
    const database = await openDatabase({ databaseUrl: proxiedUrl.toString(), poolSize: 5 });
    const app = await buildApp({ database, config: testConfig(), logger: false });
    await app.ready();
    after(async () => {
      await app.close();
      await database.close().catch(() => {});
      await proxy.close();
      await direct.close();
    });
    const email = `outage-${process.pid}@leadflow.test`;
    const { orgId } = await createOrganization(direct.db, { name: 'Outage', admin: { email, name: 'Ada', password: 'correct horse battery staple' } });
    const admin = await signIn(app, email, 'correct horse battery staple');

    type Outcome = { phase: 'before' | 'down' | 'after'; ended: 'before' | 'down' | 'after'; kind: 'create' | 'list'; key: string; status: number; ms: number; body: string; contentType: string; retryAfter: string | undefined };
    const outcomes: Outcome[] = [];
    let phase: Outcome['phase'] = 'before';
    let running = true;
    let serial = 0;
    // Two reps' worth of traffic, back to back: lead creates (each with its own Idempotency-Key) and lists.
    const worker = async (kind: Outcome['kind']) => {
      while (running) {
        const key = `outage-lead-${(serial += 1)}`;
        const at = phase;
        const started = performance.now();
        const res = kind === 'create' ? await admin.post('/api/v1/leads', { company: key }, { 'idempotency-key': key }) : await admin.get('/api/v1/leads?limit=20');
        outcomes.push({ phase: at, ended: phase, kind, key, status: res.statusCode, ms: performance.now() - started, body: res.body, contentType: String(res.headers['content-type']), retryAfter: res.headers['retry-after'] as string | undefined });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const workers = [worker('create'), worker('create'), worker('list')];
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    await wait(1000);
    phase = 'down';
    try {
      proxy.cut();
      await wait(2000);
      assert.equal((await app.inject('/readyz')).statusCode, 503, 'readiness says the database is away');
      proxy.restore();
      phase = 'after';
      const restored = Date.now();
      // Recovery needs nobody: the pool opens new connections on the next requests.
      while (!outcomes.some((o) => o.phase === 'after' && o.status < 300) && Date.now() - restored < 10_000) await wait(50);
      await wait(1000);
    } finally {
      // The traffic stops whatever happened, or it would keep the test process alive.
      running = false;
      await Promise.all(workers);
    }

    // A request in flight when the connections dropped belongs to the outage.
    const before = outcomes.filter((o) => o.ended === 'before');
    const down = outcomes.filter((o) => o.ended === 'down');
    const afterwards = outcomes.filter((o) => o.phase === 'after');
    assert.ok(before.length > 0 && before.every((o) => o.status < 300), `before the outage all succeed: ${before.filter((o) => o.status >= 300).map((o) => o.body).join(' ')}`);
    assert.ok(down.length > 0, 'requests were made during the outage');
    const unavailable = down.filter((o) => o.status === 503);
    assert.ok(unavailable.length > 0, 'the outage was noticed');
    for (const failure of outcomes.filter((o) => o.status >= 300)) {
      assert.equal(failure.status, 503, `a failure during the outage is a 503, not ${failure.status}: ${failure.body}`);
      assert.match(failure.contentType, /application\/problem\+json/);
      assert.equal(JSON.parse(failure.body).code, 'database_unavailable');
      assert.equal(failure.retryAfter, '2');
      assert.ok(failure.ms < 5000, `it failed fast (${Math.round(failure.ms)} ms)`);
    }
    assert.equal((await app.inject('/readyz')).statusCode, 200);
    const recovered = afterwards.findIndex((o) => o.status < 300);
    assert.ok(recovered >= 0, 'requests succeed again after the database is back');
    assert.ok(afterwards.slice(recovered).every((o) => o.status < 300), 'and keep succeeding');

    // Nothing half-written: each created lead is there once; each refused create, retried with its key, is created once.
    const created = outcomes.filter((o) => o.kind === 'create' && o.status === 201);
    for (const retry of outcomes.filter((o) => o.kind === 'create' && o.status === 503)) {
      const res = await admin.post('/api/v1/leads', { company: retry.key }, { 'idempotency-key': retry.key });
      assert.equal(res.statusCode, 201, res.body);
    }
    const { rows } = await direct.executeSql(`select company, count(*)::int as n from leads where org_id = $1 group by company`, [orgId]);
    const counts = new Map(rows.map((row) => [String(row.company), Number(row.n)]));
    const keys = outcomes.filter((o) => o.kind === 'create' && (o.status === 201 || o.status === 503)).map((o) => o.key);
    assert.ok(created.length > 0);
    for (const key of keys) assert.equal(counts.get(key), 1, `lead ${key} exists exactly once`);
    assert.equal(rows.reduce((sum, row) => sum + Number(row.n), 0), keys.length, 'no lead without a request that created it');
    const { rows: audit } = await direct.executeSql(`select count(*)::int as n from audit_log where org_id = $1 and entity_type = 'lead' and action = 'create'`, [orgId]);
    assert.equal(audit[0]!.n, keys.length, 'one audit entry per lead');
  });
});
