// Meetings' API: scheduling, the agenda, outcomes, my booking page and working hours, and the
// public booking page. Shapes mirror src/modules/meetings/routes.ts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export const MEETING_KINDS = ['demo', 'discovery', 'call', 'follow_up', 'other'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const KIND_LABELS: Record<MeetingKind, string> = { demo: 'Demo', discovery: 'Discovery call', call: 'Call', follow_up: 'Follow-up', other: 'Other' };

export type MeetingStatus = 'scheduled' | 'rescheduled' | 'held' | 'no_show' | 'cancelled';
export const STATUS_LABELS: Record<MeetingStatus, string> = { scheduled: 'Scheduled', rescheduled: 'Rescheduled', held: 'Held', no_show: 'No-show', cancelled: 'Cancelled' };

export type Meeting = {
  id: string;
  kind: MeetingKind;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  organizerId: string;
  attendees: { email: string; name: string; userId: string | null }[];
  videoUrl: string | null;
  leadId: string | null;
  contactId: string | null;
  accountId: string | null;
  opportunityId: string | null;
  status: MeetingStatus;
  outcomeNotes: string;
  bookedVia: string;
  sequence: number;
  version: number;
};

export type NewMeeting = {
  kind: MeetingKind;
  title: string;
  description?: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  videoUrl?: string | null;
  attendees?: { email: string }[];
  leadId?: string;
  contactId?: string;
  opportunityId?: string;
};

export type MeetingQuery = { from?: string; to?: string; mine?: boolean; status?: MeetingStatus[] };

const meetingsKey = ['meetings'] as const;

export function useMeetings(query: MeetingQuery) {
  const params = new URLSearchParams({ limit: '200' });
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.mine) params.set('mine', '1');
  if (query.status?.length) params.set('status', query.status.join(','));
  return useQuery({ queryKey: [...meetingsKey, params.toString()], queryFn: () => api<Page<Meeting>>(`/api/v1/meetings?${params}`) });
}

/** After any change: the agenda and the timelines the change landed on. */
function useInvalidate() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: meetingsKey });
    void client.invalidateQueries({ predicate: (q) => q.queryKey.includes('timeline') });
  };
}

export function useScheduleMeeting() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: NewMeeting) => api<Meeting>('/api/v1/meetings', { method: 'POST', body }), onSuccess: invalidate });
}

export function useRescheduleMeeting() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; startsAt: string; endsAt: string; reason?: string }) => api<Meeting>(`/api/v1/meetings/${id}/reschedule`, { method: 'POST', body }),
    onSuccess: invalidate,
  });
}

export function useCancelMeeting() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: ({ id, reason }: { id: string; reason?: string }) => api<Meeting>(`/api/v1/meetings/${id}/cancel`, { method: 'POST', body: { reason } }), onSuccess: invalidate });
}

export function useLogOutcome() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; outcome: 'held' | 'no_show'; notes?: string }) => api<Meeting>(`/api/v1/meetings/${id}/outcome`, { method: 'POST', body }),
    onSuccess: invalidate,
  });
}

export type WeeklyHours = Partial<Record<Weekday, [string, string][]>>;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WEEKDAY_LABELS: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

export type MeetingType = { key: string; name: string; minutes: number };
export type BookingPage = {
  userId: string;
  slug: string;
  title: string;
  description: string;
  meetingTypes: MeetingType[];
  bufferMinutes: number;
  minNoticeMinutes: number;
  daysAhead: number;
  videoUrl: string | null;
  active: boolean;
  version: number;
  saved: boolean;
};
export type BookingPageInput = Omit<BookingPage, 'userId' | 'saved'>;

const bookingPageKey = ['booking-page'] as const;
const availabilityKey = ['availability', 'me'] as const;

export const useBookingPage = () => useQuery({ queryKey: bookingPageKey, queryFn: () => api<BookingPage>('/api/v1/booking-page') });

export function useSaveBookingPage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BookingPageInput) => api<BookingPage>('/api/v1/booking-page', { method: 'PUT', body }),
    onSuccess: (page) => client.setQueryData(bookingPageKey, page),
  });
}

export type MyAvailability = { timeZone: string; workingHours: WeeklyHours | null };

/** Working hours are routing's availability (the same hours decide who gets new leads). */
export const useMyAvailability = () => useQuery({ queryKey: availabilityKey, queryFn: () => api<MyAvailability>('/api/v1/users/me/availability') });

export function useSaveWorkingHours() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (workingHours: WeeklyHours | null) => api<MyAvailability>('/api/v1/users/me/availability', { method: 'PUT', body: { workingHours } }),
    onSuccess: (availability) => client.setQueryData(availabilityKey, availability),
  });
}

export type PublicPage = { slug: string; title: string; description: string; repName: string; repTimeZone: string; meetingTypes: MeetingType[]; daysAhead: number };
export type SlotDay = { day: string; slots: { start: string; end: string; time: string }[] };

export const usePublicPage = (slug: string) => useQuery({ queryKey: ['booking', slug], queryFn: () => api<PublicPage>(`/api/v1/booking/${encodeURIComponent(slug)}`), retry: false });

export function usePublicSlots(slug: string, query: { from: string; to: string; type: string; timeZone: string } | null) {
  return useQuery({
    queryKey: ['booking', slug, 'slots', query],
    enabled: query !== null,
    queryFn: () => {
      const params = new URLSearchParams(query!);
      return api<{ timeZone: string; durationMinutes: number; days: SlotDay[] }>(`/api/v1/booking/${encodeURIComponent(slug)}/slots?${params}`);
    },
  });
}

export type BookingRequest = { type: string; startsAt: string; timeZone: string; name: string; email: string; company?: string; notes?: string; website?: string };

export function useBook(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BookingRequest) => api<{ status: 'booked'; startsAt: string; endsAt: string; videoUrl: string | null }>(`/api/v1/booking/${encodeURIComponent(slug)}`, { method: 'POST', body }),
    // Taken or not, the slots have changed: ask again.
    onSettled: () => client.invalidateQueries({ queryKey: ['booking', slug, 'slots'] }),
  });
}
