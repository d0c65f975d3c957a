import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Button } from '../../components/Button.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { fieldError, formError, formText } from '../../lib/forms.ts';
import { meKey, signIn, useMe, useSetupState } from './api.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { safeNext } from './next.ts';

export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();
  const setup = useSetupState();
  const next = safeNext(params.get('next'));
  const mutation = useMutation({
    mutationFn: ({ email, password }: { email: string; password: string }) => signIn(email, password),
    onSuccess: (signedIn) => {
      queryClient.setQueryData(meKey, signedIn);
      navigate(next, { replace: true });
    },
  });

  if (me.data) return <Navigate to={next} replace />;
  if (setup.data?.needsSetup) return <Navigate to="/setup" replace />;
  if (setup.isPending) return <Spinner />;

  const shown = ['email', 'password'];
  const problem = formError(mutation.error, shown);
  return (
    <AuthLayout title="Sign in" subtitle="Welcome back. Sign in to your Leadflow workspace.">
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          const { email = '', password = '' } = formText(event.currentTarget);
          mutation.mutate({ email, password });
        }}
      >
        {problem && <Notice>{problem}</Notice>}
        <Field label="Email" error={fieldError(mutation.error, 'email')}>
          {(props) => <Input {...props} name="email" type="email" autoComplete="username" required autoFocus />}
        </Field>
        <Field label="Password" error={fieldError(mutation.error, 'password')}>
          {(props) => <Input {...props} name="password" type="password" autoComplete="current-password" required />}
        </Field>
        <Button type="submit" variant="primary" className="w-full" busy={mutation.isPending}>
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
