import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, ifMatch } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { useSession } from '../auth/session.tsx';
import { ownerOptions, useUsers } from '../users/api.ts';

export type DealPolicy = {
  managerDiscountPercent: number;
  financeDiscountPercent: number;
  standardPaymentTermsDays: number;
  financeApproverIds: string[];
  legalApproverIds: string[];
  renewalLeadDays: number;
  defaultCurrency: string;
  version: number;
  updatedAt: string | null;
};
type PolicyChanges = Omit<DealPolicy, 'version' | 'updatedAt'>;

const policyKey = ['deal-policy'] as const;

/** The deal desk's rules: which discounts and payment terms need whose approval, and when renewals open. Admins edit. */
export function DealPolicyPage() {
  const policy = useQuery({ queryKey: policyKey, queryFn: () => api<DealPolicy>('/api/v1/deal-policy') });
  if (policy.isPending) return <Spinner />;
  if (policy.isError) return <Notice>{errorMessage(policy.error)}</Notice>;
  return <PolicyForm key={policy.data.version} policy={policy.data} />;
}

function PolicyForm({ policy }: { policy: DealPolicy }) {
  const me = useSession();
  const canEdit = me.user.role === 'admin';
  const users = useUsers();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<PolicyChanges>(() => {
    const { version: _v, updatedAt: _u, ...rest } = policy;
    return rest;
  });
  const save = useMutation({
    mutationFn: (changes: PolicyChanges) => api<DealPolicy>('/api/v1/deal-policy', { method: 'PATCH', body: changes, headers: ifMatch(policy.version) }),
    onSuccess: (saved) => {
      queryClient.setQueryData(policyKey, saved);
      // The approvals a deal needs follow the policy.
      void queryClient.invalidateQueries({ queryKey: ['opportunities'] });
      toast('Deal policy saved');
    },
  });
  const fields = save.error instanceof ApiError ? save.error.fields : {};
  const set = <K extends keyof PolicyChanges>(key: K, value: PolicyChanges[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const people = ownerOptions(users.data);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ ...draft, defaultCurrency: draft.defaultCurrency.trim().toUpperCase() });
  };
  const number = (value: string) => (value.trim() === '' ? 0 : Number(value));

  return (
    <form onSubmit={submit} className="max-w-3xl space-y-5" aria-label="Deal policy">
      {!canEdit && <Notice tone="info">Only admins change the deal policy; this is what applies to your deals.</Notice>}
      <fieldset disabled={!canEdit} className="space-y-5">
        <section className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
          <h2 className="text-sm font-semibold text-slate-900">Discounts</h2>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Manager approval above (%)" error={fields.managerDiscountPercent} hint="A line discount above this needs the rep's manager.">
              {(props) => <Input {...props} type="number" min={0} max={100} step={0.01} value={draft.managerDiscountPercent} onChange={(e) => set('managerDiscountPercent', number(e.target.value))} />}
            </Field>
            <Field label="Finance approval above (%)" error={fields.financeDiscountPercent} hint="Above this, finance must approve as well.">
              {(props) => <Input {...props} type="number" min={0} max={100} step={0.01} value={draft.financeDiscountPercent} onChange={(e) => set('financeDiscountPercent', number(e.target.value))} />}
            </Field>
          </div>
        </section>
        <section className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
          <h2 className="text-sm font-semibold text-slate-900">Payment terms</h2>
          <Field label="Standard payment terms (days)" error={fields.standardPaymentTermsDays} hint="Longer terms need legal approval." className="sm:max-w-xs">
            {(props) => <Input {...props} type="number" min={0} max={365} value={draft.standardPaymentTermsDays} onChange={(e) => set('standardPaymentTermsDays', Math.round(number(e.target.value)))} />}
          </Field>
        </section>
        <section className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
          <h2 className="text-sm font-semibold text-slate-900">Approvers</h2>
          <p className="text-sm text-slate-500">Managers approve their reps' discounts. Finance and legal are the people named here; while none are named, admins decide.</p>
          <div className="grid gap-4 sm:grid-cols-2">
            {(
              [
                ['financeApproverIds', 'Finance approvers'],
                ['legalApproverIds', 'Legal approvers'],
              ] as const
            ).map(([key, label]) => (
              <fieldset key={key}>
                <legend className="mb-1 text-sm font-medium text-slate-700">{label}</legend>
                {fields[key] && <p className="mb-1 text-sm text-red-600">{fields[key]}</p>}
                <div className="max-h-48 space-y-1 overflow-y-auto rounded-md p-2 ring-1 ring-slate-200">
                  {people.length === 0 && <p className="text-sm text-slate-500">{users.isPending ? 'Loading…' : 'No active users'}</p>}
                  {people.map((person) => (
                    <label key={person.value} className="flex items-center gap-2 text-sm text-slate-700">
                      <input
                        type="checkbox"
                        className="size-4 rounded border-slate-300"
                        checked={draft[key].includes(person.value)}
                        onChange={(e) => set(key, e.target.checked ? [...draft[key], person.value] : draft[key].filter((id) => id !== person.value))}
                      />
                      {person.label}
                    </label>
                  ))}
                </div>
              </fieldset>
            ))}
          </div>
        </section>
        <section className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
          <h2 className="text-sm font-semibold text-slate-900">Renewals and currency</h2>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Open renewals this many days ahead" error={fields.renewalLeadDays} hint="Before a recurring product's term ends, a renewal deal is created.">
              {(props) => <Input {...props} type="number" min={1} max={730} value={draft.renewalLeadDays} onChange={(e) => set('renewalLeadDays', Math.round(number(e.target.value)))} />}
            </Field>
            <Field label="Default currency" error={fields.defaultCurrency} hint="ISO 4217 code for new deals.">
              {(props) => <Input {...props} value={draft.defaultCurrency} maxLength={3} className="uppercase" onChange={(e) => set('defaultCurrency', e.target.value)} />}
            </Field>
          </div>
        </section>
      </fieldset>
      {save.isError && !Object.keys(fields).length && <Notice>{errorMessage(save.error)}</Notice>}
      {canEdit && (
        <div className="flex justify-end">
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save deal policy
          </Button>
        </div>
      )}
      {policy.updatedAt && <p className="text-xs text-slate-500">Last changed {new Date(policy.updatedAt).toLocaleString()}</p>}
    </form>
  );
}
