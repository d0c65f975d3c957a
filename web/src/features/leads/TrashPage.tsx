import { Link } from 'react-router';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { useLeadList, useLeadTrash } from './api.ts';
import { leadName } from './labels.ts';

/** Deleted leads, most recently changed first, each restorable. */
export function TrashPage() {
  const list = useLeadList({ deleted: 'true', sort: '-updatedAt' });
  const { restore } = useLeadTrash();
  const toast = useToast();
  const leads = list.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <div className="space-y-4">
      <PageHeader
        back={
          <Link to="/leads" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
            <Icon name="back" className="size-4" /> Leads
          </Link>
        }
        title="Trash"
        subtitle="Deleted leads stay here until restored."
      />
      <section className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        {list.isPending ? (
          <Spinner />
        ) : list.isError ? (
          <div className="p-4">
            <Notice>{errorMessage(list.error)}</Notice>
          </div>
        ) : leads.length === 0 ? (
          <EmptyState title="The trash is empty">Leads you delete show up here, and can be restored.</EmptyState>
        ) : (
          <Table label="Deleted leads">
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Name
                </th>
                <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                  Company
                </th>
                <th scope="col" className={`${thClass} hidden md:table-cell`}>
                  Deleted
                </th>
                <th scope="col" className={`${thClass} text-right`}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {leads.map((lead) => (
                <tr key={lead.id}>
                  <td className={tdClass}>
                    <Link to={`/leads/${lead.id}`} className="font-medium text-slate-900 hover:text-indigo-600">
                      {leadName(lead)}
                    </Link>
                  </td>
                  <td className={`${tdClass} hidden text-slate-600 sm:table-cell`}>{lead.company}</td>
                  <td className={`${tdClass} hidden text-slate-600 md:table-cell`}>{lead.deletedAt && formatDateTime(lead.deletedAt)}</td>
                  <td className={`${tdClass} text-right`}>
                    <Button
                      size="sm"
                      busy={restore.isPending && restore.variables === lead.id}
                      onClick={() =>
                        restore.mutate(lead.id, {
                          onSuccess: () => toast(`Restored “${leadName(lead)}”`),
                          onError: (error) => toast(errorMessage(error), { tone: 'error' }),
                        })
                      }
                    >
                      Restore
                    </Button>
                  </td>
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
    </div>
  );
}
