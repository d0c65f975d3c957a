import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { newOrg, startTestApp } from '../../../test/helpers.ts';
import { createMailer } from '../../core/mailer.ts';
import { finished, parseCsv, upload } from './testing.ts';
import { startImportWorkers } from './workers.ts';
import { columnOf, SharedStrings, sheetToCsv } from './xlsx.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'leadflow-xlsx-'));
const t = await startTestApp({ jobs: true, config: { LEADFLOW_DATA_DIR: dataDir } });
await startImportWorkers({ db: t.database.db, jobs: t.jobs!, config: t.config, mailer: createMailer(t.config, () => {}), log: () => {} });
after(() => rm(dataDir, { recursive: true, force: true }));

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type SheetCell = string | number | boolean | { inline: string } | null;

/**
 * A workbook the way Excel writes one: text in the shared strings (which come after the sheet in
 * the ZIP), numbers and booleans in the cells, empty cells and rows left out. `rows` maps a sheet
 * row number to its cells from column A.
 */
function workbook(rows: Record<number, SheetCell[]>, options: { richFirstString?: boolean } = {}): Buffer {
  const strings: string[] = [];
  const indexOf = new Map<string, number>();
  const shared = (text: string) => {
    if (!indexOf.has(text)) {
      indexOf.set(text, strings.length);
      strings.push(text);
    }
    return indexOf.get(text)!;
  };
  const letters = (column: number) => (column < 26 ? String.fromCharCode(65 + column) : `A${String.fromCharCode(65 + column - 26)}`);
  const sheetRows = Object.entries(rows)
    .map(([row, cells]) => {
      const xml = cells
        .map((cell, column) => {
          const ref = `${letters(column)}${row}`;
          if (cell === null) return '';
          if (typeof cell === 'number') return `<c r="${ref}" s="1"><v>${cell}</v></c>`;
          if (typeof cell === 'boolean') return `<c r="${ref}" t="b"><v>${cell ? 1 : 0}</v></c>`;
          if (typeof cell === 'object') return `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(cell.inline)}</t></is></c>`;
          return `<c r="${ref}" t="s"><v>${shared(cell)}</v></c>`;
        })
        .join('');
      return `<row r="${row}" spans="1:${cells.length}">${xml}</row>`;
    })
    .join('\n');
  const si = strings.map((text, i) =>
    i === 0 && options.richFirstString
      ? // Rich text in runs, with a phonetic guide that is not part of the text.
        `<si><r><rPr><b/></rPr><t>${escapeXml(text.slice(0, 2))}</t></r><r><t xml:space="preserve">${escapeXml(text.slice(2))}</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>`
      : `<si><t xml:space="preserve">${escapeXml(text)}</t></si>`,
  );
  const main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return Buffer.from(
    zipSync({
      '[Content_Types].xml': strToU8('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
      '_rels/.rels': strToU8(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
      'xl/workbook.xml': strToU8(`<?xml version="1.0"?><workbook ${main} xmlns:r="${rel}"><sheets><sheet name="Prospects" sheetId="1" r:id="rId3"/><sheet name="Other" sheetId="2" r:id="rId4"/></sheets></workbook>`),
      'xl/_rels/workbook.xml.rels': strToU8(
        `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId4" Type="${rel}/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="${rel}/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId9" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      ),
      'xl/worksheets/sheet1.xml': strToU8(`<?xml version="1.0"?><worksheet ${main}><sheetData>\n${sheetRows}\n</sheetData></worksheet>`),
      'xl/worksheets/sheet2.xml': strToU8(`<?xml version="1.0"?><worksheet ${main}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Not this sheet</t></is></c></row></sheetData></worksheet>`),
      'xl/sharedStrings.xml': strToU8(`<?xml version="1.0"?><sst ${main} count="${strings.length}" uniqueCount="${strings.length}">${si.join('')}</sst>`),
    }),
  );
}

describe('XLSX workbooks', () => {
  test('the first sheet becomes CSV with one line per sheet row', async () => {
    const file = join(dataDir, 'unit.xlsx');
    await writeFile(
      file,
      workbook(
        {
          1: ['Name', 'Email', 'Employees', 'Active', 'Notes'],
          2: ['Anna, "A" Berg', 'anna@acme.test', 250, true, 'two\nlines'],
          4: [null, 'b@acme.test', 1.5, false, { inline: 'inline & <text>' }],
          5: ['Tab_x0009_here', null, null, null, null],
        },
        { richFirstString: true },
      ),
    );
    const out = join(dataDir, 'unit.csv');
    const result = await sheetToCsv(file, out);
    assert.deepEqual(result, { sheet: 'Prospects', rows: 5 });
    assert.equal(
      await readFile(out, 'utf8'),
      ['Name,Email,Employees,Active,Notes', '"Anna, ""A"" Berg",anna@acme.test,250,TRUE,"two\nlines"', '', ',b@acme.test,1.5,FALSE,inline & <text>', 'Tab\there', ''].join('\n'),
    );
    // A preview reads only the first rows.
    assert.equal((await sheetToCsv(file, out, 2)).rows, 2);
    assert.equal(await readFile(out, 'utf8'), 'Name,Email,Employees,Active,Notes\n"Anna, ""A"" Berg",anna@acme.test,250,TRUE,"two\nlines"\n');
    assert.deepEqual(['A1', 'Z9', 'AA10', 'BC12', '12'].map(columnOf), [0, 25, 26, 54, -1]);
  });

  test('shared strings are kept packed across blocks and read back as written', () => {
    const strings = new SharedStrings();
    const written = ['', 'Müller & Söhne', 'x'.repeat(5 * 1024 * 1024), '東京', ...Array.from({ length: 50_000 }, (_, i) => `prospect.${i}@acme.test`), ''];
    for (const text of written) strings.add(text);
    assert.ok(written.every((text, i) => strings.get(i) === text));
    assert.equal(strings.get(written.length), undefined);
    assert.equal(strings.get(-1), undefined);
  });

  test('preview and import of a workbook: columns suggested, rejected rows named by their sheet row, every good row once', async () => {
    const admin = await newOrg(t, 'Workbook');
    const rows: Record<number, SheetCell[]> = {
      // Title rows above the header are common; the header is the first non-empty row.
      2: ['First Name', 'Last Name', 'E-mail', 'Company', 'Notes', 'Country', 'Phone'],
      3: ['Anna', 'Berg', 'anna@acme.test', 'Acme', 'met at the fair\nwants a demo\nin May', 'DE', '+49 30 1234567'],
      4: ['Bad', 'Email', 'not-an-email', 'Acme', null, 'DE', null],
      6: ['Carl', 'Meyer', 'carl@acme.test', 'Acme', null, 'Germany', null],
      7: ['Dora', 'Lind', 'dora@acme.test', 'Lind & Co', null, 'se', 4930765432],
      8: ['Anna', 'Berg', 'ANNA@acme.test', 'Acme', 'again', 'DE', null],
    };
    const file = workbook(rows);

    const preview = await upload(admin, file, {}, '/api/v1/imports/preview', 'prospects.xlsx');
    assert.equal(preview.statusCode, 200, preview.body);
    const read = preview.json();
    assert.deepEqual(read.columns, ['First Name', 'Last Name', 'E-mail', 'Company', 'Notes', 'Country', 'Phone']);
    assert.equal(read.suggestedMapping['E-mail'], 'email');
    assert.deepEqual(
      // Row 5 is empty: shown, as a blank line of a CSV file is, and not a row to import.
      read.rows.map((r: { line: number; problem: string | null }) => [r.line, r.problem !== null]),
      [
        [3, false],
        [4, true],
        [5, false],
        [6, true],
        [7, false],
        [8, false],
      ],
    );

    const res = await upload(admin, file, {}, '/api/v1/imports', 'prospects.xlsx');
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json().format, 'xlsx');
    const done = await finished(admin, res.json().id);
    assert.deepEqual(
      { status: done.status, processed: done.processed, inserted: done.inserted, rejected: done.rejected, skipped: done.skipped, percent: done.percent },
      { status: 'completed', processed: 5, inserted: 2, rejected: 2, skipped: 1, percent: 100 },
    );
    const leads = (await admin.get('/api/v1/leads?limit=50')).json().data as Record<string, unknown>[];
    const anna = leads.find((l) => l.email === 'anna@acme.test')!;
    assert.equal(anna.notes, 'met at the fair\nwants a demo\nin May');
    assert.equal(anna.phone, '+49 30 1234567');
    assert.equal(leads.find((l) => l.email === 'dora@acme.test')!.company, 'Lind & Co');
    assert.equal(leads.find((l) => l.email === 'dora@acme.test')!.phone, '4930765432', 'a number cell reads as its digits');

    const rejections = parseCsv((await admin.get(`/api/v1/imports/${done.id}/rejections.csv`)).body);
    assert.deepEqual(
      rejections.map((r) => r.slice(0, 3)),
      [
        ['Line', 'Reason', 'First Name'],
        ['4', 'Email "not-an-email" is not an email address', 'Bad'],
        ['6', 'Country "Germany" is not a two-letter ISO code (like DE or US)', 'Carl'],
      ],
      'lines are the sheet rows, past empty rows and cells holding line breaks',
    );
    // The workbook is gone once converted; its CSV once the run has finished with it.
    const uploads = join(dataDir, 'uploads', admin.orgId);
    for (let tries = 0; (await readdir(uploads)).length > 0 && tries < 50; tries += 1) await new Promise((done) => setTimeout(done, 100));
    assert.deepEqual(await readdir(uploads), [], 'neither the workbook nor its CSV is kept');
  });

  test('a ZIP that is not a workbook is refused with advice, and nothing is kept', async () => {
    const admin = await newOrg(t, 'Not a workbook');
    const zip = Buffer.from(zipSync({ 'readme.txt': strToU8('hello') }));
    for (const url of ['/api/v1/imports/preview', '/api/v1/imports']) {
      const res = await upload(admin, zip, {}, url, 'archive.zip');
      assert.equal(res.statusCode, 415, res.body);
      assert.equal(res.json().code, 'unsupported_format');
      assert.match(res.json().detail, /not an Excel workbook \(XLSX\)/);
    }
    assert.deepEqual(await readdir(join(dataDir, 'uploads', admin.orgId)), []);
  });
});
