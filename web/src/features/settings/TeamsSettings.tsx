import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Team } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { fieldError, formError, formText } from '../../lib/forms.ts';
import { canManageTeams, useSession } from '../auth/session.tsx';
import { ownerOptions, teamsKey, useTeams, useUserNames, useUsers } from '../users/api.ts';

export function TeamsSettings() {
  const me = useSession();
  const teams = useTeams();
  const users = useUsers();
  const nameOf = useUserNames();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const create = useMutation({
    mutationFn: (input: { name: string; parentTeamId: string | null; managerId: string | null }) => api<Team>('/api/v1/teams', { method: 'POST', body: input }),
    onSuccess: () => {
      setCreating(false);
      void queryClient.invalidateQueries({ queryKey: teamsKey });
    },
  });

  if (!canManageTeams(me.user.role)) return <Notice tone="info">Only admins and managers manage teams.</Notice>;
  if (teams.isPending) return <Spinner />;
  if (teams.isError) return <Notice>{errorMessage(teams.error)}</Notice>;
  const teamName = new Map(teams.data.map((team) => [team.id, team.name]));

  return (
    <section className="space-y-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <p className="text-sm text-slate-500">Teams group reps under a manager. Put people in a team from the Users tab.</p>
        <Button variant="primary" onClick={() => setCreating(true)}>
          New team
        </Button>
      </div>
      {teams.data.length === 0 ? (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <EmptyState title="No teams yet">Create a team for each group of reps with a manager, like “EMEA inbound”.</EmptyState>
        </div>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {teams.data.map((team) => (
            <li key={team.id} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-900/5">
              <h3 className="font-semibold text-slate-900">{team.name}</h3>
              <dl className="mt-2 space-y-1 text-sm">
                <div className="flex gap-2">
                  <dt className="text-slate-500">Manager</dt>
                  <dd className="text-slate-800">{team.managerId ? nameOf(team.managerId) : 'None'}</dd>
                </div>
                {team.parentTeamId && (
                  <div className="flex gap-2">
                    <dt className="text-slate-500">Part of</dt>
                    <dd className="text-slate-800">{teamName.get(team.parentTeamId) ?? 'Another team'}</dd>
                  </div>
                )}
                <div>
                  <dt className="text-slate-500">Members ({team.memberIds.length})</dt>
                  <dd className="mt-1 text-slate-800">{team.memberIds.length ? team.memberIds.map((id) => nameOf(id)).join(', ') : 'Nobody yet'}</dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}

      <Dialog
        open={creating}
        onClose={() => {
          setCreating(false);
          create.reset();
        }}
        title="New team"
      >
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            const v = formText(event.currentTarget);
            create.mutate({ name: v.name ?? '', parentTeamId: v.parentTeamId || null, managerId: v.managerId || null });
          }}
        >
          {formError(create.error, ['name', 'parentTeamId', 'managerId']) && <Notice>{formError(create.error, ['name', 'parentTeamId', 'managerId'])}</Notice>}
          <Field label="Name" error={fieldError(create.error, 'name')}>
            {(props) => <Input {...props} name="name" required autoFocus />}
          </Field>
          <Field label="Manager" error={fieldError(create.error, 'managerId')}>
            {(props) => (
              <Select {...props} name="managerId" defaultValue="">
                <option value="">No manager</option>
                {ownerOptions(users.data).map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Part of team" error={fieldError(create.error, 'parentTeamId')}>
            {(props) => (
              <Select {...props} name="parentTeamId" defaultValue="">
                <option value="">None (top level)</option>
                {teams.data.map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <DialogActions>
            <Button onClick={() => setCreating(false)}>Cancel</Button>
            <Button type="submit" variant="primary" busy={create.isPending}>
              Create team
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </section>
  );
}
