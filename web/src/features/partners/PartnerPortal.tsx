import { Link, useLocation, useNavigate } from 'react-router';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Logo } from '../../components/Logo.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useSignOut } from '../auth/api.ts';
import { useSession } from '../auth/session.tsx';
import { money, usePortal, useRegistration, useRegistrations } from './api.ts';
import { RegisterDealForm, RegistrationFacts, RegistrationTimeline, StatusBadge, WithdrawRegistration, when } from './RegistrationParts.tsx';

/**
 * Everything a partner user sees: their partner org's registrations, the form to register a
 * deal, and each registration's status and shared timeline. The staff shell never renders for them.
 */
export function PartnerPortal() {
  const me = useSession();
  const portal = usePortal();
  const signOut = useSignOut();
  const { pathname } = useLocation();
  const opened = /^\/portal\/registrations\/([0-9a-f-]{36})/.exec(pathname)?.[1];
  const registering = pathname === '/portal/register';
  return (
    <div className="min-h-dvh bg-slate-50">
      <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-slate-200 bg-white px-3 sm:px-6">
        <Link to="/portal" aria-label="Partner portal home" className="flex min-w-0 items-center gap-2">
          <Logo />
          <span className="truncate text-sm font-semibold text-slate-900">{portal.data?.partner?.name ?? 'Partner portal'}</span>
        </Link>
        <span className="ml-auto hidden truncate text-sm text-slate-500 sm:block">
          {me.user.name} · {me.org.name}
        </span>
        <Button size="sm" onClick={() => void signOut()} className="ml-auto sm:ml-0">
          Sign out
        </Button>
      </header>
      <main id="main" className="mx-auto max-w-4xl space-y-5 p-3 sm:p-6">
        {portal.isPending ? (
          <Spinner />
        ) : !portal.data?.partner ? (
          <Notice tone="info">Your user is not linked to a partner organisation yet. Ask your partner manager to add you.</Notice>
        ) : opened ? (
          <PortalRegistration id={opened} />
        ) : registering ? (
          <PortalRegister />
        ) : (
          <PortalHome />
        )}
      </main>
    </div>
  );
}

function PortalHome() {
  const registrations = useRegistrations();
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold text-slate-900">My registrations</h1>
        <Link to="/portal/register" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
          Register a deal
        </Link>
      </div>
      {registrations.isPending ? (
        <Spinner />
      ) : registrations.isError ? (
        <Notice>{errorMessage(registrations.error)}</Notice>
      ) : registrations.data.length === 0 ? (
        <EmptyState title="No registrations yet">Register a deal to protect it: your partner manager reviews it and tells you here.</EmptyState>
      ) : (
        <ul aria-label="Registrations" className="space-y-2">
          {registrations.data.map((r) => (
            <li key={r.id}>
              <Link to={`/portal/registrations/${r.id}`} className="block rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5 hover:ring-indigo-300">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-medium text-slate-900">{r.company}</span>
                  <StatusBadge status={r.status} />
                </div>
                <p className="mt-1 text-sm text-slate-500">
                  {money(r.amount, r.currency)} · registered {when(r.createdAt)}
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function PortalRegister() {
  const navigate = useNavigate();
  return (
    <>
      <Link to="/portal" className="text-sm text-indigo-700 hover:underline">
        ← My registrations
      </Link>
      <h1 className="text-xl font-semibold text-slate-900">Register a deal</h1>
      <RegisterDealForm onDone={(created) => navigate(`/portal/registrations/${created.id}`)} />
    </>
  );
}

function PortalRegistration({ id }: { id: string }) {
  const registration = useRegistration(id);
  return (
    <>
      <Link to="/portal" className="text-sm text-indigo-700 hover:underline">
        ← My registrations
      </Link>
      {registration.isPending ? (
        <Spinner />
      ) : registration.isError ? (
        <Notice>{errorMessage(registration.error)}</Notice>
      ) : (
        <>
          <RegistrationFacts registration={registration.data} />
          {registration.data.status === 'pending' && (
            <div className="flex justify-end">
              <WithdrawRegistration id={id} company={registration.data.company} />
            </div>
          )}
          <RegistrationTimeline id={id} notes={registration.data.notes} internal={false} />
        </>
      )}
    </>
  );
}
