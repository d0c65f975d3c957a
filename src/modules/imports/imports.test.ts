import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { createMailer } from '../../core/mailer.ts';
import { finished, parseCsv, upload } from './testing.ts';
import { startImportWorkers } from './workers.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'leadflow-imports-'));
// A 64 kB upload limit, so the size test needs no large file.
const t = await startTestApp({ jobs: true, config: { LEADFLOW_DATA_DIR: dataDir, LEADFLOW_IMPORT_MAX_MB: '0.0625' } });
await startImportWorkers({ db: t.database.db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} });
after(() => rm(dataDir, { recursive: true, force: true }));

async function importCsv(caller: Caller, csv: string, fields: Record<string, string> = {}) {
  const res = await upload(caller, csv, fields);
  assert.equal(res.statusCode, 202, res.body);
  return finished(caller, res.json().id);
}

const leadsOf = async (caller: Caller, query = '') => (await caller.get(`/api/v1/leads?limit=500${query}`)).json().data as Record<string, unknown>[];

describe('importing leads from CSV', () => {
  test('bad rows are rejected with their line and reason; every good row lands once', async () => {
    const admin = await newOrg(t, 'Rejects');
    const csv = [
      'First Name,Last Name,E-mail,Company,Notes,Country',
      'Anna,Berg,anna@acme.test,Acme,"met at the fair,',
      'wants a demo',
      'in May",DE',
      'Bad,Email,not-an-email,Acme,,DE',
      '',
      'Carl,Meyer,carl@acme.test,Acme,,Germany',
      'Dora,Lind,dora@acme.test,"Lind ""&"" Co",,se',
      ',,,,,',
      ',,,,just a note,',
      'Eve,Stone,eve@acme.test,Acme,,US,surplus',
      'Fay,Moss,"fay@acme.test,Acme,,FR',
      'Gus,Hale,gus@acme.test,Acme,,GB',
    ].join('\r\n');
    const done = await importCsv(admin, csv);
    assert.equal(done.status, 'completed');
    assert.deepEqual(
      { processed: done.processed, inserted: done.inserted, rejected: done.rejected, skipped: done.skipped, percent: done.percent },
      { processed: 8, inserted: 3, rejected: 5, skipped: 0, percent: 100 },
    );
    const leads = await leadsOf(admin);
    assert.deepEqual(leads.map((l) => l.email).sort(), ['anna@acme.test', 'dora@acme.test', 'gus@acme.test']);
    const anna = leads.find((l) => l.email === 'anna@acme.test')!;
    assert.equal(anna.notes, 'met at the fair,\r\nwants a demo\r\nin May');
    assert.equal(anna.ownerId, admin.userId, 'the importer owns new leads by default');
    assert.equal(anna.source, 'import');
    assert.equal(leads.find((l) => l.email === 'dora@acme.test')!.company, 'Lind "&" Co');

    const rejections = await admin.get(`/api/v1/imports/${done.id}/rejections.csv`);
    assert.equal(rejections.statusCode, 200);
    assert.match(String(rejections.headers['content-type']), /^text\/csv/);
    assert.match(String(rejections.headers['content-disposition']), /attachment; filename="leads-rejected.csv"/);
    const rows = parseCsv(rejections.body);
    assert.deepEqual(rows[0], ['Line', 'Reason', 'First Name', 'Last Name', 'E-mail', 'Company', 'Notes', 'Country']);
    assert.deepEqual(
      rows.slice(1).map((r) => [r[0], r[1]]),
      [
        ['5', 'Email "not-an-email" is not an email address'],
        ['7', 'Country "Germany" is not a two-letter ISO code (like DE or US)'],
        ['10', 'The row names no one: give a first or last name, a company or an email'],
        ['11', 'The row has 7 cells but the header has 6 columns'],
        ['12', 'A quoted field is never closed'],
      ],
    );
    assert.deepEqual(rows[1]!.slice(2), ['Bad', 'Email', 'not-an-email', 'Acme', '', 'DE'], 'the row as the file had it');
    assert.deepEqual(rows[5]!.slice(2), ['Fay,Moss,"fay@acme.test,Acme,,FR'], 'an unreadable line is kept as its raw text');
    assert.equal(rows.length, 6);

    const audit = (await admin.get(`/api/v1/audit-log?entityType=import&entityId=${done.id}`)).json().data;
    assert.deepEqual(audit.map((e: { action: string }) => e.action), ['complete', 'create'], 'one audit entry for the import, not one per lead');
    assert.equal(audit[0].after.inserted, 3);
  });
});

