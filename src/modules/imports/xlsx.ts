// Excel workbooks (XLSX) for imports: the first worksheet is streamed out as CSV, one line per
// sheet row, so everything after the upload (preview, mapping, batches, checkpoints, resume,
// the rejected rows' line numbers) is the CSV path unchanged.
//
// Why yauzl and saxes rather than a spreadsheet library: an XLSX file is a ZIP of XML parts, and
// the sheet comes before its shared strings in the files Excel writes, so a reader that streams
// the ZIP front to back (exceljs's streaming reader, via unzipper) has to park the sheet first.
// yauzl reads the ZIP's directory and opens any part on its own, so the shared strings are read
// first and the sheet is then streamed straight through saxes, a SAX parser, never held.
// read-excel-file and SheetJS build the whole workbook in memory.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../../core/errors.ts';

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');

/** A ZIP file (an XLSX workbook is one) by its first bytes. */
export const isZip = (head: Buffer): boolean => head.subarray(0, 4).equals(ZIP_MAGIC);

export const notAWorkbook = (detail: string) =>
  new AppError(415, 'unsupported_format', `This ZIP file is not an Excel workbook (XLSX) Leadflow can read (${detail}); save it as CSV (UTF-8) or XLSX and upload that`);

export type SheetToCsvResult = {
  /** The sheet's name, for the record. */
  sheet: string;
  /** Rows written (empty rows included as blank lines, so lines keep the sheet's numbering). */
  rows: number;
};

/**
 * Writes the workbook's first worksheet to `csvPath` as comma-separated UTF-8. Line n of the
 * CSV is row n of the sheet: empty rows become blank lines (which are not rows to the importer);
 * a cell's own line breaks stay in the cell (the import counts lines of converted sheets by row).
 * `maxRows` stops early (a preview). Memory: the shared strings, kept as one UTF-8 buffer.
 */
export async function sheetToCsv(xlsxPath: string, csvPath: string, maxRows = Infinity): Promise<SheetToCsvResult> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(xlsxPath, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw notAWorkbook((error as Error).message);
  }
  const out = createWriteStream(csvPath);
  try {
    const entries = new Map<string, Entry>();
    for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
    const workbookPath = [...entries.keys()].find((name) => /^xl\/workbook\d*\.xml$/i.test(name)) ?? 'xl/workbook.xml';
    const workbook = entries.get(workbookPath);
    if (!workbook) throw notAWorkbook('it has no xl/workbook.xml');
    const sheet = await firstSheet(zip, workbook);
    const relations = await relationshipsOf(zip, entries, workbookPath);
    const target = relations.get(sheet.relationId);
    const sheetEntry = target ? entries.get(target.path) : undefined;
    if (!sheetEntry) throw notAWorkbook(`its first sheet "${sheet.name}" is missing`);
    const stringsPath = [...relations.values()].find((r) => r.type.endsWith('/sharedStrings'))?.path ?? 'xl/sharedStrings.xml';
    const stringsEntry = entries.get(stringsPath);
    const strings = stringsEntry ? await readSharedStrings(zip, stringsEntry) : new SharedStrings();
    const rows = await streamRows(zip, sheetEntry, strings, maxRows, async (lines) => {
      if (!out.write(lines)) await once(out, 'drain');
    });
    out.end();
    await once(out, 'finish');
    return { sheet: sheet.name, rows };
  } catch (error) {
    out.destroy();
    await rm(csvPath, { force: true });
    throw error;
  } finally {
    zip.close();
  }
}

/**
 * The text of a workbook's shared strings, packed: UTF-8 in 4 MB blocks and one number per string
 * (its block and offset), rather than a JavaScript string per entry (a million-row sheet has
 * millions). Blocks, not one doubling buffer, so growing never holds two copies.
 */
export class SharedStrings {
  private static readonly BLOCK = 4 * 1024 * 1024;
  // A string's start as block * 2^32 + offset: exact in a double, so the array stays unboxed.
  private static readonly STRIDE = 2 ** 32;
  private readonly blocks: Buffer[] = [];
  /** Bytes used in each block: where its last string ends. */
  private readonly used: number[] = [];
  private readonly starts: number[] = [];

