import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, openAsBlob } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { systemActor, type Actor } from '../core/actor.ts';
import { loadConfig } from '../core/config.ts';
import { databaseKindOf } from '../core/bulk-session.ts';
import type { Db } from '../core/db.ts';
import { AppError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { accountsCsv, contactsCsv, leadsCsv } from '../modules/imports/exports.ts';
import { DEDUPE_POLICIES, parseMappingOption, type DedupePolicy } from '../modules/imports/model.ts';
import { claimImport, ImportStopped, releaseImport, releaseQuietImports, runImport } from '../modules/imports/run.ts';
import { createImport, fileHead, getImport, previewImport, rejectionsCsv, uploadPath, type ImportView } from '../modules/imports/service.ts';
import { LEAD_STATUSES, type LeadStatus } from '../modules/leads/model.ts';
import { pickOrganization } from '../modules/orgs/model.ts';
import { listOrganizations } from '../modules/orgs/service.ts';
import { findUserByEmail } from '../modules/users/service.ts';
import { invalidOptions, withDatabase } from './database.ts';

// Imports and exports from the command line. With LEADFLOW_URL and LEADFLOW_API_KEY set they go
// through the running server's API (PGlite lets one process open a data directory, and a server
// runs imports durably); otherwise they open the database themselves.

type ImportOptions = { map?: string; dedupe: DedupePolicy; org?: string; owner?: string; source?: string; as?: string; route?: boolean };

const remote = () => {
  const url = process.env.LEADFLOW_URL;
  const key = process.env.LEADFLOW_API_KEY;
  return url && key ? { url: url.replace(/\/+$/, ''), key } : null;
};

export function registerImportCommands(program: Command): void {
  const importCommand = program.command('import').description('Import records from CSV or XLSX files');

  importCommand
    .command('leads')
    .description('Import a CSV or XLSX file of leads, with a progress bar; rejected rows are listed with their line and reason')
    .argument('<file>', 'a CSV file with a header row (comma, semicolon or tab separated), or an XLSX workbook (its first sheet)')
    .option('--map <pairs>', 'column=field pairs over the suggested mapping, e.g. "E-Mail=email,Mobil=phone,Notes="')
    .addOption(new Option('--dedupe <policy>', 'a row whose email is already a lead: skip it, update the lead, or create another').choices(DEDUPE_POLICIES).default('skip'))
    .option('--org <org>', 'organisation id or name (needed when there are several; not with LEADFLOW_URL)')
    .option('--as <email>', 'the user the import runs as (audit log; owner of new leads unless --owner)')
    .option('--owner <email>', 'owner of new leads: a user email, or "none" for the unassigned pool')
    .option('--source <source>', 'lead source of new leads (default: import)')
    .option('--route', 'new leads without an owner cell get the owner the active lead routing rules pick (no first-touch SLA clock)')
    .action(async (file: string, options: ImportOptions) => {
      if (!existsSync(file)) throw invalidOptions([{ field: 'FILE', message: `${resolve(file)} does not exist` }]);
      const mapping = options.map === undefined ? undefined : parseMappingOption(options.map);
      if (mapping && 'error' in mapping) throw invalidOptions([{ field: '--map', message: String(mapping.error) }]);
      const server = remote();
      const done = server ? await importThroughApi(server, resolve(file), options, mapping) : await importDirectly(resolve(file), options, mapping);
      report(done);
    });

  importCommand
    .command('resume')
    .description('Resume an import that was interrupted (Ctrl-C, kill -9); rows already imported are not imported again')
    .argument('<id>', 'the import id the interrupted run printed')
    .option('--org <org>', 'organisation id or name (needed when there are several)')
    .option('--force', 'take over an import another process seems to be running (PostgreSQL)')
    .action(async (id: string, options: { org?: string; force?: boolean }) => {
      if (remote()) throw new AppError(400, 'not_needed', 'A server resumes its unfinished imports by itself; follow it with GET /api/v1/imports/{id}');
      const config = loadConfig();
      const done = await withDatabase(async ({ db }) => {
        const orgId = await orgIdOf(db, options.org);
        // A PGlite data directory is ours alone while we hold it: a running import there is one whose process died.
        await releaseQuietImports(db, databaseKindOf(db) === 'pglite' || Boolean(options.force));
        return runHere(db, config.dataDir, orgId, id);
      });
      report(done);
    });

  importCommand
    .command('rejections')
    .description('Write the rows an import rejected, with their line and reason, to a CSV file')
    .argument('<id>', 'the import id')
    .requiredOption('--out <file>', 'where to write them')
    .option('--org <org>', 'organisation id or name (needed when there are several)')
    .action(async (id: string, options: { out: string; org?: string }) => {
      const server = remote();
      if (server) await download(server, `/api/v1/imports/${id}/rejections.csv`, options.out);
      else await withDatabase(async ({ db }) => writeLines(rejectionsCsv(db, systemActor(await orgIdOf(db, options.org), ''), id), options.out));
      console.log(`Wrote ${resolve(options.out)}.`);
    });

  const exportCommand = program.command('export').description('Export records to CSV files');
  exportCommand
    .command('leads')
    .description('Export leads (the same filters as the lead list) to a CSV file')
    .requiredOption('--out <file>', 'where to write the CSV')
    .option('--status <statuses>', `comma-separated: ${LEAD_STATUSES.join(', ')}`)
    .option('--owner <email>', 'leads of this owner')
    .option('--unassigned', 'leads without an owner')
    .option('--source <source>', 'leads from this source')
    .option('--country <code>', 'two-letter country code')
    .option('--q <text>', 'free text over name, email and company')
    .option('--org <org>', 'organisation id or name (needed when there are several)')
    .action(async (options: { out: string; status?: string; owner?: string; unassigned?: boolean; source?: string; country?: string; q?: string; org?: string }) => {
      const status = options.status?.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = status?.filter((s) => !(LEAD_STATUSES as readonly string[]).includes(s));
      if (unknown?.length) throw invalidOptions([{ field: '--status', message: `Not a status: ${unknown.join(', ')}` }]);
      const filter = { status: status as LeadStatus[] | undefined, unassigned: options.unassigned, source: options.source, country: options.country, q: options.q };
      await exportList('leads', options, filter, (db, actor, ownerId) => leadsCsv(db, actor, { ...filter, ownerId, sort: '-createdAt' }));
    });
  for (const what of ['accounts', 'contacts'] as const) {
    exportCommand
      .command(what)
      .description(`Export ${what} (the same filters as the ${what} list) to a CSV file`)
      .requiredOption('--out <file>', 'where to write the CSV')
      .option('--owner <email>', `${what} of this owner`)
      .option('--q <text>', 'free text')
      .option('--org <org>', 'organisation id or name (needed when there are several)')
      .action(async (options: { out: string; owner?: string; q?: string; org?: string }) => {
        const filter = { q: options.q };
        await exportList(what, options, filter, (db, actor, ownerId) => (what === 'accounts' ? accountsCsv : contactsCsv)(db, actor, { ...filter, ownerId }));
      });
  }
}

async function orgIdOf(db: Db, ref: string | undefined): Promise<string> {
  const choice = pickOrganization(await listOrganizations(db), ref);
  if (choice.problem !== undefined) throw invalidOptions([{ field: '--org', message: choice.problem }]);
  return choice.org.id;
}

async function userOf(db: Db, orgId: string, email: string, option: string): Promise<string> {
  const user = await findUserByEmail(db, email);
  if (!user || user.orgId !== orgId) throw invalidOptions([{ field: option, message: `No user ${email} in this organisation` }]);
  return user.id;
}

async function importDirectly(file: string, options: ImportOptions, mapping: Record<string, string> | undefined): Promise<ImportView> {
  const config = loadConfig();
  return withDatabase(async ({ db }) => {
    const orgId = await orgIdOf(db, options.org);
    const actor = options.as ? { ...systemActor(orgId, await userOf(db, orgId, options.as, '--as')) } : systemActor(orgId, '');
    const owner = options.owner === undefined ? undefined : options.owner === 'none' ? null : await userOf(db, orgId, options.owner, '--owner');
    const id = newId();
    const storedPath = uploadPath(orgId, id);
    // The import reads its own copy, so a resumed run finds the file even if the original moved.
    await mkdir(dirname(join(config.dataDir, storedPath)), { recursive: true });
    await pipeline(createReadStream(file), createWriteStream(join(config.dataDir, storedPath)));
    const start = await fileHead(file);
    const suggested = (await previewImport(db, actor, start.head, start.complete, undefined, start.format)).suggestedMapping;
    const view = await createImport(db, actor, config.dataDir, {
      id,
      fileName: basename(file),
      storedPath,
      mapping: mapping ? { ...suggested, ...blanksAsNull(mapping) } : undefined,
      dedupePolicy: options.dedupe,
      defaultOwnerId: owner,
      defaultSource: options.source,
      routing: options.route ? 'rules' : 'off',
    });
    console.error(`Import ${view.id} of ${view.fileName}; if it is interrupted, resume it with: leadflow import resume ${view.id}`);
    printMapping(view);
    return runHere(db, config.dataDir, orgId, view.id);
  });
}

async function runHere(db: Db, dataDir: string, orgId: string, id: string): Promise<ImportView> {
  const token = randomUUID();
  const claimed = await claimImport(db, orgId, id, token);
  if (!claimed) {
    const view = await getImport(db, systemActor(orgId, ''), id);
    if (view.status === 'running') throw new AppError(409, 'import_busy', 'Another process is running this import; wait, or use --force if it died');
    return view;
  }
  const bar = importBar();
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  try {
    return await runImport(db, dataDir, orgId, id, token, { signal: stop.signal, onProgress: bar.update });
  } catch (error) {
    await releaseImport(db, orgId, id, token);
    if (error instanceof ImportStopped) {
      bar.stop();
      console.error(`Stopped. Rows imported so far stay; resume with: leadflow import resume ${id}`);
      process.exit(130);
    }
    throw error;
  } finally {
    process.off('SIGINT', interrupt);
    bar.stop();
  }
}

async function importThroughApi(server: { url: string; key: string }, file: string, options: ImportOptions, mapping: Record<string, string> | undefined): Promise<ImportView> {
  if (options.org || options.as) throw invalidOptions([{ field: options.org ? '--org' : '--as', message: 'With LEADFLOW_URL the API key says who and which organisation' }]);
  const form = new FormData();
  if (mapping) {
    const preview = new FormData();
    // A CSV file's first megabyte is all a preview reads; a workbook goes whole.
    const start = await fileHead(file);
    preview.set('file', start.format === 'xlsx' ? await openAsBlob(file) : new Blob([new Uint8Array(start.head)]), basename(file));
    const suggested = (await call<{ suggestedMapping: Record<string, string | null> }>(server, '/api/v1/imports/preview', { method: 'POST', body: preview })).suggestedMapping;
    form.set('mapping', JSON.stringify({ ...suggested, ...blanksAsNull(mapping) }));
  }
  form.set('dedupe', options.dedupe);
  if (options.owner !== undefined) {
    const owner = options.owner === 'none' ? '' : await userIdThroughApi(server, options.owner);
    form.set('defaultOwnerId', owner);
  }
  if (options.source) form.set('defaultSource', options.source);
  if (options.route) form.set('routing', 'rules');
  // openAsBlob reads the file as the upload goes, never all of it into memory.
  form.set('file', await openAsBlob(file), basename(file));
  let view = await call<ImportView>(server, '/api/v1/imports', { method: 'POST', body: form });
  console.error(`Import ${view.id} of ${view.fileName} is running on ${server.url}`);
  printMapping(view);
  const bar = importBar();
  try {
    while (view.status === 'pending' || view.status === 'running') {
      bar.update(view);
      await new Promise((done) => setTimeout(done, 500));
      view = await call<ImportView>(server, `/api/v1/imports/${view.id}`, { method: 'GET' });
    }
    bar.update(view);
  } finally {
    bar.stop();
  }
  return view;
}

async function userIdThroughApi(server: { url: string; key: string }, email: string): Promise<string> {
  const users = await call<{ data: { id: string; email: string }[] }>(server, '/api/v1/users', { method: 'GET' });
  const user = users.data.find((u) => u.email.toLowerCase() === email.toLowerCase());
  if (!user) throw invalidOptions([{ field: '--owner', message: `No user ${email} in this organisation` }]);
  return user.id;
}

async function call<T>(server: { url: string; key: string }, path: string, init: RequestInit): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${server.key}` } });
  const body = (await response.json()) as T & { detail?: string; errors?: { field: string; message: string }[] };
  if (!response.ok) throw new AppError(response.status, 'api_error', body.detail ?? `The server answered ${response.status}`, body.errors);
  return body;
}

async function download(server: { url: string; key: string }, path: string, out: string): Promise<void> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.key}` } });
  if (!response.ok || !response.body) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new AppError(response.status, 'api_error', problem.detail ?? `The server answered ${response.status}`);
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(resolve(out)));
}

