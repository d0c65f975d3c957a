// The shape every benchmark suite shares, so main.ts can run, tabulate and record any of them.

/** One measured row of the results table. Metric keys are the column headers ("req/s", "p99 ms"). */
export type BenchResult = {
  suite: string;
  scenario: string;
  /** "PGlite", "PostgreSQL", or "-" when the scenario involves no database. */
  database: string;
  metrics: Record<string, number>;
  target?: Target | undefined;
  /** Why a row has no numbers (skipped) or anything a reader must know to trust them. */
  note?: string | undefined;
};

/** A budget from an issue: `metric` must stay below `max` or above `min`. */
export type Target = { metric: string; max?: number; min?: number; /** A further budget the same row must meet. */ and?: Target };

export type SuiteContext = {
  /** A short smoke run: shorter load windows; numbers are not comparable with a full run. */
  quick: boolean;
  /** Seconds of measured load per scenario. */
  seconds: number;
  /** The database kinds the user asked for (`--db`), before reachability checks. */
  databases: DatabaseKind[];
  log: (line: string) => void;
};

export type DatabaseKind = 'pglite' | 'postgres';

export type Suite = {
  name: string;
  description: string;
  run: (context: SuiteContext) => Promise<BenchResult[]>;
};

export function meetsTarget(result: BenchResult): boolean | undefined {
  return result.target ? meets(result.target, result.metrics) : undefined;
}

function meets(target: Target, metrics: Record<string, number>): boolean | undefined {
  const value = metrics[target.metric];
  if (value === undefined) return undefined;
  if (target.max !== undefined && !(value < target.max)) return false;
  if (target.min !== undefined && !(value > target.min)) return false;
  return target.and ? meets(target.and, metrics) : true;
}

export function describeTarget(target: Target): string {
  const parts = [];
  if (target.max !== undefined) parts.push(`${target.metric} < ${target.max}`);
  if (target.min !== undefined) parts.push(`${target.metric} > ${target.min}`);
  if (target.and) parts.push(describeTarget(target.and));
  return parts.join(', ');
}
