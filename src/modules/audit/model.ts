// What changed between two versions of a record, field by field. Audit rows keep only these
// fields, so the history reads "status: new → working" rather than two whole records.
export type Snapshot = Record<string, unknown>;

const IGNORED = new Set(['version', 'updatedAt', 'searchText']);

export function changedFields(before: Snapshot, after: Snapshot): { before: Snapshot; after: Snapshot } {
  const was: Snapshot = {};
  const now: Snapshot = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (IGNORED.has(key)) continue;
    if (!sameValue(before[key], after[key])) {
      was[key] = before[key] ?? null;
      now[key] = after[key] ?? null;
    }
  }
  return { before: was, after: now };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
