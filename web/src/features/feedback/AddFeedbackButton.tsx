import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select, controlClass } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { useSession } from '../auth/session.tsx';
import { FEEDBACK_KINDS, KIND_LABELS, useAreas, useCaptureFeedback, type FeedbackKind, type FeedbackSource } from './api.ts';

/** "Add feedback" on a record's page: the quote, its kind and area, and who said it. */
export function AddFeedbackButton({ source, label }: { source: FeedbackSource; label?: string }) {
  const me = useSession();
  const [open, setOpen] = useState(false);
  if (me.user.role === 'partner') return null;
  return (
    <>
      <Button size="sm" variant={label ? 'ghost' : 'secondary'} aria-label={label} onClick={() => setOpen(true)}>
        Add feedback
      </Button>
      {open && <FeedbackDialog source={source} onClose={() => setOpen(false)} />}
    </>
  );
}

function FeedbackDialog({ source, onClose }: { source: FeedbackSource; onClose: () => void }) {
  const areas = useAreas();
  const capture = useCaptureFeedback();
  const toast = useToast();
  const [quote, setQuote] = useState('');
  const [kind, setKind] = useState<FeedbackKind>('feature_request');
  const [areaId, setAreaId] = useState('');
  const [saidBy, setSaidBy] = useState(source.saidBy ?? '');
  const fields = capture.error instanceof ApiError ? capture.error.fields : {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    capture.mutate(
      {
        quote,
        kind,
        areaId: areaId || null,
        saidBy: saidBy || null,
        contactId: source.contactId ?? null,
        accountId: source.accountId ?? null,
        opportunityId: source.opportunityId ?? null,
        sourceType: source.type,
        sourceId: source.id,
      },
      {
        onSuccess: () => {
          toast('Feedback captured');
          onClose();
        },
      },
    );
  };

  return (
    <Dialog open onClose={onClose} title="Add customer feedback" description="In the customer's words: product managers read these.">
      <form onSubmit={submit} className="space-y-3">
        <Field label="What they said" error={fields.quote}>
          {(p) => <textarea {...p} required rows={4} maxLength={5000} className={`${controlClass} w-full`} value={quote} onChange={(e) => setQuote(e.target.value)} />}
        </Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Kind" error={fields.kind}>
            {(p) => (
              <Select {...p} value={kind} onChange={(e) => setKind(e.target.value as FeedbackKind)}>
                {FEEDBACK_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Product area" error={fields.areaId}>
            {(p) => (
              <Select {...p} value={areaId} onChange={(e) => setAreaId(e.target.value)}>
                <option value="">—</option>
                {(areas.data?.data ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.path}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <Field label="Who said it" hint={source.contactId ? 'Leave empty: the contact said it' : 'A name and role, e.g. "Jane, CFO"'} error={fields.saidBy}>
          {(p) => <Input {...p} value={saidBy} maxLength={200} onChange={(e) => setSaidBy(e.target.value)} />}
        </Field>
        {capture.isError && <Notice>{errorMessage(capture.error)}</Notice>}
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={capture.isPending}>
            Save feedback
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
