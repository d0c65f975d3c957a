import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { controlClass, Field, Input } from '../../components/Field.tsx';
import { errorMessage, Notice } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { canManageTeams, useSession } from '../auth/session.tsx';
import { useDeleteTemplate, useSaveTemplate, useTemplates, type EmailTemplate } from './api.ts';

type Draft = Partial<EmailTemplate> & { name: string; subject: string; body: string };
const EMPTY: Draft = { name: '', subject: '', body: '', marketing: false };

/** The org's email templates: a list, and an editor with the merge fields to pick from. */
export function TemplatesSection() {
  const me = useSession();
  const templates = useTemplates();
  const save = useSaveTemplate();
  const remove = useDeleteTemplate();
  const toast = useToast();
  const [draft, setDraft] = useState<Draft | null>(null);
  const editable = canManageTeams(me.user.role);
  return (
    <section className="space-y-3" aria-labelledby="templates">
      <div className="flex items-center justify-between">
        <h2 id="templates" className="text-base font-semibold">Email templates</h2>
        {editable && <Button size="sm" onClick={() => setDraft(EMPTY)}>New template</Button>}
      </div>
      <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
        {templates.data?.data.map((t) => (
          <li key={t.id} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm">
            <span className="font-medium">{t.name}</span>
            <span className="min-w-0 flex-1 truncate text-slate-500">{t.subject}</span>
            {t.marketing && <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-800">marketing</span>}
            {editable && <Button size="sm" onClick={() => setDraft(t)}>Edit</Button>}
            {editable && <Button size="sm" variant="danger" onClick={() => remove.mutate(t.id, { onSuccess: () => toast('Template deleted') })}>Delete</Button>}
          </li>
        ))}
        {templates.data?.data.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">No templates yet.</li>}
      </ul>
      {draft && (
        <div className="space-y-3 rounded-md border border-slate-200 bg-white p-3">
          <Field label="Name">{(p) => <Input {...p} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />}</Field>
          <Field label="Subject">{(p) => <Input {...p} value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.target.value })} />}</Field>
          <Field label="Body" hint={`Merge fields: ${templates.data?.mergeFields.map((f) => `{{${f}}}`).join(' ') ?? ''}`}>
            {(p) => <textarea {...p} rows={8} className={`${controlClass} w-full font-mono`} value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />}
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={draft.marketing ?? false} onChange={(e) => setDraft({ ...draft, marketing: e.target.checked })} /> Marketing-style (adds the unsubscribe link and postal address)
          </label>
          {save.error && <Notice>{errorMessage(save.error)}</Notice>}
          <div className="flex gap-2">
            <Button variant="primary" busy={save.isPending} onClick={() => save.mutate(draft, { onSuccess: () => { setDraft(null); toast('Template saved'); } })}>Save template</Button>
            <Button onClick={() => setDraft(null)}>Cancel</Button>
          </div>
        </div>
      )}
    </section>
  );
}