describe('duplicates, by email', () => {
  const header = 'First Name,Email,Company,Title,Phone,Lead Status';

  test('skip keeps the existing lead and the first of the file, whatever the case of the email', async () => {
    const admin = await newOrg(t, 'Skip');
    const existing = (await admin.post('/api/v1/leads', { firstName: 'Old', email: 'anna@acme.test', company: 'Acme' })).json();
    const done = await importCsv(admin, [header, 'Anna,ANNA@acme.test,New Co,,,', 'Bob,bob@acme.test,B1,,,', 'Bobby,Bob@Acme.test,B2,,,', 'Carl,,Carl Co,,,', 'Carla,,Carl Co,,,'].join('\n'), { dedupe: 'skip' });
    assert.deepEqual([done.inserted, done.skipped, done.updated, done.rejected], [3, 2, 0, 0]);
    const leads = await leadsOf(admin);
    assert.equal(leads.length, 4, 'rows without an email cannot be duplicates');
    assert.equal(leads.find((l) => l.id === existing.id)!.firstName, 'Old');
    assert.equal(leads.find((l) => l.email === 'bob@acme.test')!.company, 'B1', 'the first of the file wins');
  });

  test('update fills the existing lead with the non-empty cells, later rows of the file over earlier ones', async () => {
    const admin = await newOrg(t, 'Update');
    const existing = (await admin.post('/api/v1/leads', { firstName: 'Anna', email: 'anna@acme.test', company: 'Acme', phone: '+49 1', title: 'CTO' })).json();
    const done = await importCsv(
      admin,
      [header, 'Anna,anna@acme.test,,VP Sales,,working', 'Bob,bob@acme.test,B1,,+1 555,', ',BOB@acme.test,,Head of IT,,', 'Nina,,Nina Co,,,'].join('\n'),
      { dedupe: 'update' },
    );
    assert.deepEqual([done.inserted, done.updated, done.skipped], [2, 2, 0]);
    const anna = (await admin.get(`/api/v1/leads/${existing.id}`)).json();
    assert.deepEqual(
      { company: anna.company, phone: anna.phone, title: anna.title, status: anna.status, version: anna.version },
      { company: 'Acme', phone: '+49 1', title: 'VP Sales', status: 'working', version: 2 },
    );
    const bobs = (await leadsOf(admin)).filter((l) => l.email === 'bob@acme.test');
    assert.equal(bobs.length, 1);
    assert.deepEqual({ firstName: bobs[0]!.firstName, company: bobs[0]!.company, title: bobs[0]!.title, phone: bobs[0]!.phone }, { firstName: 'Bob', company: 'B1', title: 'Head of IT', phone: '+1 555' });
  });

  test('update moves a status only where the lifecycle allows it', async () => {
    const admin = await newOrg(t, 'Lifecycle');
    const lead = (await admin.post('/api/v1/leads', { email: 'q@acme.test', company: 'Q', status: 'qualified' })).json();
    const done = await importCsv(admin, [header, ',q@acme.test,,Buyer,,new'].join('\n'), { dedupe: 'update' });
    assert.equal(done.updated, 1);
    const after = (await admin.get(`/api/v1/leads/${lead.id}`)).json();
    assert.deepEqual([after.status, after.title], ['qualified', 'Buyer']);
  });

  test('create adds every row, duplicates too', async () => {
    const admin = await newOrg(t, 'Create');
    await admin.post('/api/v1/leads', { email: 'anna@acme.test', company: 'Acme' });
    const done = await importCsv(admin, [header, 'Anna,anna@acme.test,A,,,', 'Anna,anna@acme.test,A,,,'].join('\n'), { dedupe: 'create' });
    assert.deepEqual([done.inserted, done.skipped, done.updated], [2, 0, 0]);
    assert.equal((await leadsOf(admin)).length, 3);
  });

  test('a deleted lead is no duplicate', async () => {
    const admin = await newOrg(t, 'Trash');
    const gone = (await admin.post('/api/v1/leads', { email: 'gone@acme.test', company: 'Acme' })).json();
    await admin.del(`/api/v1/leads/${gone.id}`);
    const done = await importCsv(admin, [header, 'Gone,gone@acme.test,Acme,,,'].join('\n'));
    assert.equal(done.inserted, 1);
  });
});

