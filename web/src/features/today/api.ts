import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Lead } from '../../api/types.ts';
import type { Task } from '../tasks/api.ts';

export type GoalMetric = 'calls' | 'connects' | 'emails';
export type GoalProgress = { metric: GoalMetric; done: number; target: number | null; from: 'org' | 'team' | 'user' | null; ratio: number | null };

export type Today = {
  day: string;
  timeZone: string;
  newLeads: (Lead & { slaDueAt: string | null })[];
  callsDue: Task[];
  tasksDue: Task[];
  overdue: number;
  goals: GoalProgress[];
  demos: { id: string; title: string; startsAt: string; endsAt: string; videoUrl: string | null; link: string }[];
  sequenceSteps: SequenceStepDue[];
  upcomingSteps: SequenceStepUpcoming[];
};

export type SequenceStepDue = {
  enrollmentId: string;
  sequenceId: string;
  sequenceName: string;
  stepNumber: number;
  stepId: string;
  channel: 'manual_email' | 'call' | 'task';
  instruction: string;
  subjectType: 'lead' | 'contact';
  subjectId: string;
  name: string;
  taskId: string | null;
  dueSince: string;
};

/** A manual step the rep's sequences reach later today. */
export type SequenceStepUpcoming = Omit<SequenceStepDue, 'taskId' | 'dueSince'> & { dueAt: string };

export const useToday = (enabled = true) => useQuery({ queryKey: ['today'], queryFn: ({ signal }) => api<Today>('/api/v1/today', { signal }), enabled, refetchInterval: 60_000 });

export type Goal = { id: string; scope: 'org' | 'team' | 'user'; scopeId: string; calls: number | null; connects: number | null; emails: number | null; updatedAt: string };

export const useGoals = () => useQuery({ queryKey: ['activity-goals'], queryFn: () => api<{ data: Goal[] }>('/api/v1/activity-goals') });

export function useSetGoal() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { scope: Goal['scope']; scopeId?: string; calls: number | null; connects: number | null; emails: number | null }) =>
      api<Goal>('/api/v1/activity-goals', { method: 'PUT', body }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['activity-goals'] });
      void client.invalidateQueries({ queryKey: ['today'] });
    },
  });
}

export type TeamMemberProgress = { userId: string; name: string; teamId: string | null; day: string; goals: GoalProgress[] };

/** Managers and admins: each team member's progress toward today's goals. */
export const useTeamGoalProgress = (enabled: boolean) =>
  useQuery({
    queryKey: ['team-goal-progress'],
    queryFn: ({ signal }) => api<{ data: TeamMemberProgress[] }>('/api/v1/team-goal-progress', { signal }).then((r) => r.data),
    enabled,
    refetchInterval: 60_000,
  });
