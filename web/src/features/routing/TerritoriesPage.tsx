import { useState } from 'react';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { canReassign, useSession } from '../auth/session.tsx';
import { useUserNames } from '../users/api.ts';
import { placementOf, useDeleteTerritory, useRealign, useTerritories, type Territory } from './api.ts';
import { TerritoryDialog } from './TerritoryDialog.tsx';

/** The territory tree: criteria, members, and a tester that shows where a record would land. */
export function TerritoriesPage() {
  const me = useSession();
  const territories = useTerritories();
  const nameOf = useUserNames();
  const remove = useDeleteTerritory();
  const realign = useRealign();
  const toast = useToast();
  const [editing, setEditing] = useState<Territory | 'new' | null>(null);
  const manage = canReassign(me.user.role);

  if (territories.isPending) return <Spinner label="Loading territories…" />;
  if (territories.isError) return <Notice>{errorMessage(territories.error)}</Notice>;

  return (
    <section className="space-y-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <p className="max-w-2xl text-sm text-slate-500">
          A record belongs to one territory: one naming its account first, then the deepest that fits, then the lowest priority number, then the name. Children only hold what their parent holds.
        </p>
        {manage && (
          <div className="flex gap-2">
            <Button
              busy={realign.isPending}
              onClick={() =>
                realign.mutate(undefined, {
                  onSuccess: (r) => toast(`Re-aligned: ${r.leads.moved} leads and ${r.accounts.moved} accounts moved territory`),
                  onError: (error) => toast(errorMessage(error), { tone: 'error' }),
                })
              }
            >
              Apply to existing records
            </Button>
            <Button variant="primary" onClick={() => setEditing('new')}>
              New territory
            </Button>
          </div>
        )}
      </div>

      {territories.data.length === 0 ? (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <EmptyState title="No territories yet">Start with regions (EMEA, Americas), then narrow them: DACH under EMEA, DACH mid-market under DACH.</EmptyState>
        </div>
      ) : (
        <ul aria-label="Territory tree" className="divide-y divide-slate-100 rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          {territories.data.map((territory) => (
            <li key={territory.id} className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:justify-between" style={{ paddingLeft: `${1 + (territory.path.length - 1) * 1.5}rem` }}>
              <div className="min-w-0">
                <p className="font-medium text-slate-900">
                  {territory.path.length > 1 && <span className="mr-1 text-slate-300" aria-hidden="true">└</span>}
                  {territory.name}
                  {territory.priority !== 100 && <span className="ml-2 text-xs font-normal text-slate-500">priority {territory.priority}</span>}
                </p>
                <p className="text-sm text-slate-500">{territory.description}</p>
                <div className="mt-1 flex flex-wrap gap-1">
                  {territory.members.length === 0 ? (
                    <span className="text-xs text-slate-400">{territory.parentId ? 'No members: its parent’s members work it' : 'No members'}</span>
                  ) : (
                    territory.members.map((m) => (
                      <Badge key={m.userId} tone={m.role === 'executive' ? 'violet' : 'blue'}>
                        {nameOf(m.userId)} · {m.role}
                      </Badge>
                    ))
                  )}
                </div>
              </div>
              {manage && (
                <div className="flex shrink-0 gap-2">
                  <Button size="sm" onClick={() => setEditing(territory)}>
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => {
                      if (!window.confirm(`Remove ${territory.name}? Its records fall to the next territory that fits.`)) return;
                      remove.mutate(territory.id, { onError: (error) => toast(errorMessage(error), { tone: 'error' }) });
                    }}
                  >
                    Remove
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      <PlacementTester />
      {editing && <TerritoryDialog territory={editing === 'new' ? null : editing} territories={territories.data} onClose={() => setEditing(null)} />}
    </section>
  );
}

function PlacementTester() {
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      aria-label="Where would a record land"
      className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5"
      onSubmit={async (event) => {
        event.preventDefault();
        const data = Object.fromEntries([...new FormData(event.currentTarget)].filter(([, v]) => typeof v === 'string' && v.trim() !== '')) as Record<string, string>;
        try {
          const placement = await placementOf(data);
          setError(null);
          setResult(placement.territoryId ? `${placement.path.join(' → ')}${placement.alsoMatched.length ? ` (also fits ${placement.alsoMatched.join(', ')})` : ''}` : 'No territory fits');
        } catch (failure) {
          setError(errorMessage(failure));
        }
      }}
    >
      <h2 className="mb-3 text-sm font-semibold text-slate-900">Where would a record land?</h2>
      <div className="grid gap-3 sm:grid-cols-5">
        <Field label="Country">{(props) => <Input {...props} name="country" placeholder="DE" maxLength={2} />}</Field>
        <Field label="Region">{(props) => <Input {...props} name="region" />}</Field>
        <Field label="Postcode">{(props) => <Input {...props} name="postcode" />}</Field>
        <Field label="Industry">{(props) => <Input {...props} name="industry" />}</Field>
        <Field label="Employees">{(props) => <Input {...props} name="employeeCount" inputMode="numeric" />}</Field>
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <Button type="submit">Find territory</Button>
        {result && (
          <p role="status" className="text-sm text-slate-800">
            {result}
          </p>
        )}
        {error && <p className="text-sm text-red-600">{error}</p>}
      </div>
    </form>
  );
}
