import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';
import { createMailer } from '../../core/mailer.ts';
import { finished, parseCsv, upload } from './testing.ts';
import { startImportWorkers } from './workers.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'leadflow-exports-'));
const t = await startTestApp({ jobs: true, config: { LEADFLOW_DATA_DIR: dataDir } });
await startImportWorkers({ db: t.database.db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} });
after(() => rm(dataDir, { recursive: true, force: true }));

const table = (body: string) => {
  const [header, ...rows] = parseCsv(body);
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]])));
};

describe('exporting lists as CSV', () => {
  test('leads: the list filters apply, owners are named by email, formulas are defused', async () => {
    const admin = await newOrg(t, 'Export');
    const rep = await addUser(t, admin, 'rep');
    await admin.post('/api/v1/leads', { firstName: '=HYPERLINK("http://evil.test")', lastName: 'Hacker', email: 'h@evil.test', company: 'Evil, Inc', status: 'working', ownerId: rep.userId });
    await admin.post('/api/v1/leads', { firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.test', company: 'Acme', phone: '+49 30 1234', notes: 'two\nlines' });
    await admin.post('/api/v1/leads', { firstName: 'Carl', company: 'Acme', status: 'working' });

    const all = await admin.get('/api/v1/leads/export.csv');
    assert.equal(all.statusCode, 200, all.body);
    assert.equal(all.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(String(all.headers['content-disposition']), /^attachment; filename="leads-\d{4}-\d{2}-\d{2}\.csv"$/);
    assert.ok(all.body.startsWith('\uFEFFId,First Name,Last Name,Email,Phone,Company,'), 'a BOM so Excel reads UTF-8, and the import labels as headers');
    const rows = table(all.body);
    assert.equal(rows.length, 3);
    const hacker = rows.find((r) => r['Last Name'] === 'Hacker')!;
    assert.equal(hacker['First Name'], '\'=HYPERLINK("http://evil.test")');
    assert.equal(hacker.Company, 'Evil, Inc');
    assert.equal(hacker['Owner Email'], rep.email);
    const anna = rows.find((r) => r['First Name'] === 'Anna')!;
    assert.equal(anna.Phone, "'+49 30 1234");
    assert.equal(anna.Notes, 'two\nlines');

    const working = table((await admin.get('/api/v1/leads/export.csv?status=working&q=acme')).body);
    assert.deepEqual(working.map((r) => r['First Name']), ['Carl']);
    const mine = table((await admin.get(`/api/v1/leads/export.csv?ownerId=${rep.userId}`)).body);
    assert.deepEqual(mine.map((r) => r['Last Name']), ['Hacker']);
    const bad = await admin.get('/api/v1/leads/export.csv?status=hot');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].field, 'query.status.0');
  });

  test('an export imports back as the same leads', async () => {
    const source = await newOrg(t, 'Round trip from');
    await source.post('/api/v1/leads', { firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.test', company: 'Acme', phone: '+49 30 1234', country: 'DE', employeeCount: 40, notes: '=not a formula' });
    const csv = (await source.get('/api/v1/leads/export.csv')).body;
    const target = await newOrg(t, 'Round trip to');
    // Same org: every column maps back by itself. Another org has other users, so an owner column
    // names no one there: it is rejected, or left out by the mapping.
    const res = await upload(target, csv);
    assert.equal(res.statusCode, 202, res.body);
    const refused = await finished(target, res.json().id);
    assert.equal(refused.rejected, 1);
    const reason = parseCsv((await target.get(`/api/v1/imports/${refused.id}/rejections.csv`)).body)[1]![1];
    assert.match(reason!, /^Owner "admin-.*" is not an active user of your organisation/);
    const preview = (await upload(target, csv, {}, '/api/v1/imports/preview')).json();
    const mapping = JSON.stringify({ ...preview.suggestedMapping, 'Owner Email': null });
    const done = await finished(target, (await upload(target, csv, { mapping })).json().id);
    assert.deepEqual([done.inserted, done.rejected], [1, 0]);
    const lead = (await target.get('/api/v1/leads')).json().data[0];
    assert.deepEqual(
      { firstName: lead.firstName, lastName: lead.lastName, email: lead.email, phone: lead.phone, country: lead.country, employeeCount: lead.employeeCount, notes: lead.notes },
      { firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.test', phone: '+49 30 1234', country: 'DE', employeeCount: 40, notes: '=not a formula' },
    );
  });

  test('accounts and contacts, with their list filters', async () => {
    const admin = await newOrg(t, 'Accounts export');
    const acme = (await admin.post('/api/v1/accounts', { name: 'Acme', domain: 'acme.test' })).json();
    await admin.post('/api/v1/accounts', { name: 'Globex' });
    await admin.post('/api/v1/contacts', { firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.test', accountId: acme.id });
    await admin.post('/api/v1/contacts', { firstName: 'Hank', lastName: 'Scorpio', email: 'hank@globex.test' });
    const accounts = table((await admin.get('/api/v1/accounts/export.csv?q=acme')).body);
    assert.deepEqual(accounts.map((a) => [a.Name, a.Domain]), [['Acme', 'acme.test']]);
    const contacts = table((await admin.get(`/api/v1/contacts/export.csv?accountId=${acme.id}`)).body);
    assert.deepEqual(contacts.map((c) => [c['First Name'], c['Account Id']]), [['Anna', acme.id]]);
  });

  test('reps may not export whole lists; another org exports only its own', async () => {
    const admin = await newOrg(t, 'Export access');
    await admin.post('/api/v1/leads', { company: 'Secret Co' });
    const rep = await addUser(t, admin, 'rep');
    const denied = await rep.get('/api/v1/leads/export.csv');
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.headers['content-type'], 'application/problem+json; charset=utf-8');
    const executive = await addUser(t, admin, 'executive');
    assert.equal(table((await executive.get('/api/v1/leads/export.csv')).body).length, 1);
    const other = await newOrg(t, 'Nosy');
    assert.equal(table((await other.get('/api/v1/leads/export.csv')).body).length, 0);
  });

  test('a large list streams out page by page', async () => {
    const admin = await newOrg(t, 'Large export');
    const csv = `Email,Company\n${Array.from({ length: 2_500 }, (_, i) => `l${i}@large.test,Co ${i}`).join('\n')}\n`;
    const done = await finished(admin, (await upload(admin, csv)).json().id);
    assert.equal(done.inserted, 2_500);
    const rows = table((await admin.get('/api/v1/leads/export.csv?sort=company')).body);
    assert.equal(rows.length, 2_500);
    assert.equal(new Set(rows.map((r) => r.Email)).size, 2_500, 'no page repeated or skipped');
  });
});
