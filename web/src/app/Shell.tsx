import { useEffect, useState, type ReactNode } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Icon, type IconName } from '../components/Icon.tsx';
import { Logo } from '../components/Logo.tsx';
import { Menu, MenuItem } from '../components/Menu.tsx';
import { useSignOut } from '../features/auth/api.ts';
import { useSession } from '../features/auth/session.tsx';
import { NotificationBell } from '../features/notifications/NotificationBell.tsx';
import { PartnerPortal } from '../features/partners/PartnerPortal.tsx';
import { GlobalSearch } from '../features/search/GlobalSearch.tsx';
import { useShortcut } from '../lib/shortcuts.ts';
import { ShortcutsDialog } from './ShortcutsDialog.tsx';

const LIVE: { to: string; label: string; icon: IconName; end?: boolean }[] = [
  { to: '/', label: 'Today', icon: 'today', end: true },
  { to: '/leads', label: 'Leads', icon: 'leads' },
  { to: '/accounts', label: 'Accounts', icon: 'accounts' },
  { to: '/contacts', label: 'Contacts', icon: 'contacts' },
  { to: '/opportunities', label: 'Opportunities', icon: 'opportunities' },
  { to: '/approvals', label: 'Approvals', icon: 'approvals' },
  { to: '/quotas', label: 'Quotas', icon: 'reports' },
  { to: '/forecasts', label: 'Forecast', icon: 'reports' },
  { to: '/reports', label: 'Reports', icon: 'reports' },
  { to: '/ideas', label: 'Ideas', icon: 'reports' },
  { to: '/sales-setup', label: 'Sales setup', icon: 'settings' },
  { to: '/calls', label: 'Call queue', icon: 'calls' },
  { to: '/tasks', label: 'Tasks', icon: 'tasks' },
  { to: '/sequences', label: 'Sequences', icon: 'sequences' },
  { to: '/meetings', label: 'Meetings', icon: 'meetings' },
  { to: '/my-territory', label: 'My territory', icon: 'territory' },
  { to: '/routing', label: 'Routing', icon: 'routing' },
  { to: '/sourcing', label: 'Sourcing', icon: 'sourcing' },
  { to: '/partners', label: 'Partners', icon: 'partners' },
];

// Shown so the team sees where Leadflow is going; they open as each capability lands.
const COMING: { label: string; icon: IconName }[] = [
];

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `flex items-center gap-3 rounded-md px-2.5 py-1.5 text-sm font-medium ${
    isActive ? 'bg-indigo-50 text-indigo-700' : 'text-slate-700 hover:bg-slate-100 hover:text-slate-900'
  }`;

