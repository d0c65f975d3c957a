import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';
import type { SubjectType } from '../activities/api.ts';

export type Task = {
  id: string;
  title: string;
  notes: string;
  type: 'todo' | 'call' | 'email';
  ownerId: string;
  subject: { type: SubjectType; id: string; name: string; link: string } | null;
  dueAt: string | null;
  remindAt: string | null;
  remindedAt: string | null;
  status: 'open' | 'done';
  completedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type TaskInput = {
  title: string;
  type?: Task['type'];
  dueAt?: string | null;
  remindAt?: string | null;
  subjectType?: SubjectType;
  subjectId?: string;
  notes?: string;
};

export const useTasks = (params: Record<string, string | undefined>) =>
  useQuery({ queryKey: ['tasks', params], queryFn: ({ signal }) => api<Page<Task>>(`/api/v1/tasks${query({ limit: 200, ...params })}`, { signal }) });

function useSettle() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ['tasks'] });
    void client.invalidateQueries({ queryKey: ['today'] });
    void client.invalidateQueries({ queryKey: ['timeline'] });
  };
}

export function useCreateTask() {
  const settle = useSettle();
  return useMutation({ mutationFn: (input: TaskInput) => api<Task>('/api/v1/tasks', { method: 'POST', body: input }), onSuccess: settle });
}

export function useSetTaskStatus() {
  const settle = useSettle();
  return useMutation({
    mutationFn: ({ task, status }: { task: Task; status: Task['status'] }) => api<Task>(`/api/v1/tasks/${task.id}`, { method: 'PATCH', body: { status } }),
    onSuccess: settle,
  });
}

export type TaskChanges = { title?: string; dueAt?: string | null; remindAt?: string | null; ownerId?: string };

/** Edits a task; the version guards against overwriting someone else's edit. */
export function useUpdateTask() {
  const settle = useSettle();
  return useMutation({
    mutationFn: ({ task, changes }: { task: Task; changes: TaskChanges }) =>
      api<Task>(`/api/v1/tasks/${task.id}`, { method: 'PATCH', body: { ...changes, version: task.version } }),
    onSuccess: settle,
  });
}
