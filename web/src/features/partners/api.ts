import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';

export type PartnerKind = 'reseller' | 'referral' | 'technology';
export type RegistrationStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'withdrawn';

export type Tier = { id: string; name: string; position: number };
export type Partner = {
  id: string;
  name: string;
  kind: PartnerKind;
  tierId: string | null;
  managerId: string | null;
  website: string | null;
  active: boolean;
  version: number;
  members: { userId: string; name: string; email: string; status: string }[];
};
export type Registration = {
  id: string;
  partnerId: string;
  partnerName: string;
  company: string;
  domain: string | null;
  contactName: string;
  contactEmail: string | null;
  country: string | null;
  amount: number;
  currency: string;
  closeDate: string;
  productNotes: string;
  status: RegistrationStatus;
  decisionReason: string | null;
  decidedAt: string | null;
  expiresAt: string;
  createdAt: string;
  accountId: string | null;
  opportunityId: string | null;
};
export type RegistrationNote = { id: string; authorName: string | null; authorSide: 'partner' | 'internal'; body: string; shared: boolean; createdAt: string };
export type Conflict = { type: 'account' | 'lead' | 'opportunity'; id: string; name: string; reason: 'domain' | 'similar_name' | 'account'; similarity: number; ownerId: string | null };
export type RegistrationDetail = Registration & { notes: RegistrationNote[]; conflicts: Conflict[] };
export type NewRegistration = {
  company: string;
  domain?: string | undefined;
  contactName: string;
  contactEmail?: string | undefined;
  country?: string | undefined;
  amount: number;
  currency: string;
  closeDate: string;
  productNotes: string;
  partnerId?: string;
};
type Numbers = { openDeals: number; wonDeals: number; lostDeals: number; pipeline: Record<string, number>; wonRevenue: Record<string, number>; winRate: number | null; averageCycleDays: number | null };
export type PartnerReport = { partners: (Numbers & { partnerId: string; name: string; tierId: string | null })[]; tiers: (Numbers & { tierId: string | null; name: string; partners: number })[] };

const registrationsKey = ['deal-registrations'] as const;
const partnersKey = ['partners'] as const;

export const usePortal = () => useQuery({ queryKey: ['partner-portal'], queryFn: () => api<{ partner: { id: string; name: string; kind: PartnerKind; tier: string | null } | null }>('/api/v1/partner-portal') });

export const useRegistrations = (status?: RegistrationStatus) =>
  useQuery({ queryKey: [...registrationsKey, status ?? 'all'], queryFn: () => api<{ data: Registration[] }>(`/api/v1/deal-registrations${query({ status, limit: 200 })}`).then((r) => r.data) });

export const useRegistration = (id: string) => useQuery({ queryKey: [...registrationsKey, 'one', id], queryFn: () => api<RegistrationDetail>(`/api/v1/deal-registrations/${id}`) });

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: registrationsKey });
    void queryClient.invalidateQueries({ queryKey: partnersKey });
    void queryClient.invalidateQueries({ queryKey: ['partner-report'] });
  };
}

export function useRegisterDeal() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: NewRegistration) => api<Registration>('/api/v1/deal-registrations', { method: 'POST', body }), onSettled: invalidate });
}

export function useAddNote(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: { body: string; shared?: boolean }) => api<RegistrationNote>(`/api/v1/deal-registrations/${id}/notes`, { method: 'POST', body }), onSettled: invalidate });
}

export function useDecide(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: { decision: 'approve'; reason?: string; accountId?: string } | { decision: 'reject'; reason: string }) => api<Registration>(`/api/v1/deal-registrations/${id}/decision`, { method: 'POST', body }),
    onSettled: invalidate,
  });
}

/** The partner takes back a pending registration. */
export function useWithdraw(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: { reason?: string }) => api<Registration>(`/api/v1/deal-registrations/${id}/withdraw`, { method: 'POST', body }), onSettled: invalidate });
}

export const usePartners = () => useQuery({ queryKey: partnersKey, queryFn: () => api<{ data: Partner[] }>('/api/v1/partners').then((r) => r.data) });
export const useTiers = () => useQuery({ queryKey: [...partnersKey, 'tiers'], queryFn: () => api<{ data: Tier[] }>('/api/v1/partner-tiers').then((r) => r.data) });
export const useProgram = () => useQuery({ queryKey: [...partnersKey, 'program'], queryFn: () => api<{ registrationExpiryDays: number }>('/api/v1/partner-program') });
export const usePartnerReport = () => useQuery({ queryKey: ['partner-report'], queryFn: () => api<PartnerReport>('/api/v1/partner-report') });

export function useCreatePartner() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: { name: string; kind: PartnerKind; tierId: string | null; managerId?: string | null }) => api<Partner>('/api/v1/partners', { method: 'POST', body }), onSettled: invalidate });
}

export function useUpdatePartner() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; tierId?: string | null; managerId?: string | null; active?: boolean }) => api<Partner>(`/api/v1/partners/${id}`, { method: 'PATCH', body }),
    onSettled: invalidate,
  });
}

export function useCreateTier() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: { name: string }) => api<Tier>('/api/v1/partner-tiers', { method: 'POST', body }), onSettled: invalidate });
}

export function useInvitePartnerUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ partnerId, ...body }: { partnerId: string; email: string; name: string }) => api<{ userId: string; inviteToken: string | null }>(`/api/v1/partners/${partnerId}/users`, { method: 'POST', body }),
    onSettled: invalidate,
  });
}

export function useUpdateProgram() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: { registrationExpiryDays: number }) => api('/api/v1/partner-program', { method: 'PATCH', body }), onSettled: invalidate });
}

/** "12,500.00 USD" from minor units. */
export const money = (minor: number, currency: string) => `${new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(minor / 100)} ${currency}`;
