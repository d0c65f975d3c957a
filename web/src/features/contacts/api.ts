import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch, query } from '../../api/client.ts';
import type { Contact, Page } from '../../api/types.ts';
import { accountKeys } from '../accounts/api.ts';

export type ContactInput = Partial<Omit<Contact, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'deletedAt'>>;

export const contactKeys = {
  all: ['contacts'] as const,
  list: (params: Record<string, string | undefined>) => ['contacts', 'list', params] as const,
  one: (id: string) => ['contacts', 'one', id] as const,
};

export function useContactList(params: Record<string, string | undefined>) {
  return useInfiniteQuery({
    queryKey: contactKeys.list(params),
    queryFn: ({ pageParam, signal }) => api<Page<Contact>>(`/api/v1/contacts${query({ ...params, limit: 50, cursor: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
}

export const useContact = (id: string) => useQuery({ queryKey: contactKeys.one(id), queryFn: () => api<Contact>(`/api/v1/contacts/${id}`) });

// A contact's change can move it between accounts, so account pages refresh too.
function useSettle() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: contactKeys.all });
    void queryClient.invalidateQueries({ queryKey: accountKeys.all });
  };
}

export function useCreateContact() {
  const settle = useSettle();
  return useMutation({
    mutationFn: (input: ContactInput) => api<Contact>('/api/v1/contacts', { method: 'POST', body: input }),
    onSuccess: settle,
  });
}

export function useUpdateContact() {
  const queryClient = useQueryClient();
  const settle = useSettle();
  return useMutation({
    mutationFn: ({ contact, changes }: { contact: Contact; changes: ContactInput }) =>
      api<Contact>(`/api/v1/contacts/${contact.id}`, { method: 'PATCH', body: changes, headers: ifMatch(contact.version) }),
    onSuccess: (contact) => {
      queryClient.setQueryData(contactKeys.one(contact.id), contact);
      void queryClient.invalidateQueries({ queryKey: ['audit', 'contact', contact.id] });
      settle();
    },
  });
}

export function useDeleteContact() {
  const settle = useSettle();
  return useMutation({ mutationFn: (id: string) => api<void>(`/api/v1/contacts/${id}`, { method: 'DELETE' }), onSuccess: settle });
}
