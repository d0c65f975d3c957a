// Scoring's API: the org's fit and engagement rules (admins) and a lead's score with a reason
// for every point. Shapes mirror src/modules/scoring/routes.ts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch } from '../../api/client.ts';

export const SENIORITIES = ['c_level', 'vp', 'director', 'manager', 'individual'] as const;
export type Seniority = (typeof SENIORITIES)[number];
export const SENIORITY_LABELS: Record<Seniority, string> = { c_level: 'C-level', vp: 'VP', director: 'Director', manager: 'Manager', individual: 'Individual contributor' };

export const ENGAGEMENT_KINDS = ['call_connected', 'email_opened', 'email_replied', 'form_submission', 'meeting_held'] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];
export const ENGAGEMENT_LABELS: Record<EngagementKind, string> = {
  call_connected: 'Call connected',
  email_opened: 'Email opened',
  email_replied: 'Email replied',
  form_submission: 'Form submitted',
  meeting_held: 'Meeting held',
};

export type ListOperator = 'in' | 'not_in';
export type FitRule =
  | { field: 'industry' | 'country'; operator: ListOperator; values: string[]; points: number }
  | { field: 'titleSeniority'; operator: ListOperator; values: Seniority[]; points: number }
  | { field: 'employeeCount'; operator: 'between'; min: number | null; max: number | null; points: number }
  // A lead custom field: values it may hold, or a range for numbers and money (minor units).
  | { field: `custom.${string}`; operator: ListOperator; values: string[]; points: number }
  | { field: `custom.${string}`; operator: 'between'; min: number | null; max: number | null; points: number };
export type FitField = Exclude<FitRule['field'], `custom.${string}`>;
export const FIT_FIELD_LABELS: Record<FitField, string> = { titleSeniority: 'Title seniority', employeeCount: 'Employees', industry: 'Industry', country: 'Country' };

export type EngagementRule = { kind: EngagementKind; points: number; halfLifeDays: number; maxEvents: number };
export type ScoringRules = { fit: FitRule[]; engagement: EngagementRule[]; version: number; updatedAt: string | null };
export type LeadScore = { leadId: string; score: number; fit: number; engagement: number; reasons: { points: number; reason: string; source: 'fit' | 'engagement' }[]; computedAt: string };

const rulesKey = ['scoring', 'rules'] as const;

export const useScoringRules = () => useQuery({ queryKey: rulesKey, queryFn: () => api<ScoringRules>('/api/v1/scoring-rules') });

/** Saving the rules makes the server rescore every lead of the organisation in the background. */
export function useSaveScoringRules() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ version, fit, engagement }: Pick<ScoringRules, 'fit' | 'engagement' | 'version'>) =>
      api<ScoringRules>('/api/v1/scoring-rules', { method: 'PUT', body: { fit, engagement }, headers: ifMatch(version) }),
    onSuccess: (saved) => {
      queryClient.setQueryData(rulesKey, saved);
      void queryClient.invalidateQueries({ queryKey: ['scoring', 'rescore'] });
      void queryClient.invalidateQueries({ queryKey: ['scoring', 'lead'] });
      void queryClient.invalidateQueries({ queryKey: ['leads'] });
    },
  });
}

export const useLeadScore = (leadId: string, leadVersion: number) =>
  useQuery({ queryKey: ['scoring', 'lead', leadId, leadVersion], queryFn: () => api<LeadScore>(`/api/v1/leads/${leadId}/score`) });

export type RescoreProgress = {
  state: 'none' | 'queued' | 'running' | 'done';
  rulesVersion: number | null;
  total: number;
  done: number;
  requestedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
};
const progressKey = ['scoring', 'rescore'] as const;

/** Polls while a rescore is queued or running. */
export const useRescoreProgress = () =>
  useQuery({
    queryKey: progressKey,
    queryFn: () => api<RescoreProgress>('/api/v1/scoring-rules/rescore'),
    refetchInterval: (q) => (q.state.data?.state === 'queued' || q.state.data?.state === 'running' ? 1500 : false),
  });

export function useRequestRescore() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<RescoreProgress>('/api/v1/scoring-rules/rescore', { method: 'POST' }),
    onSuccess: (progress) => {
      queryClient.setQueryData(progressKey, progress);
      void queryClient.invalidateQueries({ queryKey: ['leads'] });
    },
  });
}
