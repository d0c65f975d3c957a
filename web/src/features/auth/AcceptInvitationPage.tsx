import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button } from '../../components/Button.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { fieldError, formError, formText } from '../../lib/forms.ts';
import { acceptInvitation, meKey } from './api.ts';
import { AuthLayout } from './AuthLayout.tsx';

export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: acceptInvitation,
    onSuccess: (me) => {
      queryClient.setQueryData(meKey, me);
      void queryClient.invalidateQueries({ queryKey: meKey });
      navigate('/', { replace: true });
    },
  });

  if (!token) {
    return (
      <AuthLayout title="Invitation link incomplete">
        <p className="text-sm text-slate-600">This link has no invitation token. Open the full link from your invitation, or ask your admin for a new one.</p>
        <Link to="/sign-in" className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">
          Go to sign in
        </Link>
      </AuthLayout>
    );
  }

  const shown = ['name', 'password'];
  const problem = formError(mutation.error, shown);
  return (
    <AuthLayout title="Join your team on Leadflow" subtitle="Choose a password to finish setting up your account.">
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          const { name = '', password = '' } = formText(event.currentTarget);
          mutation.mutate({ token, password, ...(name ? { name } : {}) });
        }}
      >
        {problem && <Notice>{problem}</Notice>}
        <Field label="Your name" hint="Leave empty to keep the name your admin entered." error={fieldError(mutation.error, 'name')}>
          {(props) => <Input {...props} name="name" autoComplete="name" autoFocus />}
        </Field>
        <Field label="Password" hint="At least 10 characters." error={fieldError(mutation.error, 'password')}>
          {(props) => <Input {...props} name="password" type="password" required minLength={10} autoComplete="new-password" />}
        </Field>
        <Button type="submit" variant="primary" className="w-full" busy={mutation.isPending}>
          Accept invitation
        </Button>
      </form>
    </AuthLayout>
  );
}