async function writeLines(lines: AsyncIterable<string>, out: string): Promise<void> {
  await pipeline(Readable.from(lines), createWriteStream(resolve(out)));
}

async function exportList(
  what: string,
  options: { out: string; owner?: string; org?: string },
  filter: Record<string, unknown>,
  direct: (db: Db, actor: Actor, ownerId: string | undefined) => AsyncGenerator<string>,
): Promise<void> {
  const server = remote();
  if (server) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value === undefined || value === false) continue;
      query.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    if (options.owner) query.set('ownerId', await userIdThroughApi(server, options.owner));
    await download(server, `/api/v1/${what}/export.csv?${query}`, options.out);
  } else {
    await withDatabase(async ({ db }) => {
      const orgId = await orgIdOf(db, options.org);
      const ownerId = options.owner ? await userOf(db, orgId, options.owner, '--owner') : undefined;
      await writeLines(direct(db, systemActor(orgId, ''), ownerId), options.out);
    });
  }
  console.log(`Exported ${what} to ${resolve(options.out)}.`);
}

/** `--map "Notes="` takes a suggested column out of the import. */
const blanksAsNull = (mapping: Record<string, string>) => Object.fromEntries(Object.entries(mapping).map(([column, field]) => [column, field || null]));

function printMapping(view: ImportView): void {
  const lines = Object.entries(view.mapping).map(([column, field]) => `  ${column} → ${field ?? '(not imported)'}`);
  console.error(`Columns:\n${lines.join('\n')}`);
}

