import { LEAD_SORTS, LEAD_STATUSES, type LeadSort, type LeadStatus } from '../../api/types.ts';
import { dayBoundary } from '../../lib/dates.ts';

// The leads list's view lives in the URL (?status=new,working&sort=company&q=acme) so a view can
// be bookmarked, shared and restored with Back.

export type LeadView = {
  q: string;
  status: LeadStatus[];
  /** A user id, "me", "none" (unassigned) or "" (anyone). */
  owner: string;
  source: string;
  country: string;
  from: string;
  to: string;
  sort: LeadSort;
  /** Custom field filters by key (`custom.<key>=value` in the URL and the API). */
  custom: Record<string, string>;
};

export const DEFAULT_SORT: LeadSort = '-createdAt';

export function readLeadView(params: URLSearchParams): LeadView {
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? '',
    status: (params.get('status') ?? '').split(',').filter((s): s is LeadStatus => (LEAD_STATUSES as readonly string[]).includes(s)),
    owner: params.get('owner') ?? '',
    source: params.get('source') ?? '',
    country: params.get('country') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    sort: sort && (LEAD_SORTS as readonly string[]).includes(sort) ? (sort as LeadSort) : DEFAULT_SORT,
    custom: Object.fromEntries([...params].filter(([name, value]) => name.startsWith('custom.') && value).map(([name, value]) => [name.slice(7), value])),
  };
}

export function writeLeadView(view: LeadView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.q) params.set('q', view.q);
  if (view.status.length) params.set('status', view.status.join(','));
  if (view.owner) params.set('owner', view.owner);
  if (view.source) params.set('source', view.source);
  if (view.country) params.set('country', view.country);
  if (view.from) params.set('from', view.from);
  if (view.to) params.set('to', view.to);
  for (const [key, value] of Object.entries(view.custom)) if (value) params.set(`custom.${key}`, value);
  if (view.sort !== DEFAULT_SORT) params.set('sort', view.sort);
  return params;
}

export const activeFilterCount = (view: LeadView): number =>
  [view.status.length > 0, view.owner, view.source, view.country, view.from, view.to, ...Object.values(view.custom)].filter(Boolean).length;

/** The API's query for a view; "me" becomes the signed-in user's id. */
export function leadQuery(view: LeadView, myId: string): Record<string, string | undefined> {
  return {
    q: view.q.trim() || undefined,
    status: view.status.length ? view.status.join(',') : undefined,
    ownerId: view.owner && view.owner !== 'none' ? (view.owner === 'me' ? myId : view.owner) : undefined,
    unassigned: view.owner === 'none' ? 'true' : undefined,
    source: view.source || undefined,
    country: /^[A-Za-z]{2}$/.test(view.country) ? view.country.toUpperCase() : undefined,
    createdFrom: view.from ? dayBoundary(view.from, 'start') : undefined,
    createdTo: view.to ? dayBoundary(view.to, 'end') : undefined,
    sort: view.sort,
    ...Object.fromEntries(Object.entries(view.custom).map(([key, value]) => [`custom.${key}`, value || undefined])),
  };
}
