import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { useLeadScore } from './api.ts';

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** On the lead page: the score as of now, split into fit and engagement, with a reason for every point. */
export function ScoreExplanation({ leadId, leadVersion }: { leadId: string; leadVersion: number }) {
  const score = useLeadScore(leadId, leadVersion);
  return (
    <section aria-labelledby="score-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <h2 id="score-heading" className="mb-3 text-sm font-semibold text-slate-900">
        Score
      </h2>
      {score.isPending ? (
        <Spinner label="Scoring…" />
      ) : score.isError ? (
        <Notice>{errorMessage(score.error)}</Notice>
      ) : (
        <div className="space-y-3">
          <div className="flex items-end gap-4">
            <p className="text-3xl font-semibold tracking-tight text-slate-900" aria-label={`Score ${score.data.score}`}>
              {score.data.score}
            </p>
            <dl className="flex gap-4 pb-1 text-sm">
              <div>
                <dt className="text-xs text-slate-500">Fit</dt>
                <dd className="font-medium text-slate-800">{score.data.fit}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Engagement</dt>
                <dd className="font-medium text-slate-800">{score.data.engagement}</dd>
              </div>
            </dl>
          </div>
          <SplitBar fit={score.data.fit} engagement={score.data.engagement} />
          {score.data.reasons.length === 0 ? (
            <p className="text-sm text-slate-500">No rule matches this lead yet: add a title, company size or some activity.</p>
          ) : (
            <ul aria-label="Why this score" className="space-y-1">
              {score.data.reasons.map((r, i) => (
                <li key={i} className="flex items-baseline gap-2 text-sm">
                  <span className={`w-10 shrink-0 text-right font-mono text-xs font-semibold ${r.points >= 0 ? 'text-emerald-700' : 'text-red-700'}`}>{signed(r.points)}</span>
                  <span className="min-w-0 flex-1 text-slate-800">{r.reason.replace(/^[+-]?\d+\s/, '')}</span>
                  <span className="text-xs text-slate-400">{r.source}</span>
                </li>
              ))}
            </ul>
          )}
          <p className="text-xs text-slate-500">As of {formatDateTime(score.data.computedAt)}; engagement fades with time.</p>
        </div>
      )}
    </section>
  );
}

function SplitBar({ fit, engagement }: { fit: number; engagement: number }) {
  const f = Math.max(0, fit);
  const e = Math.max(0, engagement);
  const total = f + e;
  if (total === 0) return null;
  return (
    <div className="flex h-2 overflow-hidden rounded-full bg-slate-100" role="img" aria-label={`Fit ${fit}, engagement ${engagement}`}>
      <div className="h-full bg-indigo-500" style={{ width: `${(100 * f) / total}%` }} />
      <div className="h-full bg-amber-400" style={{ width: `${(100 * e) / total}%` }} />
    </div>
  );
}
