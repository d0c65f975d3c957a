import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { controlClass, Field, Input, Select } from '../../components/Field.tsx';
import { errorMessage, Notice } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { usePreview, useSendEmail, useTemplates, type EmailSubjectType } from './api.ts';

/** A small "Email" button for a lead or contact page: compose from a template, preview, send. */
export function EmailButton({ subjectType, subjectId, address }: { subjectType: EmailSubjectType; subjectId: string; address: string | null }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)} disabled={!address} title={address ? `Email ${address}` : 'No email address'}>
        Email
      </Button>
      {open && <ComposeDialog subjectType={subjectType} subjectId={subjectId} address={address} onClose={() => setOpen(false)} />}
    </>
  );
}

function ComposeDialog({ subjectType, subjectId, address, onClose }: { subjectType: EmailSubjectType; subjectId: string; address: string | null; onClose: () => void }) {
  const templates = useTemplates();
  const preview = usePreview();
  const send = useSendEmail();
  const toast = useToast();
  const [templateId, setTemplateId] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const compose = { subjectType, subjectId, ...(templateId ? { templateId } : {}), ...(subject ? { subject } : {}), ...(body ? { body } : {}) };

  const pick = (id: string) => {
    setTemplateId(id);
    const template = templates.data?.data.find((t) => t.id === id);
    setSubject(template?.subject ?? '');
    setBody(template?.body ?? '');
    preview.reset();
  };

  return (
    <Dialog open onClose={onClose} title={`Email ${address ?? ''}`} wide>
      <div className="space-y-3">
        <Field label="Template">
          {(props) => (
            <Select {...props} value={templateId} onChange={(e) => pick(e.target.value)}>
              <option value="">No template</option>
              {templates.data?.data.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                  {t.marketing ? ' (marketing)' : ''}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Subject">{(props) => <Input {...props} value={subject} onChange={(e) => setSubject(e.target.value)} />}</Field>
        <Field label="Message" hint="Merge fields like {{lead.firstName}} or {{account.name}} are filled in; your signature is added.">
          {(props) => <textarea {...props} rows={8} className={`${controlClass} w-full font-mono`} value={body} onChange={(e) => setBody(e.target.value)} />}
        </Field>
        {preview.data && (
          <div className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm" aria-label="Preview">
            <p className="font-medium">{preview.data.subject}</p>
            <pre className="mt-2 whitespace-pre-wrap font-sans text-slate-700">{preview.data.text}</pre>
            {preview.data.missing.length > 0 && <p className="mt-2 text-amber-700">No value for: {preview.data.missing.join(', ')}</p>}
            {preview.data.suppressed && <p className="mt-2 text-red-700">This address {preview.data.suppressed === 'unsubscribed' ? 'has unsubscribed' : 'bounces'}: it cannot be emailed.</p>}
          </div>
        )}
        {(preview.error || send.error) && <Notice>{errorMessage(preview.error ?? send.error)}</Notice>}
      </div>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button onClick={() => preview.mutate(compose)} busy={preview.isPending}>
          Preview
        </Button>
        <Button
          variant="primary"
          busy={send.isPending}
          onClick={() =>
            send.mutate(compose, {
              onSuccess: () => {
                toast('Email sent');
                onClose();
              },
            })
          }
        >
          Send
        </Button>
      </DialogActions>
    </Dialog>
  );
}
