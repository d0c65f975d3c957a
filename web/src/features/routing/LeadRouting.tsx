import { Badge } from '../../components/Badge.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { useUserNames } from '../users/api.ts';
import { useClocks, useDecisions } from './api.ts';

const CLOCK_TONES = { running: 'amber', met: 'green', breached: 'red', cancelled: 'slate' } as const;
const CLOCK_LABELS = { running: 'First touch due', met: 'First touch in time', breached: 'SLA breached', cancelled: 'Clock stopped' } as const;

/** On a lead: why it went to its owner (each routing decision), and its speed-to-lead clock. */
export function LeadRouting({ leadId }: { leadId: string }) {
  const decisions = useDecisions({ leadId, limit: '5' });
  const clocks = useClocks(leadId);
  const nameOf = useUserNames();
  const list = decisions.data?.data ?? [];
  const clock = clocks.data?.[0];
  if (list.length === 0 && !clock) return null;
  return (
    <section aria-label="Routing" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <h2 className="mb-3 text-sm font-semibold text-slate-900">Routing</h2>
      {clock && (
        <p className="mb-3 flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <Badge tone={CLOCK_TONES[clock.status]}>{CLOCK_LABELS[clock.status]}</Badge>
          {clock.status === 'running' ? `by ${formatDateTime(clock.dueAt)} (${nameOf(clock.ownerId)})` : (clock.outcome ?? '')}
        </p>
      )}
      <ol className="space-y-2">
        {list.map((d) => (
          <li key={d.id} className="text-sm">
            <p className="text-slate-800">{d.reason}</p>
            <p className="text-xs text-slate-500">
              {formatDateTime(d.createdAt)} · {d.kind}
              {d.ruleSetVersion !== null ? ` · rules v${d.ruleSetVersion}` : ''}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
