import { NavLink, Outlet } from 'react-router';
import { PageHeader } from '../../components/PageHeader.tsx';

const tab = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap border-b-2 px-1 pb-2.5 text-sm font-medium ${isActive ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700'}`;

/** Sales setup: the pipelines and stage gates, the price book and the deal policy. Everyone reads; admins (and managers, for products) edit. */
export function SalesSetupLayout() {
  return (
    <div className="space-y-5">
      <PageHeader title="Sales setup" subtitle="Pipelines and stage gates, the price book, and the deal policy for approvals." />
      <nav aria-label="Sales setup" className="-mx-3 overflow-x-auto border-b border-slate-200 px-3 sm:mx-0 sm:px-0">
        <div className="flex gap-6">
          <NavLink to="/sales-setup/pipelines" className={tab}>
            Pipelines
          </NavLink>
          <NavLink to="/sales-setup/products" className={tab}>
            Products
          </NavLink>
          <NavLink to="/sales-setup/policy" className={tab}>
            Deal policy
          </NavLink>
        </div>
      </nav>
      <Outlet />
    </div>
  );
}
