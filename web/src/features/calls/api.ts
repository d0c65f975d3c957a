import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';
import type { Lead } from '../../api/types.ts';
import type { SubjectType, TimelineItem } from '../activities/api.ts';
import type { Task } from '../tasks/api.ts';

export const CALL_OUTCOMES = ['connected', 'meeting_booked', 'not_interested', 'voicemail', 'no_answer', 'busy', 'wrong_number', 'gatekeeper'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const OUTCOME_LABELS: Record<CallOutcome, string> = {
  connected: 'Connected',
  meeting_booked: 'Meeting booked',
  not_interested: 'Not interested',
  voicemail: 'Voicemail',
  no_answer: 'No answer',
  busy: 'Busy',
  wrong_number: 'Wrong number',
  gatekeeper: 'Gatekeeper',
};

export type CallInput = {
  subjectType: SubjectType;
  subjectId: string;
  outcome: CallOutcome;
  durationSeconds?: number;
  notes?: string;
  taskId?: string;
  nextStep?: { dueAt: string; title?: string };
};

export function useLogCall() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CallInput) => api<{ call: TimelineItem; task: Task | null; created: boolean }>('/api/v1/calls', { method: 'POST', body: input }),
    onSuccess: (_result, input) => {
      void client.invalidateQueries({ queryKey: ['timeline', input.subjectType, input.subjectId] });
      void client.invalidateQueries({ queryKey: ['call-queue'] });
      void client.invalidateQueries({ queryKey: ['today'] });
      void client.invalidateQueries({ queryKey: ['tasks'] });
      void client.invalidateQueries({ queryKey: ['leads'] });
    },
  });
}

export type CallScript = { id: string; name: string; body: string; isDefault: boolean; version: number; updatedAt: string };

export type QueueProspect = {
  subjectType: 'lead' | 'contact';
  id: string;
  firstName: string;
  lastName: string;
  title: string | null;
  company: string;
  email: string | null;
  phone: string | null;
  score: number;
};

export type QueueEntry = {
  prospect: QueueProspect;
  lead: Lead | null;
  sequenceStep: { enrollmentId: string; sequenceId: string; sequenceName: string; stepNumber: number; instruction: string; taskId: string | null } | null;
  reason: string;
  zone: string;
  localTime: string;
  tel: string;
  slaDueAt: string | null;
  callTaskId: string | null;
  callDueAt: string | null;
  lastCallAt: string | null;
};

export type SkipReason = 'do_not_call' | 'no_phone' | 'outside_calling_hours' | 'unknown_time_zone' | 'recently_called' | 'skipped';

export type CallQueue = {
  current: (QueueEntry & { history: TimelineItem[] }) | null;
  upNext: QueueEntry[];
  ready: number;
  skipped: Record<SkipReason, number>;
  script: CallScript | null;
  considered: number;
};

export const useCallQueue = (params: Record<string, string | undefined>, enabled = true) =>
  useQuery({
    enabled,
    queryKey: ['call-queue', params],
    queryFn: ({ signal }) => api<CallQueue>(`/api/v1/call-queue${query(params)}`, { signal }),
    placeholderData: (previous) => previous,
  });

export const useCallScripts = () => useQuery({ queryKey: ['call-scripts'], queryFn: () => api<{ data: CallScript[] }>('/api/v1/call-scripts') });

export function useSaveScript() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id?: string; name: string; body: string; isDefault: boolean }) =>
      id ? api<CallScript>(`/api/v1/call-scripts/${id}`, { method: 'PATCH', body }) : api<CallScript>('/api/v1/call-scripts', { method: 'POST', body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['call-scripts'] }),
  });
}

export function useDeleteScript() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/call-scripts/${id}`, { method: 'DELETE' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['call-scripts'] }),
  });
}

export type WeeklyHours = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;
export type CallSettings = { callingHours: WeeklyHours; defaultTimeZone: string | null; recallAfterMinutes: number; version: number };

export const useCallSettings = () => useQuery({ queryKey: ['call-settings'], queryFn: () => api<CallSettings>('/api/v1/call-settings') });

export function useSaveCallSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<CallSettings, 'version'> & { version: number }) => api<CallSettings>('/api/v1/call-settings', { method: 'PUT', body }),
    onSuccess: (settings) => client.setQueryData(['call-settings'], settings),
  });
}
