// Record visibility (the sharing model) without a database: who sees and edits which lead,
// contact, account or deal. The SQL in ./records.ts says the same thing for the database; the
// visibility tests hold the two to each other.
import type { TeamLink } from '../users/model.ts';

export const RECORD_OBJECTS = ['leads', 'contacts', 'accounts', 'opportunities'] as const;
export type RecordObject = (typeof RECORD_OBJECTS)[number];

/** everyone: the whole org; team: your own and your team's; own: only your own. */
export const VISIBILITY_MODES = ['everyone', 'team', 'own'] as const;
export type VisibilityMode = (typeof VISIBILITY_MODES)[number];

export type RecordVisibility = Record<RecordObject, VisibilityMode>;

export const DEFAULT_RECORD_VISIBILITY: RecordVisibility = { leads: 'everyone', contacts: 'everyone', accounts: 'everyone', opportunities: 'everyone' };

export type Viewer = { userId: string; role: string };

export type RecordFacts = {
  ownerId: string | null;
  /** The account team of the record's account (the account itself, a contact's or a deal's). */
  accountTeam: readonly string[];
  /** A deal's finance and legal approvers while a request waits for them. */
  pendingApprovers?: readonly string[] | undefined;
};

/**
 * Whose records a person reaches by ownership beyond their own: managers reach everyone in the
 * teams they manage and every team below those; in `team` mode everyone reaches their own team.
 */
export function reachableOwners(viewer: Viewer, mode: VisibilityMode, teams: readonly TeamLink[]): Set<string> {
  const owners = new Set<string>([viewer.userId]);
  const managed = new Set<string>();
  const reach = (teamId: string) => {
    if (managed.has(teamId)) return;
    managed.add(teamId);
    for (const t of teams) if (t.parentTeamId === teamId) reach(t.id);
  };
  for (const t of teams) if (t.managerId === viewer.userId) reach(t.id);
  for (const t of teams) {
    const own = mode === 'team' && t.memberIds.includes(viewer.userId);
    if (managed.has(t.id) || own) t.memberIds.forEach((id) => owners.add(id));
  }
  return owners;
}

/**
 * Whether a person sees (and, their role permitting, edits) a record. Admins see everything;
 * partner users see no records (only their own partner organisation's deal registrations, which
 * the partners module scopes). Otherwise the org's mode for the object decides, and whatever
 * the mode: your own records, your hierarchy's (managers), the accounts whose team you are on
 * with their contacts and deals, the deals waiting for your finance or legal approval, and — for
 * managers, who assign them — records nobody owns.
 */
export function canSeeRecord(viewer: Viewer, mode: VisibilityMode, teams: readonly TeamLink[], record: RecordFacts): boolean {
  if (viewer.role === 'admin') return true;
  if (viewer.role === 'partner') return false;
  if (mode === 'everyone') return true;
  if (record.accountTeam.includes(viewer.userId)) return true;
  if (record.pendingApprovers?.includes(viewer.userId)) return true;
  if (record.ownerId === null) return viewer.role === 'manager';
  return reachableOwners(viewer, mode, teams).has(record.ownerId);
}

/** The current modes with a partial change (or a stored row) laid over them; unknown values are ignored. */
export function mergeVisibility(current: RecordVisibility, changes: Partial<Record<RecordObject, VisibilityMode | undefined>> | undefined): RecordVisibility {
  const next = { ...current };
  for (const object of RECORD_OBJECTS) {
    const mode = changes?.[object];
    if (mode && (VISIBILITY_MODES as readonly string[]).includes(mode)) next[object] = mode;
  }
  return next;
}
