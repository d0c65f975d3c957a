import type { FieldError } from '../../core/errors.ts';

export const USER_STATUSES = ['active', 'invited', 'deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const MIN_PASSWORD_LENGTH = 10;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** Why a password is refused, or null. Length beats composition rules (NIST 800-63B). */
export function passwordProblem(password: string, email?: string): FieldError | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { field: 'password', message: `Use at least ${MIN_PASSWORD_LENGTH} characters` };
  }
  if (password.length > 256) return { field: 'password', message: 'Use at most 256 characters' };
  if (email && password.toLowerCase() === normaliseEmail(email)) {
    return { field: 'password', message: 'The password must not be the email address' };
  }
  return null;
}

/** Only active users may sign in or use their API keys. */
export const canSignIn = (status: string): boolean => status === 'active';

export type TeamLink = { id: string; parentTeamId: string | null; managerId: string | null; memberIds: readonly string[] };

/**
 * Whose numbers (quotas, forecasts) a person may see. Admins: everyone. Managers: themselves and
 * the teams they manage with every team below them. Reps: themselves, and their own team when the
 * org lets reps see their team's numbers. Executives: themselves. Partners: nobody.
 */
export function numbersVisibleTo(
  viewer: { userId: string; role: string },
  teams: readonly TeamLink[],
  repsSeeTeamNumbers: boolean,
): { everyone: boolean; userIds: Set<string>; teamIds: Set<string> } {
  const userIds = new Set<string>();
  const teamIds = new Set<string>();
  if (viewer.role === 'admin') return { everyone: true, userIds, teamIds };
  if (viewer.role === 'partner') return { everyone: false, userIds, teamIds };
  userIds.add(viewer.userId);
  const own = teams.find((t) => t.memberIds.includes(viewer.userId));
  const reach = (teamId: string) => {
    if (teamIds.has(teamId)) return;
    teamIds.add(teamId);
    for (const t of teams) if (t.id === teamId) t.memberIds.forEach((id) => userIds.add(id));
    for (const t of teams) if (t.parentTeamId === teamId) reach(t.id);
  };
  if (viewer.role === 'manager') for (const t of teams) if (t.managerId === viewer.userId) reach(t.id);
  if (viewer.role === 'rep' && repsSeeTeamNumbers && own) {
    teamIds.add(own.id);
    own.memberIds.forEach((id) => userIds.add(id));
  }
  return { everyone: false, userIds, teamIds };
}
