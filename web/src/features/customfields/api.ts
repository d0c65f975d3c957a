import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export const CUSTOM_OBJECTS = ['lead', 'contact', 'account', 'opportunity'] as const;
export type CustomObject = (typeof CUSTOM_OBJECTS)[number];
export const FIELD_TYPES = ['text', 'number', 'currency', 'date', 'picklist', 'multi_picklist', 'checkbox', 'url', 'user', 'lookup'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type CustomField = {
  id: string;
  object: CustomObject;
  key: string;
  label: string;
  type: FieldType;
  options: string[];
  lookupObject: CustomObject | null;
  required: boolean;
  unique: boolean;
  helpText: string;
  position: number;
  archivedAt: string | null;
  version: number;
};

export type CustomFieldInput = Partial<Pick<CustomField, 'label' | 'type' | 'options' | 'lookupObject' | 'required' | 'unique' | 'helpText' | 'position'>> & {
  object?: CustomObject;
  key?: string;
};

export const OBJECT_LABELS: Record<CustomObject, string> = { lead: 'Leads', contact: 'Contacts', account: 'Accounts', opportunity: 'Opportunities' };
export const TYPE_LABELS: Record<FieldType, string> = {
  text: 'Text',
  number: 'Number',
  currency: 'Currency',
  date: 'Date',
  picklist: 'Picklist',
  multi_picklist: 'Multi-picklist',
  checkbox: 'Checkbox',
  url: 'URL',
  user: 'User',
  lookup: 'Lookup',
};

export const customFieldsKey = ['custom-fields'] as const;

/** Every field of the org, archived ones too (the settings page shows both; records only active ones). */
export const useAllCustomFields = () =>
  useQuery({ queryKey: customFieldsKey, queryFn: () => api<{ data: CustomField[] }>('/api/v1/custom-fields').then((r) => r.data), staleTime: 60_000 });

/** The active fields of one record type, in order. */
export function useCustomFields(object: CustomObject): CustomField[] {
  const all = useAllCustomFields();
  return (all.data ?? []).filter((f) => f.object === object && !f.archivedAt).sort((a, b) => a.position - b.position);
}

export function useCustomFieldMutations() {
  const queryClient = useQueryClient();
  const done = () => void queryClient.invalidateQueries({ queryKey: customFieldsKey });
  return {
    create: useMutation({ mutationFn: (input: CustomFieldInput) => api<CustomField>('/api/v1/custom-fields', { method: 'POST', body: input }), onSuccess: done }),
    update: useMutation({
      mutationFn: ({ field, changes }: { field: CustomField; changes: CustomFieldInput }) =>
        api<CustomField>(`/api/v1/custom-fields/${field.id}`, { method: 'PATCH', body: changes, headers: { 'if-match': `"${field.version}"` } }),
      onSuccess: done,
    }),
    archive: useMutation({
      mutationFn: ({ field, archived }: { field: CustomField; archived: boolean }) =>
        api<CustomField & { records: number }>(`/api/v1/custom-fields/${field.id}/${archived ? 'archive' : 'restore'}`, { method: 'POST' }),
      onSuccess: () => {
        done();
        // Records show their custom values again (or no longer).
        void queryClient.invalidateQueries();
      },
    }),
    remove: useMutation({ mutationFn: (field: CustomField) => api<void>(`/api/v1/custom-fields/${field.id}`, { method: 'DELETE' }), onSuccess: done }),
  };
}
