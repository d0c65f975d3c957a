import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { fieldError, formError, formText } from '../../lib/forms.ts';
import { ownerOptions, useUsers } from '../users/api.ts';
import { splitList, useSaveTerritory, type Criteria, type Member, type Territory, type TerritoryRole } from './api.ts';

const CRITERIA_FIELDS = ['name', 'parentId', 'priority', 'criteria.countries', 'criteria.regions', 'criteria.postcodePrefixes', 'criteria.postcodeRanges', 'criteria.industries', 'criteria.minEmployees', 'criteria.maxEmployees', 'members'];

/** "10000-14999, 20000-29999" ↔ postcode ranges. */
const rangesText = (ranges: Criteria['postcodeRanges']) => (ranges ?? []).map((r) => `${r.from}-${r.to}`).join(', ');
const parseRanges = (text: string | undefined) =>
  splitList(text).map((part) => {
    const [from = '', to = ''] = part.split(/\s*[-–]\s*/);
    return { from, to: to || from };
  });
const numberOrUndefined = (text: string | undefined) => (text ? Number(text) : undefined);
/** The first of the API's field errors at or under a field ("criteria.postcodeRanges.0"). */
const errorUnder = (error: unknown, prefix: string) =>
  error instanceof ApiError ? Object.entries(error.fields).find(([field]) => field === prefix || field.startsWith(`${prefix}.`))?.[1] : undefined;
/** The API's fields this form shows next to a control, so the summary above it leaves them out. */
const shownFields = (error: unknown) => (error instanceof ApiError ? Object.keys(error.fields).filter((field) => CRITERIA_FIELDS.some((f) => field === f || field.startsWith(`${f}.`))) : []);

