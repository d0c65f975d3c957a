import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeTarget, meetsTarget, type BenchResult } from './suite.ts';

export type Machine = {
  cores: number;
  cpu: string;
  memoryGb: number;
  os: string;
  node: string;
  postgres: string | null;
  pglite: string;
  date: string;
  /** The 1-minute load average when the run started and ended: other work on the machine skews latency. */
  loadAverage: { start: number; end: number };
};

export type BenchRun = {
  machine: Machine;
  quick: boolean;
  seconds: number;
  /** The suites that finished; a failed one is listed in `failed` and has a "failed:" row. */
  suites: string[];
  failed: string[];
  results: BenchResult[];
};

export function describeMachine(postgres: string | null, loadAtStart: number): Machine {
  // The package's exports map hides its package.json from require, so read the file itself.
  const manifest = readFileSync(fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)), 'utf8');
  const pglite = (JSON.parse(manifest) as { version: string }).version;
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${arch()}`,
    node: process.version,
    postgres,
    pglite,
    date: new Date().toISOString(),
    loadAverage: { start: loadAtStart, end: round1(loadavg()[0]!) },
  };
}

export const currentLoad = () => round1(loadavg()[0]!);
const round1 = (value: number) => Math.round(value * 10) / 10;

export const machineLine = (m: Machine) =>
  `${m.cores} cores (${m.cpu}), ${m.memoryGb} GB RAM, ${m.os}, Node ${m.node}, PGlite ${m.pglite}` +
  `${m.postgres ? `, PostgreSQL ${m.postgres}` : ''}; ${m.date.slice(0, 16).replace('T', ' ')} UTC; ` +
  `load average ${m.loadAverage.start} at the start, ${m.loadAverage.end} at the end`;

// Always-present columns; metric columns come between them in the order results first use them.
const HIDDEN_METRICS = new Set(['requests']);

function rowsOf(results: BenchResult[]): { header: string[]; rows: string[][] } {
  const metrics = [...new Set(results.flatMap((r) => Object.keys(r.metrics)))].filter((key) => !HIDDEN_METRICS.has(key));
  const header = ['suite', 'scenario', 'database', ...metrics, 'target', 'result', 'note'];
  const rows = results.map((r) => {
    const pass = meetsTarget(r);
    return [
      r.suite,
      r.scenario,
      r.database,
      ...metrics.map((key) => formatNumber(r.metrics[key])),
      r.target ? describeTarget(r.target) : '',
      pass === undefined ? '' : pass ? 'pass' : 'FAIL',
      r.note ?? '',
    ];
  });
  return { header, rows };
}

function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '';
  if (Number.isInteger(value)) return value.toLocaleString('en');
  return value >= 100 ? Math.round(value).toLocaleString('en') : String(value);
}

/** A fixed-width table for the terminal. */
export function textTable(results: BenchResult[]): string {
  const { header, rows } = rowsOf(results);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const numeric = header.map((_title, i) => rows.every((row) => row[i] === '' || /^[\d,.]+$/.test(row[i]!)) && rows.some((row) => row[i] !== ''));
  const line = (cells: string[]) => cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A Markdown table for one suite's section (so without the suite column). */
function markdownTable(results: BenchResult[]): string {
  const all = rowsOf(results);
  const header = all.header.slice(1);
  const rows = all.rows.map((row) => row.slice(1));
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** Writes bench/results/latest.json and a timestamped copy beside it. */
export async function writeResults(resultsDir: string, run: BenchRun): Promise<string[]> {
  await mkdir(resultsDir, { recursive: true });
  const json = `${JSON.stringify(run, null, 2)}\n`;
  const stamped = `${resultsDir}/${run.machine.date.replace(/[:.]/g, '-')}${run.quick ? '-quick' : ''}.json`;
  await writeFile(`${resultsDir}/latest.json`, json);
  await writeFile(stamped, json);
  return [`${resultsDir}/latest.json`, stamped];
}

const GENERATED_MARK = '<!-- Everything below is written by `npm run bench`; edit above this line only. -->';
const DATA_START = '<!-- bench-data';
const DATA_END = 'bench-data -->';

type SuiteSection = { name: string; description: string; machine: Machine; seconds: number; results: BenchResult[] };

/**
 * Refreshes BENCHMARKS.md: the sections of the suites that just ran are replaced, the others are
 * kept (a `npm run bench -- foundation` must not wipe the import numbers). Prose above the
 * generated mark is left alone.
 */
export async function updateBenchmarksFile(path: string, run: BenchRun, order: { name: string; description: string }[]): Promise<void> {
  const existing = await readFile(path, 'utf8').catch(() => '');
  const [preamble] = existing.includes(GENERATED_MARK) ? existing.split(GENERATED_MARK) : [DEFAULT_PREAMBLE];
  const start = existing.indexOf(DATA_START);
  const kept: SuiteSection[] = start >= 0 ? (JSON.parse(existing.slice(start + DATA_START.length, existing.indexOf(DATA_END))) as SuiteSection[]) : [];
  const sections = new Map(kept.map((section) => [section.name, section]));
  for (const name of run.suites) {
    const suite = order.find((s) => s.name === name)!;
    sections.set(name, { name, description: suite.description, machine: run.machine, seconds: run.seconds, results: run.results.filter((r) => r.suite === name) });
  }
  const ordered = [...sections.values()].sort((a, b) => rank(order, a.name) - rank(order, b.name));
  const body = ordered
    .map((s) => `## ${s.name} — ${s.description}\n\nMeasured on ${machineLine(s.machine)}; ${s.seconds} s of load per scenario.\n\n${markdownTable(s.results)}\n`)
    .join('\n');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${preamble!.trimEnd()}\n\n${GENERATED_MARK}\n\n${body}\n${DATA_START}\n${JSON.stringify(ordered)}\n${DATA_END}\n`);
}

const rank = (order: { name: string }[], name: string) => {
  const i = order.findIndex((s) => s.name === name);
  return i < 0 ? order.length : i;
};

const DEFAULT_PREAMBLE = `# Benchmarks

The latest numbers from \`npm run bench\` (how to run it: README › Benchmarks). Each suite's
section is rewritten when that suite runs in full (not with \`--quick\`), with the machine it ran on.
`;
