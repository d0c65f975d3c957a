import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from '../../api/client.ts';
import type { User } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { browserTimeZone } from '../../lib/dates.ts';
import { fieldError, formError, formText } from '../../lib/forms.ts';
import { meKey } from '../auth/api.ts';
import { useSession } from '../auth/session.tsx';
import { usersKey } from '../users/api.ts';

const panel = 'rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-900/5 sm:p-6';

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, browserTimeZone(), ...zones])].sort();
}

export function ProfileSettings() {
  const me = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();

  const profile = useMutation({
    mutationFn: (changes: { name: string; timeZone: string }) => api<User>(`/api/v1/users/${me.user.id}`, { method: 'PATCH', body: changes }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meKey });
      void queryClient.invalidateQueries({ queryKey: usersKey });
      toast('Profile saved');
    },
  });
  const password = useMutation({
    mutationFn: (next: string) => api<void>('/api/v1/users/me/password', { method: 'PUT', body: { password: next } }),
    onSuccess: () => toast('Password changed'),
  });
  const [revokeApiKeys, setRevokeApiKeys] = useState(false);
  const everywhere = useMutation({
    mutationFn: () => api<void>('/api/v1/auth/logout-everywhere', { method: 'POST', body: { revokeApiKeys } }),
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData(meKey, null);
      navigate('/sign-in', { replace: true });
    },
  });

  return (
    <div className="grid gap-5 lg:grid-cols-2">
      <section className={panel} aria-labelledby="profile-heading">
        <h2 id="profile-heading" className="text-base font-semibold text-slate-900">
          Your profile
        </h2>
        <p className="mt-1 text-sm text-slate-500">
          {me.user.email} · {me.user.role}
        </p>
        <form
          className="mt-5 space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            const v = formText(event.currentTarget);
            profile.mutate({ name: v.name ?? '', timeZone: v.timeZone ?? 'UTC' });
          }}
        >
          {formError(profile.error, ['name', 'timeZone']) && <Notice>{formError(profile.error, ['name', 'timeZone'])}</Notice>}
          <Field label="Name" error={fieldError(profile.error, 'name')}>
            {(props) => <Input {...props} name="name" defaultValue={me.user.name} required />}
          </Field>
          <Field label="Time zone" hint="Dates and times in Leadflow show in this zone." error={fieldError(profile.error, 'timeZone')}>
            {(props) => (
              <Select {...props} name="timeZone" defaultValue={me.user.timeZone}>
                {timeZones(me.user.timeZone).map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replaceAll('_', ' ')}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Button type="submit" variant="primary" busy={profile.isPending}>
            Save profile
          </Button>
        </form>
      </section>

      <section className={panel} aria-labelledby="password-heading">
        <h2 id="password-heading" className="text-base font-semibold text-slate-900">
          Password and sessions
        </h2>
        <form
          className="mt-5 space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            const form = event.currentTarget;
            password.mutate(formText(form).password ?? '', { onSuccess: () => form.reset() });
          }}
        >
          {formError(password.error, ['password']) && <Notice>{formError(password.error, ['password'])}</Notice>}
          <Field label="New password" hint="At least 10 characters." error={fieldError(password.error, 'password')}>
            {(props) => <Input {...props} name="password" type="password" autoComplete="new-password" required minLength={10} />}
          </Field>
          <Button type="submit" busy={password.isPending}>
            Change password
          </Button>
        </form>
        <div className="mt-6 border-t border-slate-100 pt-5">
          <p className="text-sm text-slate-600">Lost a laptop or signed in on a shared computer? Sign out of every browser at once.</p>
          <label className="mt-3 flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" name="revokeApiKeys" checked={revokeApiKeys} onChange={(event) => setRevokeApiKeys(event.target.checked)} />
            Also revoke my API keys
          </label>
          <Button className="mt-3" variant="danger" busy={everywhere.isPending} onClick={() => everywhere.mutate()}>
            Sign out everywhere
          </Button>
        </div>
      </section>
    </div>
  );
}
