import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { AppError } from '../core/errors.ts';
import { invalidOptions } from './database.ts';
import { progressBar } from './progress.ts';

// Bulk work on deals from the command line: export, move between stages, hand a book of deals to
// someone else. They go through the running server's API (LEADFLOW_URL and LEADFLOW_API_KEY), so
// stage gates, approvals, history, audit and notifications apply exactly as on the board. Each
// deal is its own request: a refusal (a gate, a stale version) is listed and the rest go on, and a
// second run picks up what is still left, because it selects by where deals are now.

type Server = { url: string; key: string };
type Stage = { id: string; name: string; outcome: string };
type Pipeline = { id: string; name: string; kind: string; stages: Stage[] };
type Deal = { id: string; name: string; version: number; stageId: string; pipelineId: string; ownerId: string | null; amount: number; currency: string; closeDate: string; status: string; [key: string]: unknown };
type Problem = { detail?: string; title?: string; errors?: { field: string; message: string }[] };

function server(): Server {
  const url = process.env.LEADFLOW_URL;
  const key = process.env.LEADFLOW_API_KEY;
  if (!url || !key) throw invalidOptions([{ field: 'LEADFLOW_URL, LEADFLOW_API_KEY', message: 'Deal commands talk to a running server: set both (create a key with `leadflow apikey create`)' }]);
  return { url: url.replace(/\/+$/, ''), key };
}

async function request(target: Server, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${target.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${target.key}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

const problemText = (status: number, problem: Problem) =>
  [problem.detail ?? problem.title ?? `The server answered ${status}`, ...(problem.errors ?? []).map((e) => `${e.field}: ${e.message}`)].join('; ');

async function get<T>(target: Server, path: string): Promise<T> {
  const response = await request(target, path);
  const body = (await response.json().catch(() => ({}))) as T & Problem;
  if (!response.ok) throw new AppError(response.status, 'api_error', problemText(response.status, body));
  return body;
}

async function findPipeline(target: Server, name: string | undefined): Promise<Pipeline> {
  const { data } = await get<{ data: Pipeline[] }>(target, '/api/v1/pipelines');
  const found = name ? data.find((p) => p.name.toLowerCase() === name.toLowerCase() || p.id === name) : data[0];
  if (!found) throw invalidOptions([{ field: '--pipeline', message: `No pipeline ${name}; there are: ${data.map((p) => p.name).join(', ')}` }]);
  return found;
}

function findStage(pipeline: Pipeline, name: string, field: string): Stage {
  const stage = pipeline.stages.find((s) => s.name.toLowerCase() === name.toLowerCase() || s.id === name);
  if (!stage) throw invalidOptions([{ field, message: `${pipeline.name} has no stage ${name}; its stages: ${pipeline.stages.map((s) => s.name).join(', ')}` }]);
  return stage;
}

async function findUser(target: Server, email: string, field: string): Promise<string> {
  const { data } = await get<{ data: { id: string; email: string; status: string }[] }>(target, '/api/v1/users');
  const user = data.find((u) => u.email.toLowerCase() === email.toLowerCase());
  if (!user) throw invalidOptions([{ field, message: `No user ${email} in this organisation` }]);
  return user.id;
}

/** Every deal matching the filter, page by page (keyset pages stay right while earlier deals change). */
async function* deals(target: Server, filter: Record<string, string | undefined>): AsyncGenerator<Deal> {
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ limit: '100' });
    for (const [key, value] of Object.entries(filter)) if (value) params.set(key, value);
    if (cursor) params.set('cursor', cursor);
    const page: { data: Deal[]; nextCursor: string | null } = await get(target, `/api/v1/opportunities?${params}`);
    yield* page.data;
    cursor = page.nextCursor;
  } while (cursor);
}

async function collect(target: Server, filter: Record<string, string | undefined>): Promise<Deal[]> {
  const all: Deal[] = [];
  for await (const deal of deals(target, filter)) all.push(deal);
  return all;
}

/** One write per deal with a progress bar; refusals are listed on stderr with the deal and the reason. */
async function applyEach(task: string, list: Deal[], write: (deal: Deal) => Promise<Response>): Promise<{ done: number; refused: number }> {
  const bar = progressBar(task);
  const refusals: string[] = [];
  let done = 0;
  try {
    for (const [i, deal] of list.entries()) {
      const response = await write(deal);
      if (response.ok) done++;
      else refusals.push(`  ${deal.name} (${deal.id}): ${problemText(response.status, (await response.json().catch(() => ({}))) as Problem)}`);
      bar.update(i + 1, list.length, deal.name);
    }
  } finally {
    bar.stop();
  }
  if (refusals.length) console.error(`${refusals.length} refused:\n${refusals.join('\n')}`);
  return { done, refused: refusals.length };
}

