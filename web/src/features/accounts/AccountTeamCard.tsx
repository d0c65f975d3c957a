import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { useUserNames, useUsers } from '../users/api.ts';

const ROLES = [
  { value: 'inside_rep', label: 'Inside rep' },
  { value: 'outside_exec', label: 'Outside sales executive' },
  { value: 'account_manager', label: 'Account manager' },
  { value: 'partner', label: 'Partner' },
] as const;
type TeamRole = (typeof ROLES)[number]['value'];
type Member = { userId: string; role: TeamRole; addedAt: string };

/**
 * The account team: who works the account on our side, in which role. Being on it lets a person
 * see the account, its contacts and its deals whatever the org's record visibility.
 */
export function AccountTeamCard({ accountId, readOnly }: { accountId: string; readOnly: boolean }) {
  const queryClient = useQueryClient();
  const key = ['accounts', 'team', accountId];
  const team = useQuery({ queryKey: key, queryFn: () => api<{ data: Member[] }>(`/api/v1/accounts/${accountId}/team`) });
  const users = useUsers();
  const nameOf = useUserNames();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<TeamRole>('inside_rep');
  const done = () => void queryClient.invalidateQueries({ queryKey: key });
  const add = useMutation({
    mutationFn: () => api<Member>(`/api/v1/accounts/${accountId}/team/${userId}`, { method: 'PUT', body: { role } }),
    onSuccess: () => {
      setUserId('');
      done();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => api<void>(`/api/v1/accounts/${accountId}/team/${id}`, { method: 'DELETE' }), onSuccess: done });
  const members = team.data?.data ?? [];
  const candidates = (users.data ?? []).filter((u) => u.status === 'active' && !members.some((m) => m.userId === u.id));

  return (
    <section className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5" aria-labelledby="account-team-heading">
      <h2 id="account-team-heading" className="text-sm font-semibold text-slate-900">
        Account team
      </h2>
      <p className="mt-0.5 text-xs text-slate-500">They see this account, its contacts and its deals, and hear when a deal moves.</p>
      {(add.isError || remove.isError) && (
        <div className="mt-3">
          <Notice>{errorMessage(add.error ?? remove.error)}</Notice>
        </div>
      )}
      {members.length === 0 && !team.isPending && <p className="mt-3 text-sm text-slate-500">No one yet.</p>}
      <ul className="mt-3 divide-y divide-slate-100">
        {members.map((m) => (
          <li key={m.userId} className="flex items-center justify-between gap-3 py-2 text-sm">
            <span>
              <span className="font-medium text-slate-900">{nameOf(m.userId)}</span>
              <span className="text-slate-500"> · {ROLES.find((r) => r.value === m.role)?.label ?? m.role}</span>
            </span>
            {!readOnly && (
              <Button size="sm" variant="ghost" busy={remove.isPending && remove.variables === m.userId} onClick={() => remove.mutate(m.userId)} aria-label={`Take ${nameOf(m.userId)} off the team`}>
                Remove
              </Button>
            )}
          </li>
        ))}
      </ul>
      {!readOnly && (
        <form
          className="mt-3 flex flex-wrap gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (userId) add.mutate();
          }}
        >
          <Select aria-label="Person" className="min-w-0 flex-1" value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">Add someone…</option>
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </Select>
          <Select aria-label="Role" className="w-auto" value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </Select>
          <Button type="submit" disabled={!userId} busy={add.isPending}>
            Add
          </Button>
        </form>
      )}
    </section>
  );
}
