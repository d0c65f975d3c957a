import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Period, PeriodKind } from '../quotas/api.ts';

export type Totals = { closed: number; commit: number; bestCase: number; pipeline: number; weighted: number; deals: number };
export type RollupNode = { kind: 'team' | 'user'; id: string; name: string; managerId: string | null; totals: Record<string, Totals>; children: RollupNode[] };
export type ForecastView = { period: Period; currencies: string[]; tree: RollupNode[] };

export type Submission = {
  id: string;
  scope: 'user' | 'team';
  scopeId: string;
  kind: 'call' | 'adjustment';
  periodKey: string;
  currency: string;
  commit: number;
  bestCase: number;
  note: string;
  system: Totals;
  submittedBy: string;
  submittedAt: string;
};

export type SubmissionSummary = {
  scope: 'user' | 'team';
  scopeId: string;
  name: string;
  currency: string;
  latest: Submission | null;
  previous: Submission | null;
  commitChange: number | null;
  bestCaseChange: number | null;
  adjustment: Submission | null;
  accuracy: { closedWon: number; commitError: number | null; bestCaseError: number | null } | null;
  history: Submission[];
};

export type StatisticalForecast = {
  period: Period;
  currency: string;
  seed: number;
  model: { global: number; trainedOn: number; strength: number };
  deals: { id: string; name: string; ownerId: string | null; amount: number; stageId: string; daysInStage: number; probability: number; basis: string; repRate: number | null }[];
  simulation: {
    trials: number;
    closed: number;
    expected: number;
    p10: number;
    p50: number;
    p90: number;
    histogram: { from: number; to: number; trials: number }[];
    movers: { id: string; name: string; amount: number; probability: number; expected: number; swing: number }[];
  };
  backtest: { rows: { period: string; predicted: number; actual: number; error: number | null; deals: number }[]; meanAbsoluteError: number | null };
};

const qs = (q: Record<string, string | undefined>) => new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1])).toString();

export const useForecast = (q: { period?: string; kind: PeriodKind }) =>
  useQuery({ queryKey: ['forecasts', 'rollup', q], queryFn: ({ signal }) => api<ForecastView>(`/api/v1/forecasts?${qs(q)}`, { signal }) });

export const useSubmissions = (q: { period?: string; kind: PeriodKind; currency?: string }) =>
  useQuery({
    queryKey: ['forecasts', 'submissions', q],
    queryFn: ({ signal }) => api<{ period: Period; currency: string; data: SubmissionSummary[] }>(`/api/v1/forecasts/submissions?${qs(q)}`, { signal }),
  });

export const useStatistical = (q: { period?: string; kind: PeriodKind; currency?: string; scope?: 'user' | 'team'; scopeId?: string }) =>
  useQuery({
    queryKey: ['forecasts', 'statistical', q],
    queryFn: ({ signal }) => api<StatisticalForecast>(`/api/v1/forecasts/statistical?${qs({ ...q, seed: '1' })}`, { signal }),
  });

export function useSubmitCall() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { scope: 'user' | 'team'; scopeId: string; period: string; currency: string; commit: number; bestCase: number; note?: string }) =>
      api<Submission>('/api/v1/forecasts/submissions', { method: 'POST', body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['forecasts', 'submissions'] }),
  });
}
