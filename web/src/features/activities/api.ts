import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type SubjectType = 'lead' | 'contact' | 'account' | 'opportunity';

export type TimelineItem = {
  id: string;
  source: 'activity' | 'audit';
  kind: string;
  occurredAt: string;
  actorId: string | null;
  summary: string;
  details: Record<string, unknown>;
  /** On an account's or deal's timeline: the contact the activity is with. */
  contact?: { id: string; name: string };
};

export const subjectPath = (type: SubjectType) => (type === 'opportunity' ? 'opportunities' : `${type}s`);

export const timelineKey = (type: SubjectType, id: string) => ['timeline', type, id] as const;

export function useTimeline(type: SubjectType, id: string, kinds: string[]) {
  return useInfiniteQuery({
    queryKey: [...timelineKey(type, id), kinds.join(',')],
    queryFn: ({ pageParam, signal }) =>
      api<Page<TimelineItem>>(`/api/v1/${subjectPath(type)}/${id}/timeline${query({ kind: kinds.length ? kinds.join(',') : undefined, limit: 25, cursor: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useAddNote(type: SubjectType, id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => api<TimelineItem>(`/api/v1/${subjectPath(type)}/${id}/notes`, { method: 'POST', body: { text } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: timelineKey(type, id) }),
  });
}
