import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch, query } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type ForecastCategory = 'pipeline' | 'best_case' | 'commit' | 'closed' | 'omitted';
export type Stage = { id: string; name: string; position: number; probability: number; forecastCategory: ForecastCategory; outcome: 'open' | 'won' | 'lost'; gates: string[] };
export type Pipeline = { id: string; name: string; kind: string; version: number; archived: boolean; stages: Stage[] };
export type Card = {
  id: string;
  name: string;
  accountId: string | null;
  accountName: string | null;
  ownerId: string | null;
  amount: number;
  currency: string;
  closeDate: string;
  probability: number;
  forecastCategory: ForecastCategory;
  status: 'open' | 'won' | 'lost';
  stageEnteredAt: string;
  nextStep: string | null;
  version: number;
};
export type Board = { pipeline: { id: string; name: string; kind: string }; columns: { stage: Stage; cards: Card[]; nextCursor: string | null; sort: string }[] };
export type StageSummary = { stageId: string; count: number; totals: { currency: string; amount: number; weighted: number }[] };

export type Opportunity = Omit<Card, 'accountName'> & {
  custom?: Record<string, unknown>;
  pipelineId: string;
  stageId: string;
  source: string;
  sourceLeadId: string | null;
  sourcedBy: string | null;
  partnerId: string | null;
  partnerRole: 'sourced' | 'influenced' | null;
  competitors: string[];
  lossReason: string | null;
  winReason: string | null;
  paymentTermsDays: number;
  description: string;
  renewsOpportunityId: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
};
export type LineItem = {
  id: string;
  productId: string;
  name: string;
  sku: string;
  billing: 'recurring' | 'one_time';
  quantity: number;
  unitPrice: number;
  discountPercent: number;
  termMonths: number | null;
  startDate: string | null;
  endDate: string | null;
  total: number;
};
export type DealContact = { contactId: string; roles: string[]; isPrimary: boolean; firstName: string; lastName: string; title: string | null; email: string | null };
export type ApprovalStanding = { kind: string; level: 'manager' | 'finance' | 'legal'; value: number; reason: string; state: 'approved' | 'pending' | 'rejected' | 'missing'; requestId: string | null };
export type ApprovalRequest = {
  id: string;
  opportunityId: string;
  kind: string;
  level: string;
  value: number;
  reason: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
};
export type OpportunityDetail = Opportunity & {
  pipelineName: string;
  stage: Stage;
  lineItems: LineItem[];
  contacts: DealContact[];
  approvals: { standing: ApprovalStanding[]; requests: ApprovalRequest[] };
};
export type DealHistory = {
  stages: { stageId: string; stageName: string; enteredAt: string; leftAt: string | null; days: number }[];
  slippage: { closeDatePushes: number; daysPushed: number; amountChanges: number; amountChange: number };
};
export type Product = { id: string; sku: string; name: string; billing: 'recurring' | 'one_time'; active: boolean; prices: { currency: string; unitPrice: number }[] };

export const dealKeys = {
  all: ['opportunities'] as const,
  board: (pipelineId: string) => ['opportunities', 'board', pipelineId] as const,
  summary: (pipelineId: string) => ['opportunities', 'summary', pipelineId] as const,
  list: (params: Record<string, string | undefined>) => ['opportunities', 'list', params] as const,
  one: (id: string) => ['opportunities', 'one', id] as const,
  history: (id: string) => ['opportunities', 'history', id] as const,
};

export const usePipelines = () =>
  useQuery({ queryKey: ['pipelines'], queryFn: () => api<{ data: Pipeline[] }>('/api/v1/pipelines').then((r) => r.data), staleTime: 60_000 });

export const useBoard = (pipelineId: string | undefined) =>
  useQuery({ queryKey: dealKeys.board(pipelineId ?? ''), queryFn: () => api<Board>(`/api/v1/pipelines/${pipelineId}/board?perStage=25`), enabled: Boolean(pipelineId) });

export const useSummary = (pipelineId: string | undefined) =>
  useQuery({
    queryKey: dealKeys.summary(pipelineId ?? ''),
    queryFn: () => api<{ data: StageSummary[] }>(`/api/v1/pipelines/${pipelineId}/summary`).then((r) => r.data),
    enabled: Boolean(pipelineId),
  });

export const useDealList = (params: Record<string, string | undefined>) =>
  useQuery({ queryKey: dealKeys.list(params), queryFn: () => api<Page<Opportunity>>(`/api/v1/opportunities${query({ ...params, limit: 100 })}`), placeholderData: (previous) => previous });

export const useDeal = (id: string) => useQuery({ queryKey: dealKeys.one(id), queryFn: () => api<OpportunityDetail>(`/api/v1/opportunities/${id}`) });
export const useDealHistory = (id: string) => useQuery({ queryKey: dealKeys.history(id), queryFn: () => api<DealHistory>(`/api/v1/opportunities/${id}/history`) });
export const useProducts = () =>
  useQuery({ queryKey: ['products'], queryFn: () => api<Page<Product>>('/api/v1/products?active=true&limit=500').then((r) => r.data), staleTime: 60_000 });

