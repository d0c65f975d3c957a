import { Link } from 'react-router';
import { Badge } from '../../components/Badge.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { useForms } from './api.ts';

const buttonLink = 'inline-flex h-9 items-center gap-2 rounded-md bg-indigo-600 px-3.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500';

/** Admins' list of web forms: each one a way leads arrive from the website. */
export function FormsPage() {
  const forms = useForms();
  return (
    <section className="space-y-4" aria-label="Web forms">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-600">Paste a form into your website; every submission becomes a lead (or is matched to one you already have).</p>
        <Link to="/sourcing/forms/new" className={buttonLink}>
          <Icon name="plus" className="size-4" /> New form
        </Link>
      </div>
      <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        {forms.isPending ? (
          <Spinner label="Loading forms…" />
        ) : forms.isError ? (
          <div className="p-4">
            <Notice>{errorMessage(forms.error)}</Notice>
          </div>
        ) : forms.data.length === 0 ? (
          <EmptyState title="No web forms yet">Create one, then paste its HTML into a page of your website.</EmptyState>
        ) : (
          <Table label="Web forms">
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Name
                </th>
                <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                  Fields
                </th>
                <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                  Lead source
                </th>
                <th scope="col" className={thClass}>
                  Status
                </th>
                <th scope="col" className={`${thClass} hidden md:table-cell`}>
                  Changed
                </th>
              </tr>
            </thead>
            <tbody>
              {forms.data.map((form) => (
                <tr key={form.id} className="hover:bg-slate-50">
                  <td className={tdClass}>
                    <Link to={`/sourcing/forms/${form.id}`} className="font-medium text-indigo-700 hover:underline">
                      {form.name}
                    </Link>
                  </td>
                  <td className={`${tdClass} hidden text-slate-600 sm:table-cell`}>{form.fields.map((f) => f.label).join(', ')}</td>
                  <td className={`${tdClass} hidden text-slate-600 sm:table-cell`}>{form.leadSource}</td>
                  <td className={tdClass}>
                    <span className="flex flex-wrap gap-1">
                      {form.active ? <Badge tone="green">Live</Badge> : <Badge>Paused</Badge>}
                      {form.spamCount > 0 && <Badge tone="amber">{form.spamCount} spam caught</Badge>}
                    </span>
                  </td>
                  <td className={`${tdClass} hidden text-slate-500 md:table-cell`}>{formatDateTime(form.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>
    </section>
  );
}
