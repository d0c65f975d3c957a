import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Menu, MenuItem } from '../../components/Menu.tsx';
import { useToast } from '../../components/Toast.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { formatDate } from '../../lib/dates.ts';
import { canReassign, useSession } from '../auth/session.tsx';
import { canExport } from '../imports/roles.ts';
import { useSequences } from '../sequences/api.ts';
import { ownerOptions, useUserNames, useUsers } from '../users/api.ts';
import { useDeleteView, useViewCounts, useViewFields, useViewRecords, useViews, type SavedView, type ViewObject, type ViewRecord } from './api.ts';
import { ViewBuilder } from './ViewBuilder.tsx';

const PATHS: Record<ViewObject, string> = { lead: 'leads', contact: 'contacts', account: 'accounts', opportunity: 'opportunities' };

/** The list's tabs: everything, then each saved view (yours and shared ones) with its count. */
export function ViewTabs({ object, current, onSelect, allLabel }: { object: ViewObject; current: string | null; onSelect: (id: string | null) => void; allLabel: string }) {
  const views = useViews(object);
  const counts = useViewCounts(object);
  const [building, setBuilding] = useState(false);
  const countOf = (id: string) => {
    const c = counts.data?.data.find((x) => x.viewId === id);
    return c ? `${c.count.toLocaleString()}${c.capped ? '+' : ''}` : '…';
  };
  const tab = (active: boolean) =>
    `inline-flex h-8 shrink-0 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium ${active ? 'bg-indigo-600 text-white' : 'text-slate-700 hover:bg-slate-100'}`;
  return (
    <div className="flex items-center gap-1 overflow-x-auto pb-1" role="tablist" aria-label="Saved views">
      <button type="button" role="tab" aria-selected={current === null} className={tab(current === null)} onClick={() => onSelect(null)}>
        {allLabel}
      </button>
      {(views.data?.data ?? []).map((view) => (
        <button key={view.id} type="button" role="tab" aria-selected={current === view.id} className={tab(current === view.id)} onClick={() => onSelect(view.id)} title={view.shared ? 'Shared with everyone' : 'Only you see this view'}>
          {view.name}
          <span className={`rounded px-1.5 text-xs tabular-nums ${current === view.id ? 'bg-indigo-500' : 'bg-slate-100 text-slate-600'}`}>{countOf(view.id)}</span>
          {view.shared && <span className="sr-only">(shared)</span>}
        </button>
      ))}
      <Button size="sm" variant="ghost" onClick={() => setBuilding(true)}>
        <Icon name="plus" className="size-4" /> New view
      </Button>
      {building && (
        <ViewBuilder
          object={object}
          open
          onClose={() => setBuilding(false)}
          onSaved={(view) => {
            setBuilding(false);
            onSelect(view.id);
          }}
        />
      )}
    </div>
  );
}

const menuButton = 'inline-flex h-8 items-center gap-1 rounded-md px-2.5 text-sm font-medium text-slate-600 hover:bg-slate-100';

/** Acts on every record of a view (its first 5,000): assign its leads, or enroll it in a sequence. */
function ViewActions({ view }: { view: SavedView }) {
  const me = useSession();
  const users = useUsers();
  const sequences = useSequences();
  const toast = useToast();
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown }) => api<{ updated?: number; enrolled?: number; skipped?: unknown[] }>(`/api/v1/views/${view.id}/${path}`, { method: 'POST', body }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['views'] });
      void queryClient.invalidateQueries({ queryKey: ['leads'] });
      toast(result.enrolled !== undefined ? `Enrolled ${result.enrolled}${result.skipped?.length ? `, skipped ${result.skipped.length}` : ''}` : `Assigned ${result.updated ?? 0}`);
    },
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });
  const mayEnroll = me.user.role !== 'executive';
  return (
    <>
      {view.object === 'lead' && canReassign(me.user.role) && (
        <Menu buttonClassName={menuButton} label={<>Assign all <Icon name="chevronDown" className="size-4" /></>}>
          {(close) => (
            <div className="max-h-64 overflow-y-auto">
              {ownerOptions(users.data).map((o) => (
                <MenuItem
                  key={o.value}
                  onClick={() => {
                    close();
                    act.mutate({ path: 'bulk', body: { action: 'assign', ownerId: o.value } });
                  }}
                >
                  {o.label}
                </MenuItem>
              ))}
            </div>
          )}
        </Menu>
      )}
      {mayEnroll && (
        <Menu buttonClassName={menuButton} label={<>Enroll all <Icon name="chevronDown" className="size-4" /></>}>
          {(close) => (
            <div className="max-h-64 overflow-y-auto">
              {(sequences.data?.data ?? []).filter((q) => q.status !== 'archived').map((q) => (
                <MenuItem
                  key={q.id}
                  onClick={() => {
                    close();
                    act.mutate({ path: 'enroll', body: { sequenceId: q.id } });
                  }}
                >
                  {q.name}
                </MenuItem>
              ))}
              {sequences.data?.data.length === 0 && <p className="px-2.5 py-1.5 text-sm text-slate-500">No sequences yet</p>}
            </div>
          )}
        </Menu>
      )}
    </>
  );
}

