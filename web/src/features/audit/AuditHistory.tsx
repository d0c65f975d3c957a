import { useInfiniteQuery } from '@tanstack/react-query';
import { api, query } from '../../api/client.ts';
import type { AuditEntry, Page } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDateTime, relativeTime } from '../../lib/dates.ts';
import { useUserNames } from '../users/api.ts';
import { describeAudit, type AuditContext } from './describe.ts';

/** Who changed what on one record, newest first. */
export function AuditHistory({ entityType, entityId, noun, valueOf }: { entityType: string; entityId: string; noun: string; valueOf?: AuditContext['valueOf'] }) {
  const nameOf = useUserNames();
  const history = useInfiniteQuery({
    queryKey: ['audit', entityType, entityId],
    queryFn: ({ pageParam }) => api<Page<AuditEntry>>(`/api/v1/audit-log${query({ entityType, entityId, limit: 20, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = history.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <section aria-labelledby="audit-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <h2 id="audit-heading" className="text-sm font-semibold text-slate-900">
        History
      </h2>
      {history.isPending ? (
        <Spinner label="Loading history…" />
      ) : history.isError ? (
        <div className="mt-3">
          <Notice>{errorMessage(history.error)}</Notice>
        </div>
      ) : entries.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">No changes recorded yet.</p>
      ) : (
        <ol className="mt-3 space-y-3" data-testid="audit-history">
          {entries.map((entry) => {
            const story = describeAudit(entry, { nameOf, noun, valueOf: (field, value) => valueOf?.(field, value) ?? asDate(value) });
            return (
              <li key={entry.id} className="relative border-l-2 border-slate-200 pl-3 text-sm [overflow-wrap:anywhere]">
                <p className="text-slate-700">
                  <span className="font-medium text-slate-900">{story.who}</span> {story.verb}
                  {story.lines.length > 1 && ` ${story.lines.length} fields`}
                  {story.lines.length === 1 && (
                    <>
                      {' '}
                      <Change line={story.lines[0]!} />
                    </>
                  )}
                  <span className="text-slate-400">
                    {', '}
                    <time dateTime={entry.createdAt} title={formatDateTime(entry.createdAt)}>
                      {relativeTime(entry.createdAt)}
                    </time>
                  </span>
                </p>
                {story.lines.length > 1 && (
                  <ul className="mt-1 space-y-0.5 text-slate-600">
                    {story.lines.map((line) => (
                      <li key={line.field}>
                        <Change line={line} />
                      </li>
                    ))}
                  </ul>
                )}
                {story.reason && <p className="mt-0.5 text-xs text-slate-500">Reason: {story.reason}</p>}
              </li>
            );
          })}
        </ol>
      )}
      {history.hasNextPage && (
        <Button size="sm" variant="ghost" className="mt-3" onClick={() => void history.fetchNextPage()} busy={history.isFetchingNextPage}>
          Show older changes
        </Button>
      )}
    </section>
  );
}

// Timestamps in the history (disqualified at, recycle at) read in the user's zone, not as ISO.
const asDate = (value: unknown): string | undefined =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? formatDateTime(value) : undefined;

function Change({ line }: { line: { field: string; from: string; to: string } }) {
  return (
    <span>
      {line.field}: <span className="text-slate-500">{line.from}</span> → <span className="font-medium text-slate-900">{line.to}</span>
    </span>
  );
}
