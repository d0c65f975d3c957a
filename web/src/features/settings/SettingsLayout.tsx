import { NavLink, Outlet } from 'react-router';
import { PageHeader } from '../../components/PageHeader.tsx';
import { canManageTeams, canManageUsers, useSession } from '../auth/session.tsx';

const tab = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap border-b-2 px-1 pb-2.5 text-sm font-medium ${isActive ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700'}`;

export function SettingsLayout() {
  const me = useSession();
  return (
    <div className="space-y-5">
      <PageHeader title="Settings" subtitle={me.org.name} />
      <nav aria-label="Settings" className="-mx-3 overflow-x-auto border-b border-slate-200 px-3 sm:mx-0 sm:px-0">
        <div className="flex gap-6">
          <NavLink to="/settings/profile" className={tab}>
            Profile
          </NavLink>
          <NavLink to="/settings/api-keys" className={tab}>
            API keys
          </NavLink>
          <NavLink to="/settings/notifications" className={tab}>
            Notifications
          </NavLink>
          {me.user.role !== 'partner' && (
            <NavLink to="/settings/booking" className={tab}>
              Booking
            </NavLink>
          )}
          {me.user.role !== 'partner' && (
            <NavLink to="/settings/email" className={tab}>
              Email
            </NavLink>
          )}
          {canManageUsers(me.user.role) && (
            <NavLink to="/settings/users" className={tab}>
              Users
            </NavLink>
          )}
          {canManageUsers(me.user.role) && (
            <NavLink to="/settings/visibility" className={tab}>
              Record visibility
            </NavLink>
          )}
          {canManageUsers(me.user.role) && (
            <NavLink to="/settings/custom-fields" className={tab}>
              Custom fields
            </NavLink>
          )}
          {canManageTeams(me.user.role) && (
            <NavLink to="/settings/teams" className={tab}>
              Teams
            </NavLink>
          )}
          {canManageTeams(me.user.role) && (
            <NavLink to="/settings/outreach" className={tab}>
              Goals and calling
            </NavLink>
          )}
          {canManageUsers(me.user.role) && (
            <NavLink to="/settings/webhooks" className={tab}>
              Webhooks
            </NavLink>
          )}
        </div>
      </nav>
      <Outlet />
    </div>
  );
}
