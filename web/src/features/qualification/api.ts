// Qualification's API: frameworks (BANT by default), a lead's answers with progress, and the
// organisation's disqualification reasons and recycle period. Shapes mirror
// src/modules/qualification/routes.ts and src/modules/orgs/settings-routes.ts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch } from '../../api/client.ts';
import type { OrgSettings } from '../../api/types.ts';

export const QUESTION_TYPES = ['text', 'number', 'money', 'boolean', 'select', 'date', 'user'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const QUESTION_TYPE_LABELS: Record<QuestionType, string> = {
  text: 'Text',
  number: 'Number',
  money: 'Amount of money',
  boolean: 'Yes / no',
  select: 'One of a list',
  date: 'Date',
  user: 'A person (user)',
};

export type Question = { key: string; label: string; type: QuestionType; options?: string[]; required: boolean; weight?: number };
export type Framework = { id: string; name: string; questions: Question[]; isDefault: boolean; active: boolean; version: number; createdAt: string; updatedAt: string };
export type FrameworkInput = { name: string; questions: Question[]; isDefault?: boolean; active?: boolean };
export type MoneyAnswer = { amount: number; currency: string };
export type Answer = string | number | boolean | MoneyAnswer | null;
export type LeadQualification = {
  leadId: string;
  framework: Framework;
  answers: Record<string, Answer>;
  progress: { answeredRequired: number; totalRequired: number; percent: number; qualifiedReady: boolean; missing: string[] };
  version: number;
  updatedBy: string | null;
  updatedAt: string | null;
};

const frameworksKey = ['qualification', 'frameworks'] as const;
const leadKey = (leadId: string, frameworkId?: string) => ['qualification', 'lead', leadId, frameworkId ?? 'current'] as const;
const settingsKey = ['org-settings'] as const;

export const useFrameworks = () =>
  useQuery({ queryKey: frameworksKey, queryFn: () => api<{ data: Framework[] }>('/api/v1/qualification-frameworks').then((r) => r.data), staleTime: 60_000 });

export function useSaveFramework() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ framework, input }: { framework?: Framework; input: Partial<FrameworkInput> }) =>
      framework
        ? api<Framework>(`/api/v1/qualification-frameworks/${framework.id}`, { method: 'PATCH', body: input, headers: ifMatch(framework.version) })
        : api<Framework>('/api/v1/qualification-frameworks', { method: 'POST', body: input }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['qualification'] }),
  });
}

export function useDeleteFramework() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/qualification-frameworks/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['qualification'] }),
  });
}

export const useLeadQualification = (leadId: string, frameworkId?: string) =>
  useQuery({
    queryKey: leadKey(leadId, frameworkId),
    queryFn: () => api<LeadQualification>(`/api/v1/leads/${leadId}/qualification${frameworkId ? `?frameworkId=${frameworkId}` : ''}`),
  });

/** Replaces the answers, against the version the rep saw (a 412 means someone else saved first). */
export function useSaveQualification(leadId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ frameworkId, answers, version }: { frameworkId: string; answers: Record<string, Answer>; version: number }) =>
      api<LeadQualification>(`/api/v1/leads/${leadId}/qualification`, { method: 'PUT', body: { frameworkId, answers }, headers: ifMatch(version) }),
    onSuccess: (saved) => {
      queryClient.setQueryData(leadKey(leadId, saved.framework.id), saved);
      void queryClient.invalidateQueries({ queryKey: ['qualification', 'lead', leadId] });
      void queryClient.invalidateQueries({ queryKey: ['audit', 'lead', leadId] });
    },
  });
}

export const useOrgSettings = () => useQuery({ queryKey: settingsKey, queryFn: () => api<OrgSettings>('/api/v1/org-settings') });

export function useSaveOrgSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ version, changes }: { version: number; changes: Partial<Pick<OrgSettings, 'disqualificationReasons' | 'recycleAfterDays'>> }) =>
      api<OrgSettings>('/api/v1/org-settings', { method: 'PATCH', body: changes, headers: ifMatch(version) }),
    onSuccess: (saved) => queryClient.setQueryData(settingsKey, saved),
  });
}

/** Answers as a history line reads them: "budget 50,000.00 EUR; authority Decision maker". */
export function describeAnswers(value: unknown): string {
  if (!value || typeof value !== 'object') return 'none';
  const parts = Object.entries(value as Record<string, Answer>).map(([key, answer]) => {
    const text =
      answer && typeof answer === 'object'
        ? `${(answer.amount / 100).toLocaleString(undefined, { minimumFractionDigits: 2 })} ${answer.currency}`
        : typeof answer === 'boolean'
          ? answer
            ? 'yes'
            : 'no'
          : String(answer);
    return `${key} ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`;
  });
  return parts.length ? parts.join('; ') : 'none';
}
