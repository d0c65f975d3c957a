import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';
import type { ApprovalRequest } from '../opportunities/api.ts';

export type InboxRequest = ApprovalRequest & { opportunityName: string };
type InboxPage = { data: InboxRequest[]; nextCursor: string | null };

export type InboxView = 'waiting' | 'history';
const approvalsKey = ['approvals'] as const;

/** "waiting": the pending requests I may decide; "history": every request, newest first. */
export const useApprovalInbox = (view: InboxView) =>
  useInfiniteQuery({
    queryKey: [...approvalsKey, view],
    queryFn: ({ pageParam }) => api<InboxPage>(`/api/v1/approvals${query({ ...(view === 'waiting' ? { decidable: 'true' } : {}), limit: 50, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export function useDecideRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, comment }: { id: string; decision: 'approve' | 'reject'; comment: string }) =>
      api<ApprovalRequest>(`/api/v1/approvals/${id}/decision`, { method: 'POST', body: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) } }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: approvalsKey });
      void queryClient.invalidateQueries({ queryKey: ['opportunities'] });
      void queryClient.invalidateQueries({ queryKey: ['notifications'] });
    },
  });
}
