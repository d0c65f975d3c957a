import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { LIFECYCLE_STAGES, type Account } from '../../api/types.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Select } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useShortcut } from '../../lib/shortcuts.ts';
import { useUrlSearch } from '../../lib/useUrlSearch.ts';
import { useRowNavigation } from '../../lib/useRowNavigation.ts';
import { useUserNames } from '../users/api.ts';
import { ExportLink } from '../imports/ExportLink.tsx';
import { useAccountList } from './api.ts';
import { STAGE_LABELS, STAGE_TONES } from './labels.ts';
import { NewAccountDialog } from './NewAccountDialog.tsx';
import { ViewRecords, ViewTabs } from '../views/SavedViews.tsx';

export function AccountsPage() {
  const navigate = useNavigate();
  const ownerName = useUserNames();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const stage = params.get('stage') ?? '';
  const savedViewId = params.get('view');
  const setStage = (value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set('stage', value);
        else next.delete('stage');
        return next;
      },
    );

  const [search, setSearch] = useUrlSearch();

  const list = useAccountList({ q: q.trim() || undefined, lifecycleStage: stage || undefined });
  const accounts = list.data?.pages.flatMap((page) => page.data) ?? [];
  const [creating, setCreating] = useState(false);
  useShortcut('n', () => setCreating(true));
  const { highlighted, setHighlighted } = useRowNavigation(accounts, (account: Account) => navigate(`/accounts/${account.id}`));

  return (
    <div className="space-y-4">
      <PageHeader
        title="Accounts"
        actions={
          <>
            <ExportLink list="accounts" filters={{ q: q.trim() || undefined, lifecycleStage: stage || undefined }} />
            <Button variant="primary" onClick={() => setCreating(true)} title="New account (n)">
              <Icon name="plus" className="size-4" /> New account
            </Button>
          </>
        }
      />
      <ViewTabs object="account" current={savedViewId} allLabel="All accounts" onSelect={(id) => setParams(id ? { view: id } : {})} />
      {savedViewId ? (
        <ViewRecords key={savedViewId} viewId={savedViewId} onDeleted={() => setParams({})} />
      ) : (
        <>
      <div className="flex flex-col gap-2 sm:flex-row">
        <div className="flex-1">
          <SearchBox value={search} onChange={setSearch} label="Search accounts" placeholder="Search accounts by name or domain" />
        </div>
        <Select aria-label="Lifecycle stage" value={stage} onChange={(event) => setStage(event.target.value)} className="h-10 sm:w-48">
          <option value="">All stages</option>
          {LIFECYCLE_STAGES.map((value) => (
            <option key={value} value={value}>
              {STAGE_LABELS[value]}
            </option>
          ))}
        </Select>
      </div>

      <section className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        {list.isError ? (
          <div className="p-4">
            <Notice>{errorMessage(list.error)}</Notice>
          </div>
        ) : list.isPending ? (
          <Spinner label="Loading accounts…" />
        ) : accounts.length === 0 ? (
          q || stage ? (
            <EmptyState title="No accounts match">Try another search.</EmptyState>
          ) : (
            <EmptyState title="No accounts yet" action={<Button variant="primary" onClick={() => setCreating(true)}>New account</Button>}>
              Accounts are the companies you sell to. Their contacts and subsidiaries hang off them.
            </EmptyState>
          )
        ) : (
          <Table label="Accounts">
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Name
                </th>
                <th scope="col" className={`${thClass} hidden md:table-cell`}>
                  Industry
                </th>
                <th scope="col" className={`${thClass} hidden lg:table-cell`}>
                  Country
                </th>
                <th scope="col" className={thClass}>
                  Stage
                </th>
                <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                  Owner
                </th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((account, index) => (
                <tr key={account.id} data-row-index={index} onMouseEnter={() => setHighlighted(index)} className={index === highlighted ? 'bg-slate-50' : ''}>
                  <td className={`${tdClass} relative max-w-72`}>
                    {index === highlighted && <span className="absolute inset-y-0 left-0 w-0.5 bg-indigo-500" aria-hidden="true" />}
                    <Link to={`/accounts/${account.id}`} className="block truncate font-medium text-slate-900 hover:text-indigo-600">
                      {account.name}
                    </Link>
                    {account.domain && <span className="block truncate text-xs text-slate-500">{account.domain}</span>}
                  </td>
                  <td className={`${tdClass} hidden text-slate-600 md:table-cell`}>{account.industry}</td>
                  <td className={`${tdClass} hidden text-slate-600 lg:table-cell`}>{account.country}</td>
                  <td className={tdClass}>
                    <Badge tone={STAGE_TONES[account.lifecycleStage]}>{STAGE_LABELS[account.lifecycleStage]}</Badge>
                  </td>
                  <td className={`${tdClass} hidden whitespace-nowrap text-slate-600 sm:table-cell`}>{ownerName(account.ownerId)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {list.hasNextPage && (
          <div className="border-t border-slate-100 px-4 py-3 text-right">
            <Button size="sm" onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </section>
        </>
      )}
      <NewAccountDialog open={creating} onClose={() => setCreating(false)} onOpenAccount={(id) => navigate(`/accounts/${id}`)} />
    </div>
  );
}
