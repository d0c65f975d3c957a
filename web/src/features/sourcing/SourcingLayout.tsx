import { Navigate, NavLink, Outlet } from 'react-router';
import type { Role } from '../../api/types.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useSession } from '../auth/session.tsx';

const tab = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap border-b-2 px-1 pb-2.5 text-sm font-medium ${isActive ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700'}`;

// Mirrors src/core/roles.ts (forms:manage, qualification:manage with org:settings, scoring:manage); the API enforces it.
const TABS: { to: string; label: string; roles: readonly Role[] }[] = [
  { to: '/sourcing/forms', label: 'Web forms', roles: ['admin', 'manager'] },
  { to: '/sourcing/duplicates', label: 'Duplicates', roles: ['admin', 'manager', 'rep', 'executive'] },
  { to: '/sourcing/merges', label: 'Merge history', roles: ['admin', 'manager', 'rep', 'executive'] },
  { to: '/sourcing/qualification', label: 'Qualification', roles: ['admin'] },
  { to: '/sourcing/scoring', label: 'Scoring', roles: ['admin'] },
];

export const sourcingTabs = (role: Role) => TABS.filter((t) => t.roles.includes(role));

/** Sourcing and qualification: where leads come in, how duplicates are cleaned up, how leads are judged. */
export function SourcingLayout() {
  const me = useSession();
  return (
    <div className="space-y-5">
      <PageHeader title="Sourcing and qualification" subtitle="Web forms that bring leads in, duplicates to clean up, and how leads are qualified and scored." />
      <nav aria-label="Sourcing" className="-mx-3 overflow-x-auto border-b border-slate-200 px-3 sm:mx-0 sm:px-0">
        <div className="flex gap-6">
          {sourcingTabs(me.user.role).map((t) => (
            <NavLink key={t.to} to={t.to} className={tab}>
              {t.label}
            </NavLink>
          ))}
        </div>
      </nav>
      <Outlet />
    </div>
  );
}

/** /sourcing opens the first screen the user may use. */
export function SourcingHome() {
  const me = useSession();
  return <Navigate to={sourcingTabs(me.user.role)[0]?.to ?? '/'} replace />;
}
