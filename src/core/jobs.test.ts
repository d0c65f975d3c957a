import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openTestDatabase } from '../../test/helpers.ts';
import { startJobs } from './jobs.ts';

const database = await openTestDatabase();
after(() => database.close());

test('a job sent is worked once, with its data, and one due later waits', async () => {
  const jobs = await startJobs(database, { pollingIntervalSeconds: 0.5 });
  try {
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void jobs.work<{ lead: string }>('test-queue', async (data) => {
        seen.push(data.lead);
        if (seen.length === 2) resolve();
      });
    });
    await jobs.send('test-queue', { lead: 'a' });
    await jobs.send('test-queue', { lead: 'b' });
    await jobs.send('test-queue', { lead: 'later' }, { startAfter: 3600 });
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('jobs not worked in time')), 15_000))]);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.deepEqual(seen.sort(), ['a', 'b']);
  } finally {
    await jobs.stop();
  }
});