  add(text: string): void {
    const size = Buffer.byteLength(text);
    let last = this.blocks.length - 1;
    if (last < 0 || this.used[last]! + size > this.blocks[last]!.length) {
      this.blocks.push(Buffer.allocUnsafe(Math.max(SharedStrings.BLOCK, size)));
      this.used.push(0);
      last += 1;
    }
    const offset = this.used[last]!;
    this.used[last] = offset + this.blocks[last]!.write(text, offset);
    this.starts.push(last * SharedStrings.STRIDE + offset);
  }

  get(index: number): string | undefined {
    if (!(index >= 0 && index < this.starts.length)) return undefined;
    const start = this.starts[index]!;
    const block = Math.floor(start / SharedStrings.STRIDE);
    const next = this.starts[index + 1];
    const end = next !== undefined && Math.floor(next / SharedStrings.STRIDE) === block ? next - block * SharedStrings.STRIDE : this.used[block]!;
    return this.blocks[block]!.toString('utf8', start - block * SharedStrings.STRIDE, end);
  }
}

// Parts name elements with or without a namespace prefix (x:row in some generators).
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

// OOXML writes characters XML cannot hold (and some it can) as _xHHHH_; _x005F_ escapes the underscore.
const unescapeOoxml = (text: string) => (text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : text);

/**
 * Streams one part of the ZIP through a SAX parser. `afterChunk` runs between chunks (the sheet
 * writes what it has parsed there, with backpressure); `stopped` ends the read early.
 */
