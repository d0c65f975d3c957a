import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Field, Input, Select, controlClass } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { NotFound } from '../../app/NotFound.tsx';
import { ownerOptions, useUsers } from '../users/api.ts';
import {
  FIELD_TYPE_LABELS,
  FIELD_TYPES,
  LEAD_TARGET_LABELS,
  LEAD_TARGETS,
  UTM_KEYS,
  useEmbedHtml,
  useForm,
  useFormAction,
  useSaveForm,
  useSubmissions,
  type FieldType,
  type FormField,
  type FormInput,
  type LeadTarget,
  type WebForm,
} from './api.ts';

const NEW_FORM: FormInput = {
  name: '',
  fields: [
    { key: 'first_name', label: 'First name', type: 'text', required: false, mapTo: 'firstName' },
    { key: 'last_name', label: 'Last name', type: 'text', required: false, mapTo: 'lastName' },
    { key: 'email', label: 'Work email', type: 'email', required: true, mapTo: 'email' },
    { key: 'company', label: 'Company', type: 'text', required: false, mapTo: 'company' },
  ],
  hiddenFields: [...UTM_KEYS],
  consentText: null,
  leadSource: 'web_form',
  defaultOwnerId: null,
  defaultCountry: null,
  redirectUrl: null,
  thankYouMessage: 'Thank you! We will be in touch shortly.',
  active: true,
};

/** A field's key from its label: "Work email" → "work_email". */
const keyOf = (label: string) =>
  label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 64);

type DraftField = FormField & { optionsText: string; keyTouched: boolean };

export function FormEditorPage() {
  const { id = 'new' } = useParams();
  const form = useForm(id === 'new' ? '' : id);
  if (id === 'new') return <FormEditor key="new" />;
  if (form.isPending) return <Spinner label="Loading form…" />;
  if (form.isError) return form.error instanceof ApiError && (form.error.status === 404 || form.error.status === 400) ? <NotFound /> : <Notice>{errorMessage(form.error)}</Notice>;
  return (
    <div className="space-y-5">
      <FormEditor key={`${form.data.id}-${form.data.version}`} form={form.data} />
      <EmbedSnippet form={form.data} />
      <RecentSubmissions form={form.data} />
    </div>
  );
}

