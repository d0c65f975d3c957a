import { Button } from '../../components/Button.tsx';
import { errorMessage } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { useRequestRescore, useRescoreProgress } from './api.ts';

/** The latest full rescore with its progress bar, and a button to start one. */
export function RescoreProgress() {
  const progress = useRescoreProgress();
  const request = useRequestRescore();
  const toast = useToast();
  const p = progress.data;
  const busy = p?.state === 'queued' || p?.state === 'running';
  const percent = p && p.total > 0 ? Math.min(100, Math.floor((100 * p.done) / p.total)) : p?.state === 'done' ? 100 : 0;
  return (
    <section aria-label="Rescoring" className="flex flex-col gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:flex-row sm:items-center sm:p-5">
      <div className="min-w-0 flex-1 space-y-1.5">
        <p className="text-sm text-slate-700" role="status">
          {!p || p.state === 'none'
            ? 'Saving the rules rescores every lead in the background; so does the button.'
            : p.state === 'done'
              ? `All ${p.total.toLocaleString()} leads rescored${p.rulesVersion ? ` by rules version ${p.rulesVersion}` : ''}${p.finishedAt ? `, ${formatDateTime(p.finishedAt)}` : ''}.`
              : p.state === 'queued'
                ? `Rescore of ${p.total.toLocaleString()} leads is queued…`
                : `Rescoring: ${p.done.toLocaleString()} of ${p.total.toLocaleString()} leads…`}
        </p>
        {p && p.state !== 'none' && (
          <div
            role="progressbar"
            aria-label="Rescore progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="h-2 overflow-hidden rounded-full bg-slate-100"
          >
            <div className={`h-full rounded-full transition-all ${p.state === 'done' ? 'bg-emerald-500' : 'bg-indigo-500'}`} style={{ width: `${percent}%` }} />
          </div>
        )}
      </div>
      <Button
        busy={request.isPending}
        disabled={busy}
        onClick={() => request.mutate(undefined, { onSuccess: () => toast('Rescoring every lead'), onError: (e) => toast(errorMessage(e), { tone: 'error' }) })}
      >
        Rescore all leads
      </Button>
    </section>
  );
}