async function parsePart(
  zip: ZipFile,
  entry: Entry,
  handlers: (parser: SaxesParser) => void,
  options: { stopped?: () => boolean; afterChunk?: () => Promise<void> } = {},
): Promise<void> {
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw notAWorkbook((error as Error).message);
  }
  const parser = new SaxesParser({ position: false });
  handlers(parser);
  try {
    stream.setEncoding('utf8');
    let stopped = false;
    for await (const chunk of stream) {
      parser.write(chunk as string);
      await options.afterChunk?.();
      stopped = options.stopped?.() ?? false;
      if (stopped) break;
    }
    if (!stopped) parser.close();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw notAWorkbook(`${entry.fileName}: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
}

async function readXml(zip: ZipFile, entry: Entry, onOpen: (tag: SaxesTagPlain) => void): Promise<void> {
  await parsePart(zip, entry, (parser) => parser.on('opentag', onOpen));
}

async function firstSheet(zip: ZipFile, workbook: Entry): Promise<{ name: string; relationId: string }> {
  let sheet: { name: string; relationId: string } | null = null;
  await readXml(zip, workbook, (tag) => {
    if (sheet || localName(tag.name) !== 'sheet') return;
    const relation = Object.entries(tag.attributes).find(([name]) => localName(name) === 'id' && name !== 'sheetId');
    sheet = { name: String(tag.attributes.name ?? 'Sheet1'), relationId: String(relation?.[1] ?? '') };
  });
  if (!sheet) throw notAWorkbook('it has no worksheet');
  return sheet;
}

/** A part's relationships (xl/_rels/workbook.xml.rels): id → the target's path in the ZIP and its type. */
async function relationshipsOf(zip: ZipFile, entries: Map<string, Entry>, partPath: string): Promise<Map<string, { path: string; type: string }>> {
  const relations = new Map<string, { path: string; type: string }>();
  const dir = posix.dirname(partPath);
  const rels = entries.get(posix.join(dir, '_rels', `${posix.basename(partPath)}.rels`));
  if (!rels) return relations;
  await readXml(zip, rels, (tag) => {
    if (localName(tag.name) !== 'Relationship') return;
    const target = String(tag.attributes.Target ?? '');
    const path = target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(dir, target));
    relations.set(String(tag.attributes.Id ?? ''), { path, type: String(tag.attributes.Type ?? '') });
  });
  return relations;
}

async function readSharedStrings(zip: ZipFile, entry: Entry): Promise<SharedStrings> {
  const strings = new SharedStrings();
  let text: string[] | null = null;
  let inText = false;
  // Phonetic guides (<rPh>, Japanese readings) are not part of the cell's text.
  let phonetic = 0;
  await parsePart(zip, entry, (parser) => {
    parser.on('opentag', (tag) => {
      const name = localName(tag.name);
      if (name === 'si') text = [];
      else if (name === 'rPh') phonetic += 1;
      else if (name === 't' && phonetic === 0) inText = true;
    });
    parser.on('text', (value) => {
      if (inText && text) text.push(value);
    });
    parser.on('closetag', (tag) => {
      const name = localName(tag.name);
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic -= 1;
      else if (name === 'si' && text) {
        strings.add(unescapeOoxml(text.join('')));
        text = null;
      }
    });
  });
  return strings;
}

/** "BC12" → 54 (zero-based column of a cell reference); -1 when it has none. */
export function columnOf(reference: string): number {
  let column = 0;
  let i = 0;
  for (; i < reference.length; i += 1) {
    const c = reference.charCodeAt(i);
    if (c >= 65 && c <= 90) column = column * 26 + (c - 64);
    else if (c >= 97 && c <= 122) column = column * 26 + (c - 96);
    else break;
  }
  return i === 0 ? -1 : column - 1;
}

const MAX_COLUMNS = 16_384;

async function streamRows(zip: ZipFile, entry: Entry, strings: SharedStrings, maxRows: number, write: (lines: string) => Promise<void>): Promise<number> {
  let written = 0;
  let rowNumber = 0;
  let cells: string[] = [];
  let column = -1;
  let type = 'n';
  // The text of the cell being read, gathered only inside <v> or an inline string's <t>.
  let value: string[] | null = null;
  let collecting = false;
  let inline = false;
  let phonetic = 0;
  let pending: string[] = [];
  let failure: Error | null = null;
  const done = () => written >= maxRows || failure !== null;
  const emit = (line: string) => {
    pending.push(line);
    written += 1;
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const lines = pending.join('');
    pending = [];
    await write(lines);
  };
  await parsePart(
    zip,
    entry,
    (parser) => {
      parser.on('opentag', (tag) => {
        const name = localName(tag.name);
        if (name === 'row') {
          const r = Number(tag.attributes.r);
          const next = Number.isInteger(r) && r > rowNumber ? r : rowNumber + 1;
          // Rows the sheet skips are blank lines: the CSV keeps the sheet's row numbers.
          while (rowNumber + 1 < next && !done()) {
            emit('\n');
            rowNumber += 1;
          }
          rowNumber = next;
          cells = [];
          column = -1;
        } else if (name === 'c') {
          const reference = tag.attributes.r;
          const at = typeof reference === 'string' ? columnOf(reference) : -1;
          column = at >= 0 ? at : column + 1;
          type = String(tag.attributes.t ?? 'n');
          value = null;
        } else if (name === 'v' || (name === 't' && inline && phonetic === 0)) {
          value ??= [];
          collecting = true;
        } else if (name === 'is') {
          inline = true;
        } else if (name === 'rPh') {
          phonetic += 1;
        }
      });
      parser.on('text', (text) => {
        if (collecting) value!.push(text);
      });
      parser.on('closetag', (tag) => {
        const name = localName(tag.name);
        if (name === 'v' || name === 't') {
          collecting = false;
        } else if (name === 'c') {
          if (value && column >= MAX_COLUMNS) failure ??= notAWorkbook(`a cell lies beyond column ${MAX_COLUMNS}`);
          else if (value) {
            while (cells.length < column) cells.push('');
            cells[column] = cellText(type, value.join(''), strings);
          }
          value = null;
        } else if (name === 'is') {
          inline = false;
        } else if (name === 'rPh') {
          phonetic -= 1;
        } else if (name === 'row' && !done()) {
          emit(cells.length ? `${cells.map(sheetCell).join(',')}\n` : '\n');
        }
      });
    },
    { stopped: done, afterChunk: flush },
  );
  if (failure) throw failure;
  await flush();
  return written;
}

/** A cell as CSV: quoted when it must be, otherwise as is (sheet text is data, not formulas). */
const sheetCell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

function cellText(type: string, raw: string, strings: SharedStrings): string {
  switch (type) {
    case 's':
      return strings.get(Number(raw)) ?? '';
    case 'b':
      return raw === '1' ? 'TRUE' : 'FALSE';
    case 'inlineStr':
    case 'str':
      return unescapeOoxml(raw);
    default:
      // Numbers, dates (serial numbers), error values (#N/A): as the sheet stores them.
      return raw;
  }
}
