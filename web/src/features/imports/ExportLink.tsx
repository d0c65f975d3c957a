import { query } from '../../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { canExport } from './roles.ts';

/** "Export CSV" for a list: every record of the list as it is filtered, for roles that may export. */
export function ExportLink({ list, filters }: { list: 'leads' | 'accounts' | 'contacts'; filters: Record<string, string | undefined> }) {
  const me = useSession();
  if (!canExport(me.user.role)) return null;
  return (
    <a
      href={`/api/v1/${list}/export.csv${query(filters)}`}
      download
      title={`Every ${list.slice(0, -1)} of this view, as a CSV file`}
      className="inline-flex h-9 items-center gap-1.5 rounded-md px-3 text-sm font-medium text-slate-600 hover:bg-slate-100"
    >
      Export CSV
    </a>
  );
}