const CSV_COLUMNS = ['id', 'name', 'pipeline', 'stage', 'status', 'ownerId', 'accountId', 'amount', 'currency', 'closeDate', 'probability', 'forecastCategory', 'source', 'nextStep', 'lossReason', 'winReason', 'createdAt'] as const;
const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function registerDealCommands(program: Command): void {
  const command = program.command('deals').description('Bulk work on opportunities through the running server (LEADFLOW_URL, LEADFLOW_API_KEY)');

  command
    .command('export')
    .description('Write deals as CSV (amounts in minor units), page by page')
    .requiredOption('--out <file>', 'the CSV file to write')
    .option('--pipeline <name>', 'only this pipeline (name or id)')
    .option('--status <statuses>', 'open, won and/or lost, comma separated')
    .option('--owner <email>', "only this user's deals")
    .action(async (options: { out: string; pipeline?: string; status?: string; owner?: string }) => {
      const target = server();
      const { data: pipelines } = await get<{ data: Pipeline[] }>(target, '/api/v1/pipelines');
      const chosen = options.pipeline ? await findPipeline(target, options.pipeline) : undefined;
      const ownerId = options.owner ? await findUser(target, options.owner, '--owner') : undefined;
      const stageNames = new Map(pipelines.flatMap((p) => p.stages.map((s) => [s.id, s.name] as const)));
      const pipelineNames = new Map(pipelines.map((p) => [p.id, p.name]));
      let rows = 0;
      async function* lines() {
        yield `${CSV_COLUMNS.join(',')}\n`;
        for await (const deal of deals(target, { pipelineId: chosen?.id, status: options.status, ownerId })) {
          rows++;
          const row: Record<string, unknown> = { ...deal, pipeline: pipelineNames.get(deal.pipelineId), stage: stageNames.get(deal.stageId) };
          yield `${CSV_COLUMNS.map((c) => csvCell(row[c])).join(',')}\n`;
        }
      }
      await pipeline(Readable.from(lines()), createWriteStream(resolve(options.out)));
      console.log(`Wrote ${rows} deals to ${resolve(options.out)}.`);
    });

  command
    .command('move')
    .description('Move every deal of a stage to another stage, through the stage gates (refusals are listed; run again after fixing them)')
    .requiredOption('--from <stage>', 'the stage the deals are in (name or id)')
    .requiredOption('--to <stage>', 'the stage to move them to (name or id)')
    .option('--pipeline <name>', 'the pipeline (name or id; default: the first)')
    .option('--owner <email>', "only this user's deals")
    .option('--loss-reason <text>', 'needed when moving to the lost stage')
    .option('--dry-run', 'list what would move and change nothing')
    .action(async (options: { from: string; to: string; pipeline?: string; owner?: string; lossReason?: string; dryRun?: boolean }) => {
      const target = server();
      const chosen = await findPipeline(target, options.pipeline);
      const from = findStage(chosen, options.from, '--from');
      const to = findStage(chosen, options.to, '--to');
      if (from.id === to.id) throw invalidOptions([{ field: '--to', message: 'Must differ from --from' }]);
      if (to.outcome === 'lost' && !options.lossReason) throw invalidOptions([{ field: '--loss-reason', message: `Moving to ${to.name} needs a loss reason` }]);
      const ownerId = options.owner ? await findUser(target, options.owner, '--owner') : undefined;
      const list = await collect(target, { stageId: from.id, ownerId });
      if (options.dryRun) {
        for (const deal of list) console.log(`${deal.id}  ${deal.name}`);
        console.log(`${list.length} deals would move from ${from.name} to ${to.name}.`);
        return;
      }
      const body = to.outcome === 'lost' ? { lossReason: options.lossReason } : {};
      const { done, refused } = await applyEach(`Moving to ${to.name}`, list, (deal) =>
        request(target, `/api/v1/opportunities/${deal.id}/move`, { method: 'POST', body: { stageId: to.id, version: deal.version, ...body } }),
      );
      console.log(`Moved ${done} of ${list.length} deals from ${from.name} to ${to.name}.`);
      if (refused) process.exitCode = 1;
    });

  command
    .command('reassign')
    .description("Give one user's deals to another (a rep leaving, a territory change); the new owner is notified")
    .requiredOption('--from <email>', 'the current owner')
    .requiredOption('--to <email>', 'the new owner')
    .option('--pipeline <name>', 'only this pipeline (name or id)')
    .option('--all', 'closed deals too (default: open deals only)')
    .option('--dry-run', 'list what would change and change nothing')
    .action(async (options: { from: string; to: string; pipeline?: string; all?: boolean; dryRun?: boolean }) => {
      const target = server();
      const [fromId, toId] = [await findUser(target, options.from, '--from'), await findUser(target, options.to, '--to')];
      if (fromId === toId) throw invalidOptions([{ field: '--to', message: 'Must differ from --from' }]);
      const chosen = options.pipeline ? await findPipeline(target, options.pipeline) : undefined;
      const list = await collect(target, { ownerId: fromId, pipelineId: chosen?.id, status: options.all ? undefined : 'open' });
      if (options.dryRun) {
        for (const deal of list) console.log(`${deal.id}  ${deal.name}`);
        console.log(`${list.length} deals would go from ${options.from} to ${options.to}.`);
        return;
      }
      const { done, refused } = await applyEach(`Reassigning to ${options.to}`, list, (deal) =>
        request(target, `/api/v1/opportunities/${deal.id}`, { method: 'PATCH', body: { ownerId: toId, version: deal.version } }),
      );
      console.log(`Reassigned ${done} of ${list.length} deals from ${options.from} to ${options.to}.`);
      if (refused) process.exitCode = 1;
    });
}