export function TerritoryDialog({ territory, territories, onClose }: { territory: Territory | null; territories: Territory[]; onClose: () => void }) {
  const users = useUsers();
  const save = useSaveTerritory();
  const [members, setMembers] = useState<Member[]>(territory?.members ?? []);
  const [adding, setAdding] = useState<{ userId: string; role: TerritoryRole }>({ userId: '', role: 'rep' });
  const c = territory?.criteria ?? {};
  const people = ownerOptions(users.data);
  const nameOf = (id: string) => people.find((p) => p.value === id)?.label ?? 'Unknown user';
  // A territory cannot sit under itself or its own sub-territories.
  const parents = territories.filter((t) => !territory || (t.id !== territory.id && !t.path.slice(0, -1).includes(territory.name)));

  return (
    <Dialog open onClose={onClose} title={territory ? `Edit ${territory.name}` : 'New territory'} description="Every criterion you fill in must hold; leave the rest empty. Lists take commas." wide>
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          const v = formText(event.currentTarget);
          const criteria: Criteria = {
            countries: splitList(v.countries).map((x) => x.toUpperCase()),
            regions: splitList(v.regions),
            postcodePrefixes: splitList(v.postcodePrefixes),
            postcodeRanges: parseRanges(v.postcodeRanges),
            industries: splitList(v.industries),
            minEmployees: numberOrUndefined(v.minEmployees),
            maxEmployees: numberOrUndefined(v.maxEmployees),
            ...(c.accountIds ? { accountIds: c.accountIds } : {}),
          };
          save.mutate(
            { id: territory?.id, input: { name: v.name ?? '', parentId: v.parentId || null, priority: Number(v.priority || 100), criteria, members } },
            { onSuccess: onClose },
          );
        }}
      >
        {formError(save.error, shownFields(save.error)) && <Notice>{formError(save.error, shownFields(save.error))}</Notice>}
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Name" error={fieldError(save.error, 'name')} className="sm:col-span-2">
            {(props) => <Input {...props} name="name" required defaultValue={territory?.name ?? ''} placeholder="DACH mid-market" />}
          </Field>
          <Field label="Priority" hint="Lower wins a tie at the same depth" error={fieldError(save.error, 'priority')}>
            {(props) => <Input {...props} name="priority" type="number" min={0} defaultValue={territory?.priority ?? 100} />}
          </Field>
        </div>
        <Field label="Inside" error={fieldError(save.error, 'parentId')}>
          {(props) => (
            <Select {...props} name="parentId" defaultValue={territory?.parentId ?? ''}>
              <option value="">Nothing (top level)</option>
              {parents.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.path.join(' → ')}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Countries" hint="Two-letter codes: DE, AT, CH" error={errorUnder(save.error, 'criteria.countries')}>
            {(props) => <Input {...props} name="countries" defaultValue={(c.countries ?? []).join(', ')} />}
          </Field>
          <Field label="Regions / states" error={errorUnder(save.error, 'criteria.regions')}>
            {(props) => <Input {...props} name="regions" defaultValue={(c.regions ?? []).join(', ')} />}
          </Field>
          <Field label="Postcode prefixes" hint="EC, WC, SW1" error={errorUnder(save.error, 'criteria.postcodePrefixes')}>
            {(props) => <Input {...props} name="postcodePrefixes" defaultValue={(c.postcodePrefixes ?? []).join(', ')} />}
          </Field>
          <Field label="Postcode ranges" hint="10000-14999, 20000-29999" error={errorUnder(save.error, 'criteria.postcodeRanges')}>
            {(props) => <Input {...props} name="postcodeRanges" defaultValue={rangesText(c.postcodeRanges)} />}
          </Field>
          <Field label="Industries" error={errorUnder(save.error, 'criteria.industries')}>
            {(props) => <Input {...props} name="industries" defaultValue={(c.industries ?? []).join(', ')} />}
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Employees from" error={fieldError(save.error, 'criteria.minEmployees')}>
              {(props) => <Input {...props} name="minEmployees" type="number" min={0} defaultValue={c.minEmployees ?? ''} />}
            </Field>
            <Field label="to" error={fieldError(save.error, 'criteria.maxEmployees')}>
              {(props) => <Input {...props} name="maxEmployees" type="number" min={0} defaultValue={c.maxEmployees ?? ''} />}
            </Field>
          </div>
        </div>
        {c.accountIds?.length ? <p className="text-sm text-slate-500">Named accounts: {c.accountIds.length} (kept as they are; set them through the API).</p> : null}

        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-700">Members</legend>
          <ul className="mb-2 flex flex-wrap gap-2">
            {members.map((m) => (
              <li key={m.userId} className="inline-flex items-center gap-1 rounded-md bg-slate-100 px-2 py-1 text-sm">
                {nameOf(m.userId)} · {m.role}
                <button type="button" aria-label={`Remove ${nameOf(m.userId)}`} className="ml-1 text-slate-400 hover:text-slate-700" onClick={() => setMembers(members.filter((x) => x.userId !== m.userId))}>
                  ×
                </button>
              </li>
            ))}
            {members.length === 0 && <li className="text-sm text-slate-400">Nobody yet</li>}
          </ul>
          <div className="flex flex-col gap-2 sm:flex-row">
            <Select aria-label="Person to add" value={adding.userId} onChange={(e) => setAdding({ ...adding, userId: e.target.value })}>
              <option value="">Choose a person…</option>
              {people
                .filter((p) => !members.some((m) => m.userId === p.value))
                .map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
            </Select>
            <Select aria-label="Role in the territory" className="sm:w-40" value={adding.role} onChange={(e) => setAdding({ ...adding, role: e.target.value as TerritoryRole })}>
              <option value="rep">Rep</option>
              <option value="executive">Executive</option>
            </Select>
            <Button
              disabled={!adding.userId}
              onClick={() => {
                setMembers([...members, adding]);
                setAdding({ userId: '', role: adding.role });
              }}
            >
              Add
            </Button>
          </div>
          {errorUnder(save.error, 'members') && <p className="mt-1 text-sm text-red-600">{errorUnder(save.error, 'members')}</p>}
        </fieldset>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={save.isPending}>
            {territory ? 'Save territory' : 'Create territory'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
