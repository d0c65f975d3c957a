import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch, query } from '../../api/client.ts';
import type { Account, AccountDetail, Page } from '../../api/types.ts';

export type AccountInput = Partial<Omit<Account, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'deletedAt'>>;

export const accountKeys = {
  all: ['accounts'] as const,
  list: (params: Record<string, string | undefined>) => ['accounts', 'list', params] as const,
  one: (id: string) => ['accounts', 'one', id] as const,
};

export function useAccountList(params: Record<string, string | undefined>, pageSize = 50) {
  return useInfiniteQuery({
    queryKey: [...accountKeys.list(params), pageSize],
    queryFn: ({ pageParam, signal }) => api<Page<Account>>(`/api/v1/accounts${query({ ...params, limit: pageSize, cursor: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
}

export const useAccount = (id: string | null | undefined) =>
  useQuery({ queryKey: accountKeys.one(id ?? ''), queryFn: () => api<AccountDetail>(`/api/v1/accounts/${id}`), enabled: Boolean(id), staleTime: 30_000 });

export function useCreateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AccountInput) => api<Account>('/api/v1/accounts', { method: 'POST', body: input }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

export function useUpdateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ account, changes }: { account: Account; changes: AccountInput }) =>
      api<Account>(`/api/v1/accounts/${account.id}`, { method: 'PATCH', body: changes, headers: ifMatch(account.version) }),
    onSuccess: (account) => {
      // Keep the page's version current at once, so a quick second edit is not refused as stale.
      queryClient.setQueryData<AccountDetail>(accountKeys.one(account.id), (old) => (old ? { ...old, ...account } : old));
      void queryClient.invalidateQueries({ queryKey: accountKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['audit', 'account', account.id] });
    },
  });
}

export function useDeleteAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/accounts/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

/** An account's name if this page has already loaded it (history lines); never fetches. */
export function useKnownAccountName(): (id: string) => string {
  const queryClient = useQueryClient();
  return (id) => queryClient.getQueryData<AccountDetail>(accountKeys.one(id))?.name ?? 'another account';
}
