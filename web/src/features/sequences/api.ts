import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export const STEP_CHANNELS = ['auto_email', 'manual_email', 'call', 'task'] as const;
export type StepChannel = (typeof STEP_CHANNELS)[number];
export const CHANNEL_LABELS: Record<StepChannel, string> = { auto_email: 'Automatic email', manual_email: 'Manual email', call: 'Call', task: 'Task' };

export type SequenceStep = { id?: string; channel: StepChannel; delayDays: number; templateId?: string | null; subject?: string | null; body?: string | null; note?: string | null };
export type Sequence = { id: string; name: string; description: string; status: 'active' | 'paused' | 'archived'; allowConcurrent: boolean; steps: (SequenceStep & { id: string })[]; version: number; enrolled?: number; active?: number };
export type Enrollment = { id: string; name?: string; subjectType: string; subjectId: string; status: string; exitReason: string | null; stepIndex: number; nextDueAt: string | null; waitingStepId: string | null; enrolledAt: string; timeZone: string };
export type SequenceMetrics = {
  enrolled: number; active: number; finished: number; exited: Record<string, number>; sent: number; opened: number; clicked: number; replied: number; bounced: number; meetings: number;
  steps: { stepId: string; channel: string; sent: number; opened: number; replied: number; tasks: number; skipped: number; failed: number }[];
};
export type EnrollResult = { enrolled: Enrollment[]; skipped: { subjectId: string; reason: string }[] };

export const useSequences = () => useQuery({ queryKey: ['sequences'], queryFn: ({ signal }) => api<{ data: Sequence[] }>('/api/v1/sequences', { signal }) });
export const useSequence = (id: string) => useQuery({ queryKey: ['sequences', id], queryFn: ({ signal }) => api<Sequence>(`/api/v1/sequences/${id}`, { signal }) });
export const useSequenceMetrics = (id: string) => useQuery({ queryKey: ['sequences', id, 'metrics'], queryFn: ({ signal }) => api<SequenceMetrics>(`/api/v1/sequences/${id}/metrics`, { signal }) });
export const useEnrollments = (sequenceId: string) =>
  useQuery({ queryKey: ['sequences', sequenceId, 'enrollments'], queryFn: ({ signal }) => api<Page<Enrollment>>(`/api/v1/sequence-enrollments${query({ sequenceId, limit: 200 })}`, { signal }) });

export function useSaveSequence() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (s: { id?: string; name: string; status?: string; allowConcurrent?: boolean; steps: SequenceStep[] }) =>
      s.id ? api<Sequence>(`/api/v1/sequences/${s.id}`, { method: 'PATCH', body: { name: s.name, status: s.status, allowConcurrent: s.allowConcurrent, steps: s.steps } }) : api<Sequence>('/api/v1/sequences', { method: 'POST', body: s }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['sequences'] }),
  });
}

export function useEnroll() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ sequenceId, ...body }: { sequenceId: string; targets: { subjectType: 'lead' | 'contact'; subjectId: string }[] }) => api<EnrollResult>(`/api/v1/sequences/${sequenceId}/enrollments`, { method: 'POST', body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['sequences'] }),
  });
}

export function useEnrollmentAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'stop' | 'complete-step' }) => api<Enrollment>(`/api/v1/sequence-enrollments/${id}/${action}`, { method: 'POST', body: {} }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['sequences'] }),
  });
}
