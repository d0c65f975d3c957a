import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ifMatch } from '../../api/client.ts';
import { ROLES, type Role, type Team, type User } from '../../api/types.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Menu, MenuItem } from '../../components/Menu.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { relativeTime } from '../../lib/dates.ts';
import { fieldError, formError, formText } from '../../lib/forms.ts';
import { canManageUsers, useSession } from '../auth/session.tsx';
import { ownerOptions, teamsKey, usersKey, useTeams, useUsers } from '../users/api.ts';
import { SecretBox } from './ApiKeysSettings.tsx';

const ROLE_HINTS: Record<Role, string> = {
  admin: 'Admin',
  manager: 'Manager',
  rep: 'Sales rep',
  executive: 'Executive',
  partner: 'Partner',
};

const STATUS_TONE = { active: 'green', invited: 'amber', deactivated: 'slate' } as const;

export function UsersSettings() {
  const me = useSession();
  const users = useUsers();
  const teams = useTeams();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<{ user: User; inviteUrl: string; emailed: boolean } | null>(null);
  const [reassigning, setReassigning] = useState<User | null>(null);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: usersKey });
    void queryClient.invalidateQueries({ queryKey: teamsKey });
  };

  const change = useMutation({
    mutationFn: ({ user, changes }: { user: User; changes: Partial<Pick<User, 'role' | 'teamId' | 'status'>> }) =>
      api<User>(`/api/v1/users/${user.id}`, { method: 'PATCH', body: changes, headers: ifMatch(user.version) }),
    onSuccess: (user) => {
      refresh();
      toast(`Saved ${user.name}`);
    },
    onError: (error) => {
      refresh();
      toast(errorMessage(error), { tone: 'error' });
    },
  });

  const invite = useMutation({
    mutationFn: (input: { email: string; name: string; role: Role; teamId: string | null }) =>
      api<{ user: User; inviteUrl: string; emailed: boolean }>('/api/v1/users/invitations', { method: 'POST', body: input }),
    onSuccess: (result) => {
      setInviting(false);
      setInvited(result);
      refresh();
    },
  });

  if (!canManageUsers(me.user.role)) return <Notice tone="info">Only admins manage users.</Notice>;
  if (users.isPending) return <Spinner />;
  if (users.isError) return <Notice>{errorMessage(users.error)}</Notice>;

  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h2 className="text-base font-semibold text-slate-900">Users</h2>
          <p className="mt-1 text-sm text-slate-500">Invite your team, set roles and teams, and hand over a leaver's records.</p>
        </div>
        <Button variant="primary" onClick={() => setInviting(true)}>
          Invite user
        </Button>
      </div>
      <Table label="Users">
        <thead>
          <tr>
            <th scope="col" className={thClass}>
              User
            </th>
            <th scope="col" className={thClass}>
              Role
            </th>
            <th scope="col" className={`${thClass} hidden md:table-cell`}>
              Team
            </th>
            <th scope="col" className={`${thClass} hidden sm:table-cell`}>
              Status
            </th>
            <th scope="col" className={`${thClass} hidden lg:table-cell`}>
              Last sign-in
            </th>
            <th scope="col" className={thClass}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.data.map((user) => (
            <tr key={user.id}>
              <td className={`${tdClass} max-w-60`}>
                <span className="block truncate font-medium text-slate-900">
                  {user.name}
                  {user.id === me.user.id && <span className="ml-1 font-normal text-slate-400">(you)</span>}
                </span>
                <span className="block truncate text-xs text-slate-500">{user.email}</span>
              </td>
              <td className={tdClass}>
                <Select
                  aria-label={`Role of ${user.name}`}
                  value={user.role}
                  disabled={change.isPending || user.status === 'deactivated'}
                  onChange={(event) => change.mutate({ user, changes: { role: event.target.value as Role } })}
                  className="h-8 w-32"
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {ROLE_HINTS[role]}
                    </option>
                  ))}
                </Select>
                <div className="mt-1 md:hidden">
                  <TeamSelect user={user} teams={teams.data ?? []} disabled={change.isPending} onChange={(teamId) => change.mutate({ user, changes: { teamId } })} />
                </div>
              </td>
              <td className={`${tdClass} hidden md:table-cell`}>
                <TeamSelect user={user} teams={teams.data ?? []} disabled={change.isPending} onChange={(teamId) => change.mutate({ user, changes: { teamId } })} />
              </td>
              <td className={`${tdClass} hidden sm:table-cell`}>
                <Badge tone={STATUS_TONE[user.status]}>{user.status}</Badge>
              </td>
              <td className={`${tdClass} hidden text-slate-500 lg:table-cell`}>{user.lastLoginAt ? relativeTime(user.lastLoginAt) : 'Never'}</td>
              <td className={`${tdClass} text-right`}>
                <Menu align="right" buttonClassName="rounded-md px-2 py-1 text-sm font-medium text-slate-600 hover:bg-slate-100" label={<span aria-label={`Actions for ${user.name}`}>•••</span>}>
                  {(close) => (
                    <>
                      <MenuItem
                        onClick={() => {
                          close();
                          setReassigning(user);
                        }}
                      >
                        Reassign their records…
                      </MenuItem>
                      {user.id !== me.user.id &&
                        (user.status === 'deactivated' ? (
                          <MenuItem
                            onClick={() => {
                              close();
                              change.mutate({ user, changes: { status: 'active' } });
                            }}
                          >
                            Reactivate
                          </MenuItem>
                        ) : (
                          <MenuItem
                            tone="danger"
                            onClick={() => {
                              close();
                              change.mutate({ user, changes: { status: 'deactivated' } });
                            }}
                          >
                            Deactivate (signs them out)
                          </MenuItem>
                        ))}
                    </>
                  )}
                </Menu>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>

      <Dialog
        open={inviting}
        onClose={() => {
          setInviting(false);
          invite.reset();
        }}
        title="Invite a user"
        description="They get a link to choose their password. The link works for 7 days."
      >
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            const v = formText(event.currentTarget);
            invite.mutate({ email: v.email ?? '', name: v.name ?? '', role: (v.role ?? 'rep') as Role, teamId: v.teamId || null });
          }}
        >
          {formError(invite.error, ['email', 'name', 'role', 'teamId']) && <Notice>{formError(invite.error, ['email', 'name', 'role', 'teamId'])}</Notice>}
          <Field label="Name" error={fieldError(invite.error, 'name')}>
            {(props) => <Input {...props} name="name" required autoFocus />}
          </Field>
          <Field label="Email" error={fieldError(invite.error, 'email')}>
            {(props) => <Input {...props} name="email" type="email" required />}
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Role" error={fieldError(invite.error, 'role')}>
              {(props) => (
                <Select {...props} name="role" defaultValue="rep">
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {ROLE_HINTS[role]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label="Team" error={fieldError(invite.error, 'teamId')}>
              {(props) => (
                <Select {...props} name="teamId" defaultValue="">
                  <option value="">No team</option>
                  {(teams.data ?? []).map((team) => (
                    <option key={team.id} value={team.id}>
                      {team.name}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          </div>
          <DialogActions>
            <Button onClick={() => setInviting(false)}>Cancel</Button>
            <Button type="submit" variant="primary" busy={invite.isPending}>
              Send invitation
            </Button>
          </DialogActions>
        </form>
      </Dialog>

      <Dialog open={invited !== null} onClose={() => setInvited(null)} title={`${invited?.user.name ?? ''} is invited`}>
        {invited && (
          <div className="space-y-3">
            <p className="text-sm text-slate-600">
              {invited.emailed ? `We emailed the link to ${invited.user.email}. You can also share it yourself:` : 'Email is not set up on this server, so share this link with them yourself:'}
            </p>
            <SecretBox value={invited.inviteUrl} label="Invitation link" />
          </div>
        )}
        <DialogActions>
          <Button variant="primary" onClick={() => setInvited(null)}>
            Done
          </Button>
        </DialogActions>
      </Dialog>

      <ReassignDialog user={reassigning} users={users.data} onClose={() => setReassigning(null)} />
    </section>
  );
}

function TeamSelect({ user, teams, disabled, onChange }: { user: User; teams: Team[]; disabled: boolean; onChange: (teamId: string | null) => void }) {
  return (
    <Select aria-label={`Team of ${user.name}`} value={user.teamId ?? ''} disabled={disabled} onChange={(event) => onChange(event.target.value || null)} className="h-8 w-36">
      <option value="">No team</option>
      {teams.map((team) => (
        <option key={team.id} value={team.id}>
          {team.name}
        </option>
      ))}
    </Select>
  );
}

function ReassignDialog({ user, users, onClose }: { user: User | null; users: User[]; onClose: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const reassign = useMutation({
    mutationFn: ({ from, toUserId, reason }: { from: User; toUserId: string; reason: string }) =>
      api<{ leads: number; accounts: number; contacts: number }>(`/api/v1/users/${from.id}/reassign`, { method: 'POST', body: { toUserId, reason } }),
    onSuccess: (moved, { toUserId }) => {
      const to = users.find((u) => u.id === toUserId)?.name ?? 'them';
      toast(`Moved ${moved.leads} leads, ${moved.accounts} accounts and ${moved.contacts} contacts to ${to}`);
      void queryClient.invalidateQueries({ queryKey: ['leads'] });
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      close();
    },
  });
  const close = () => {
    reassign.reset();
    onClose();
  };
  const targets = ownerOptions(users).filter((option) => option.value !== user?.id && !option.label.endsWith('(deactivated)'));

  return (
    <Dialog open={user !== null} onClose={close} title={`Reassign ${user?.name ?? ''}'s records`} description="Every lead, account and contact they own moves to the person you choose.">
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          const v = formText(event.currentTarget);
          if (user) reassign.mutate({ from: user, toUserId: v.toUserId ?? '', reason: v.reason ?? '' });
        }}
      >
        {formError(reassign.error, ['toUserId', 'reason']) && <Notice>{formError(reassign.error, ['toUserId', 'reason'])}</Notice>}
        <Field label="Move them to" error={fieldError(reassign.error, 'toUserId')}>
          {(props) => (
            <Select {...props} name="toUserId" required defaultValue="">
              <option value="" disabled>
                Choose a user…
              </option>
              {targets.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Reason" hint="Kept in each record's history" error={fieldError(reassign.error, 'reason')}>
          {(props) => <Input {...props} name="reason" required placeholder="Left the company" />}
        </Field>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={reassign.isPending}>
            Reassign records
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
