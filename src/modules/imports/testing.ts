// Helpers for the import tests: multipart uploads through app.inject and waiting for an import.
import { randomBytes } from 'node:crypto';
import type { Caller } from '../../../test/helpers.ts';

export type Part = { name: string; value: string | Buffer; fileName?: string };

export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----leadflow${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.fileName ? `; filename="${part.fileName}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.fileName ? 'Content-Type: text/csv\r\n' : ''}\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** POSTs a CSV file (and text fields) to an upload route. */
export function upload(caller: Caller, csv: string | Buffer, fields: Record<string, string> = {}, url = '/api/v1/imports', fileName = 'leads.csv') {
  const parts: Part[] = [...Object.entries(fields).map(([name, value]) => ({ name, value })), { name: 'file', value: csv, fileName }];
  return caller.request({ method: 'POST', url, ...multipart(parts) });
}

export type ImportBody = {
  id: string;
  status: string;
  processed: number;
  inserted: number;
  updated: number;
  skipped: number;
  rejected: number;
  percent: number;
  error: string | null;
};

/** Polls an import until it has finished. */
export async function finished(caller: Caller, id: string, timeoutMs = 60_000): Promise<ImportBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await caller.get(`/api/v1/imports/${id}`);
    if (res.statusCode !== 200) throw new Error(`GET import: ${res.statusCode} ${res.body}`);
    const body = res.json() as ImportBody;
    if (!['pending', 'running'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Parses CSV text the simple way the tests need (quoted cells, CRLF lines), dropping a BOM. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
