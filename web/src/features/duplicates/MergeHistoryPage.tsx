import { Link, useSearchParams } from 'react-router';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { useUserNames } from '../users/api.ts';
import { FIELD_LABELS, RECORD_TYPES, TYPE_LABELS, recordPath, snapshotName, useMerges, useUndoMerge, type RecordType } from './api.ts';

/** Every merge, newest first, with what each kept and an undo while none of the records changed since. */
export function MergeHistoryPage() {
  const [params, setParams] = useSearchParams();
  const type = (RECORD_TYPES as readonly string[]).includes(params.get('type') ?? '') ? (params.get('type') as RecordType) : undefined;
  const merges = useMerges(type);
  const undo = useUndoMerge();
  const nameOf = useUserNames();
  const toast = useToast();
  const rows = merges.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="space-y-4">
      <Select aria-label="Record type" className="w-44" value={type ?? ''} onChange={(e) => setParams(e.target.value ? { type: e.target.value } : {}, { replace: true })}>
        <option value="">All record types</option>
        {RECORD_TYPES.map((t) => (
          <option key={t} value={t}>
            {TYPE_LABELS[t]}
          </option>
        ))}
      </Select>
      {merges.isPending ? (
        <Spinner label="Loading merges…" />
      ) : merges.isError ? (
        <Notice>{errorMessage(merges.error)}</Notice>
      ) : (
        <section aria-label="Merge history" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          {rows.length === 0 ? (
            <EmptyState title="No merges yet">Merges from the duplicates queue show here, and can be undone.</EmptyState>
          ) : (
            <Table label="Merges">
              <thead>
                <tr>
                  <th scope="col" className={thClass}>
                    Kept
                  </th>
                  <th scope="col" className={thClass}>
                    Merged away
                  </th>
                  <th scope="col" className={`${thClass} hidden md:table-cell`}>
                    Values picked
                  </th>
                  <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                    When
                  </th>
                  <th scope="col" className={thClass}>
                    <span className="sr-only">Undo</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => {
                  const picked = Object.keys(m.fieldChoices).filter((f) => m.fieldChoices[f] !== m.survivorId);
                  return (
                    <tr key={m.id}>
                      <td className={tdClass}>
                        <Link to={recordPath(m.type, m.survivorId)} className="font-medium text-indigo-700 hover:underline">
                          {snapshotName(m.survivorBefore)}
                        </Link>
                        <span className="block text-xs text-slate-500">{m.type}</span>
                      </td>
                      <td className={`${tdClass} text-slate-700`}>{m.mergedBefore.map((s) => snapshotName(s)).join(', ')}</td>
                      <td className={`${tdClass} hidden text-slate-600 md:table-cell`}>{picked.length ? picked.map((f) => FIELD_LABELS[f] ?? f).join(', ') : '—'}</td>
                      <td className={`${tdClass} hidden whitespace-nowrap text-slate-500 sm:table-cell`}>
                        {formatDateTime(m.createdAt)}
                        <span className="block text-xs">by {nameOf(m.createdBy)}</span>
                      </td>
                      <td className={`${tdClass} text-right`}>
                        {m.undoneAt ? (
                          <Badge>Undone {formatDateTime(m.undoneAt)}</Badge>
                        ) : (
                          <Button
                            size="sm"
                            busy={undo.isPending && undo.variables === m.id}
                            aria-label={`Undo merge into ${snapshotName(m.survivorBefore)}`}
                            onClick={() => undo.mutate(m.id, { onSuccess: () => toast('Merge undone: the records are back as they were'), onError: (e) => toast(errorMessage(e), { tone: 'error' }) })}
                          >
                            Undo merge
                          </Button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )}
        </section>
      )}
      {merges.hasNextPage && (
        <div className="flex justify-center">
          <Button busy={merges.isFetchingNextPage} onClick={() => void merges.fetchNextPage()}>
            Show more
          </Button>
        </div>
      )}
    </div>
  );
}
