import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Team, User } from '../../api/types.ts';

export const usersKey = ['users'] as const;
export const teamsKey = ['teams'] as const;

export const useUsers = () =>
  useQuery({ queryKey: usersKey, queryFn: () => api<{ data: User[] }>('/api/v1/users').then((r) => r.data), staleTime: 60_000 });

export const useTeams = () =>
  useQuery({ queryKey: teamsKey, queryFn: () => api<{ data: Team[] }>('/api/v1/teams').then((r) => r.data), staleTime: 60_000 });

/** id → name for showing owners and actors; unknown ids fall back to "Unknown user". */
export function useUserNames(): (id: string | null | undefined) => string {
  const users = useUsers();
  const names = new Map((users.data ?? []).map((user) => [user.id, user.name]));
  return (id) => (id ? (names.get(id) ?? 'Unknown user') : 'Unassigned');
}

/** Owner choices: active users (plus the current owner even if deactivated, so it still shows). */
export function ownerOptions(users: User[] | undefined, currentOwnerId?: string | null): { value: string; label: string }[] {
  return (users ?? [])
    .filter((user) => user.status === 'active' || user.id === currentOwnerId)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((user) => ({ value: user.id, label: user.status === 'active' ? user.name : `${user.name} (deactivated)` }));
}
