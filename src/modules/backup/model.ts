// The backup file format and the rules for reading it back, without any IO.
//
// A backup is gzipped NDJSON: one header line, then one line per row, grouped by table:
//   {"format":"leadflow-backup","version":1,"orgId":…,"orgName":…,"createdAt":…,"tables":[…]}
//   {"t":"organizations","r":{…}}
//   {"t":"users","r":{…}}
// Rows are PostgreSQL's own to_jsonb() of the row (column names as in the database, generated
// columns left out), so a restore hands them back to jsonb_populate_recordset unchanged: no value
// goes through a JavaScript number or Date on the way.

export const BACKUP_FORMAT = 'leadflow-backup';
export const BACKUP_VERSION = 1;
/** The tenant root; every other table in a backup is one with an org_id column. */
export const ORGANIZATIONS_TABLE = 'organizations';

export type BackupTable = { name: string; columns: string[]; rows: number };

export type BackupHeader = {
  format: typeof BACKUP_FORMAT;
  version: number;
  orgId: string;
  orgName: string;
  createdAt: string;
  tables: BackupTable[];
};

/** What a restore needs to know about a table of this Leadflow version. */
export type TableShape = {
  name: string;
  /** Columns a restore writes: generated ones are computed by the database. */
  writableColumns: string[];
  generatedColumns: string[];
  /** `GENERATED ALWAYS AS IDENTITY` columns need OVERRIDING SYSTEM VALUE to take the saved value. */
  identityAlways: boolean;
  /** Tables this one has foreign keys to: they are restored first and emptied last. */
  dependsOn: string[];
};

export class BackupFormatError extends Error {}

/**
 * Restore order: a table after the tables it references, otherwise by name, so the file and the
 * restore are the same from one run to the next. A reference cycle falls back to name order for the
 * tables in it (the database then reports the violated key, and the restore changes nothing).
 */
export function restoreOrder<T extends Pick<TableShape, 'name' | 'dependsOn'>>(tables: T[]): T[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: T) => {
    if (state.has(table.name)) return;
    state.set(table.name, 'visiting');
    for (const dependency of [...table.dependsOn].sort()) {
      const target = byName.get(dependency);
      if (target && target !== table) visit(target);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(table);
  return ordered;
}

export const headerLine = (header: BackupHeader): string => JSON.stringify(header);

/** One row line; `rowJson` is the database's JSON text of the row, written as it came. */
export const rowLine = (table: string, rowJson: string): string => `{"t":${JSON.stringify(table)},"r":${rowJson}}`;

const FAST_LINE = /^\{"t":"([a-z0-9_]+)","r":(\{.*\})\}$/s;

/** Splits a row line into its table and the row's JSON text (kept as text: see the top of the file). */
export function parseRowLine(line: string, lineNumber: number): { table: string; rowJson: string } {
  const fast = FAST_LINE.exec(line);
  if (fast) return { table: fast[1]!, rowJson: fast[2]! };
  // Not written by Leadflow's own writer (edited by hand?): fall back to a full parse.
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new BackupFormatError(`Line ${lineNumber} of the backup is not valid JSON`);
  }
  const { t, r } = (parsed ?? {}) as { t?: unknown; r?: unknown };
  if (typeof t !== 'string' || typeof r !== 'object' || r === null || Array.isArray(r)) {
    throw new BackupFormatError(`Line ${lineNumber} of the backup is not a row ({"t": table, "r": row})`);
  }
  return { table: t, rowJson: JSON.stringify(r) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks the first line of a file and what this Leadflow version can restore from it. */
export function parseHeader(line: string | undefined, known: TableShape[]): BackupHeader {
  let parsed: Partial<BackupHeader> | undefined;
  try {
    parsed = line ? (JSON.parse(line) as Partial<BackupHeader>) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.format !== BACKUP_FORMAT) throw new BackupFormatError('This is not a Leadflow backup file');
  if (typeof parsed.version !== 'number' || parsed.version > BACKUP_VERSION) {
    throw new BackupFormatError(`This backup has format version ${String(parsed.version)}; this Leadflow reads up to version ${BACKUP_VERSION}. Upgrade Leadflow to restore it.`);
  }
  if (typeof parsed.orgId !== 'string' || !UUID.test(parsed.orgId) || typeof parsed.orgName !== 'string' || !Array.isArray(parsed.tables)) {
    throw new BackupFormatError('The backup header is damaged (orgId, orgName or tables missing)');
  }
  const knownNames = new Set([ORGANIZATIONS_TABLE, ...known.map((table) => table.name)]);
  for (const table of parsed.tables) {
    if (!table || typeof table.name !== 'string' || !Array.isArray(table.columns) || typeof table.rows !== 'number') {
      throw new BackupFormatError('The backup header is damaged (a table entry lacks name, columns or rows)');
    }
    if (!knownNames.has(table.name)) {
      throw new BackupFormatError(`The backup holds the table "${table.name}", which this Leadflow version does not have. Upgrade Leadflow to restore it.`);
    }
  }
  return parsed as BackupHeader;
}

/**
 * The columns to insert: those the backup has and this version can write. A column added since
 * the backup was made takes its default; a generated column is computed again.
 */
export function columnsToRestore(saved: string[], shape: Pick<TableShape, 'writableColumns'>): string[] {
  const inBackup = new Set(saved);
  return shape.writableColumns.filter((column) => inBackup.has(column));
}

// Rows go to the database in batches: large enough to be fast, small enough to bound memory.
export const BATCH_ROWS = 500;
export const BATCH_BYTES = 4 * 1024 * 1024;

export const batchIsFull = (rows: number, bytes: number): boolean => rows >= BATCH_ROWS || bytes >= BATCH_BYTES;

/** Tables whose restored row count differs from what the header promised: a cut-off or edited file. */
export function countMismatches(header: BackupHeader, restored: Map<string, number>): string[] {
  const problems: string[] = [];
  for (const table of header.tables) {
    const got = restored.get(table.name) ?? 0;
    if (got !== table.rows) problems.push(`${table.name}: expected ${table.rows} rows, found ${got}`);
  }
  for (const [name, got] of restored) {
    if (!header.tables.some((table) => table.name === name)) problems.push(`${name}: ${got} rows not listed in the header`);
  }
  return problems;
}

/** A readable reason for a unique-key clash between the backup and the target database. */
export function describeClash(table: string, constraint: string | undefined, detail: string | undefined): string {
  const value = /=\((.*)\) already exists/.exec(detail ?? '')?.[1];
  if (table === 'users' && constraint === 'users_email_key' && value) {
    return `The email ${value} already belongs to a user of another organisation in this database (emails sign in, so they are unique across organisations). Remove or rename that user, or restore into another database. Nothing was restored.`;
  }
  return `A row of ${table} clashes with data already in this database${value ? ` (${value})` : ''}${constraint ? ` [${constraint}]` : ''}. Nothing was restored.`;
}

/** A file name for a download: "leadflow-acme-gmbh-2024-05-01.ndjson.gz". */
export function backupFileName(orgName: string, at: Date): string {
  const slug = orgName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `leadflow-${slug || 'org'}-${at.toISOString().slice(0, 10)}.ndjson.gz`;
}
