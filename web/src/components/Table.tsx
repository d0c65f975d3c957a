import type { ReactNode } from 'react';

// Table pieces with one look. Lists render rows themselves so they can add selection and keys.

export function Table({ children, label }: { children: ReactNode; label: string }) {
  return (
    <div className="overflow-x-auto">
      <table aria-label={label} className="w-full border-separate border-spacing-0 text-left text-sm">
        {children}
      </table>
    </div>
  );
}

export const thClass = 'sticky top-0 z-10 border-b border-slate-200 bg-slate-50/95 px-3 py-2 text-xs font-semibold tracking-wide text-slate-500 uppercase';
export const tdClass = 'border-b border-slate-100 px-3 py-2.5 align-middle';

/** A column header that sorts by `field` (ascending) or `-field` (descending) on click. */
export function SortHeader({
  label,
  field,
  sort,
  onSort,
  className = '',
}: {
  label: string;
  field: string;
  sort: string;
  onSort: (sort: string) => void;
  className?: string;
}) {
  const active = sort === field ? 'ascending' : sort === `-${field}` ? 'descending' : 'none';
  const next = active === 'ascending' ? `-${field}` : field;
  return (
    <th scope="col" aria-sort={active} className={`${thClass} ${className}`}>
      <button type="button" onClick={() => onSort(next)} className="inline-flex items-center gap-1 rounded uppercase hover:text-slate-800">
        {label}
        <span aria-hidden="true" className={active === 'none' ? 'text-slate-300' : 'text-indigo-600'}>
          {active === 'descending' ? '↓' : active === 'ascending' ? '↑' : '↕'}
        </span>
      </button>
    </th>
  );
}