/** Every write to a deal changes its page, its history, the board and the lists. */
function useDealWrite<T, R>(fn: (input: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => void queryClient.invalidateQueries({ queryKey: dealKeys.all }) });
}

export type MoveInput = { card: { id: string; version: number }; stageId: string; lossReason?: string; winReason?: string };

/** The board's drag: one POST; the card moves at once and goes back if the server refuses. */
export function useMoveDeal(pipelineId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ card, stageId, lossReason, winReason }: MoveInput) =>
      api<Opportunity>(`/api/v1/opportunities/${card.id}/move`, { method: 'POST', body: { stageId, ...(lossReason ? { lossReason } : {}), ...(winReason ? { winReason } : {}) }, headers: ifMatch(card.version) }),
    onMutate: async ({ card, stageId }) => {
      await queryClient.cancelQueries({ queryKey: dealKeys.board(pipelineId) });
      const before = queryClient.getQueryData<Board>(dealKeys.board(pipelineId));
      queryClient.setQueryData<Board>(dealKeys.board(pipelineId), (board) => board && moveCard(board, card.id, stageId));
      return { before };
    },
    onError: (_error, _input, context) => queryClient.setQueryData(dealKeys.board(pipelineId), context?.before),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: dealKeys.all }),
  });
}

function moveCard(board: Board, cardId: string, stageId: string): Board {
  const card = board.columns.flatMap((c) => c.cards).find((c) => c.id === cardId);
  if (!card) return board;
  return {
    ...board,
    columns: board.columns.map((column) => ({
      ...column,
      cards: column.stage.id === stageId ? [card, ...column.cards.filter((c) => c.id !== cardId)] : column.cards.filter((c) => c.id !== cardId),
    })),
  };
}

export const useUpdateDeal = () =>
  useDealWrite(({ deal, changes }: { deal: { id: string; version: number }; changes: Record<string, unknown> }) =>
    api<Opportunity>(`/api/v1/opportunities/${deal.id}`, { method: 'PATCH', body: changes, headers: ifMatch(deal.version) }),
  );
export const useCreateDeal = () => useDealWrite((input: Record<string, unknown>) => api<Opportunity>('/api/v1/opportunities', { method: 'POST', body: input }));
export const useAddLineItem = () =>
  useDealWrite(({ deal, line }: { deal: { id: string; version: number }; line: Record<string, unknown> }) =>
    api<LineItem>(`/api/v1/opportunities/${deal.id}/line-items`, { method: 'POST', body: line, headers: ifMatch(deal.version) }),
  );
export const useRemoveLineItem = () =>
  useDealWrite(({ deal, lineId }: { deal: { id: string; version: number }; lineId: string }) =>
    api<void>(`/api/v1/opportunities/${deal.id}/line-items/${lineId}`, { method: 'DELETE', headers: ifMatch(deal.version) }),
  );
export const useSetDealContact = () =>
  useDealWrite(({ dealId, contactId, roles, isPrimary }: { dealId: string; contactId: string; roles: string[]; isPrimary?: boolean }) =>
    api(`/api/v1/opportunities/${dealId}/contacts/${contactId}`, { method: 'PUT', body: { roles, ...(isPrimary === undefined ? {} : { isPrimary }) } }),
  );
export const useSubmitForApproval = () =>
  useDealWrite(({ dealId, comment }: { dealId: string; comment?: string }) => api(`/api/v1/opportunities/${dealId}/approvals`, { method: 'POST', body: comment ? { comment } : {} }));
export const useDecide = () =>
  useDealWrite(({ requestId, decision, comment }: { requestId: string; decision: 'approve' | 'reject'; comment?: string }) =>
    api(`/api/v1/approvals/${requestId}/decision`, { method: 'POST', body: { decision, ...(comment ? { comment } : {}) } }),
  );
export const useSendQuote = () =>
  useDealWrite(({ dealId, to, message }: { dealId: string; to: string; message?: string }) =>
    api<{ quoteNumber: string }>(`/api/v1/opportunities/${dealId}/quote/send`, { method: 'POST', body: { to, ...(message ? { message } : {}) } }),
  );

/** 1234567, "EUR" → "€12,345.67", with the currency's own minor unit. */
export function money(minor: number, currency: string): string {
  const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: digits }).format(minor / 10 ** digits);
}

/** The currency's minor units in one major unit (100 for EUR, 1 for JPY): for typing amounts. */
export const minorPerMajor = (currency: string): number =>
  10 ** (new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2);

export const ROLE_LABELS: Record<string, string> = {
  decision_maker: 'Decision maker',
  economic_buyer: 'Economic buyer',
  champion: 'Champion',
  influencer: 'Influencer',
  blocker: 'Blocker',
  user: 'User',
};
export const BUYING_ROLES = Object.keys(ROLE_LABELS);
