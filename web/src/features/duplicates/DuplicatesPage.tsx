import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Input } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { REASON_LABELS, RECORD_TYPES, TYPE_LABELS, recordPath, useDismissDuplicates, useDuplicates, type DuplicateGroup, type RecordType } from './api.ts';
import { MergeDialog } from './MergeDialog.tsx';

const scoreTone = (score: number) => (score >= 0.9 ? 'red' : score >= 0.75 ? 'amber' : 'slate');

/** The review queue: groups of records that are probably the same person or company, strongest first. */
export function DuplicatesPage() {
  const [params, setParams] = useSearchParams();
  const type = (RECORD_TYPES as readonly string[]).includes(params.get('type') ?? '') ? (params.get('type') as RecordType) : 'lead';
  const [country, setCountry] = useState('');
  // Only a whole two-letter code changes the query; a half-typed one asks nothing new.
  const countryCode = /^[A-Za-z]{2}$/.test(country.trim()) ? country.trim().toUpperCase() : '';
  const duplicates = useDuplicates(type, countryCode);
  const [reviewing, setReviewing] = useState<DuplicateGroup | null>(null);
  const groups = duplicates.data?.pages.flatMap((p) => p.data) ?? [];
  const { dismiss, undo } = useDismissDuplicates();
  const toast = useToast();
  const notDuplicates = (group: DuplicateGroup) =>
    dismiss.mutate(
      { type, ids: group.ids },
      {
        onSuccess: (dismissals) => toast('Marked as not duplicates', { action: { label: 'Undo', onClick: () => undo.mutate(dismissals) } }),
        onError: (e) => toast(errorMessage(e), { tone: 'error' }),
      },
    );

  return (
    <section className="space-y-4" aria-label="Duplicates">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div role="group" aria-label="Record type" className="inline-flex w-fit rounded-md shadow-sm ring-1 ring-slate-300">
          {RECORD_TYPES.map((t) => (
            <button
              key={t}
              type="button"
              aria-pressed={t === type}
              onClick={() => setParams({ type: t }, { replace: true })}
              className={`px-3 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md ${t === type ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
            >
              {TYPE_LABELS[t]}
            </button>
          ))}
        </div>
        {type !== 'account' && (
          <label className="flex items-center gap-2 text-sm text-slate-600">
            Read national phone numbers as
            <Input value={country} onChange={(e) => setCountry(e.target.value)} maxLength={2} placeholder="DE" className="w-16 uppercase" aria-describedby="country-hint" />
            <span id="country-hint" className="sr-only">
              Two-letter country code for phone numbers without a country
            </span>
          </label>
        )}
      </div>

      {duplicates.isPending ? (
        <Spinner label="Looking for duplicates…" />
      ) : duplicates.isError ? (
        <Notice action={<Button onClick={() => void duplicates.refetch()}>Try again</Button>}>{errorMessage(duplicates.error)}</Notice>
      ) : groups.length === 0 ? (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <EmptyState title={`No likely duplicate ${TYPE_LABELS[type].toLowerCase()}`}>
            {type === 'account' ? 'Accounts match by domain and similar names.' : 'Records match by email, phone number (in E.164) and name at the same company.'}
          </EmptyState>
        </div>
      ) : (
        <ul aria-label="Likely duplicates" className="space-y-3">
          {groups.map((group) => (
            <li key={group.ids.join()} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
              <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
                <div className="min-w-0 space-y-2">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={scoreTone(group.score)}>{Math.round(group.score * 100)}% sure</Badge>
                    {[...new Map(group.reasons.map((r) => [`${r.reason}|${r.value ?? ''}`, r])).values()].map((r) => (
                      <span key={`${r.reason}|${r.value ?? ''}`} className="text-sm text-slate-600">
                        {REASON_LABELS[r.reason] ?? r.reason}
                        {r.value ? <span className="font-medium text-slate-800">: {r.value}</span> : null}
                      </span>
                    ))}
                  </div>
                  <ul className="space-y-1">
                    {group.records.map((r) => (
                      <li key={r.id} className="text-sm">
                        <Link to={recordPath(type, r.id)} className="font-medium text-indigo-700 hover:underline">
                          {r.name || '(no name)'}
                        </Link>
                        <span className="text-slate-500"> {[r.email, r.phone, r.company].filter(Boolean).join(' · ')}</span>
                      </li>
                    ))}
                  </ul>
                </div>
                <div className="flex shrink-0 gap-2">
                  <Button size="sm" disabled={dismiss.isPending} onClick={() => notDuplicates(group)} aria-label={`Not duplicates: ${group.records.map((r) => r.name).join(' and ')}`}>
                    Not a duplicate
                  </Button>
                  <Button variant="primary" size="sm" onClick={() => setReviewing(group)} aria-label={`Compare and merge ${group.records.map((r) => r.name).join(' and ')}`}>
                    Compare and merge
                  </Button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      {duplicates.hasNextPage && (
        <div className="flex justify-center">
          <Button busy={duplicates.isFetchingNextPage} onClick={() => void duplicates.fetchNextPage()}>
            Show more
          </Button>
        </div>
      )}
      {reviewing && <MergeDialog type={type} group={reviewing} onClose={() => setReviewing(null)} />}
    </section>
  );
}
