import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export type WebhookEndpoint = { id: string; url: string; description: string; events: string[]; enabled: boolean; version: number; createdAt: string; updatedAt: string };
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export type WebhookDelivery = {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number | null;
  redeliveryOf: string | null;
  createdAt: string;
  deliveredAt: string | null;
};
export type DeliveryDetail = WebhookDelivery & { endpointUrl: string; payload: unknown };
export type EventTypes = { data: { type: string; description: string }[]; testEvent: string; signatureHeader: string; maxAttempts: number };
export type EndpointInput = { url: string; description: string; events: string[]; enabled?: boolean };

export const webhookKeys = {
  endpoints: ['webhooks'] as const,
  deliveries: (filter: { endpointId?: string; status?: string }) => ['webhook-deliveries', filter] as const,
  allDeliveries: ['webhook-deliveries'] as const,
  delivery: (id: string) => ['webhook-delivery', id] as const,
};

export const useEndpoints = () => useQuery({ queryKey: webhookKeys.endpoints, queryFn: () => api<{ data: WebhookEndpoint[] }>('/api/v1/webhooks').then((r) => r.data) });

export const useEventTypes = () => useQuery({ queryKey: ['webhook-event-types'], queryFn: () => api<EventTypes>('/api/v1/webhook-event-types'), staleTime: Infinity });

/** The log refreshes itself while deliveries wait for a retry, so a receiver coming back shows up. */
export const useDeliveries = (filter: { endpointId?: string; status?: string }) =>
  useQuery({
    queryKey: webhookKeys.deliveries(filter),
    queryFn: () => {
      const params = new URLSearchParams({ limit: '100' });
      if (filter.endpointId) params.set('endpointId', filter.endpointId);
      if (filter.status) params.set('status', filter.status);
      return api<{ data: WebhookDelivery[]; nextCursor: string | null }>(`/api/v1/webhook-deliveries?${params}`).then((r) => r.data);
    },
    refetchInterval: (query) => (query.state.data?.some((d) => d.status === 'pending') ? 3_000 : false),
  });

export const useDelivery = (id: string | null) =>
  useQuery({ queryKey: webhookKeys.delivery(id ?? ''), queryFn: () => api<DeliveryDetail>(`/api/v1/webhook-deliveries/${id}`), enabled: id !== null });
