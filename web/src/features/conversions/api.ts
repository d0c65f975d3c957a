import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client.ts';
import type { Role } from '../../api/types.ts';

// Mirrors `leads:convert` in src/core/roles.ts for what the UI offers; the API enforces it.
export const canConvert = (role: Role) => role === 'admin' || role === 'manager' || role === 'rep';

export type QualificationSnapshot = {
  frameworkId: string;
  framework: string;
  percent: number;
  answers: { key: string; question: string; type: string; answer: unknown }[];
};

export type Conversion = {
  id: string;
  leadId: string;
  account: { id: string; name: string; reused: boolean };
  contact: { id: string; name: string; reused: boolean } | null;
  opportunity: { id: string; name: string } | null;
  handoff: { id: string; toUserId: string | null; status: string; acceptDueAt: string | null } | null;
  sourcedBy: string | null;
  convertedBy: string | null;
  convertedAt: string;
  qualification: QualificationSnapshot | null;
  activitiesCopied: number;
};

export type AccountCandidate = { id: string; name: string; domain: string | null; ownerId: string | null; reason: 'contact_account' | 'domain' | 'similar_name'; similarity: number | null };
export type ContactCandidate = { id: string; firstName: string; lastName: string; email: string | null; phone: string | null; accountId: string | null; reason: 'email' | 'phone' | 'name_and_domain' };

export type ConversionPreview = {
  leadId: string;
  convertible: boolean;
  problem: { code: string; message: string } | null;
  conversion: Conversion | null;
  account: { proposed: { mode: 'existing'; id: string; name: string } | { mode: 'new'; name: string; domain: string | null }; candidates: AccountCandidate[] };
  contact: { proposed: { mode: 'existing'; id: string; name: string } | { mode: 'new'; name: string; email: string | null } | { mode: 'none' }; candidates: ContactCandidate[] };
  opportunity: { name: string; amount: number | null; currency: string | null; closeDate: string | null; description: string };
  qualification: QualificationSnapshot | null;
  sourcedBy: string | null;
  handoffRuleSet: { id: string; name: string } | null;
};

export type ConvertRequest = {
  account?: string;
  contact?: string;
  createOpportunity?: boolean;
  opportunity?: { name?: string; amount?: number; currency?: string; closeDate?: string };
};

export const useConversionPreview = (leadId: string, enabled: boolean) =>
  useQuery({ queryKey: ['conversions', 'preview', leadId], queryFn: () => api<ConversionPreview>(`/api/v1/leads/${leadId}/conversion-preview`), enabled, staleTime: 0 });

/** What a converted lead became; null while it is not converted. */
export const useLeadConversion = (leadId: string, enabled: boolean) =>
  useQuery({ queryKey: ['conversions', 'lead', leadId], queryFn: () => orNull(api<Conversion>(`/api/v1/leads/${leadId}/conversion`)), enabled });

/** The lead a deal came from; null for a deal not converted from a lead. */
export const useDealOrigin = (opportunityId: string) =>
  useQuery({ queryKey: ['conversions', 'deal', opportunityId], queryFn: () => orNull(api<Conversion>(`/api/v1/opportunities/${opportunityId}/conversion`)) });

async function orNull<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Converts with an idempotency key per attempt: a double click or a retry converts once. */
export function useConvertLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ leadId, request, key }: { leadId: string; request: ConvertRequest; key: string }) =>
      api<Conversion>(`/api/v1/leads/${leadId}/convert`, { method: 'POST', body: request, headers: { 'idempotency-key': key } }),
    onSuccess: (conversion) => {
      void queryClient.invalidateQueries({ queryKey: ['leads'] });
      void queryClient.invalidateQueries({ queryKey: ['conversions'] });
      void queryClient.invalidateQueries({ queryKey: ['audit', 'lead', conversion.leadId] });
    },
  });
}
