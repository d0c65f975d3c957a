import { Link, useSearchParams } from 'react-router';
import { Badge } from '../../components/Badge.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { ownerOptions, useUserNames, useUsers } from '../users/api.ts';
import { useDecisions, useSlaReport, type Decision } from './api.ts';

const KIND_TONES = { assignment: 'blue', reassignment: 'violet', escalation: 'red', handoff: 'green' } as const;
const PATHS = { lead: '/leads', account: '/accounts', opportunity: '/opportunities' } as const;

/** Every routing decision with its reason, and speed-to-lead: clocks met and breached per rep. */
export function DecisionsPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries([...params].filter(([key]) => ['ownerId', 'kind'].includes(key)));
  const decisions = useDecisions(filter);
  const sla = useSlaReport();
  const users = useUsers();
  const nameOf = useUserNames();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <section className="space-y-4">
      {sla.data && (
        <div className="grid gap-3 sm:grid-cols-4">
          {(
            [
              ['Clocks running', sla.data.counts.running, 'text-slate-900'],
              ['First touch in time', sla.data.counts.met, 'text-emerald-700'],
              ['Breached', sla.data.counts.breached, 'text-red-700'],
              ['Breach rate', sla.data.breachRate === null ? '—' : `${Math.round(sla.data.breachRate * 100)} %`, 'text-slate-900'],
            ] as const
          ).map(([label, value, tone]) => (
            <div key={label} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
              <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
              <p className={`mt-1 text-2xl font-semibold ${tone}`}>{value}</p>
            </div>
          ))}
        </div>
      )}
      {sla.data && sla.data.byOwner.some((o) => o.counts.breached > 0) && (
        <p className="text-sm text-slate-600">
          Breaches by rep:{' '}
          {sla.data.byOwner
            .filter((o) => o.counts.breached > 0)
            .map((o) => `${nameOf(o.ownerId)} ${o.counts.breached} of ${o.counts.met + o.counts.breached}`)
            .join(' · ')}
        </p>
      )}

      <div className="flex flex-wrap gap-2">
        <Select aria-label="Owner" className="w-48" value={params.get('ownerId') ?? ''} onChange={(e) => set('ownerId', e.target.value)}>
          <option value="">Anyone</option>
          {ownerOptions(users.data).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
        <Select aria-label="Kind" className="w-44" value={params.get('kind') ?? ''} onChange={(e) => set('kind', e.target.value)}>
          <option value="">Every kind</option>
          <option value="assignment">Assignments</option>
          <option value="reassignment">Reassignments</option>
          <option value="escalation">Escalations</option>
          <option value="handoff">Hand-offs</option>
        </Select>
      </div>

      {decisions.isPending ? (
        <Spinner label="Loading decisions…" />
      ) : decisions.isError ? (
        <Notice>{errorMessage(decisions.error)}</Notice>
      ) : decisions.data.data.length === 0 ? (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <EmptyState title="No decisions yet">Activate a rule set; every record it routes shows here with the reason.</EmptyState>
        </div>
      ) : (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <Table label="Routing decisions">
            <thead>
              <tr>
                <th className={thClass}>When</th>
                <th className={thClass}>Record</th>
                <th className={thClass}>What</th>
                <th className={thClass}>Now with</th>
                <th className={`${thClass} min-w-72`}>Why</th>
              </tr>
            </thead>
            <tbody>
              {decisions.data.data.map((d: Decision) => (
                <tr key={d.id}>
                  <td className={`${tdClass} whitespace-nowrap text-slate-500`}>{formatDateTime(d.createdAt)}</td>
                  <td className={tdClass}>
                    <Link className="text-indigo-700 hover:underline" to={`${PATHS[d.subjectType]}/${d.subjectId}`}>
                      Open {d.subjectType}
                    </Link>
                  </td>
                  <td className={tdClass}>
                    <Badge tone={KIND_TONES[d.kind]}>{d.kind}</Badge>
                    {d.ruleSetVersion !== null && <span className="ml-1 text-xs text-slate-500">v{d.ruleSetVersion}</span>}
                  </td>
                  <td className={`${tdClass} whitespace-nowrap`}>
                    {nameOf(d.ownerId)}
                    {d.previousOwnerId && d.previousOwnerId !== d.ownerId && <span className="block text-xs text-slate-500">was {nameOf(d.previousOwnerId)}</span>}
                  </td>
                  <td className={`${tdClass} text-slate-700`}>{d.reason}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </section>
  );
}
