import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch } from '../../api/client.ts';
import type { ForecastCategory, Pipeline } from '../opportunities/api.ts';

export const PIPELINE_KINDS = ['new_business', 'expansion', 'renewal', 'partner'] as const;
export type PipelineKind = (typeof PIPELINE_KINDS)[number];
export const KIND_LABELS: Record<PipelineKind, string> = { new_business: 'New business', expansion: 'Expansion / upsell', renewal: 'Renewal', partner: 'Partner' };

// Mirror GATE_REQUIREMENTS and FORECAST_CATEGORIES in src/modules/opportunities (the API checks them).
export const GATE_LABELS: Record<string, string> = {
  amount: 'An amount',
  next_step: 'A next step',
  decision_maker: 'A decision maker among the contacts',
  economic_buyer: 'An economic buyer among the contacts',
  champion: 'A champion among the contacts',
  products: 'Products (line items)',
  approvals: 'Approvals granted',
};
export const FORECAST_LABELS: Record<ForecastCategory, string> = { pipeline: 'Pipeline', best_case: 'Best case', commit: 'Commit', closed: 'Closed', omitted: 'Omitted' };
export const OUTCOME_LABELS = { open: 'Open', won: 'Won', lost: 'Lost' } as const;

export type StageDraft = { id?: string; name: string; probability: number; forecastCategory: ForecastCategory; outcome: keyof typeof OUTCOME_LABELS; gates: string[] };

function usePipelineWrite<T>(fn: (input: T) => Promise<Pipeline>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['pipelines'] });
      void queryClient.invalidateQueries({ queryKey: ['opportunities'] });
    },
  });
}

export const useSavePipeline = () =>
  usePipelineWrite(({ pipeline, name, stages }: { pipeline: { id: string; version: number }; name: string; stages: StageDraft[] }) =>
    api<Pipeline>(`/api/v1/pipelines/${pipeline.id}`, { method: 'PATCH', body: { name, stages }, headers: ifMatch(pipeline.version) }),
  );

export const useCreatePipeline = () =>
  usePipelineWrite((input: { name: string; kind: PipelineKind; stages: StageDraft[] }) => api<Pipeline>('/api/v1/pipelines', { method: 'POST', body: input }));

export const useArchivePipeline = () =>
  usePipelineWrite(({ id, action }: { id: string; action: 'archive' | 'restore' }) => api<Pipeline>(`/api/v1/pipelines/${id}/${action}`, { method: 'POST', body: {} }));