function FormEditor({ form }: { form?: WebForm }) {
  const start = form ?? NEW_FORM;
  const [name, setName] = useState(start.name);
  const [fields, setFields] = useState<DraftField[]>(start.fields.map((f) => ({ ...f, optionsText: (f.options ?? []).join(', '), keyTouched: true })));
  const [hidden, setHidden] = useState<string[]>(start.hiddenFields);
  const [consent, setConsent] = useState(start.consentText ?? '');
  const [leadSource, setLeadSource] = useState(start.leadSource);
  const [owner, setOwner] = useState(start.defaultOwnerId ?? '');
  const [country, setCountry] = useState(start.defaultCountry ?? '');
  const [redirect, setRedirect] = useState(start.redirectUrl ?? '');
  const [thanks, setThanks] = useState(start.thankYouMessage);
  const [active, setActive] = useState(start.active);
  const save = useSaveForm();
  const action = useFormAction();
  const users = useUsers();
  const toast = useToast();
  const navigate = useNavigate();
  const errors = save.error instanceof ApiError ? save.error.fields : {};
  const stale = save.error instanceof ApiError && save.error.isStale;

  const change = (i: number, patch: Partial<DraftField>) => setFields((all) => all.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const move = (i: number, by: -1 | 1) =>
    setFields((all) => {
      const j = i + by;
      if (j < 0 || j >= all.length) return all;
      const next = [...all];
      [next[i], next[j]] = [next[j]!, next[i]!];
      return next;
    });

  const submit = () => {
    const input: FormInput = {
      name,
      fields: fields.map(({ optionsText, keyTouched: _touched, ...f }) => ({
        key: f.key,
        label: f.label,
        type: f.type,
        required: f.required,
        mapTo: f.mapTo ?? null,
        ...(f.type === 'select' ? { options: optionsText.split(',').map((o) => o.trim()).filter(Boolean) } : {}),
      })),
      hiddenFields: UTM_KEYS.filter((k) => hidden.includes(k)),
      consentText: consent.trim() || null,
      leadSource: leadSource.trim(),
      defaultOwnerId: owner || null,
      defaultCountry: country.trim().toUpperCase() || null,
      redirectUrl: redirect.trim() || null,
      thankYouMessage: thanks.trim(),
      active,
    };
    save.mutate(
      { ...(form ? { form } : {}), input },
      {
        onSuccess: (saved) => {
          toast(form ? 'Form saved' : `Form “${saved.name}” created — paste its HTML into your website`);
          if (!form) navigate(`/sourcing/forms/${saved.id}`, { replace: true });
        },
      },
    );
  };

  const shown = Object.keys(errors).filter((f) => f === 'name' || f === 'fields' || f.startsWith('fields.') || ['consentText', 'leadSource', 'defaultCountry', 'redirectUrl', 'thankYouMessage'].includes(f));
  const unshown = Object.keys(errors).filter((f) => !shown.includes(f));

  return (
    <form
      aria-label="Form settings"
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <div className="min-w-0">
          <Link to="/sourcing/forms" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
            <Icon name="back" className="size-4" /> Web forms
          </Link>
          <h2 className="truncate text-lg font-semibold text-slate-900">{form ? form.name : 'New web form'}</h2>
        </div>
        <div className="flex flex-wrap gap-2">
          {form && (
            <Button
              variant="ghost"
              onClick={() => {
                if (window.confirm(`Delete the form “${form.name}”? Websites that embed it stop sending leads; its submissions stay.`))
                  action.mutate({ kind: 'delete', id: form.id }, { onSuccess: () => navigate('/sourcing/forms') });
              }}
            >
              Delete form
            </Button>
          )}
          <Button type="submit" variant="primary" busy={save.isPending}>
            {form ? 'Save form' : 'Create form'}
          </Button>
        </div>
      </div>

      {stale && <Notice tone="warning">Someone else changed this form — reload the page to see their version, then edit again.</Notice>}
      {save.error && !stale && (unshown.length > 0 || Object.keys(errors).length === 0) && (
        <Notice>{unshown.length > 0 ? unshown.map((f) => errors[f]).join(' ') : errorMessage(save.error)}</Notice>
      )}

      <section className="grid gap-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:grid-cols-2 sm:p-5">
        <Field label="Form name" error={errors.name}>
          {(props) => <Input {...props} value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="Contact sales" />}
        </Field>
        <Field label="Lead source" error={errors.leadSource} hint="Stored on every lead this form creates">
          {(props) => <Input {...props} value={leadSource} onChange={(e) => setLeadSource(e.target.value)} />}
        </Field>
        <Field label="Default owner" hint="Otherwise the active routing rules assign new leads">
          {(props) => (
            <Select {...props} value={owner} onChange={(e) => setOwner(e.target.value)}>
              <option value="">Routing rules decide</option>
              {ownerOptions(users.data, owner || null).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Country for national phone numbers" error={errors.defaultCountry} hint="Two-letter code, like DE">
          {(props) => <Input {...props} value={country} maxLength={2} onChange={(e) => setCountry(e.target.value)} className="w-24 uppercase" />}
        </Field>
        <label className="flex items-center gap-2 text-sm text-slate-700 sm:col-span-2">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} className="size-4 rounded border-slate-300" />
          Live: accepts submissions
        </label>
      </section>

      <section aria-labelledby="form-fields" className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
        <div className="flex items-center justify-between gap-2">
          <h3 id="form-fields" className="text-sm font-semibold text-slate-900">
            Fields
          </h3>
          <Button size="sm" onClick={() => setFields((all) => [...all, { key: '', label: '', type: 'text', required: false, mapTo: null, optionsText: '', keyTouched: false }])}>
            <Icon name="plus" className="size-4" /> Add field
          </Button>
        </div>
        {errors.fields && <p className="text-sm text-red-600">{errors.fields}</p>}
        <ol className="space-y-3">
          {fields.map((field, i) => {
            const n = i + 1;
            const err = (part: string) => errors[`fields.${i}.${part}`];
            return (
              <li key={i} className="rounded-lg p-3 ring-1 ring-slate-200">
                <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                  <Field label={`Field ${n} label`} error={err('label')}>
                    {(props) => (
                      <Input
                        {...props}
                        value={field.label}
                        required
                        onChange={(e) => change(i, { label: e.target.value, ...(field.keyTouched ? {} : { key: keyOf(e.target.value) }) })}
                      />
                    )}
                  </Field>
                  <Field label={`Field ${n} key`} error={err('key')} hint="The input's name on your website">
                    {(props) => <Input {...props} value={field.key} required onChange={(e) => change(i, { key: e.target.value, keyTouched: true })} className="font-mono" />}
                  </Field>
                  <Field label={`Field ${n} type`} error={err('type')}>
                    {(props) => (
                      <Select {...props} value={field.type} onChange={(e) => change(i, { type: e.target.value as FieldType })}>
                        {FIELD_TYPES.map((t) => (
                          <option key={t} value={t}>
                            {FIELD_TYPE_LABELS[t]}
                          </option>
                        ))}
                      </Select>
                    )}
                  </Field>
                  <Field label={`Field ${n} fills`} error={err('mapTo')}>
                    {(props) => (
                      <Select {...props} value={field.mapTo ?? ''} onChange={(e) => change(i, { mapTo: (e.target.value || null) as LeadTarget | null })}>
                        <option value="">Nothing (kept on the submission)</option>
                        {LEAD_TARGETS.map((t) => (
                          <option key={t} value={t}>
                            Lead: {LEAD_TARGET_LABELS[t]}
                          </option>
                        ))}
                      </Select>
                    )}
                  </Field>
                  {field.type === 'select' && (
                    <Field label={`Field ${n} options`} error={err('options')} hint="Comma-separated" className="sm:col-span-2 lg:col-span-4">
                      {(props) => <Input {...props} value={field.optionsText} onChange={(e) => change(i, { optionsText: e.target.value })} />}
                    </Field>
                  )}
                </div>
                <div className="mt-2 flex flex-wrap items-center justify-between gap-2">
                  <label className="flex items-center gap-2 text-sm text-slate-700">
                    <input type="checkbox" checked={field.required} onChange={(e) => change(i, { required: e.target.checked })} className="size-4 rounded border-slate-300" />
                    Required
                  </label>
                  <div className="flex gap-1">
                    <Button size="sm" variant="ghost" aria-label={`Move field ${n} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                      ↑
                    </Button>
                    <Button size="sm" variant="ghost" aria-label={`Move field ${n} down`} disabled={i === fields.length - 1} onClick={() => move(i, 1)}>
                      ↓
                    </Button>
                    <Button size="sm" variant="ghost" aria-label={`Remove field ${n}`} disabled={fields.length === 1} onClick={() => setFields((all) => all.filter((_f, j) => j !== i))}>
                      <Icon name="trash" className="size-4" />
                    </Button>
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      </section>

      <section aria-labelledby="form-tracking" className="grid gap-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:grid-cols-2 sm:p-5">
        <fieldset className="sm:col-span-2">
          <legend id="form-tracking" className="mb-2 text-sm font-semibold text-slate-900">
            Hidden tracking fields
          </legend>
          <p className="mb-2 text-xs text-slate-500">Filled from the page's address (utm_*) and the referring page, and stored with each submission.</p>
          <div className="flex flex-wrap gap-x-5 gap-y-2">
            {UTM_KEYS.map((key) => (
              <label key={key} className="flex items-center gap-2 font-mono text-sm text-slate-700">
                <input
                  type="checkbox"
                  checked={hidden.includes(key)}
                  onChange={(e) => setHidden((all) => (e.target.checked ? [...all, key] : all.filter((k) => k !== key)))}
                  className="size-4 rounded border-slate-300"
                />
                {key}
              </label>
            ))}
          </div>
        </fieldset>
        <Field label="Consent checkbox text" error={errors.consentText} hint="Leave empty for no consent box; when set, text, time and IP are kept" className="sm:col-span-2">
          {(props) => (
            <textarea
              {...props}
              rows={2}
              value={consent}
              maxLength={2000}
              onChange={(e) => setConsent(e.target.value)}
              placeholder="I agree that Acme may contact me about its products."
              className={`${controlClass} w-full`}
            />
          )}
        </Field>
        <Field label="Thank-you message" error={errors.thankYouMessage}>
          {(props) => <Input {...props} value={thanks} onChange={(e) => setThanks(e.target.value)} />}
        </Field>
        <Field label="Or send visitors to (URL)" error={errors.redirectUrl}>
          {(props) => <Input {...props} type="url" value={redirect} onChange={(e) => setRedirect(e.target.value)} placeholder="https://example.com/thanks" />}
        </Field>
      </section>
    </form>
  );
}

function EmbedSnippet({ form }: { form: WebForm }) {
  const html = useEmbedHtml(form.id, form.version);
  const action = useFormAction();
  const toast = useToast();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!html.data) return;
    try {
      await navigator.clipboard.writeText(html.data);
    } catch {
      // Without clipboard access (plain http), select the text so Ctrl+C copies it.
      const area = document.getElementById('embed-html') as HTMLTextAreaElement | null;
      area?.select();
      document.execCommand('copy');
    }
    setCopied(true);
    toast('HTML copied');
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <section aria-labelledby="embed-heading" className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="embed-heading" className="text-sm font-semibold text-slate-900">
          Embed on your website
        </h3>
        <div className="flex flex-wrap gap-2">
          <Button
            size="sm"
            variant="ghost"
            busy={action.isPending}
            onClick={() => {
              if (window.confirm('Give this form a new key? Copies already on websites stop working until you paste the new HTML.'))
                action.mutate({ kind: 'rotate', id: form.id }, { onSuccess: () => toast('New key made: paste the new HTML into your website') });
            }}
          >
            New key
          </Button>
          <Button size="sm" variant="primary" onClick={() => void copy()} disabled={!html.data}>
            {copied ? 'Copied' : 'Copy HTML'}
          </Button>
        </div>
      </div>
      <p className="text-xs text-slate-500">
        Form key <code className="rounded bg-slate-100 px-1 break-all">{form.publicKey}</code>. Websites may also post JSON to{' '}
        <code className="rounded bg-slate-100 px-1 break-all">/api/v1/forms/{form.id}/submissions</code> with the key in <code>_key</code>.
      </p>
      {html.isError ? (
        <Notice>{errorMessage(html.error)}</Notice>
      ) : (
        <textarea
          id="embed-html"
          aria-label="Embed HTML"
          readOnly
          value={html.data ?? 'Loading…'}
          rows={10}
          onFocus={(e) => e.currentTarget.select()}
          className={`${controlClass} w-full font-mono text-xs`}
        />
      )}
    </section>
  );
}

const OUTCOMES: Record<string, { label: string; tone: 'green' | 'blue' | 'violet' | 'slate' }> = {
  created_lead: { label: 'New lead', tone: 'green' },
  matched_lead: { label: 'Matched a lead', tone: 'blue' },
  matched_contact: { label: 'Matched a contact', tone: 'violet' },
};

function RecentSubmissions({ form }: { form: WebForm }) {
  const submissions = useSubmissions(form.id);
  const rows = submissions.data?.data ?? [];
  const counts = rows.reduce<Record<string, number>>((all, s) => ({ ...all, [s.outcome]: (all[s.outcome] ?? 0) + 1 }), {});
  const who = (s: { payload: Record<string, unknown> }) =>
    form.fields
      .filter((f) => f.mapTo === 'email' || f.mapTo === 'firstName' || f.mapTo === 'lastName' || f.mapTo === 'company')
      .map((f) => s.payload[f.key])
      .filter((v) => typeof v === 'string' && v)
      .join(' · ');
  return (
    <section aria-labelledby="submissions-heading" className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="submissions-heading" className="text-sm font-semibold text-slate-900">
          Recent submissions
        </h3>
        <div className="flex flex-wrap gap-1.5 text-xs">
          {Object.entries(counts).map(([outcome, n]) => (
            <Badge key={outcome} tone={OUTCOMES[outcome]?.tone ?? 'slate'}>
              {n} {OUTCOMES[outcome]?.label.toLowerCase() ?? outcome}
            </Badge>
          ))}
          <Badge tone="amber">{form.spamCount} spam caught</Badge>
        </div>
      </div>
      {submissions.isPending ? (
        <Spinner label="Loading submissions…" />
      ) : submissions.isError ? (
        <Notice>{errorMessage(submissions.error)}</Notice>
      ) : rows.length === 0 ? (
        <p className="text-sm text-slate-500">No submissions yet.</p>
      ) : (
        <Table label="Recent submissions">
          <thead>
            <tr>
              <th scope="col" className={thClass}>
                When
              </th>
              <th scope="col" className={thClass}>
                Who
              </th>
              <th scope="col" className={thClass}>
                Result
              </th>
              <th scope="col" className={`${thClass} hidden md:table-cell`}>
                Campaign
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id}>
                <td className={`${tdClass} whitespace-nowrap text-slate-500`}>{formatDateTime(s.createdAt)}</td>
                <td className={`${tdClass} break-all`}>
                  {s.leadId ? (
                    <Link to={`/leads/${s.leadId}`} className="text-indigo-700 hover:underline">
                      {who(s) || 'Open lead'}
                    </Link>
                  ) : s.contactId ? (
                    <Link to={`/contacts/${s.contactId}`} className="text-indigo-700 hover:underline">
                      {who(s) || 'Open contact'}
                    </Link>
                  ) : (
                    who(s)
                  )}
                </td>
                <td className={tdClass}>
                  <Badge tone={OUTCOMES[s.outcome]?.tone ?? 'slate'}>{OUTCOMES[s.outcome]?.label ?? s.outcome}</Badge>
                </td>
                <td className={`${tdClass} hidden text-slate-600 md:table-cell`}>{[s.utm.utm_source, s.utm.utm_campaign].filter(Boolean).join(' / ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}