function cell(value: unknown, type: string | undefined, ownerName: (id: string | null) => string): string {
  if (value === null || value === undefined || value === '') return '';
  if (type === 'user') return ownerName(value as string);
  if (type === 'date') return formatDate(value as string);
  if (type === 'bool') return value ? 'Yes' : 'No';
  return String(value);
}

const valueOf = (record: ViewRecord, column: string): unknown =>
  column.startsWith('custom.') ? (record.custom as Record<string, unknown> | undefined)?.[column.slice(7)] : record[column];

/** A saved view's records with its chosen columns, page by page; edit, export or delete it. */
export function ViewRecords({ viewId, onDeleted }: { viewId: string; onDeleted: () => void }) {
  const me = useSession();
  const ownerName = useUserNames();
  const fields = useViewFields();
  const records = useViewRecords(viewId);
  const remove = useDeleteView();
  const [editing, setEditing] = useState(false);
  const view: SavedView | undefined = records.data?.pages[0]?.view;
  const rows = records.data?.pages.flatMap((p) => p.data) ?? [];
  if (records.isError) return <Notice action={<Button onClick={() => void records.refetch()}>Try again</Button>}>{errorMessage(records.error)}</Notice>;
  if (!view) return <Spinner label="Loading the view…" />;
  const specs = new Map((fields.data?.[view.object].fields ?? []).map((f) => [f.name, f]));
  const mayChange = view.ownerId === me.user.id || (view.shared && (me.user.role === 'admin' || me.user.role === 'manager'));
  const path = PATHS[view.object];
  const nameColumn = view.columns[0];
  return (
    <section className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5" aria-busy={records.isFetching} aria-label={`View ${view.name}`}>
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-2.5">
        <h2 className="text-sm font-semibold text-slate-900">{view.name}</h2>
        <span className="text-xs text-slate-500">{view.shared ? 'Shared' : 'Personal'}</span>
        <div className="ml-auto flex flex-wrap gap-1">
          {(view.object === 'lead' || view.object === 'contact') && <ViewActions view={view} />}
          {(view.object === 'lead' || view.object === 'contact') && (
            <Link to={`/calls?source=view&viewId=${view.id}`} className="inline-flex h-8 items-center rounded-md px-2.5 text-sm font-medium text-slate-600 hover:bg-slate-100">
              Call this list
            </Link>
          )}
          {canExport(me.user.role) && (
            <a href={`/api/v1/views/${view.id}/export.csv`} download className="inline-flex h-8 items-center rounded-md px-2.5 text-sm font-medium text-slate-600 hover:bg-slate-100">
              Export CSV
            </a>
          )}
          {mayChange && (
            <>
              <Button size="sm" variant="ghost" onClick={() => setEditing(true)}>
                Edit view
              </Button>
              <Button
                size="sm"
                variant="ghost"
                busy={remove.isPending}
                onClick={() => {
                  if (window.confirm(`Delete the view “${view.name}”? The records stay.`)) remove.mutate(view.id, { onSuccess: onDeleted });
                }}
              >
                Delete
              </Button>
            </>
          )}
        </div>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="Nothing in this view">No record matches its conditions right now.</EmptyState>
      ) : (
        <Table label={view.name}>
          <thead>
            <tr>
              {view.columns.map((column, i) => (
                <th key={column} scope="col" className={`${thClass} ${i > 2 ? 'hidden md:table-cell' : ''}`}>
                  {specs.get(column)?.label ?? column.replace(/^custom\./, '')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((record) => (
              <tr key={record.id} className="hover:bg-slate-50">
                {view.columns.map((column, i) => (
                  <td key={column} className={`${tdClass} max-w-60 truncate text-slate-700 ${i > 2 ? 'hidden md:table-cell' : ''}`}>
                    {column === nameColumn ? (
                      <Link to={`/${path}/${record.id}`} className="font-medium text-slate-900 hover:text-indigo-600">
                        {cell(valueOf(record, column), specs.get(column)?.type, ownerName) || 'Open'}
                      </Link>
                    ) : (
                      cell(valueOf(record, column), specs.get(column)?.type, ownerName)
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {rows.length > 0 && (
        <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-500">
          <span>
            {rows.length} shown{records.hasNextPage ? ' · more available' : ''}
          </span>
          {records.hasNextPage && (
            <Button size="sm" onClick={() => void records.fetchNextPage()} busy={records.isFetchingNextPage}>
              Load more
            </Button>
          )}
        </div>
      )}
      {editing && <ViewBuilder object={view.object} view={view} open onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />}
    </section>
  );
}
