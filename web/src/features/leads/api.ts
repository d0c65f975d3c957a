import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch, query } from '../../api/client.ts';
import type { Lead, LeadStatus, Page } from '../../api/types.ts';

export type LeadInput = Partial<
  Omit<Lead, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'createdBy' | 'score' | 'disqualifiedAt' | 'recycleAt'>
>;

export const leadKeys = {
  all: ['leads'] as const,
  list: (params: Record<string, string | undefined>) => ['leads', 'list', params] as const,
  one: (id: string) => ['leads', 'one', id] as const,
};

const PAGE_SIZE = 50;

export function useLeadList(params: Record<string, string | undefined>, pageSize = PAGE_SIZE) {
  return useInfiniteQuery({
    queryKey: [...leadKeys.list(params), pageSize],
    queryFn: ({ pageParam, signal }) => api<Page<Lead>>(`/api/v1/leads${query({ ...params, limit: pageSize, cursor: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
}

export const useLead = (id: string) => useQuery({ queryKey: leadKeys.one(id), queryFn: () => api<Lead>(`/api/v1/leads/${id}`) });

export function useCreateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LeadInput) => api<Lead>('/api/v1/leads', { method: 'POST', body: input }),
    onSuccess: (lead) => {
      queryClient.setQueryData(leadKeys.one(lead.id), lead);
      void queryClient.invalidateQueries({ queryKey: [...leadKeys.all, 'list'] });
    },
  });
}

/** Saves changes to the version the user saw; a 412 means someone else saved first. */
export function useUpdateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ lead, changes }: { lead: Lead; changes: LeadInput }) =>
      api<Lead>(`/api/v1/leads/${lead.id}`, { method: 'PATCH', body: changes, headers: ifMatch(lead.version) }),
    onSuccess: (lead) => {
      queryClient.setQueryData(leadKeys.one(lead.id), lead);
      void queryClient.invalidateQueries({ queryKey: [...leadKeys.all, 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['audit', 'lead', lead.id] });
    },
  });
}

export function useLeadTrash() {
  const queryClient = useQueryClient();
  const settle = (id: string) => {
    void queryClient.invalidateQueries({ queryKey: leadKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['audit', 'lead', id] });
  };
  return {
    remove: useMutation({ mutationFn: (id: string) => api<void>(`/api/v1/leads/${id}`, { method: 'DELETE' }), onSuccess: (_r, id) => settle(id) }),
    restore: useMutation({ mutationFn: (id: string) => api<Lead>(`/api/v1/leads/${id}/restore`, { method: 'POST' }), onSuccess: (_r, id) => settle(id) }),
  };
}

export type BulkChange =
  | { action: 'assign'; ownerId: string }
  | { action: 'status'; status: LeadStatus; disqualifiedReason?: string }
  | { action: 'delete' };

export function useBulkLeads() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ ids, change }: { ids: string[]; change: BulkChange }) =>
      api<{ updated: number }>('/api/v1/leads/bulk', { method: 'POST', body: { ids, ...change } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: leadKeys.all }),
  });
}
