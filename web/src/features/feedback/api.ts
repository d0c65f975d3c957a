import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch, query } from '../../api/client.ts';

export const FEEDBACK_KINDS = ['feature_request', 'bug', 'praise', 'objection', 'lost_reason'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export const KIND_LABELS: Record<FeedbackKind, string> = {
  feature_request: 'Feature request',
  bug: 'Bug',
  praise: 'Praise',
  objection: 'Objection',
  lost_reason: 'Lost reason',
};
export const IDEA_STATUSES = ['new', 'planned', 'in_progress', 'shipped', 'declined'] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];
export const STATUS_LABELS: Record<IdeaStatus, string> = { new: 'New', planned: 'Planned', in_progress: 'In progress', shipped: 'Shipped', declined: 'Declined' };

export type Money = Record<string, number>;
export type ProductArea = { id: string; name: string; parentId: string | null; path: string };
export type Feedback = {
  id: string;
  quote: string;
  kind: FeedbackKind;
  area: string | null;
  saidBy: string | null;
  contactId: string | null;
  accountId: string | null;
  accountName: string | null;
  opportunityId: string | null;
  ideaId: string | null;
  createdAt: string;
};
export type IdeaSummary = {
  id: string;
  title: string;
  description: string;
  status: IdeaStatus;
  area: string | null;
  version: number;
  feedbackCount: number;
  accountIds: string[];
  openPipeline: Money;
  wonRevenue: Money;
  totalAtStake: Money;
  openDealCount: number;
};
export type Idea = IdeaSummary & { accounts: { id: string; name: string; feedbackCount: number }[]; feedback: Feedback[] };
export type Suggestion = { type: 'idea' | 'feedback'; id: string; text: string; ideaId: string | null; similarity: number };
export type FeedbackSource = { type: 'account' | 'contact' | 'opportunity' | 'lead' | 'activity'; id: string; accountId?: string | null | undefined; contactId?: string | null | undefined; opportunityId?: string | null | undefined; saidBy?: string | undefined };

const keys = { ideas: ['ideas'] as const, feedback: ['feedback'] as const };

export const useAreas = () => useQuery({ queryKey: ['feedback-areas'], queryFn: () => api<{ data: ProductArea[] }>('/api/v1/feedback-areas') });
export const useIdeas = (status: IdeaStatus | '') =>
  useQuery({ queryKey: [...keys.ideas, status], queryFn: () => api<{ currency: string; data: IdeaSummary[] }>(`/api/v1/ideas${query({ status: status || undefined })}`) });
export const useIdea = (id: string) => useQuery({ queryKey: [...keys.ideas, 'one', id], queryFn: () => api<Idea>(`/api/v1/ideas/${id}`) });
export const useIdeaSuggestions = (id: string) => useQuery({ queryKey: [...keys.ideas, 'suggestions', id], queryFn: () => api<{ data: Suggestion[] }>(`/api/v1/ideas/${id}/suggestions`) });
export const useUnfiledFeedback = () => useQuery({ queryKey: [...keys.feedback, 'unfiled'], queryFn: () => api<{ data: Feedback[] }>('/api/v1/feedback?unassigned=true&limit=100') });

function useFeedbackWrite<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.ideas });
      void queryClient.invalidateQueries({ queryKey: keys.feedback });
    },
  });
}

export type FeedbackInput = { quote: string; kind: FeedbackKind; areaId?: string | null; saidBy?: string | null; contactId?: string | null; accountId?: string | null; opportunityId?: string | null; sourceType?: string; sourceId?: string };
export const useCaptureFeedback = () => useFeedbackWrite((input: FeedbackInput) => api<Feedback>('/api/v1/feedback', { method: 'POST', body: input }));
export const useCreateIdea = () => useFeedbackWrite((input: { title: string; description?: string; feedbackIds?: string[] }) => api<Idea>('/api/v1/ideas', { method: 'POST', body: input }));
export const useUpdateIdea = () =>
  useFeedbackWrite(({ idea, changes }: { idea: { id: string; version: number }; changes: { status?: IdeaStatus; title?: string; description?: string } }) =>
    api<Idea>(`/api/v1/ideas/${idea.id}`, { method: 'PATCH', body: changes, headers: ifMatch(idea.version) }),
  );
export const useMergeIdeas = () => useFeedbackWrite(({ id, ideaIds }: { id: string; ideaIds: string[] }) => api<Idea>(`/api/v1/ideas/${id}/merge`, { method: 'POST', body: { ideaIds } }));
export const useCreateArea = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; parentId: string | null }) => api<ProductArea>('/api/v1/feedback-areas', { method: 'POST', body: input }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['feedback-areas'] }),
  });
};
export const useDeleteArea = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/feedback-areas/${id}`, { method: 'DELETE' }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['feedback-areas'] }),
  });
};
export const useLinkFeedback = () => useFeedbackWrite(({ id, feedbackIds }: { id: string; feedbackIds: string[] }) => api<Idea>(`/api/v1/ideas/${id}/feedback`, { method: 'POST', body: { feedbackIds } }));

/** "€47,000 · $5,000": money per currency, biggest first. */
export function moneyList(m: Money, format: (minor: number, currency: string) => string): string {
  const parts = Object.entries(m).sort((a, b) => b[1] - a[1]);
  return parts.length ? parts.map(([c, v]) => format(v, c)).join(' · ') : '—';
}
