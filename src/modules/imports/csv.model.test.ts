import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { CsvReader, sniffCsv, type CsvItem } from './csv.ts';

const readAll = (text: string | Buffer, options: Partial<ConstructorParameters<typeof CsvReader>[0]> = {}, chunkSize = Infinity): CsvItem[] => {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const reader = new CsvReader({ delimiter: ',', encoding: 'utf-8', ...options });
  const items: CsvItem[] = [];
  const step = Number.isFinite(chunkSize) ? chunkSize : bytes.length || 1;
  for (let i = 0; i < bytes.length; i += step) items.push(...reader.push(bytes.subarray(i, i + step)));
  items.push(...reader.end());
  return items;
};
const cellsOf = (items: CsvItem[]) => items.map((item) => (item.kind === 'record' ? item.cells : { defect: item.reason }));

describe('reading CSV records', () => {
  test('gives each record with the line it starts on and where the next one starts', () => {
    const text = 'name,notes\nAnna,"two\nlines"\nBob,x\n';
    assert.deepEqual(readAll(text), [
      { kind: 'record', line: 1, end: 11, nextLine: 2, cells: ['name', 'notes'] },
      { kind: 'record', line: 2, end: 28, nextLine: 4, cells: ['Anna', 'two\nlines'] },
      { kind: 'record', line: 4, end: 34, nextLine: 5, cells: ['Bob', 'x'] },
    ]);
  });

  test('counts CRLF, LF and lone CR line breaks once each, inside quotes too', () => {
    const text = 'h\r\n"a\r\nb"\r\n"c\rd"\re\nf';
    assert.deepEqual(
      readAll(text).map((item) => [item.line, item.kind === 'record' ? item.cells[0] : null]),
      [
        [1, 'h'],
        [2, 'a\r\nb'],
        [4, 'c\rd'],
        [6, 'e'],
        [7, 'f'],
      ],
    );
  });

  test('reads doubled quotes, empty fields, a trailing delimiter and a last line without a line break', () => {
    assert.deepEqual(cellsOf(readAll('"say ""hi""",,""\na,\nlast,"q"')), [['say "hi"', '', ''], ['a', ''], ['last', 'q']]);
  });

  test('keeps text after a closing quote and quotes inside unquoted text, as spreadsheets do', () => {
    assert.deepEqual(cellsOf(readAll('"b"c,d\nk,l"m\n')), [['bc', 'd'], ['k', 'l"m']]);
  });

  test('drops a UTF-8 byte-order mark but counts its bytes in offsets', () => {
    const items = readAll('\uFEFFa,b\n1,2\n', {}, 1);
    assert.deepEqual(cellsOf(items), [['a', 'b'], ['1', '2']]);
    assert.equal(items[0]!.end, 7);
  });

  test('a quote never closed costs its own line only, and the rest of the file is read', () => {
    const items = readAll('h\nok,1\nbad,"oops\nnext,2\nlast,3\n');
    assert.deepEqual(
      items.map((item) => [item.line, item.kind === 'record' ? item.cells.join('|') : `defect: ${item.reason}`]),
      [
        [1, 'h'],
        [2, 'ok|1'],
        [3, 'defect: A quoted field is never closed'],
        [4, 'next|2'],
        [5, 'last|3'],
      ],
    );
    const defect = items[2]!;
    assert.ok(defect.kind === 'defect');
    assert.equal(defect.raw, 'bad,"oops');
  });

  test('a record longer than the limit costs its first line, whether it came whole or in pieces', () => {
    const long = `a,"${'x'.repeat(300)}\n${'y'.repeat(300)}`;
    for (const chunkSize of [7, 64, Infinity]) {
      const items = readAll(`h\n${long}\nnext,1\n`, { maxRecordBytes: 100 }, chunkSize);
      assert.deepEqual(
        items.map((item) => [item.line, item.kind]),
        [
          [1, 'record'],
          [2, 'defect'],
          [3, 'defect'],
          [4, 'record'],
        ],
        `chunks of ${chunkSize}`,
      );
    }
    const oneLongLine = readAll(`h\n${'z'.repeat(500)}\nnext,1\n`, { maxRecordBytes: 100 }, 16);
    assert.deepEqual(
      oneLongLine.map((item) => [item.line, item.kind, item.end]),
      [
        [1, 'record', 2],
        [2, 'defect', 503],
        [3, 'record', 510],
      ],
    );
  });

  test('resuming at a checkpoint reads exactly the records after it', () => {
    const text = 'h,notes\n1,"a\nb"\n2,x\n\n3,"c\r\nd"\r\n4,y';
    const all = readAll(text);
    for (const [i, checkpoint] of all.entries()) {
      const rest = readAll(Buffer.from(text).subarray(checkpoint.end), { offset: checkpoint.end, line: checkpoint.nextLine });
      assert.deepEqual(rest, all.slice(i + 1), `after record ${i}`);
    }
  });

  test('decodes Windows-1252 text', () => {
    const bytes = Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x2c, 0x80, 0x2c, 0x93, 0x68, 0x69, 0x94, 0x0a]);
    assert.deepEqual(cellsOf(readAll(bytes, { encoding: 'windows-1252' })), [['Müller', '€', '“hi”']]);
  });

  test('reads semicolon and tab separated files', () => {
    assert.deepEqual(cellsOf(readAll('a;b,c\n', { delimiter: ';' })), [['a', 'b,c']]);
    assert.deepEqual(cellsOf(readAll('a\tb\n', { delimiter: '\t' })), [['a', 'b']]);
  });

  test('reads what csv-parse reads, at the lines a text editor shows, however the file is chunked', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('', ' ', ',', '"', '""', '\n', '\r\n', 'a,b', 'say "hi"', 'two\r\nlines', 'Müller', '日本', '=1+1'),
    );
    const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), fc.constantFrom(1, 3, 17, 4096), (rows, eol, chunkSize) => {
        // Every record quoted, so blank rows stay rows and both readers agree on what a record is.
        const text = rows.map((cells) => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join(eol) + eol;
        const items = readAll(text, {}, chunkSize);
        const expected = parse(text, { relax_column_count: true }) as string[][];
        assert.deepEqual(cellsOf(items), expected);
        let line = 1;
        for (const [i, item] of items.entries()) {
          assert.equal(item.line, line);
          line += rows[i]!.join(',').split(/\r\n|\r|\n/).length;
          assert.equal(item.nextLine, line);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('sniffing a file', () => {
  test('the header tells the delimiter; one inside quotes does not count', () => {
    assert.equal(sniffCsv(Buffer.from('Name;Email;Company, Inc\n')).delimiter, ';');
    assert.equal(sniffCsv(Buffer.from('Name,Email\n"a;b;c;d",x\n')).delimiter, ',');
    assert.equal(sniffCsv(Buffer.from('"Last; First"\tEmail\tPhone\n')).delimiter, '\t');
    assert.equal(sniffCsv(Buffer.from('Name|Email\n')).delimiter, '|');
    assert.equal(sniffCsv(Buffer.from('Email\n')).delimiter, ',');
  });

  test('text that is not UTF-8 is read as Windows-1252, even when a sample ends inside a character', () => {
    assert.equal(sniffCsv(Buffer.from('Name\nMüller\n')).encoding, 'utf-8');
    assert.equal(sniffCsv(Buffer.from('Name\nMüller\n').subarray(0, 7)).encoding, 'utf-8');
    assert.equal(sniffCsv(Buffer.from([0x4d, 0xfc, 0x6c, 0x0a])).encoding, 'windows-1252');
  });
});
