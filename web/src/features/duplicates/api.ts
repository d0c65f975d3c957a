// Duplicates and merges: likely duplicate groups with their reasons, a side-by-side preview, the
// merge itself, its history and undo. Shapes mirror src/modules/duplicates and src/modules/merges.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export const RECORD_TYPES = ['lead', 'contact', 'account'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
export const TYPE_LABELS: Record<RecordType, string> = { lead: 'Leads', contact: 'Contacts', account: 'Accounts' };
export const recordPath = (type: RecordType, id: string) => `/${type}s/${id}`;

export type MatchReason = 'email' | 'phone' | 'name_and_domain' | 'similar_company' | 'same_account' | 'domain' | 'similar_name';
export const REASON_LABELS: Record<MatchReason, string> = {
  email: 'Same email',
  phone: 'Same phone (E.164)',
  name_and_domain: 'Same name and company domain',
  similar_company: 'Same name, similar company',
  same_account: 'Same name on the same account',
  domain: 'Same domain',
  similar_name: 'Similar name',
};
export type DuplicateGroup = {
  ids: string[];
  score: number;
  reasons: { reason: MatchReason; ids: [string, string]; score: number; value: string | null }[];
  records: { id: string; name: string; email: string | null; phone: string | null; company: string | null }[];
};
export type Snapshot = Record<string, unknown> & { id: string; version: number };
export type MergePreview = { type: RecordType; records: Snapshot[]; fields: { field: string; values: { recordId: string; value: unknown }[]; differs: boolean }[] };
export type Merge = {
  id: string;
  type: RecordType;
  survivorId: string;
  mergedIds: string[];
  fieldChoices: Record<string, string>;
  survivorBefore: Snapshot;
  mergedBefore: Snapshot[];
  moved: { activities: number; contacts: number; subsidiaries: number };
  createdBy: string | null;
  createdAt: string;
  undoneAt: string | null;
  undoneBy: string | null;
};

/** `defaultCountry`: a two-letter code, or '' for none. */
export const useDuplicates = (type: RecordType, defaultCountry: string) =>
  useInfiniteQuery({
    queryKey: ['duplicates', type, defaultCountry],
    queryFn: ({ pageParam }) =>
      api<Page<DuplicateGroup>>(`/api/v1/duplicates${query({ type, defaultCountry, limit: 50, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export const useMergePreview = (type: RecordType, ids: string[]) =>
  useQuery({ queryKey: ['merges', 'preview', type, ids], queryFn: () => api<MergePreview>(`/api/v1/merges/preview${query({ type, ids: ids.join(',') })}`), enabled: ids.length > 1, staleTime: 0 });

export const useMerges = (type?: RecordType) =>
  useInfiniteQuery({
    queryKey: ['merges', 'list', type ?? 'all'],
    queryFn: ({ pageParam }) => api<Page<Merge>>(`/api/v1/merges${query({ type, limit: 50, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

function useSettle() {
  const queryClient = useQueryClient();
  return () => {
    for (const key of ['duplicates', 'merges', 'leads', 'contacts', 'accounts', 'audit']) void queryClient.invalidateQueries({ queryKey: [key] });
  };
}

export function useMergeRecords() {
  const settle = useSettle();
  return useMutation({
    mutationFn: (input: { type: RecordType; survivorId: string; mergedIds: string[]; fieldChoices: Record<string, string> }) => api<Merge>('/api/v1/merges', { method: 'POST', body: input }),
    onSuccess: settle,
  });
}

export function useUndoMerge() {
  const settle = useSettle();
  return useMutation({ mutationFn: (id: string) => api<Merge>(`/api/v1/merges/${id}/undo`, { method: 'POST' }), onSuccess: settle });
}

/** A short name for a record snapshot of any type. */
export function snapshotName(s: Record<string, unknown>): string {
  const text = (k: string) => (typeof s[k] === 'string' ? (s[k] as string).trim() : '');
  return `${text('firstName')} ${text('lastName')}`.trim() || text('name') || text('company') || text('email') || String(s.id ?? '').slice(0, 8);
}

export const FIELD_LABELS: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  title: 'Job title',
  website: 'Website',
  industry: 'Industry',
  employeeCount: 'Employees',
  country: 'Country',
  region: 'Region',
  city: 'City',
  postcode: 'Postcode',
  status: 'Status',
  source: 'Source',
  ownerId: 'Owner',
  notes: 'Notes',
  accountId: 'Account',
  name: 'Name',
  domain: 'Domain',
  parentAccountId: 'Parent account',
  lifecycleStage: 'Lifecycle stage',
};

export type Dismissal = { id: string; type: RecordType; ids: [string, string]; dismissedBy: string | null; createdAt: string };

/** "Not a duplicate": every pair of the group stays out of later scans (undo deletes the dismissals). */
export function useDismissDuplicates() {
  const queryClient = useQueryClient();
  const settle = () => void queryClient.invalidateQueries({ queryKey: ['duplicates'] });
  const dismiss = useMutation({
    mutationFn: ({ type, ids }: { type: RecordType; ids: string[] }) => api<{ data: Dismissal[] }>('/api/v1/duplicate-dismissals', { method: 'POST', body: { type, ids } }).then((r) => r.data),
    onSuccess: settle,
  });
  const undo = useMutation({
    mutationFn: async (dismissals: Dismissal[]) => {
      for (const d of dismissals) await api<null>(`/api/v1/duplicate-dismissals/${d.id}`, { method: 'DELETE' });
    },
    onSuccess: settle,
  });
  return { dismiss, undo };
}
