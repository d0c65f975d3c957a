import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, query, ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { Input, Select } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { useDebounced } from '../../lib/useDebounced.ts';
import { useSession } from '../auth/session.tsx';
import { usePreviewCount, useSaveView, useViewFields, type Condition, type DateRange, type FieldCondition, type FieldInfo, type SavedView, type ViewFilters, type ViewObject } from './api.ts';

const OPS: Record<string, { op: string; label: string }[]> = {
  text: [
    { op: 'contains', label: 'contains' },
    { op: 'eq', label: 'is' },
    { op: 'neq', label: 'is not' },
    { op: 'starts_with', label: 'starts with' },
    { op: 'not_contains', label: 'does not contain' },
    { op: 'is_empty', label: 'is empty' },
    { op: 'is_not_empty', label: 'is not empty' },
  ],
  number: [
    { op: 'gte', label: '≥' },
    { op: 'lte', label: '≤' },
    { op: 'gt', label: '>' },
    { op: 'lt', label: '<' },
    { op: 'eq', label: '=' },
    { op: 'is_empty', label: 'is empty' },
  ],
  date: [
    { op: 'within', label: 'is within' },
    { op: 'not_within', label: 'is not within' },
    { op: 'older_than_days', label: 'is more than … days ago' },
    { op: 'is_empty', label: 'is empty' },
    { op: 'is_not_empty', label: 'is not empty' },
  ],
  enum: [
    { op: 'eq', label: 'is' },
    { op: 'neq', label: 'is not' },
  ],
  user: [
    { op: 'eq', label: 'is' },
    { op: 'neq', label: 'is not' },
    { op: 'is_empty', label: 'is nobody' },
    { op: 'is_not_empty', label: 'is someone' },
  ],
  bool: [{ op: 'eq', label: 'is' }],
};
OPS.day = OPS.date!.filter((o) => o.op !== 'is_empty' && o.op !== 'is_not_empty');
OPS.ref = OPS.user!;

const RANGES: { kind: string; label: string }[] = [
  { kind: 'today', label: 'today' },
  { kind: 'yesterday', label: 'yesterday' },
  { kind: 'this_week', label: 'this week' },
  { kind: 'last_week', label: 'last week' },
  { kind: 'this_month', label: 'this month' },
  { kind: 'last_month', label: 'last month' },
  { kind: 'this_quarter', label: 'this quarter' },
  { kind: 'last_n_days', label: 'the last … days' },
  { kind: 'next_n_days', label: 'the next … days' },
];

const ACTIVITIES: { activity: string; label: string }[] = [
  { activity: 'call', label: 'a call' },
  { activity: 'call_connected', label: 'a conversation' },
  { activity: 'email_sent', label: 'an email sent' },
  { activity: 'email_opened', label: 'an email opened' },
  { activity: 'email_replied', label: 'a reply' },
  { activity: 'meeting', label: 'a meeting' },
  { activity: 'note', label: 'a note' },
  { activity: 'any', label: 'any activity' },
];

const DEFAULT_COLUMNS: Record<ViewObject, string[]> = {
  lead: ['firstName', 'lastName', 'company', 'email', 'status', 'ownerId', 'createdAt'],
  contact: ['firstName', 'lastName', 'email', 'phone', 'ownerId'],
  account: ['name', 'domain', 'industry', 'lifecycleStage', 'ownerId'],
  opportunity: ['name', 'amount', 'currency', 'closeDate', 'status', 'ownerId'],
};

type CustomField = { key: string; label: string; type: string; archivedAt: string | null };

function useCustomFields(object: ViewObject) {
  return useQuery({
    queryKey: ['custom-fields', object],
    queryFn: () => api<{ data: CustomField[] }>(`/api/v1/custom-fields${query({ object, archived: false })}`),
    retry: false,
    staleTime: 60_000,
  });
}

