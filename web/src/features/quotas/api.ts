import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export type PeriodKind = 'month' | 'quarter' | 'year';
export type QuotaMetric = 'closed_won' | 'qualified_sourced' | 'meetings_held' | 'activities';
export type DealKind = 'all' | 'new_business' | 'expansion';
export type Period = { key: string; kind: PeriodKind; start: string; end: string };

export const METRIC_LABELS: Record<QuotaMetric, string> = {
  closed_won: 'Closed-won amount',
  qualified_sourced: 'Qualified opportunities sourced',
  meetings_held: 'Meetings held',
  activities: 'Activities (calls, emails, meetings)',
};

export type Quota = {
  id: string;
  scope: 'user' | 'team';
  scopeId: string;
  periodKey: string;
  periodKind: PeriodKind;
  periodStart: string;
  periodEnd: string;
  metric: QuotaMetric;
  dealKind: DealKind;
  currency: string | null;
  target: number;
  version: number;
  updatedAt: string;
};

export type Attainment = {
  target: number;
  actual: number;
  attainment: number | null;
  expectedToDate: number;
  pace: number | null;
  gap: number;
  businessDaysElapsed: number;
  businessDaysTotal: number;
};

export type AttainmentReport = {
  period: Period;
  metric: QuotaMetric;
  dealKind: DealKind;
  currency: string | null;
  today: string;
  users: (Attainment & { userId: string; name: string; teamId: string | null; quotaId: string | null })[];
  teams: (Attainment & {
    teamId: string;
    name: string;
    quotaId: string | null;
    membersTarget: number;
    ownTarget: boolean;
    members: { userId: string; name: string; daysInTeam: number; proratedTarget: number; actualInTeam: number }[];
  })[];
  leaderboard: { userId: string; name: string; target: number; actual: number; attainment: number | null; rank: number }[];
};

export type AttainmentQuery = { period?: string; kind: PeriodKind; metric: QuotaMetric; dealKind?: DealKind };

const query = (q: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(q).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '').map(([k, v]) => [k, String(v)])).toString();

export const useAttainment = (q: AttainmentQuery) =>
  useQuery({ queryKey: ['quotas', 'attainment', q], queryFn: ({ signal }) => api<AttainmentReport>(`/api/v1/quotas/attainment?${query(q)}`, { signal }) });

export const useQuotaHistory = (q: { scope: 'user' | 'team'; scopeId: string; kind: PeriodKind; metric: QuotaMetric; count?: number }, enabled = true) =>
  useQuery({
    queryKey: ['quotas', 'history', q],
    queryFn: ({ signal }) => api<{ data: { period: Period; target: number; actual: number; attainment: number | null }[] }>(`/api/v1/quotas/history?${query(q)}`, { signal }),
    enabled,
  });

export const useQuotas = (period: string | undefined) =>
  useQuery({ queryKey: ['quotas', 'list', period], queryFn: ({ signal }) => api<{ data: Quota[] }>(`/api/v1/quotas?${query({ period })}`, { signal }) });

export function useSetQuota() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { scope: 'user' | 'team'; scopeId: string; period: string; metric: QuotaMetric; dealKind?: DealKind; currency?: string; target: number }) =>
      api<Quota>('/api/v1/quotas', { method: 'PUT', body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['quotas'] }),
  });
}

export function useDeleteQuota() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>(`/api/v1/quotas/${id}`, { method: 'DELETE' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['quotas'] }),
  });
}

export const percent = (ratio: number | null): string => (ratio === null ? '—' : `${Math.round(ratio * 100)} %`);

type FiscalSettings = { fiscalYearStartMonth: number; repsSeeTeamNumbers: boolean; version: number };

export const useFiscalSettings = () => useQuery({ queryKey: ['org-settings'], queryFn: () => api<FiscalSettings>('/api/v1/org-settings') });

export function useSaveFiscalSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ version, changes }: { version: number; changes: Partial<Omit<FiscalSettings, 'version'>> }) =>
      api<FiscalSettings>('/api/v1/org-settings', { method: 'PATCH', body: { ...changes, version } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['org-settings'] });
      void client.invalidateQueries({ queryKey: ['quotas'] });
      void client.invalidateQueries({ queryKey: ['forecasts'] });
    },
  });
}
