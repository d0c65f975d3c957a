// Web forms' API: definitions, the embeddable HTML, the public key and recent submissions.
// Shapes mirror src/modules/forms/routes.ts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, ifMatch } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export const FIELD_TYPES = ['text', 'email', 'phone', 'textarea', 'select', 'checkbox'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const FIELD_TYPE_LABELS: Record<FieldType, string> = { text: 'Text', email: 'Email', phone: 'Phone', textarea: 'Long text', select: 'Drop-down', checkbox: 'Checkbox' };

export const LEAD_TARGETS = ['firstName', 'lastName', 'email', 'phone', 'company', 'title', 'website', 'industry', 'country', 'region', 'city', 'postcode', 'notes'] as const;
export type LeadTarget = (typeof LEAD_TARGETS)[number];
export const LEAD_TARGET_LABELS: Record<LeadTarget, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  title: 'Job title',
  website: 'Website',
  industry: 'Industry',
  country: 'Country',
  region: 'Region',
  city: 'City',
  postcode: 'Postcode',
  notes: 'Notes',
};

export const UTM_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'referrer'] as const;
export type UtmKey = (typeof UTM_KEYS)[number];

export type FormField = { key: string; label: string; type: FieldType; required: boolean; options?: string[]; mapTo?: LeadTarget | null };
export type WebForm = {
  id: string;
  name: string;
  fields: FormField[];
  hiddenFields: UtmKey[];
  consentText: string | null;
  leadSource: string;
  defaultOwnerId: string | null;
  defaultCountry: string | null;
  publicKey: string;
  redirectUrl: string | null;
  thankYouMessage: string;
  active: boolean;
  spamCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
};
export type FormInput = Omit<WebForm, 'id' | 'publicKey' | 'spamCount' | 'version' | 'createdAt' | 'updatedAt'>;
export type Submission = {
  id: string;
  formId: string;
  leadId: string | null;
  contactId: string | null;
  outcome: string;
  matchReason: string | null;
  payload: Record<string, unknown>;
  utm: Record<string, string>;
  consentAt: string | null;
  ip: string | null;
  createdAt: string;
};

const formsKey = ['forms'] as const;

export const useForms = () => useQuery({ queryKey: [...formsKey, 'list'], queryFn: () => api<Page<WebForm>>('/api/v1/forms?limit=200').then((r) => r.data) });
export const useForm = (id: string) => useQuery({ queryKey: [...formsKey, 'one', id], queryFn: () => api<WebForm>(`/api/v1/forms/${id}`), enabled: id !== '' });

export function useSaveForm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ form, input }: { form?: WebForm; input: Partial<FormInput> }) =>
      form ? api<WebForm>(`/api/v1/forms/${form.id}`, { method: 'PATCH', body: input, headers: ifMatch(form.version) }) : api<WebForm>('/api/v1/forms', { method: 'POST', body: input }),
    onSuccess: (form) => {
      queryClient.setQueryData([...formsKey, 'one', form.id], form);
      void queryClient.invalidateQueries({ queryKey: [...formsKey, 'list'] });
      void queryClient.invalidateQueries({ queryKey: [...formsKey, 'embed', form.id] });
    },
  });
}

export function useFormAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, id }: { kind: 'rotate' | 'delete'; id: string }) =>
      kind === 'rotate' ? api<WebForm>(`/api/v1/forms/${id}/rotate-key`, { method: 'POST' }) : api<WebForm | undefined>(`/api/v1/forms/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: formsKey }),
  });
}

/** The embed is HTML, not JSON: read as text. */
export const useEmbedHtml = (id: string, version: number) =>
  useQuery({
    queryKey: [...formsKey, 'embed', id, version],
    queryFn: async () => {
      const response = await fetch(`/api/v1/forms/${id}/embed`, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, `Could not load the snippet (${response.status})`);
      return response.text();
    },
  });

export const useSubmissions = (id: string) =>
  useQuery({ queryKey: [...formsKey, 'submissions', id], queryFn: () => api<Page<Submission>>(`/api/v1/forms/${id}/submissions?limit=25`) });
