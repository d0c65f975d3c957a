import { NavLink, Outlet } from 'react-router';
import { PageHeader } from '../../components/PageHeader.tsx';

const tab = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap border-b-2 px-1 pb-2.5 text-sm font-medium ${isActive ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700'}`;

/** Routing: territories, the rule sets that assign leads, and every decision they made. */
export function RoutingLayout() {
  return (
    <div className="space-y-5">
      <PageHeader title="Routing" subtitle="Who gets each new lead, account and qualified deal — and why." />
      <nav aria-label="Routing" className="-mx-3 overflow-x-auto border-b border-slate-200 px-3 sm:mx-0 sm:px-0">
        <div className="flex gap-6">
          <NavLink to="/routing/territories" className={tab}>
            Territories
          </NavLink>
          <NavLink to="/routing/rules" className={tab}>
            Rule sets
          </NavLink>
          <NavLink to="/routing/decisions" className={tab}>
            Decisions and SLA
          </NavLink>
        </div>
      </nav>
      <Outlet />
    </div>
  );
}
