import { useState } from 'react';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { fieldError, formError } from '../../lib/forms.ts';
import { canManageUsers, useSession } from '../auth/session.tsx';
import {
  CUSTOM_OBJECTS,
  FIELD_TYPES,
  OBJECT_LABELS,
  TYPE_LABELS,
  useAllCustomFields,
  useCustomFieldMutations,
  type CustomField,
  type CustomFieldInput,
  type CustomObject,
  type FieldType,
} from './api.ts';

const SHOWN = ['label', 'key', 'type', 'options', 'lookupObject', 'required', 'unique', 'helpText'];

export function CustomFieldsSettings() {
  const me = useSession();
  const toast = useToast();
  const fields = useAllCustomFields();
  const { archive, remove } = useCustomFieldMutations();
  const [object, setObject] = useState<CustomObject>('lead');
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  const [archiving, setArchiving] = useState<CustomField | null>(null);

  if (!canManageUsers(me.user.role)) return <Notice tone="info">Only admins manage custom fields.</Notice>;

  const ofObject = (fields.data ?? []).filter((f) => f.object === object).sort((a, b) => Number(Boolean(a.archivedAt)) - Number(Boolean(b.archivedAt)) || a.position - b.position);

  return (
    <div className="space-y-6">
      <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <h2 className="text-base font-semibold text-slate-900">Custom fields</h2>
            <p className="mt-1 text-sm text-slate-500">
              Fields your team fills in on records, with no deploy: they appear on record pages, in the new-lead form, list filters (
              <code className="text-xs">custom.key=value</code>), CSV import and export, routing and scoring rules, and the API. Archiving hides a field
              and keeps its values; restoring brings them back.
            </p>
          </div>
          <Button variant="primary" onClick={() => setEditing('new')}>
            Add field
          </Button>
        </div>
        <div className="flex gap-2 border-t border-slate-100 px-5 py-3" role="tablist" aria-label="Record type">
          {CUSTOM_OBJECTS.map((o) => (
            <button
              key={o}
              type="button"
              role="tab"
              aria-selected={o === object}
              onClick={() => setObject(o)}
              className={`rounded-md px-2.5 py-1 text-sm font-medium ${o === object ? 'bg-indigo-50 text-indigo-700' : 'text-slate-600 hover:bg-slate-100'}`}
            >
              {OBJECT_LABELS[o]} <span className="text-xs text-slate-400">{(fields.data ?? []).filter((f) => f.object === o && !f.archivedAt).length}</span>
            </button>
          ))}
        </div>
        {fields.isPending ? (
          <div className="p-5">
            <Spinner />
          </div>
        ) : fields.isError ? (
          <div className="p-5">
            <Notice>{errorMessage(fields.error)}</Notice>
          </div>
        ) : ofObject.length === 0 ? (
          <EmptyState title={`No custom fields on ${OBJECT_LABELS[object].toLowerCase()} yet`}>Add one to capture what your process needs, like a segment or a contract date.</EmptyState>
        ) : (
          <Table label={`Custom fields of ${OBJECT_LABELS[object]}`}>
            <thead>
              <tr>
                <th className={thClass}>Field</th>
                <th className={thClass}>Type</th>
                <th className={thClass}>Rules</th>
                <th className={`${thClass} text-right`}>Actions</th>
              </tr>
            </thead>
            <tbody>
              {ofObject.map((field) => (
                <tr key={field.id} className={field.archivedAt ? 'text-slate-400' : ''}>
                  <td className={tdClass}>
                    <div className="font-medium text-slate-900">{field.label}</div>
                    <div className="font-mono text-xs text-slate-500">custom.{field.key}</div>
                    {field.helpText && <div className="text-xs text-slate-500">{field.helpText}</div>}
                  </td>
                  <td className={tdClass}>
                    {TYPE_LABELS[field.type]}
                    {field.options.length > 0 && <div className="max-w-64 truncate text-xs text-slate-500">{field.options.join(', ')}</div>}
                    {field.lookupObject && <div className="text-xs text-slate-500">→ {OBJECT_LABELS[field.lookupObject]}</div>}
                  </td>
                  <td className={tdClass}>
                    <div className="flex flex-wrap gap-1">
                      {field.required && <Badge tone="indigo">Required</Badge>}
                      {field.unique && <Badge tone="amber">Unique</Badge>}
                      {field.archivedAt && <Badge tone="slate">Archived</Badge>}
                    </div>
                  </td>
                  <td className={`${tdClass} text-right whitespace-nowrap`}>
                    <div className="flex justify-end gap-2">
                      {!field.archivedAt && (
                        <Button size="sm" onClick={() => setEditing(field)}>
                          Edit
                        </Button>
                      )}
                      {field.archivedAt ? (
                        <>
                          <Button
                            size="sm"
                            onClick={() =>
                              archive.mutate(
                                { field, archived: false },
                                { onSuccess: (r) => toast(`“${field.label}” restored with ${r.records} value${r.records === 1 ? '' : 's'}`), onError: (e) => toast(errorMessage(e), { tone: 'error' }) },
                              )
                            }
                          >
                            Restore
                          </Button>
                          <Button
                            size="sm"
                            variant="danger"
                            onClick={() => remove.mutate(field, { onSuccess: () => toast(`“${field.label}” removed`), onError: (e) => toast(errorMessage(e), { tone: 'error' }) })}
                          >
                            Delete
                          </Button>
                        </>
                      ) : (
                        <Button size="sm" onClick={() => setArchiving(field)}>
                          Archive
                        </Button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>

      <FieldDialog key={editing === 'new' ? `new-${object}` : (editing?.id ?? 'closed')} object={object} field={editing} onClose={() => setEditing(null)} />

      <Dialog
        open={archiving !== null}
        onClose={() => setArchiving(null)}
        title={`Archive “${archiving?.label ?? ''}”?`}
        description="The field disappears from forms, lists, imports and the API. Every value stays on its record and comes back when you restore the field."
      >
        <DialogActions>
          <Button onClick={() => setArchiving(null)}>Cancel</Button>
          <Button
            variant="primary"
            busy={archive.isPending}
            onClick={() =>
              archiving &&
              archive.mutate(
                { field: archiving, archived: true },
                {
                  onSuccess: (r) => {
                    setArchiving(null);
                    toast(`“${r.label}” archived; ${r.records} value${r.records === 1 ? '' : 's'} kept`);
                  },
                  onError: (e) => toast(errorMessage(e), { tone: 'error' }),
                },
              )
            }
          >
            Archive
          </Button>
        </DialogActions>
      </Dialog>
    </div>
  );
}

function FieldDialog({ object, field, onClose }: { object: CustomObject; field: CustomField | 'new' | null; onClose: () => void }) {
  const toast = useToast();
  const { create, update } = useCustomFieldMutations();
  const existing = field !== 'new' ? field : null;
  const [type, setType] = useState<FieldType>(existing?.type ?? 'text');
  const save = existing ? update : create;
  const close = () => {
    create.reset();
    update.reset();
    onClose();
  };
  const shownType = type;
  const picklist = shownType === 'picklist' || shownType === 'multi_picklist';
  return (
    <Dialog open={field !== null} onClose={close} title={existing ? `Edit “${existing.label}”` : `Add a field to ${OBJECT_LABELS[object].toLowerCase()}`} wide>
      {field !== null && (
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            const text = (name: string) => String(form.get(name) ?? '').trim();
            const input: CustomFieldInput = {
              label: text('label'),
              type: shownType,
              options: picklist
                ? text('options')
                    .split('\n')
                    .map((o) => o.trim())
                    .filter(Boolean)
                : [],
              lookupObject: shownType === 'lookup' ? (text('lookupObject') as CustomObject) : null,
              required: form.get('required') === 'on',
              unique: form.get('unique') === 'on',
              helpText: text('helpText'),
            };
            const onSuccess = (saved: CustomField) => {
              close();
              toast(existing ? `“${saved.label}” saved` : `“${saved.label}” added as custom.${saved.key}`);
            };
            if (existing) update.mutate({ field: existing, changes: input }, { onSuccess });
            else create.mutate({ ...input, object, ...(text('key') ? { key: text('key') } : {}) }, { onSuccess });
          }}
        >
          {formError(save.error, SHOWN) && <Notice>{formError(save.error, SHOWN)}</Notice>}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Label" error={fieldError(save.error, 'label')}>
              {(props) => <Input {...props} name="label" required maxLength={100} defaultValue={existing?.label ?? ''} placeholder="Industry segment" autoFocus />}
            </Field>
            <Field label="Key" hint={existing ? 'Keys never change (the API, imports and rules use them)' : 'Leave empty to derive it from the label'} error={fieldError(save.error, 'key')}>
              {(props) => <Input {...props} name="key" maxLength={63} defaultValue={existing?.key ?? ''} disabled={Boolean(existing)} placeholder="industry_segment" pattern="[a-z][a-z0-9_]*" />}
            </Field>
            <Field label="Type" error={fieldError(save.error, 'type')} hint={existing ? 'A new type is taken only when every stored value fits it' : undefined}>
              {(props) => (
                <Select {...props} name="type" value={shownType} onChange={(event) => setType(event.target.value as FieldType)}>
                  {FIELD_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {TYPE_LABELS[t]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            {shownType === 'lookup' && (
              <Field label="Points at" error={fieldError(save.error, 'lookupObject')}>
                {(props) => (
                  <Select {...props} name="lookupObject" defaultValue={existing?.lookupObject ?? 'account'}>
                    {CUSTOM_OBJECTS.map((o) => (
                      <option key={o} value={o}>
                        {OBJECT_LABELS[o]}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            )}
          </div>
          {picklist && (
            <Field label="Options" hint="One per line, in the order people pick from" error={fieldError(save.error, 'options')}>
              {(props) => (
                <textarea {...props} name="options" rows={5} required defaultValue={existing?.options.join('\n') ?? ''} className="block w-full rounded-md px-2.5 py-1.5 text-sm ring-1 ring-slate-300 ring-inset" />
              )}
            </Field>
          )}
          <Field label="Help text" hint="Shown under the field on record pages" error={fieldError(save.error, 'helpText')}>
            {(props) => <Input {...props} name="helpText" maxLength={500} defaultValue={existing?.helpText ?? ''} />}
          </Field>
          <div className="flex flex-wrap gap-6 text-sm text-slate-700">
            <label className="flex items-center gap-2">
              <input type="checkbox" name="required" defaultChecked={existing?.required ?? false} /> Required on new records
            </label>
            <label className="flex items-center gap-2">
              <input type="checkbox" name="unique" defaultChecked={existing?.unique ?? false} /> Unique (no two live records share a value)
            </label>
          </div>
          {(fieldError(save.error, 'required') || fieldError(save.error, 'unique')) && (
            <p className="text-sm text-red-600">{fieldError(save.error, 'required') ?? fieldError(save.error, 'unique')}</p>
          )}
          <DialogActions>
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={save.isPending}>
              {existing ? 'Save' : 'Add field'}
            </Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}
