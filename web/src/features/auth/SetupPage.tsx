import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Navigate, useNavigate } from 'react-router';
import { Button } from '../../components/Button.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { fieldError, formError, formText } from '../../lib/forms.ts';
import { createOrganisation, meKey, useSetupState } from './api.ts';
import { AuthLayout } from './AuthLayout.tsx';

/** An empty installation: the first person creates the organisation and becomes its admin. */
export function SetupPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const setup = useSetupState();
  const mutation = useMutation({
    mutationFn: createOrganisation,
    onSuccess: async () => {
      queryClient.setQueryData(['setup'], { needsSetup: false });
      await queryClient.invalidateQueries({ queryKey: meKey });
      navigate('/', { replace: true });
    },
  });

  if (setup.isPending) return <Spinner />;
  if (setup.data && !setup.data.needsSetup && !mutation.isPending && !mutation.isSuccess) return <Navigate to="/sign-in" replace />;

  const shown = ['orgName', 'name', 'email', 'password'];
  const problem = formError(mutation.error, shown);
  return (
    <AuthLayout title="Create your organisation" subtitle="This Leadflow is new. You will be its first admin and can invite your team next.">
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          const { orgName = '', name = '', email = '', password = '' } = formText(event.currentTarget);
          mutation.mutate({ orgName, name, email, password });
        }}
      >
        {problem && <Notice>{problem}</Notice>}
        <Field label="Organisation name" error={fieldError(mutation.error, 'orgName')}>
          {(props) => <Input {...props} name="orgName" required autoFocus autoComplete="organization" />}
        </Field>
        <Field label="Your name" error={fieldError(mutation.error, 'name')}>
          {(props) => <Input {...props} name="name" required autoComplete="name" />}
        </Field>
        <Field label="Work email" error={fieldError(mutation.error, 'email')}>
          {(props) => <Input {...props} name="email" type="email" required autoComplete="username" />}
        </Field>
        <Field label="Password" hint="At least 10 characters." error={fieldError(mutation.error, 'password')}>
          {(props) => <Input {...props} name="password" type="password" required minLength={10} autoComplete="new-password" />}
        </Field>
        <Button type="submit" variant="primary" className="w-full" busy={mutation.isPending}>
          Create organisation
        </Button>
      </form>
    </AuthLayout>
  );
}
