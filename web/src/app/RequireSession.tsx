import { Navigate, useLocation } from 'react-router';
import { Button } from '../components/Button.tsx';
import { Notice, errorMessage } from '../components/Notice.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useMe } from '../features/auth/api.ts';
import { SessionProvider } from '../features/auth/session.tsx';
import { Shell } from './Shell.tsx';

/** The signed-in app; anyone else goes to sign in (or to "create your organisation"). */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();

  if (me.isPending) return <Spinner label="Loading Leadflow…" />;
  if (me.isError) {
    return (
      <div className="mx-auto max-w-md p-8">
        <Notice action={<Button onClick={() => void me.refetch()}>Try again</Button>}>{errorMessage(me.error)}</Notice>
      </div>
    );
  }
  if (!me.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <SessionProvider me={me.data}>
      <Shell />
    </SessionProvider>
  );
}
