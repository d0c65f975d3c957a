import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { systemActor } from '../../core/actor.ts';
import { newId } from '../../core/ids.ts';
import { createMailer } from '../../core/mailer.ts';
import { claimImport, releaseImport, runImport } from './run.ts';
import { createImport, uploadPath } from './service.ts';
import { finished, upload } from './testing.ts';
import { startImportWorkers } from './workers.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'leadflow-import-routing-'));
const t = await startTestApp({ jobs: true, config: { LEADFLOW_DATA_DIR: dataDir } });
await startImportWorkers({ db: t.database.db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} });
after(() => rm(dataDir, { recursive: true, force: true }));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(response: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<Json> {
  const res = await response;
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Json;
}

const put = (caller: Caller, url: string, payload: unknown) => caller.request({ method: 'PUT', url, payload: payload as string });

async function importCsv(caller: Caller, csv: string, fields: Record<string, string>) {
  const res = await upload(caller, csv, fields);
  assert.equal(res.statusCode, 202, res.body);
  return { created: res.json() as Json, done: await finished(caller, res.json().id) };
}

describe('routing imported leads', () => {
  test('new leads without an owner cell get the owner the active rule set picks, in file order, with a reason and no SLA clock', async () => {
    const admin = await newOrg(t, 'Routed import');
    const anna = await addUser(t, admin, 'rep', 'Anna');
    const ben = await addUser(t, admin, 'rep', 'Ben');
    const chloe = await addUser(t, admin, 'rep', 'Chloe');
    // Caps and working hours pace inbound leads against their first-touch clock; imports have none.
    await ok(put(admin, `/api/v1/users/${ben.userId}/availability`, { dailyCap: 1 }));
    const dach = await ok(admin.post('/api/v1/territories', { name: 'DACH', criteria: { countries: ['DE', 'AT', 'CH'] }, members: [anna, ben].map((r) => ({ userId: r.userId, role: 'rep' })) }), 201);
    const draft = await ok(
      admin.post('/api/v1/routing/rule-sets', {
        object: 'lead_create',
        name: 'Inbound',
        slaMinutes: 30,
        fallbackOwnerId: admin.userId,
        rules: [
          { name: 'DACH', strategy: 'round_robin', target: { type: 'record_territory' }, conditions: [{ field: 'territoryId', op: 'equals', value: dach.id }] },
          { name: 'Big', strategy: 'round_robin', target: { type: 'users', userIds: [chloe.userId] }, conditions: [{ field: 'employeeCount', op: 'above', value: 500 }] },
        ],
      }),
      201,
    );
    await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
    const existing = await ok(admin.post('/api/v1/leads', { firstName: 'Old', lastName: 'Lead', email: 'old@dup.test', country: 'DE', ownerId: admin.userId }), 201);
    const csv = [
      'First Name,Last Name,Email,Country,Employees,Title,Owner Email',
      'A1,De,a1@de.test,DE,10,VP Sales,',
      'A2,De,a2@de.test,AT,10,,',
      'Dup,Lead,OLD@dup.test,DE,10,,',
      'A3,De,a3@de.test,CH,10,,',
      'Big,Us,big@us.test,US,1000,,',
      'Small,Us,small@us.test,US,5,,',
      'A4,De,a4@de.test,DE,10,,',
      `Own,Er,own@de.test,DE,10,,${chloe.email}`,
    ].join('\n');
    const { created, done } = await importCsv(admin, csv, { routing: 'rules' });
    assert.equal(created.routing, 'rules');
    assert.deepEqual({ status: done.status, inserted: done.inserted, skipped: done.skipped }, { status: 'completed', inserted: 7, skipped: 1 });

    const leads = (await ok(admin.get('/api/v1/leads?limit=100'))).data as Json[];
    const byEmail = new Map(leads.map((lead) => [lead.email, lead]));
    const dachOwners = ['a1@de.test', 'a2@de.test', 'a3@de.test', 'a4@de.test'].map((email) => byEmail.get(email)!.ownerId);
    // Round-robin in file order: the duplicate took no turn, and Ben's cap of 1 did not stop him.
    assert.deepEqual(dachOwners, [dachOwners[0], dachOwners[1], dachOwners[0], dachOwners[1]]);
    assert.deepEqual(new Set(dachOwners), new Set([anna.userId, ben.userId]));
    assert.equal(byEmail.get('big@us.test')!.ownerId, chloe.userId);
    assert.equal(byEmail.get('small@us.test')!.ownerId, admin.userId, 'no rule matched: the fallback owner');
    assert.equal(byEmail.get('own@de.test')!.ownerId, chloe.userId, 'an owner cell wins over routing');
    assert.equal(byEmail.get('old@dup.test')!.id, existing.id);
    assert.equal(byEmail.get('old@dup.test')!.ownerId, admin.userId, 'a skipped duplicate keeps its owner');
    assert.equal(byEmail.get('a1@de.test')!.territoryId, dach.id, 'imported leads are placed in their territory');
    assert.equal(byEmail.get('big@us.test')!.territoryId, null);
    assert.ok(byEmail.get('a1@de.test')!.score > byEmail.get('a2@de.test')!.score, 'imported leads are scored as they are written (VP title)');

    const decisions = (await ok(admin.get(`/api/v1/routing/decisions?subjectId=${byEmail.get('a1@de.test')!.id}`))).data as Json[];
    assert.equal(decisions.length, 1);
    assert.match(decisions[0]!.reason, /^Imported from leads\.csv: rule 1 "DACH" matched/);
    assert.equal(decisions[0]!.ownerId, dachOwners[0]);
    const all = (await ok(admin.get('/api/v1/routing/decisions?limit=100'))).data as Json[];
    assert.equal(all.length, 6, 'one decision per routed lead: not for the duplicate, nor for the lead with an owner cell');
    for (const email of ['a1@de.test', 'big@us.test']) {
      const clocks = (await ok(admin.get(`/api/v1/routing/clocks?subjectId=${byEmail.get(email)!.id}`))).data as Json[];
      assert.deepEqual(clocks, [], 'imported prospects start no first-touch clock');
    }

    // The rotation carries on where the import left it.
    const inbound = await ok(admin.post('/api/v1/leads', { firstName: 'Web', lastName: 'Lead', country: 'DE' }), 201);
    assert.equal(inbound.ownerId, dachOwners[0]);

    // Without routing the importer owns new leads, as before.
    const plain = await importCsv(admin, 'First Name,Email,Country\nPlain,plain@de.test,DE\n', {});
    assert.equal(plain.done.inserted, 1);
    const plainLead = ((await ok(admin.get('/api/v1/leads?q=plain@de.test'))).data as Json[])[0]!;
    assert.equal(plainLead.ownerId, admin.userId);
    assert.equal(plainLead.territoryId, dach.id);
  });

  test('with no active rule set, routed leads get the default owner', async () => {
    const admin = await newOrg(t, 'No rules');
    const { done } = await importCsv(admin, 'First Name,Email\nNo,rules@x.test\n', { routing: 'rules' });
    assert.equal(done.inserted, 1);
    const lead = ((await ok(admin.get('/api/v1/leads'))).data as Json[])[0]!;
    assert.equal(lead.ownerId, admin.userId);
    const bad = await upload(admin, 'First Name\nX\n', { routing: 'sometimes' });
    assert.equal(bad.statusCode, 400);
  });

  test('a routed import that crashes and resumes routes each lead once, and the turns go on where the last committed batch left them', async () => {
    const admin = await newOrg(t, 'Routed resume');
    const reps = [await addUser(t, admin, 'rep', 'Anna'), await addUser(t, admin, 'rep', 'Ben'), await addUser(t, admin, 'rep', 'Chloe')];
    const draft = await ok(
      admin.post('/api/v1/routing/rule-sets', { object: 'lead_create', name: 'Everyone', rules: [{ name: 'All', strategy: 'round_robin', target: { type: 'users', userIds: reps.map((r) => r.userId) } }] }),
      201,
    );
    await ok(admin.post(`/api/v1/routing/rule-sets/${draft.id}/activate`, {}));
    // 600 rows; every 10th repeats the row before it (a skipped duplicate takes no turn).
    const rows = Array.from({ length: 600 }, (_, i) => `P${i},p${i % 10 === 9 ? i - 1 : i}@resume.test`);
    const csv = `First Name,Email\n${rows.join('\n')}\n`;
    const actor = systemActor(admin.orgId, admin.userId);
    const id = newId();
    const storedPath = uploadPath(admin.orgId, id);
    await mkdir(join(dataDir, 'uploads', admin.orgId), { recursive: true });
    await writeFile(join(dataDir, storedPath), csv);
    await createImport(t.database.db, actor, dataDir, { id, fileName: 'resume.csv', storedPath, dedupePolicy: 'skip', routing: 'rules' });
    const db = t.database.db;
    assert.ok(await claimImport(db, admin.orgId, id, 'first'));
    await assert.rejects(runImport(db, dataDir, admin.orgId, id, 'first', { batchSize: 74, crashAfterBatches: 3 }), /Simulated crash/);
    await releaseImport(db, admin.orgId, id, 'first');
    assert.ok(await claimImport(db, admin.orgId, id, 'second'));
    const done = await runImport(db, dataDir, admin.orgId, id, 'second', { batchSize: 74 });
    assert.deepEqual([done.status, done.inserted, done.skipped], ['completed', 540, 60]);

    const { rows: leads } = await t.database.executeSql(
      `select l.owner_id, (select count(*)::int from routing_decisions d where d.org_id = l.org_id and d.subject_id = l.id) as decisions
         from leads l where l.org_id = $1 order by l.id`,
      [admin.orgId],
    );
    assert.equal(leads.length, 540);
    assert.ok(leads.every((lead) => lead.decisions === 1), 'one decision per lead, none from the rolled-back run');
    const owners = leads.map((lead) => lead.owner_id as string);
    // Three reps in turn, in file order, across the crash: every three consecutive leads have three owners.
    for (let i = 0; i + 2 < owners.length; i += 1) assert.equal(new Set(owners.slice(i, i + 3)).size, 3, `leads ${i}..${i + 2}`);
  });
});
