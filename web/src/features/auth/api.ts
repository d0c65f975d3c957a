import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { browserTimeZone } from '../../lib/dates.ts';

export const meKey = ['me'] as const;

/** The signed-in user and org, or null when nobody is signed in. */
export async function fetchMe(): Promise<Me | null> {
  try {
    const me = await api<Me>('/api/v1/auth/me');
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export const useMe = () => useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 5 * 60_000 });

export const useSetupState = () =>
  useQuery({ queryKey: ['setup'], queryFn: () => api<{ needsSetup: boolean }>('/api/v1/setup'), staleTime: 60_000 });

export async function signIn(email: string, password: string): Promise<Me> {
  const me = await api<Me>('/api/v1/auth/login', { method: 'POST', body: { email, password } });
  setCsrfToken(me.csrfToken);
  return me;
}

export async function createOrganisation(input: { orgName: string; name: string; email: string; password: string }): Promise<void> {
  const created = await api<{ csrfToken: string; userId: string }>('/api/v1/setup', { method: 'POST', body: input });
  setCsrfToken(created.csrfToken);
  await adoptBrowserTimeZone(created.userId);
}

export async function acceptInvitation(input: { token: string; password: string; name?: string }): Promise<Me> {
  const me = await api<Me>('/api/v1/auth/accept-invitation', { method: 'POST', body: input });
  setCsrfToken(me.csrfToken);
  if (me.user.timeZone === 'UTC') await adoptBrowserTimeZone(me.user.id);
  return me;
}

/**
 * A new account starts in UTC; on first sign-in take the browser's zone so dates read right
 * from the start (changeable under Settings → Profile). Best effort: a failure changes nothing.
 */
async function adoptBrowserTimeZone(userId: string): Promise<void> {
  const zone = browserTimeZone();
  if (zone === 'UTC') return;
  await api(`/api/v1/users/${userId}`, { method: 'PATCH', body: { timeZone: zone } }).catch(() => undefined);
}

export function useSignOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await api('/api/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
    setCsrfToken(null);
    queryClient.clear();
    queryClient.setQueryData(meKey, null);
  };
}
