import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';

export type ViewObject = 'lead' | 'contact' | 'account' | 'opportunity';
export type DateRange = { kind: string; n?: number; from?: string; to?: string };
export type FieldCondition = { field: string; op: string; value?: string | number | boolean | (string | number)[] | DateRange };
export type ActivityCondition = { activity: string; has: boolean; range: DateRange };
export type Condition = FieldCondition | ActivityCondition;
export type ViewFilters = { match: 'all' | 'any'; conditions: Condition[] };
export type ViewSort = { field: string; direction: 'asc' | 'desc' };
export type SavedView = { id: string; object: ViewObject; name: string; ownerId: string; shared: boolean; filters: ViewFilters; sort: ViewSort; columns: string[]; version: number };
export type ViewInput = { object: ViewObject; name: string; shared: boolean; filters: ViewFilters; sort: ViewSort; columns: string[] };
export type FieldInfo = { name: string; label: string; type: string; sortable: boolean; values?: string[] };
export type ViewRecord = Record<string, unknown> & { id: string };

export const viewKeys = {
  all: ['views'] as const,
  list: (object: ViewObject) => ['views', 'list', object] as const,
  counts: (object: ViewObject) => ['views', 'counts', object] as const,
  records: (id: string) => ['views', 'records', id] as const,
};

export const useViews = (object: ViewObject) => useQuery({ queryKey: viewKeys.list(object), queryFn: () => api<{ data: SavedView[] }>(`/api/v1/views${query({ object })}`) });

export const useViewCounts = (object: ViewObject) =>
  useQuery({ queryKey: viewKeys.counts(object), queryFn: () => api<{ data: { viewId: string; count: number; capped: boolean }[] }>(`/api/v1/views/counts${query({ object })}`) });

export const useViewFields = () =>
  useQuery({ queryKey: ['views', 'fields'], queryFn: () => api<Record<ViewObject, { customFields: boolean; fields: FieldInfo[] }>>('/api/v1/views/fields'), staleTime: Infinity });

export function useViewRecords(id: string) {
  return useInfiniteQuery({
    queryKey: viewKeys.records(id),
    queryFn: ({ pageParam, signal }) => api<{ data: ViewRecord[]; nextCursor: string | null; view: SavedView }>(`/api/v1/views/${id}/records${query({ limit: 50, cursor: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** How many records a filter being built selects, refreshed as it changes. */
export const usePreviewCount = (object: ViewObject, filters: ViewFilters, enabled: boolean) =>
  useQuery({
    queryKey: ['views', 'preview', object, filters],
    queryFn: () => api<{ count: number; capped: boolean }>('/api/v1/views/preview', { method: 'POST', body: { object, filters, limit: 1 } }),
    enabled,
    retry: false,
  });

export function useSaveView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input, version }: { id?: string; input: ViewInput; version?: number }) =>
      id
        ? api<SavedView>(`/api/v1/views/${id}`, { method: 'PATCH', body: { name: input.name, shared: input.shared, filters: input.filters, sort: input.sort, columns: input.columns, version } })
        : api<SavedView>('/api/v1/views', { method: 'POST', body: input }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: viewKeys.all }),
  });
}

export function useDeleteView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>(`/api/v1/views/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: viewKeys.all }),
  });
}
