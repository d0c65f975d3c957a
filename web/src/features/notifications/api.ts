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

export const NOTIFICATION_EVENTS = ['assigned', 'sla', 'handoff', 'approval', 'reply', 'mention', 'other'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];
export type Channels = { inApp: boolean; email: boolean };
export type NotificationPreferences = { events: Record<NotificationEvent, Channels>; dailyDigest: boolean; labels: Record<string, string> };
export type PreferencesChange = { events?: Partial<Record<NotificationEvent, Partial<Channels>>>; dailyDigest?: boolean };

const preferencesKey = ['notification-preferences'] as const;

export const useNotificationPreferences = () => useQuery({ queryKey: preferencesKey, queryFn: () => api<NotificationPreferences>('/api/v1/notification-preferences') });

export function useSetNotificationPreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: PreferencesChange) => api<NotificationPreferences>('/api/v1/notification-preferences', { method: 'PATCH', body: change }),
    onSuccess: (saved) => queryClient.setQueryData(preferencesKey, saved),
  });
}