describe('mapping, owners and defaults', () => {
  test('the mapping sent picks the columns; owners are named by email or name; defaults apply to new leads', async () => {
    const admin = await newOrg(t, 'Mapping');
    const rep = await addUser(t, admin, 'rep', 'Rita Rep');
    const csv = ['Mail;Firma;Betreuer;Quelle;Ignore me', 'a@x.test;A;rita rep;Trade Show;x', `b@x.test;B;${rep.email.toUpperCase()};;y`, 'c@x.test;C;;;z', 'd@x.test;D;nobody@x.test;;'].join('\n');
    const mapping = JSON.stringify({ Mail: 'email', Firma: 'company', Betreuer: 'ownerEmail', Quelle: 'source', 'Ignore me': null });
    const done = await importCsv(admin, csv, { mapping, defaultOwnerId: '', defaultSource: 'list_vendor' });
    assert.deepEqual([done.inserted, done.rejected], [3, 1]);
    const leads = await leadsOf(admin);
    const by = (email: string) => leads.find((l) => l.email === email)!;
    assert.deepEqual([by('a@x.test').ownerId, by('a@x.test').source], [rep.userId, 'trade_show']);
    assert.equal(by('b@x.test').ownerId, rep.userId);
    assert.deepEqual([by('c@x.test').ownerId, by('c@x.test').source], [null, 'list_vendor'], 'no owner given: the unassigned pool');
    const view = (await admin.get(`/api/v1/imports/${done.id}`)).json();
    assert.deepEqual(view.mapping, { Mail: 'email', Firma: 'company', Betreuer: 'ownerEmail', Quelle: 'source', 'Ignore me': null });
    assert.equal(view.delimiter, ';');
  });

  test('preview shows columns, suggestions and the first rows with what is wrong, and creates nothing', async () => {
    const admin = await newOrg(t, 'Preview');
    const res = await upload(admin, '\uFEFFE-mail,Given name,Country\r\nok@x.test,Ok,DE\r\nbad,Bad,DE\r\n', {}, '/api/v1/imports/preview');
    assert.equal(res.statusCode, 200, res.body);
    const preview = res.json();
    assert.deepEqual(preview.columns, ['E-mail', 'Given name', 'Country']);
    assert.deepEqual(preview.suggestedMapping, { 'E-mail': 'email', 'Given name': 'firstName', Country: 'country' });
    assert.deepEqual(
      preview.rows.map((r: { line: number; problem: string | null }) => [r.line, r.problem]),
      [
        [2, null],
        [3, 'Email "bad" is not an email address'],
      ],
    );
    assert.ok(preview.fields.some((f: { field: string; label: string }) => f.field === 'ownerEmail' && f.label === 'Owner Email'));
    assert.equal((await admin.get('/api/v1/imports')).json().data.length, 0);
    assert.equal((await leadsOf(admin)).length, 0);
  });
});

describe('bad uploads', () => {
  test('are refused as problem+json, and leave no import and no file behind', async () => {
    const admin = await newOrg(t, 'Bad uploads');
    const expectProblem = async (res: Awaited<ReturnType<typeof upload>>, status: number, code: string, field?: string) => {
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json().code, code);
      if (field) assert.ok(res.json().errors.some((e: { field: string }) => e.field === field), res.body);
    };
    await expectProblem(await upload(admin, `Email\n${'x@y.test\n'.repeat(10_000)}`), 413, 'file_too_large');
    await expectProblem(await upload(admin, Buffer.from('PK\x03\x04 not really a workbook', 'latin1')), 415, 'unsupported_format');
    await expectProblem(await upload(admin, Buffer.from([0x45, 0x00, 0x6d, 0x00])), 415, 'unsupported_format');
    await expectProblem(await upload(admin, ''), 400, 'bad_file');
    await expectProblem(await upload(admin, 'Email\na@b.test', { mapping: '{not json' }), 400, 'validation_failed', 'mapping');
    await expectProblem(await upload(admin, 'Email\na@b.test', { mapping: '{"Mail":"email"}' }), 400, 'validation_failed', 'mapping.Mail');
    await expectProblem(await upload(admin, 'Email\na@b.test', { dedupe: 'merge' }), 400, 'validation_failed', 'dedupe');
    await expectProblem(await upload(admin, 'Email\na@b.test', { colour: 'blue' }), 400, 'validation_failed', 'colour');
    await expectProblem(await upload(admin, 'Favourite colour\nblue'), 400, 'validation_failed', 'mapping');
    const noFile = await admin.request({ method: 'POST', url: '/api/v1/imports', ...(await import('./testing.ts')).multipart([{ name: 'dedupe', value: 'skip' }]) });
    await expectProblem(noFile, 400, 'validation_failed', 'file');
    await expectProblem(await admin.post('/api/v1/imports', { file: 'a,b' }), 415, 'unsupported_media_type');
    assert.equal((await admin.get('/api/v1/imports')).json().data.length, 0);
    assert.deepEqual(await readdir(join(dataDir, 'uploads', admin.orgId)).catch(() => []), []);
  });
});

describe('who may import, and whose imports they see', () => {
  test('reps and managers import; an executive may not; another org sees nothing of it', async () => {
    const admin = await newOrg(t, 'Access');
    const rep = await addUser(t, admin, 'rep');
    const executive = await addUser(t, admin, 'executive');
    const other = await newOrg(t, 'Other');
    assert.equal((await upload(executive, 'Email\na@b.test')).statusCode, 403);
    const done = await importCsv(rep, 'Email,Name\nrep-lead@x.test,Rita\nbad,Bob');
    assert.equal(done.inserted, 1);
    for (const url of [`/api/v1/imports/${done.id}`, `/api/v1/imports/${done.id}/rejections.csv`]) {
      const res = await other.get(url);
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
    assert.equal((await other.post(`/api/v1/imports/${done.id}/cancel`)).statusCode, 404);
    assert.equal((await other.get('/api/v1/imports')).json().data.length, 0);
    assert.deepEqual((await admin.get('/api/v1/imports')).json().data.map((i: { id: string }) => i.id), [done.id]);
  });

  test('a finished import cannot be cancelled', async () => {
    const admin = await newOrg(t, 'Cancel');
    const done = await importCsv(admin, 'Email\na@b.test');
    const res = await admin.post(`/api/v1/imports/${done.id}/cancel`);
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'import_finished');
  });
});
