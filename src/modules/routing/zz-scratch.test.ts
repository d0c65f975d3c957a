import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestDatabase } from '/work/main/test/helpers.ts';
import { startJobs } from '/work/main/src/core/jobs.ts';
import { transactionExecutor } from '/work/main/src/modules/routing/runtime.ts';

test('tx job', async () => {
  const database = await openTestDatabase();
  const jobs = await startJobs(database, { pollingIntervalSeconds: 0.5 });
  const seen: unknown[] = [];
  await jobs.work<{ n: number }>('txq', async (d) => { seen.push(d.n); });
  await database.db.transaction(async (tx) => {
    const id = await jobs.send('txq', { n: 1 }, { db: transactionExecutor(tx), startAfter: new Date(Date.now() + 500), singletonKey: 'k1' });
    assert.ok(id);
    const dup = await jobs.send('txq', { n: 99 }, { db: transactionExecutor(tx), singletonKey: 'k1' });
    console.log('dup', dup);
  });
  await database.db.transaction(async (tx) => {
    await jobs.send('txq', { n: 2 }, { db: transactionExecutor(tx) });
    tx.rollback();
  }).catch((e) => console.log('rolled back', e.message));
  await new Promise((r) => setTimeout(r, 3000));
  assert.deepEqual(seen, [1]);
  await jobs.stop();
  await database.close();
});
