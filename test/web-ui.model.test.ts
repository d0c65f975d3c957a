// The web UI's pure rules: how history reads, where a day starts in the user's zone, how a leads
// view lives in the URL, and where sign-in may send you. No browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEntry } from '../web/src/api/types.ts';
import { describeAudit } from '../web/src/features/audit/describe.ts';
import { safeNext } from '../web/src/features/auth/next.ts';
import { leadQuery, readLeadView, writeLeadView } from '../web/src/features/leads/filters.ts';
import { dayBoundary, relativeTime, setDisplayTimeZone } from '../web/src/lib/dates.ts';

const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
  id: '1',
  actorId: 'u1',
  entityType: 'lead',
  entityId: 'l1',
  action: 'update',
  before: null,
  after: null,
  reason: null,
  createdAt: '2025-01-01T00:00:00Z',
  ...overrides,
});
const context = {
  noun: 'lead',
  nameOf: (id: string | null | undefined) => (id === 'u1' ? 'Ada' : id === 'u2' ? 'Bob' : 'Unknown user'),
  valueOf: (field: string, value: unknown) => (field === 'ownerId' ? (value === 'u2' ? 'Bob' : 'Ada') : field === 'status' ? String(value).toUpperCase() : undefined),
};

test('history reads as sentences with people and labels, not ids', () => {
  const changed = describeAudit(entry({ before: { status: 'new', ownerId: 'u1' }, after: { status: 'working', ownerId: 'u2' } }), context);
  assert.equal(changed.who, 'Ada');
  assert.equal(changed.verb, 'changed');
  assert.deepEqual(changed.lines, [
    { field: 'status', from: 'NEW', to: 'WORKING' },
    { field: 'owner', from: 'Ada', to: 'Bob' },
  ]);
  assert.deepEqual(describeAudit(entry({ before: { title: null }, after: { title: 'CTO' } }), context).lines, [{ field: 'job title', from: 'empty', to: 'CTO' }]);
  assert.equal(describeAudit(entry({ action: 'create', after: { lastName: 'x' } }), context).verb, 'created this lead');
  assert.equal(describeAudit(entry({ action: 'delete' }), context).verb, 'moved this lead to the trash');
  assert.equal(describeAudit(entry({ action: 'restore' }), context).verb, 'restored this lead from the trash');
  assert.equal(describeAudit(entry({ action: 'merged_into', actorId: null }), context).who, 'Leadflow');
  assert.equal(describeAudit(entry({ reason: 'Rep left' }), context).reason, 'Rep left');
  const long = describeAudit(entry({ before: { notes: '' }, after: { notes: 'x'.repeat(200) } }), context).lines[0]!;
  assert.equal(long.to.length, 78);
});

test('a day filter covers the whole calendar day in the user zone, across a DST change', () => {
  setDisplayTimeZone('Europe/Berlin');
  assert.equal(dayBoundary('2025-03-30', 'start'), '2025-03-29T23:00:00.000Z');
  assert.equal(dayBoundary('2025-03-30', 'end'), '2025-03-30T21:59:59.999Z');
  setDisplayTimeZone('America/New_York');
  assert.equal(dayBoundary('2025-07-04', 'start'), '2025-07-04T04:00:00.000Z');
  assert.equal(dayBoundary('not a day', 'start'), undefined);
  setDisplayTimeZone(undefined);
});

test('relative times read like people say them', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  assert.equal(relativeTime('2025-06-01T11:59:50Z', now), 'just now');
  assert.equal(relativeTime('2025-06-01T11:58:00Z', now), '2 min ago');
  assert.equal(relativeTime('2025-06-01T09:00:00Z', now), '3 h ago');
  assert.equal(relativeTime('2025-05-31T10:00:00Z', now), 'yesterday');
  assert.equal(relativeTime('2025-05-28T12:00:00Z', now), '4 days ago');
});

test('a leads view survives the round trip through the URL and drops what the API would refuse', () => {
  const view = readLeadView(new URLSearchParams('q=acme&status=new,bogus,working&owner=me&country=de&from=2025-01-01&sort=company'));
  assert.deepEqual(view.status, ['new', 'working']);
  assert.equal(readLeadView(new URLSearchParams('sort=-email')).sort, '-createdAt');
  assert.equal(writeLeadView(view).toString(), 'q=acme&status=new%2Cworking&owner=me&country=de&from=2025-01-01&sort=company');
  assert.equal(writeLeadView(readLeadView(new URLSearchParams())).toString(), '');

  const query = leadQuery(view, 'my-id');
  assert.equal(query.ownerId, 'my-id');
  assert.equal(query.country, 'DE');
  assert.equal(query.status, 'new,working');
  assert.equal(leadQuery({ ...view, owner: 'none' }, 'my-id').unassigned, 'true');
  assert.equal(leadQuery({ ...view, owner: 'none' }, 'my-id').ownerId, undefined);
  assert.equal(leadQuery({ ...view, country: 'D' }, 'my-id').country, undefined);
});

test('sign-in only returns to pages of this app', () => {
  assert.equal(safeNext('/leads?q=acme'), '/leads?q=acme');
  assert.equal(safeNext(null), '/');
  assert.equal(safeNext('https://evil.example'), '/');
  assert.equal(safeNext('//evil.example'), '/');
  assert.equal(safeNext('/\\evil.example'), '/');
});
