import type { FieldError } from '../../core/errors.ts';

// Merge rules that need no database: which fields merge, what the survivor ends up with, and
// when a merge can still be undone.
export const MERGE_TYPES = ['lead', 'contact', 'account'] as const;
export type MergeType = (typeof MERGE_TYPES)[number];

/** The fields a merge decides, per record type: everything a user can edit. */
export const MERGE_FIELDS: Record<MergeType, readonly string[]> = {
  lead: [
    'firstName', 'lastName', 'email', 'phone', 'company', 'title', 'website', 'industry', 'employeeCount',
    'country', 'region', 'city', 'postcode', 'status', 'source', 'ownerId', 'notes',
  ],
  contact: ['accountId', 'firstName', 'lastName', 'email', 'phone', 'title', 'ownerId', 'notes'],
  account: [
    'name', 'domain', 'industry', 'employeeCount', 'country', 'region', 'city', 'phone', 'parentAccountId',
    'lifecycleStage', 'ownerId', 'notes',
  ],
};

/** At most this many records merge into one survivor at a time. */
export const MAX_MERGED = 10;

/** A whole record as the API shows it: its fields plus id, version and trash state. */
export type RecordSnapshot = Record<string, unknown> & { id: string; version: number; deletedAt: string | null };

export type MergeMoves = {
  activities: { id: string; from: string; to: string }[];
  contacts: { id: string; from: string; to: string }[];
  subsidiaries: { id: string; from: string; to: string }[];
};

export type MergeRequest = { survivorId: string; mergedIds: string[]; fieldChoices: Record<string, string> };

/** What is wrong with a merge request on its face, before any record is read. */
export function mergeRequestErrors(type: MergeType, request: MergeRequest): FieldError[] {
  const errors: FieldError[] = [];
  if (request.mergedIds.includes(request.survivorId)) errors.push({ field: 'mergedIds', message: 'The surviving record cannot also be merged away' });
  if (new Set(request.mergedIds).size !== request.mergedIds.length) errors.push({ field: 'mergedIds', message: 'A record is listed twice' });
  const involved = new Set([request.survivorId, ...request.mergedIds]);
  for (const [field, recordId] of Object.entries(request.fieldChoices)) {
    if (!MERGE_FIELDS[type].includes(field)) errors.push({ field: `fieldChoices.${field}`, message: `A ${type} has no mergeable field "${field}"` });
    else if (!involved.has(recordId)) errors.push({ field: `fieldChoices.${field}`, message: 'Choose the value of one of the records being merged' });
  }
  return errors;
}

const blank = (value: unknown) => value === null || value === undefined || value === '';

/**
 * The survivor's fields after the merge: a chosen record's value where the user chose one;
 * otherwise the survivor's own value, or — where the survivor has none — the first merged
 * record's that has one. Notes are kept from every record unless one is chosen.
 */
export function mergedValues(
  type: MergeType,
  survivor: RecordSnapshot,
  merged: RecordSnapshot[],
  choices: Record<string, string>,
): Record<string, unknown> {
  const byId = new Map([survivor, ...merged].map((r) => [r.id, r]));
  const values: Record<string, unknown> = {};
  for (const field of MERGE_FIELDS[type]) {
    const chosen = choices[field] ? byId.get(choices[field]) : undefined;
    if (chosen) values[field] = chosen[field] ?? null;
    else if (field === 'notes') values[field] = [...new Set([survivor, ...merged].map((r) => String(r.notes ?? '').trim()).filter(Boolean))].join('\n\n');
    else if (!blank(survivor[field])) values[field] = survivor[field];
    else values[field] = merged.map((r) => r[field]).find((v) => !blank(v)) ?? survivor[field] ?? null;
  }
  return values;
}

export type FieldComparison = { field: string; values: { recordId: string; value: unknown }[]; differs: boolean };

/** Side by side, field by field: what each record holds, and whether they disagree. */
export function compareFields(type: MergeType, records: RecordSnapshot[]): FieldComparison[] {
  return MERGE_FIELDS[type].map((field) => {
    const values = records.map((r) => ({ recordId: r.id, value: r[field] ?? null }));
    const distinct = new Set(values.filter((v) => !blank(v.value)).map((v) => JSON.stringify(v.value)));
    return { field, values, differs: distinct.size > 1 };
  });
}

/** A snapshot as a state to write back: its mergeable fields and its trash state. */
export function stateOf(type: MergeType, snapshot: RecordSnapshot): Record<string, unknown> & { deletedAt: string | null } {
  const state: Record<string, unknown> = {};
  for (const field of MERGE_FIELDS[type]) state[field] = snapshot[field] ?? null;
  return { ...state, deletedAt: snapshot.deletedAt };
}

/**
 * Why a merge can no longer be undone, or null. The rule: undo puts the snapshots back, so it
 * is refused once any record in the merge has changed since (its version moved on) — an edit
 * to the survivor, or a merged record restored or edited — because putting the snapshots back
 * would silently throw that work away.
 */
export function undoBlocker(
  type: MergeType,
  versionsAfter: Record<string, number>,
  current: { id: string; version: number }[],
  survivorId: string,
): string | null {
  for (const [id, version] of Object.entries(versionsAfter)) {
    const now = current.find((r) => r.id === id);
    if (!now) return `The ${type} ${id} no longer exists`;
    if (now.version !== version) {
      return id === survivorId
        ? `The surviving ${type} was changed after the merge (version ${version}, now ${now.version}); undoing would discard those changes. Revert them first or fix the records by hand.`
        : `The merged ${type} ${id} was changed after the merge (version ${version}, now ${now.version}); it can no longer be put back as it was.`;
    }
  }
  return null;
}
