import { createContext, useContext, type ReactNode } from 'react';
import type { Me, Role } from '../../api/types.ts';
import { setDisplayTimeZone } from '../../lib/dates.ts';

const SessionContext = createContext<Me | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  setDisplayTimeZone(me.user.timeZone);
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

/** The signed-in user; only inside the signed-in part of the app. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside the signed-in app');
  return me;
}

// Mirrors src/core/roles.ts for what the UI offers; the API enforces it regardless.
export const canReassign = (role: Role) => role === 'admin' || role === 'manager';
export const canManageUsers = (role: Role) => role === 'admin';
export const canManageTeams = (role: Role) => role === 'admin' || role === 'manager';
