import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { Lead } from '../../api/types.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Kbd } from '../../components/Kbd.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { SortHeader, Table, tdClass, thClass } from '../../components/Table.tsx';
import { formatDate, formatDateTime } from '../../lib/dates.ts';
import { useShortcut } from '../../lib/shortcuts.ts';
import { useUrlSearch } from '../../lib/useUrlSearch.ts';
import { useRowNavigation } from '../../lib/useRowNavigation.ts';
import { ExportLink } from '../imports/ExportLink.tsx';
import { canImport } from '../imports/roles.ts';
import { useSession } from '../auth/session.tsx';
import { useUserNames } from '../users/api.ts';
import { useLeadList } from './api.ts';
import { BulkActions } from './BulkActions.tsx';
import { activeFilterCount, leadQuery, readLeadView, writeLeadView, type LeadView } from './filters.ts';
import { STATUS_LABELS, STATUS_TONES, leadName, sourceLabel } from './labels.ts';
import { LeadFilters, SortSelect } from './LeadFilters.tsx';
import { NewLeadDialog } from './NewLeadDialog.tsx';
import { ViewRecords, ViewTabs } from '../views/SavedViews.tsx';

export function LeadsPage() {
  const me = useSession();
  const navigate = useNavigate();
  const ownerName = useUserNames();
  const [params, setParams] = useSearchParams();
  const view = readLeadView(params);
  // A saved view (?view=<id>) replaces the quick filters and the table with its own.
  const savedViewId = params.get('view');
  const update = (patch: Partial<LeadView>, replace = false) => setParams(writeLeadView({ ...view, ...patch }), { replace });

  const [search, setSearch] = useUrlSearch();

  const list = useLeadList(leadQuery(view, me.user.id));
  const leads = list.data?.pages.flatMap((page) => page.data) ?? [];

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = (lead: Lead) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(lead.id)) next.add(lead.id);
      return next;
    });
  const viewKey = params.toString();
  useEffect(() => setSelected(new Set()), [viewKey]);
  const allSelected = leads.length > 0 && leads.every((lead) => selected.has(lead.id));
  const someSelected = !allSelected && leads.some((lead) => selected.has(lead.id));

  const [creating, setCreating] = useState(false);
  useShortcut('n', () => setCreating(true));
  const open = (lead: Lead) => navigate(`/leads/${lead.id}`);
  const { highlighted, setHighlighted } = useRowNavigation(leads, open, toggle);

  const filtered = activeFilterCount(view) > 0 || view.q !== '';

  return (
    <div className="space-y-4">
      <PageHeader
        title="Leads"
        actions={
          <>
            <Link to="/leads/trash" className="inline-flex h-9 items-center gap-1.5 rounded-md px-3 text-sm font-medium text-slate-600 hover:bg-slate-100">
              <Icon name="trash" className="size-4" /> Trash
            </Link>
            <ExportLink list="leads" filters={leadQuery(view, me.user.id)} />
            {canImport(me.user.role) && (
              <Link to="/leads/import" className="inline-flex h-9 items-center gap-1.5 rounded-md px-3 text-sm font-medium text-slate-600 hover:bg-slate-100">
                Import
              </Link>
            )}
            <Button variant="primary" onClick={() => setCreating(true)} title="New lead (n)">
              <Icon name="plus" className="size-4" /> New lead
            </Button>
          </>
        }
      />

      <ViewTabs object="lead" current={savedViewId} allLabel="All leads" onSelect={(id) => setParams(id ? { view: id } : {})} />

      {savedViewId ? (
        <ViewRecords key={savedViewId} viewId={savedViewId} onDeleted={() => setParams({})} />
      ) : (
        <>
      <div className="space-y-2">
        <div className="flex gap-2">
          <div className="flex-1">
            <SearchBox value={search} onChange={setSearch} label="Search leads" placeholder="Search name, email or company" />
          </div>
          <div className="hidden w-48 sm:block">
            <SortSelect view={view} onChange={(patch) => update(patch)} className="h-10 w-full" />
          </div>
        </div>
        <LeadFilters view={view} onChange={(patch) => update(patch)} />
      </div>

      {selected.size > 0 && <BulkActions ids={[...selected]} onDone={() => setSelected(new Set())} />}

      <section className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5" aria-busy={list.isFetching}>
        {list.isError ? (
          <div className="p-4">
            <Notice action={<Button onClick={() => void list.refetch()}>Try again</Button>}>{errorMessage(list.error)}</Notice>
          </div>
        ) : list.isPending ? (
          <Spinner label="Loading leads…" />
        ) : leads.length === 0 ? (
          filtered ? (
            <EmptyState title="No leads match" action={<Button onClick={() => setParams(new URLSearchParams())}>Clear search and filters</Button>}>
              Try fewer filters or another search.
            </EmptyState>
          ) : (
            <EmptyState
              title="No leads yet"
              action={
                <Button variant="primary" onClick={() => setCreating(true)}>
                  <Icon name="plus" className="size-4" /> New lead
                </Button>
              }
            >
              Add your first lead, or send them in through the API. Press <Kbd>n</Kbd> any time to add one.
            </EmptyState>
          )
        ) : (
          <Table label="Leads">
            <thead>
              <tr>
                <th scope="col" className={`${thClass} w-10`}>
                  <input
                    type="checkbox"
                    aria-label="Select all shown leads"
                    className="size-4 accent-indigo-600"
                    checked={allSelected}
                    ref={(box) => {
                      if (box) box.indeterminate = someSelected;
                    }}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(leads.map((lead) => lead.id)))}
                  />
                </th>
                <SortHeader label="Name" field="lastName" sort={view.sort} onSort={(sort) => update({ sort: sort as LeadView['sort'] })} />
                <SortHeader label="Company" field="company" sort={view.sort} onSort={(sort) => update({ sort: sort as LeadView['sort'] })} className="hidden md:table-cell" />
                <th scope="col" className={`${thClass} hidden lg:table-cell`}>
                  Email
                </th>
                <th scope="col" className={thClass}>
                  Status
                </th>
                <th scope="col" className={`${thClass} hidden md:table-cell`}>
                  Owner
                </th>
                <th scope="col" className={`${thClass} hidden 2xl:table-cell`}>
                  Source
                </th>
                <th scope="col" className={`${thClass} hidden xl:table-cell`}>
                  Country
                </th>
                <SortHeader label="Created" field="createdAt" sort={view.sort} onSort={(sort) => update({ sort: sort as LeadView['sort'] })} className="hidden sm:table-cell" />
              </tr>
            </thead>
            <tbody>
              {leads.map((lead, index) => {
                const isHighlighted = index === highlighted;
                const isSelected = selected.has(lead.id);
                return (
                  <tr
                    key={lead.id}
                    data-row-index={index}
                    aria-selected={isSelected}
                    onMouseEnter={() => setHighlighted(index)}
                    className={`group ${isSelected ? 'bg-indigo-50/70' : isHighlighted ? 'bg-slate-50' : 'bg-white'}`}
                  >
                    <td className={`${tdClass} relative w-10`}>
                      {isHighlighted && <span className="absolute inset-y-0 left-0 w-0.5 bg-indigo-500" aria-hidden="true" />}
                      <input
                        type="checkbox"
                        aria-label={`Select ${leadName(lead)}`}
                        className="size-4 accent-indigo-600"
                        checked={isSelected}
                        onChange={() => toggle(lead)}
                      />
                    </td>
                    <td className={`${tdClass} max-w-64`}>
                      <Link to={`/leads/${lead.id}`} className="block truncate font-medium text-slate-900 hover:text-indigo-600">
                        {leadName(lead)}
                      </Link>
                      <span className="block truncate text-xs text-slate-500 md:hidden">{[lead.company, lead.email].filter(Boolean).join(' · ')}</span>
                      {lead.title && <span className="hidden truncate text-xs text-slate-500 md:block">{lead.title}</span>}
                    </td>
                    <td className={`${tdClass} hidden max-w-52 truncate text-slate-700 md:table-cell`}>{lead.company}</td>
                    <td className={`${tdClass} hidden max-w-60 truncate text-slate-600 lg:table-cell`}>{lead.email}</td>
                    <td className={tdClass}>
                      <Badge tone={STATUS_TONES[lead.status]}>{STATUS_LABELS[lead.status]}</Badge>
                    </td>
                    <td className={`${tdClass} hidden whitespace-nowrap text-slate-600 md:table-cell`}>{ownerName(lead.ownerId)}</td>
                    <td className={`${tdClass} hidden whitespace-nowrap text-slate-600 2xl:table-cell`}>{sourceLabel(lead.source)}</td>
                    <td className={`${tdClass} hidden text-slate-600 xl:table-cell`}>{lead.country}</td>
                    <td className={`${tdClass} hidden whitespace-nowrap text-slate-600 sm:table-cell`} title={formatDateTime(lead.createdAt)}>
                      {formatDate(lead.createdAt)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
        {leads.length > 0 && (
          <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-500">
            <span>
              {leads.length} {leads.length === 1 ? 'lead' : 'leads'} shown{list.hasNextPage ? ' · more available' : ''}
            </span>
            <span className="hidden text-xs lg:inline">
              <Kbd>j</Kbd> <Kbd>k</Kbd> move · <Kbd>Enter</Kbd> open · <Kbd>x</Kbd> select · <Kbd>?</Kbd> all shortcuts
            </span>
            {list.hasNextPage && (
              <Button size="sm" onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
                Load more
              </Button>
            )}
          </div>
        )}
      </section>
        </>
      )}

      <NewLeadDialog open={creating} onClose={() => setCreating(false)} onOpenLead={(id) => navigate(`/leads/${id}`)} />
    </div>
  );
}