function RangePicker({ value, onChange, label }: { value: DateRange; onChange: (range: DateRange) => void; label: string }) {
  const needsN = value.kind === 'last_n_days' || value.kind === 'next_n_days';
  return (
    <span className="flex gap-1">
      <Select className="w-auto" aria-label={label} value={value.kind} onChange={(e) => onChange({ kind: e.target.value, ...(e.target.value.endsWith('_n_days') ? { n: value.n ?? 7 } : {}) })}>
        {RANGES.map((r) => (
          <option key={r.kind} value={r.kind}>
            {r.label}
          </option>
        ))}
      </Select>
      {needsN && <Input aria-label={`${label}: days`} type="number" min={1} className="w-20" value={value.n ?? 7} onChange={(e) => onChange({ ...value, n: Number(e.target.value) || 1 })} />}
    </span>
  );
}

function ConditionRow({ condition, fields, onChange, onRemove, index }: { condition: Condition; fields: FieldInfo[]; onChange: (c: Condition) => void; onRemove: () => void; index: number }) {
  const label = `Condition ${index + 1}`;
  if ('activity' in condition) {
    return (
      <li className="flex flex-wrap items-center gap-1.5">
        <Select className="w-auto" aria-label={`${label}: has`} value={condition.has ? 'has' : 'none'} onChange={(e) => onChange({ ...condition, has: e.target.value === 'has' })}>
          <option value="has">Has</option>
          <option value="none">Has no</option>
        </Select>
        <Select className="w-auto" aria-label={`${label}: activity`} value={condition.activity} onChange={(e) => onChange({ ...condition, activity: e.target.value })}>
          {ACTIVITIES.map((a) => (
            <option key={a.activity} value={a.activity}>
              {a.label}
            </option>
          ))}
        </Select>
        <span className="text-sm text-slate-500">in</span>
        <RangePicker label={`${label}: when`} value={condition.range} onChange={(range) => onChange({ ...condition, range })} />
        <Button variant="ghost" size="sm" aria-label={`Remove condition ${index + 1}`} onClick={onRemove}>
          <span aria-hidden="true">✕</span>
        </Button>
      </li>
    );
  }
  const field = fields.find((f) => f.name === condition.field) ?? fields[0]!;
  const ops = OPS[field.type] ?? OPS.text!;
  const setField = (name: string) => {
    const next = fields.find((f) => f.name === name)!;
    const op = (OPS[next.type] ?? OPS.text!)[0]!.op;
    onChange(defaultValue({ field: name, op }, next));
  };
  const value = condition.value;
  return (
    <li className="flex flex-wrap items-center gap-1.5">
      <Select className="w-auto" aria-label={`${label}: field`} value={field.name} onChange={(e) => setField(e.target.value)}>
        {fields.map((f) => (
          <option key={f.name} value={f.name}>
            {f.label}
          </option>
        ))}
      </Select>
      <Select className="w-auto" aria-label={`${label}: operator`} value={condition.op} onChange={(e) => onChange(defaultValue({ field: field.name, op: e.target.value }, field, value))}>
        {ops.map((o) => (
          <option key={o.op} value={o.op}>
            {o.label}
          </option>
        ))}
      </Select>
      {condition.op === 'within' || condition.op === 'not_within' ? (
        <RangePicker label={`${label}: range`} value={(value as DateRange) ?? { kind: 'today' }} onChange={(range) => onChange({ ...condition, value: range })} />
      ) : condition.op === 'is_empty' || condition.op === 'is_not_empty' ? null : field.type === 'enum' ? (
        <Select className="w-auto" aria-label={`${label}: value`} value={String(value ?? '')} onChange={(e) => onChange({ ...condition, value: e.target.value })}>
          {(field.values ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </Select>
      ) : field.type === 'bool' ? (
        <Select className="w-auto" aria-label={`${label}: value`} value={String(value ?? true)} onChange={(e) => onChange({ ...condition, value: e.target.value === 'true' })}>
          <option value="true">yes</option>
          <option value="false">no</option>
        </Select>
      ) : field.type === 'user' ? (
        <Select className="w-auto" aria-label={`${label}: value`} value={String(value ?? 'me')} onChange={(e) => onChange({ ...condition, value: e.target.value })}>
          <option value="me">me (whoever opens the view)</option>
        </Select>
      ) : (
        <Input
          aria-label={`${label}: value`}
          className="w-40"
          type={field.type === 'number' || condition.op === 'older_than_days' ? 'number' : field.type === 'day' ? 'date' : 'text'}
          value={String(value ?? '')}
          onChange={(e) => onChange({ ...condition, value: field.type === 'number' || condition.op === 'older_than_days' ? Number(e.target.value) : e.target.value })}
        />
      )}
      <Button variant="ghost" size="sm" aria-label={`Remove condition ${index + 1}`} onClick={onRemove}>
        <span aria-hidden="true">✕</span>
      </Button>
    </li>
  );
}

function defaultValue(condition: { field: string; op: string }, field: FieldInfo, previous?: FieldCondition['value']): Condition {
  const { op } = condition;
  if (op === 'is_empty' || op === 'is_not_empty') return condition;
  if (op === 'within' || op === 'not_within') return { ...condition, value: { kind: 'last_n_days', n: 7 } };
  if (op === 'older_than_days') return { ...condition, value: 30 };
  if (previous !== undefined && typeof previous !== 'object') return { ...condition, value: previous };
  if (field.type === 'enum') return { ...condition, value: field.values?.[0] ?? '' };
  if (field.type === 'bool') return { ...condition, value: true };
  if (field.type === 'user') return { ...condition, value: 'me' };
  if (field.type === 'number') return { ...condition, value: 0 };
  return { ...condition, value: '' };
}

/** Builds or edits a saved view: conditions, sort, columns, name, and whether the team shares it. */
export function ViewBuilder({ object, view, open, onClose, onSaved }: { object: ViewObject; view?: SavedView | undefined; open: boolean; onClose: () => void; onSaved: (view: SavedView) => void }) {
  const me = useSession();
  const fieldsQuery = useViewFields();
  const custom = useCustomFields(object);
  const builtIn = fieldsQuery.data?.[object].fields ?? [];
  const customFields: FieldInfo[] = fieldsQuery.data?.[object].customFields
    ? (custom.data?.data ?? []).filter((f) => !f.archivedAt).map((f) => ({ name: `custom.${f.key}`, label: `${f.label} (custom)`, type: f.type === 'number' || f.type === 'currency' ? 'number' : 'text', sortable: false }))
    : [];
  const fields = [...builtIn, ...customFields];
  const [name, setName] = useState(view?.name ?? '');
  const [shared, setShared] = useState(view?.shared ?? false);
  const [filters, setFilters] = useState<ViewFilters>(view?.filters ?? { match: 'all', conditions: [] });
  const [sort, setSort] = useState(view?.sort ?? { field: 'createdAt', direction: 'desc' as const });
  const [columns, setColumns] = useState<string[]>(view?.columns ?? DEFAULT_COLUMNS[object]);
  const settled = useDebounced(filters, 300);
  const preview = usePreviewCount(object, settled, open && fieldsQuery.isSuccess);
  const save = useSaveView();
  const mayShare = me.user.role === 'admin' || me.user.role === 'manager';

  const setCondition = (i: number, c: Condition) => setFilters({ ...filters, conditions: filters.conditions.map((old, j) => (j === i ? c : old)) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      { id: view?.id, version: view?.version, input: { object, name, shared, filters, sort, columns } },
      { onSuccess: (saved) => onSaved(saved) },
    );
  };
  const previewError = preview.error instanceof ApiError ? Object.values(preview.error.fields)[0] ?? preview.error.message : null;

  return (
    <Dialog open={open} onClose={onClose} title={view ? `Edit “${view.name}”` : 'New view'} description="Filter on any field or on what happened; relative dates follow today." wide>
      {fieldsQuery.isPending ? (
        <p className="text-sm text-slate-500">Loading fields…</p>
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <fieldset className="space-y-2">
            <legend className="flex items-center gap-2 text-sm font-medium text-slate-900">
              Show records matching
              <Select className="w-auto" aria-label="Match" value={filters.match} onChange={(e) => setFilters({ ...filters, match: e.target.value as 'all' | 'any' })}>
                <option value="all">all</option>
                <option value="any">any</option>
              </Select>
              of these
            </legend>
            <ul className="space-y-2">
              {filters.conditions.map((condition, i) => (
                <ConditionRow
                  key={i}
                  index={i}
                  condition={condition}
                  fields={fields}
                  onChange={(c) => setCondition(i, c)}
                  onRemove={() => setFilters({ ...filters, conditions: filters.conditions.filter((_, j) => j !== i) })}
                />
              ))}
            </ul>
            <div className="flex flex-wrap gap-2">
              <Button size="sm" onClick={() => {
                const first = fields.find((f) => f.name === 'status' || f.name === 'lifecycleStage') ?? fields[0]!;
                setFilters({ ...filters, conditions: [...filters.conditions, defaultValue({ field: first.name, op: (OPS[first.type] ?? OPS.text!)[0]!.op }, first)] });
              }}>
                <Icon name="plus" className="size-4" /> Field condition
              </Button>
              <Button size="sm" onClick={() => setFilters({ ...filters, conditions: [...filters.conditions, { activity: 'call', has: false, range: { kind: 'last_n_days', n: 14 } }] })}>
                <Icon name="plus" className="size-4" /> Activity condition
              </Button>
            </div>
            <p className="text-sm text-slate-600" aria-live="polite">
              {previewError ? <span className="text-red-600">{previewError}</span> : preview.data ? `${preview.data.count.toLocaleString()}${preview.data.capped ? '+' : ''} match` : ' '}
            </p>
          </fieldset>

          <div className="grid gap-3 sm:grid-cols-2">
            <label className="block text-sm">
              <span className="font-medium text-slate-900">Sort by</span>
              <span className="mt-1 flex gap-1">
                <Select aria-label="Sort by" value={sort.field} onChange={(e) => setSort({ ...sort, field: e.target.value })} className="flex-1">
                  {builtIn.filter((f) => f.sortable).map((f) => (
                    <option key={f.name} value={f.name}>
                      {f.label}
                    </option>
                  ))}
                </Select>
                <Select aria-label="Direction" value={sort.direction} onChange={(e) => setSort({ ...sort, direction: e.target.value as 'asc' | 'desc' })}>
                  <option value="desc">high → low / newest</option>
                  <option value="asc">low → high / oldest</option>
                </Select>
              </span>
            </label>
            <label className="block text-sm">
              <span className="font-medium text-slate-900">Name</span>
              <Input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Gone quiet" className="mt-1 w-full" />
            </label>
          </div>

          <fieldset>
            <legend className="text-sm font-medium text-slate-900">Columns</legend>
            <div className="mt-1 grid max-h-36 grid-cols-2 gap-x-3 overflow-y-auto sm:grid-cols-3">
              {fields.map((f) => (
                <label key={f.name} className="flex items-center gap-2 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    className="size-4 accent-indigo-600"
                    checked={columns.includes(f.name)}
                    onChange={() => setColumns(columns.includes(f.name) ? columns.filter((c) => c !== f.name) : [...columns, f.name])}
                  />
                  {f.label}
                </label>
              ))}
            </div>
          </fieldset>

          {mayShare && (
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" className="size-4 accent-indigo-600" checked={shared} onChange={(e) => setShared(e.target.checked)} />
              Share with everyone in the organisation
            </label>
          )}
          {save.isError && <Notice>{errorMessage(save.error)}</Notice>}
          <div className="flex justify-end gap-2">
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" busy={save.isPending}>
              Save view
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