/** A progress bar on a terminal; elsewhere (logs, scripts) one line per step. */
function importBar(): { update: (view: ImportView) => void; stop: () => void } {
  const describe = (view: ImportView) => ({ processed: view.processed, inserted: view.inserted, updated: view.updated, skipped: view.skipped, rejected: view.rejected });
  if (!process.stderr.isTTY) {
    let last = '';
    return {
      update(view) {
        const c = describe(view);
        const line = `${view.percent}% | ${c.processed} rows | ${c.inserted} new, ${c.updated} updated, ${c.skipped} skipped, ${c.rejected} rejected`;
        if (line !== last) console.error(line);
        last = line;
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'Importing [{bar}] {percentage}% | {processed} rows | {inserted} new, {updated} updated, {skipped} skipped, {rejected} rejected', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(view) {
      if (!started) bar.start(100, view.percent, describe(view));
      started = true;
      bar.update(view.percent, describe(view));
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function report(view: ImportView): void {
  console.log(
    `Import ${view.id} ${view.status}: ${view.processed} rows, ${view.inserted} new leads, ${view.updated} updated, ${view.skipped} skipped as duplicates, ${view.rejected} rejected.`,
  );
  if (view.error) console.log(`Error: ${view.error}`);
  if (view.rejected > 0) console.log(`The rejected rows, with their line and reason: leadflow import rejections ${view.id} --out rejected.csv`);
  if (view.status === 'failed') process.exitCode = 1;
}
