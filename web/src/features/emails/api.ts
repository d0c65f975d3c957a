import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type EmailSubjectType = 'lead' | 'contact';
export type EmailTemplate = { id: string; name: string; subject: string; body: string; marketing: boolean; version: number; updatedAt: string };
export type EmailPreview = { subject: string; text: string; html: string; missing: string[]; to: string | null; marketing: boolean; suppressed: 'unsubscribed' | 'bounced' | null };
export type Email = { id: string; subject: string; status: string; direction: string; toAddress: string; sentAt: string | null; openCount: number; clickCount: number; repliedAt: string | null; bouncedAt: string | null; createdAt: string };
export type EmailSettings = {
  smtpHost: string | null; smtpPort: number | null; smtpSecure: boolean; smtpUser: string | null; smtpPasswordSet: boolean; fromAddress: string | null;
  trackOpens: boolean; trackClicks: boolean; trackReplies: boolean; postalAddress: string; transport: 'org' | 'server' | 'none'; version: number;
};
export type MyEmailSettings = { signature: string; imapHost: string | null; imapPort: number | null; imapSecure: boolean; imapUser: string | null; imapPasswordSet: boolean; imapMailbox: string; imapPolledAt: string | null; imapError: string | null };
export type Compose = { subjectType: EmailSubjectType; subjectId: string; templateId?: string; subject?: string; body?: string };

export const useTemplates = () => useQuery({ queryKey: ['email-templates'], queryFn: ({ signal }) => api<{ data: EmailTemplate[]; mergeFields: string[] }>('/api/v1/email-templates', { signal }) });

export function useSaveTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (t: Partial<EmailTemplate> & { name: string; subject: string; body: string }) =>
      t.id
        ? api<EmailTemplate>(`/api/v1/email-templates/${t.id}`, { method: 'PATCH', body: { name: t.name, subject: t.subject, body: t.body, marketing: t.marketing ?? false } })
        : api<EmailTemplate>('/api/v1/email-templates', { method: 'POST', body: { name: t.name, subject: t.subject, body: t.body, marketing: t.marketing ?? false } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['email-templates'] }),
  });
}

export function useDeleteTemplate() {
  const client = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api<void>(`/api/v1/email-templates/${id}`, { method: 'DELETE' }), onSuccess: () => void client.invalidateQueries({ queryKey: ['email-templates'] }) });
}

export const usePreview = () => useMutation({ mutationFn: (body: Compose) => api<EmailPreview>('/api/v1/emails/preview', { method: 'POST', body }) });

export function useSendEmail() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Compose) => api<Email>('/api/v1/emails', { method: 'POST', body }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['emails'] });
      void client.invalidateQueries({ queryKey: ['timeline'] });
    },
  });
}

export const useEmails = (subjectType: EmailSubjectType, subjectId: string) =>
  useQuery({ queryKey: ['emails', subjectType, subjectId], queryFn: ({ signal }) => api<Page<Email>>(`/api/v1/emails${query({ subjectType, subjectId, limit: 20 })}`, { signal }) });

export const useEmailSettings = (enabled: boolean) => useQuery({ queryKey: ['email-settings'], enabled, queryFn: ({ signal }) => api<EmailSettings>('/api/v1/email-settings', { signal }) });
export const useMyEmailSettings = () => useQuery({ queryKey: ['email-settings', 'me'], queryFn: ({ signal }) => api<MyEmailSettings>('/api/v1/email-settings/me', { signal }) });

export function useSaveEmailSettings() {
  const client = useQueryClient();
  return useMutation({ mutationFn: (body: Record<string, unknown>) => api<EmailSettings>('/api/v1/email-settings', { method: 'PATCH', body }), onSuccess: (data) => client.setQueryData(['email-settings'], data) });
}

export function useSaveMyEmailSettings() {
  const client = useQueryClient();
  return useMutation({ mutationFn: (body: Record<string, unknown>) => api<MyEmailSettings>('/api/v1/email-settings/me', { method: 'PATCH', body }), onSuccess: (data) => client.setQueryData(['email-settings', 'me'], data) });
}

export const usePollMailbox = () => useMutation({ mutationFn: () => api<{ seen: number; replies: number; bounces: number; error: string | null }>('/api/v1/email-settings/me/poll', { method: 'POST', body: {} }) });