function Navigation() {
  return (
    <nav aria-label="Main" className="flex flex-1 flex-col gap-6 overflow-y-auto px-3 py-4">
      <ul className="space-y-0.5">
        {LIVE.map((item) => (
          <li key={item.to}>
            <NavLink to={item.to} end={item.end ?? false} className={linkClass}>
              <Icon name={item.icon} className="size-5 text-current opacity-80" />
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
      <div>
        {COMING.length > 0 && <p className="px-2.5 pb-1 text-xs font-semibold tracking-wide text-slate-400 uppercase">Coming soon</p>}
        <ul className="space-y-0.5">
          {COMING.map((item) => (
            <li key={item.label} className="group relative">
              <span
                role="link"
                aria-disabled="true"
                tabIndex={0}
                aria-describedby={`soon-${item.label}`}
                className="flex cursor-not-allowed items-center gap-3 rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-400"
              >
                <Icon name={item.icon} className="size-5" />
                {item.label}
              </span>
              <span
                id={`soon-${item.label}`}
                role="tooltip"
                className="pointer-events-none absolute top-full left-9 z-40 -mt-0.5 hidden rounded-md bg-slate-900 px-2 py-1 text-xs whitespace-nowrap text-white shadow group-focus-within:block group-hover:block"
              >
                {item.label}: not available yet
              </span>
            </li>
          ))}
        </ul>
      </div>
      <ul className="mt-auto space-y-0.5">
        <li>
          <NavLink to="/settings" className={linkClass}>
            <Icon name="settings" className="size-5 opacity-80" />
            Settings
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('');
}

function UserMenu({ onShortcuts, compact = false }: { onShortcuts: () => void; compact?: boolean }) {
  const me = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Menu
      align={compact ? 'right' : 'left'}
      side={compact ? 'bottom' : 'top'}
      buttonClassName={`flex items-center gap-2.5 rounded-md text-left hover:bg-slate-100 ${compact ? 'p-1' : 'w-full p-2'}`}
      label={
        <>
          <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white" aria-hidden="true">
            {initials(me.user.name) || '?'}
          </span>
          <span className={compact ? 'sr-only' : 'min-w-0 flex-1'}>
            <span className="block truncate text-sm font-medium text-slate-900">{me.user.name}</span>
            <span className="block truncate text-xs text-slate-500">{me.org.name}</span>
          </span>
          {!compact && <Icon name="chevronDown" className="size-4 text-slate-400" />}
        </>
      }
    >
      {(close) => (
        <div>
          <div className="border-b border-slate-100 px-2.5 pt-1 pb-2">
            <p className="truncate text-sm font-medium text-slate-900">{me.user.name}</p>
            <p className="truncate text-xs text-slate-500">
              {me.user.email} · {me.user.role}
            </p>
          </div>
          <div className="pt-1">
            <MenuItem
              onClick={() => {
                close();
                navigate('/settings/profile');
              }}
            >
              <Icon name="settings" className="size-4" /> Profile and settings
            </MenuItem>
            <MenuItem
              onClick={() => {
                close();
                onShortcuts();
              }}
            >
              <Icon name="keyboard" className="size-4" /> Keyboard shortcuts
            </MenuItem>
            <MenuItem
              onClick={() => {
                close();
                void signOut().then(() => navigate('/sign-in', { replace: true }));
              }}
            >
              <Icon name="signOut" className="size-4" /> Sign out
            </MenuItem>
          </div>
        </div>
      )}
    </Menu>
  );
}

function OrgHeader({ action }: { action?: ReactNode }) {
  const me = useSession();
  return (
    <div className="flex h-14 items-center gap-2.5 border-b border-slate-200 px-4">
      <Logo className="size-7" />
      <div className="min-w-0">
        <p className="text-sm leading-tight font-semibold text-slate-900">Leadflow</p>
        <p className="truncate text-xs leading-tight text-slate-500">{me.org.name}</p>
      </div>
      {action && <div className="ml-auto">{action}</div>}
    </div>
  );
}

// A partner user gets the partner portal and nothing of the staff app.
export function Shell({ children }: { children?: ReactNode }) {
  return useSession().user.role === 'partner' ? <PartnerPortal /> : <StaffShell>{children}</StaffShell>;
}

function StaffShell({ children }: { children?: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [navOpen, setNavOpen] = useState(false);

  useEffect(() => setNavOpen(false), [location.pathname]);

  useShortcut('g t', () => navigate('/'));
  useShortcut('g l', () => navigate('/leads'));
  useShortcut('g a', () => navigate('/accounts'));
  useShortcut('g c', () => navigate('/contacts'));
  useShortcut('?', () => setShortcutsOpen(true));
  useShortcut('/', () => document.querySelector<HTMLInputElement>('[data-search]')?.focus());

  return (
    <div className="min-h-dvh lg:pl-60">
      <a href="#main" className="sr-only z-50 rounded bg-white px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2">
        Skip to content
      </a>

      <aside className="fixed inset-y-0 left-0 z-20 hidden w-60 flex-col border-r border-slate-200 bg-white lg:flex">
        <OrgHeader action={<NotificationBell align="left" />} />
        <div className="px-3 pt-3">
          <GlobalSearch />
        </div>
        <Navigation />
        <div className="border-t border-slate-200 p-2">
          <UserMenu onShortcuts={() => setShortcutsOpen(true)} />
        </div>
      </aside>

      <header className="sticky top-0 z-20 flex h-14 items-center gap-2 border-b border-slate-200 bg-white/95 px-3 backdrop-blur lg:hidden">
        <button
          type="button"
          className="rounded-md p-2 text-slate-600 hover:bg-slate-100"
          aria-label="Open navigation"
          aria-expanded={navOpen}
          onClick={() => setNavOpen(true)}
        >
          <Icon name="menu" />
        </button>
        <Logo className="size-6" />
        <span className="text-sm font-semibold">Leadflow</span>
        <div className="ml-auto flex items-center gap-1">
          <GlobalSearch compact />
          <NotificationBell />
          <UserMenu compact onShortcuts={() => setShortcutsOpen(true)} />
        </div>
      </header>

      {navOpen && (
        <div
          className="fixed inset-0 z-40 lg:hidden"
          role="dialog"
          aria-modal="true"
          aria-label="Navigation"
          onKeyDown={(event) => event.key === 'Escape' && setNavOpen(false)}
        >
          <button type="button" aria-label="Close navigation" className="absolute inset-0 bg-slate-900/40" onClick={() => setNavOpen(false)} />
          <div className="relative flex h-full w-64 flex-col bg-white shadow-xl">
            <OrgHeader />
            <Navigation />
          </div>
        </div>
      )}

      <main id="main" className="mx-auto w-full max-w-7xl px-3 py-5 sm:px-6 lg:px-8">
        {children ?? <Outlet />}
      </main>

      <ShortcutsDialog open={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
    </div>
  );
}
