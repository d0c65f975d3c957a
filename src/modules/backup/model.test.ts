import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BackupFormatError,
  backupFileName,
  batchIsFull,
  BATCH_ROWS,
  columnsToRestore,
  countMismatches,
  describeClash,
  headerLine,
  parseHeader,
  parseRowLine,
  restoreOrder,
  rowLine,
  type BackupHeader,
  type TableShape,
} from './model.ts';

const shape = (name: string, dependsOn: string[] = [], writableColumns = ['org_id', 'id']): TableShape => ({
  name,
  dependsOn,
  writableColumns,
  generatedColumns: [],
  identityAlways: false,
});

const header = (tables: BackupHeader['tables']): BackupHeader => ({
  format: 'leadflow-backup',
  version: 1,
  orgId: '0190a000-0000-7000-8000-000000000001',
  orgName: 'Acme',
  createdAt: '2024-05-01T10:00:00.000Z',
  tables,
});

test('tables are restored after the tables they reference, otherwise by name', () => {
  const order = restoreOrder([shape('opportunities', ['accounts', 'users']), shape('users'), shape('accounts', ['users']), shape('audit_log')]);
  assert.deepEqual(order.map((t) => t.name), ['users', 'accounts', 'audit_log', 'opportunities']);
});

test('a reference cycle or a self reference does not loop forever', () => {
  const order = restoreOrder([shape('a', ['b']), shape('b', ['a']), shape('tree', ['tree'])]);
  assert.deepEqual(order.map((t) => t.name).sort(), ['a', 'b', 'tree']);
});

test('a row line keeps the row JSON text exactly as the database wrote it', () => {
  const row = '{"id": "x", "amount": 12345678901234567890, "notes": "a \\"quoted\\" }"}';
  const line = rowLine('leads', row);
  assert.equal(line, `{"t":"leads","r":${row}}`);
  assert.deepEqual(parseRowLine(line, 2), { table: 'leads', rowJson: row }, 'big numbers are not rounded through a JS number');
});

test('a row line written by something else is still read, and garbage is refused with its line number', () => {
  assert.deepEqual(parseRowLine('{ "r": {"id": 1}, "t": "leads" }', 3), { table: 'leads', rowJson: '{"id":1}' });
  assert.throws(() => parseRowLine('{"t":"leads"', 7), /Line 7 of the backup is not valid JSON/);
  assert.throws(() => parseRowLine('{"t":"leads","r":[1]}', 8), /Line 8 of the backup is not a row/);
});

test('the header must be a Leadflow backup this version can read', () => {
  const known = [shape('leads')];
  const good = header([{ name: 'organizations', columns: ['id'], rows: 1 }, { name: 'leads', columns: ['id'], rows: 3 }]);
  assert.deepEqual(parseHeader(headerLine(good), known), good);
  assert.throws(() => parseHeader(undefined, known), /not a Leadflow backup file/);
  assert.throws(() => parseHeader('{"format":"something-else"}', known), /not a Leadflow backup file/);
  assert.throws(() => parseHeader(headerLine({ ...good, version: 2 }), known), /format version 2; this Leadflow reads up to version 1\. Upgrade/);
  assert.throws(() => parseHeader(headerLine({ ...good, orgId: 'acme' }), known), /header is damaged/);
  assert.throws(() => parseHeader(headerLine(header([{ name: 'quotas', columns: [], rows: 0 }])), known), /"quotas", which this Leadflow version does not have/);
  assert.throws(() => parseHeader(headerLine(header([{ name: 'leads' } as never])), known), BackupFormatError);
});

test('a restore writes the columns both sides know: new columns take their default, generated ones are recomputed', () => {
  const leads = { writableColumns: ['org_id', 'id', 'last_name', 'score'] };
  assert.deepEqual(columnsToRestore(['org_id', 'id', 'last_name', 'search_text'], leads), ['org_id', 'id', 'last_name']);
});

test('batches close on row count or size', () => {
  assert.equal(batchIsFull(BATCH_ROWS - 1, 1000), false);
  assert.equal(batchIsFull(BATCH_ROWS, 1000), true);
  assert.equal(batchIsFull(1, 64 * 1024 * 1024), true);
});

test('row counts that differ from the header are named table by table', () => {
  const expected = header([{ name: 'organizations', columns: [], rows: 1 }, { name: 'leads', columns: [], rows: 3 }, { name: 'users', columns: [], rows: 2 }]);
  assert.deepEqual(countMismatches(expected, new Map([['organizations', 1], ['leads', 3], ['users', 2]])), []);
  assert.deepEqual(countMismatches(expected, new Map([['organizations', 1], ['leads', 2], ['teams', 1]])), [
    'leads: expected 3 rows, found 2',
    'users: expected 2 rows, found 0',
    'teams: 1 rows not listed in the header',
  ]);
});

test('a clash on a user email says whose email it is and what to do', () => {
  assert.match(describeClash('users', 'users_email_key', 'Key (lower(email))=(ana@acme.test) already exists.'), /^The email ana@acme\.test already belongs to a user of another organisation in this database.*Nothing was restored\.$/);
  assert.equal(describeClash('leads', 'leads_pkey', 'Key (org_id, id)=(a, b) already exists.'), 'A row of leads clashes with data already in this database (a, b) [leads_pkey]. Nothing was restored.');
});

test('download names are readable and safe', () => {
  assert.equal(backupFileName('Müller & Söhne GmbH', new Date('2024-05-01T23:00:00Z')), 'leadflow-muller-sohne-gmbh-2024-05-01.ndjson.gz');
  assert.equal(backupFileName('"; rm -rf /', new Date('2024-05-01T00:00:00Z')), 'leadflow-rm-rf-2024-05-01.ndjson.gz');
  assert.equal(backupFileName('株式会社', new Date('2024-05-01T00:00:00Z')), 'leadflow-org-2024-05-01.ndjson.gz');
});
