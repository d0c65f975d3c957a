import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export type Notification = { id: string; kind: string; title: string; body: string; link: string | null; readAt: string | null; createdAt: string };
type NotificationPage = { data: Notification[]; nextCursor: string | null; unread: number };

const notificationsKey = ['notifications'] as const;

/** The latest notifications and the unread count; asked again every minute and when the tab regains focus. */
export const useNotifications = () =>
  useQuery({ queryKey: notificationsKey, queryFn: () => api<NotificationPage>('/api/v1/notifications?limit=15'), refetchInterval: 60_000, staleTime: 30_000 });

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<Notification>(`/api/v1/notifications/${id}/read`, { method: 'POST' }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ updated: number }>('/api/v1/notifications/read-all', { method: 'POST' }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });
}
