import { useState, type FormEvent } from 'react';
import { Badge, type Tone } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, controlClass } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { money, useAddNote, useRegisterDeal, useWithdraw, type NewRegistration, type Registration, type RegistrationNote, type RegistrationStatus } from './api.ts';

const TONES: Record<RegistrationStatus, Tone> = { pending: 'amber', approved: 'green', rejected: 'red', expired: 'slate', withdrawn: 'slate' };
export const StatusBadge = ({ status }: { status: RegistrationStatus }) => <Badge tone={TONES[status]}>{status}</Badge>;
export const when = (iso: string) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
const day = (iso: string) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso));

/** What was registered and where it stands. */
export function RegistrationFacts({ registration }: { registration: Registration }) {
  const rows: [string, string][] = [
    ['Partner', registration.partnerName],
    ['Company', `${registration.company}${registration.domain ? ` (${registration.domain})` : ''}`],
    ['Contact', `${registration.contactName}${registration.contactEmail ? `, ${registration.contactEmail}` : ''}`],
    ['Country', registration.country ?? '—'],
    ['Expected deal', `${money(registration.amount, registration.currency)}, closing ${day(registration.closeDate)}`],
    ['Registered', when(registration.createdAt)],
    [registration.status === 'pending' ? 'Expires' : 'Decided', registration.status === 'pending' ? day(registration.expiresAt) : registration.decidedAt ? when(registration.decidedAt) : '—'],
  ];
  return (
    <section className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 className="text-base font-semibold text-slate-900">{registration.company}</h2>
        <StatusBadge status={registration.status} />
      </div>
      {registration.decisionReason && (
        <p className="mb-3 rounded-md bg-slate-50 p-2 text-sm text-slate-700">
          <span className="font-medium">Reason: </span>
          {registration.decisionReason}
        </p>
      )}
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        {rows.map(([label, value]) => (
          <div key={label} className="min-w-0">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="break-words text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
      {registration.productNotes && <p className="mt-3 text-sm whitespace-pre-line text-slate-700">{registration.productNotes}</p>}
    </section>
  );
}

/** The timeline of notes; the partner side sees only the shared ones (the API sends no others). */
export function RegistrationTimeline({ id, notes, internal }: { id: string; notes: RegistrationNote[]; internal: boolean }) {
  const add = useAddNote(id);
  const [body, setBody] = useState('');
  const [shared, setShared] = useState(!internal);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) return;
    add.mutate({ body, ...(internal ? { shared } : {}) }, { onSuccess: () => setBody('') });
  };
  return (
    <section aria-label="Timeline" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
      <h2 className="mb-3 text-base font-semibold text-slate-900">Timeline</h2>
      {notes.length === 0 ? (
        <p className="text-sm text-slate-500">No notes yet.</p>
      ) : (
        <ol className="space-y-3">
          {notes.map((note) => (
            <li key={note.id} className={`rounded-lg p-3 text-sm ${note.authorSide === 'partner' ? 'bg-indigo-50' : 'bg-slate-50'}`}>
              <p className="mb-1 text-xs text-slate-500">
                {note.authorName ?? (note.authorSide === 'partner' ? 'Partner' : 'Vendor team')} · {when(note.createdAt)}
                {internal && !note.shared && <span className="ml-2 font-medium text-amber-700">internal</span>}
              </p>
              <p className="whitespace-pre-line text-slate-900">{note.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={submit} className="mt-4 space-y-2">
        <label className="sr-only" htmlFor={`note-${id}`}>
          Note
        </label>
        <textarea id={`note-${id}`} value={body} onChange={(e) => setBody(e.target.value)} rows={3} placeholder={internal ? 'Add a note' : 'Write to your partner manager'} className={`${controlClass} w-full`} />
        {add.isError && <Notice>{errorMessage(add.error)}</Notice>}
        <div className="flex flex-wrap items-center justify-between gap-2">
          {internal ? (
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} /> Share with the partner
            </label>
          ) : (
            <span className="text-xs text-slate-500">Your partner manager sees your notes.</span>
          )}
          <Button type="submit" variant="primary" busy={add.isPending}>
            Add note
          </Button>
        </div>
      </form>
    </section>
  );
}

const EMPTY = { company: '', domain: '', contactName: '', contactEmail: '', country: '', currency: 'USD', closeDate: '', productNotes: '' };

/** The deal registration form; `partnerId` when an internal manager registers for a partner. */
export function RegisterDealForm({ onDone, partnerId }: { onDone: (registration: Registration) => void; partnerId?: string | undefined }) {
  const register = useRegisterDeal();
  const toast = useToast();
  const [form, setForm] = useState(EMPTY);
  const [amount, setAmount] = useState('');
  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const optional = (value: string) => value.trim() || undefined;
    const body: NewRegistration = {
      ...form,
      domain: optional(form.domain),
      contactEmail: optional(form.contactEmail),
      country: optional(form.country),
      amount: Math.round(Number(amount || '0') * 100),
      ...(partnerId ? { partnerId } : {}),
    };
    register.mutate(
      body,
      {
        onSuccess: (created) => {
          toast(`Registered ${created.company}`);
          setForm(EMPTY);
          setAmount('');
          onDone(created);
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Register a deal" className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field label="Company">{(p) => <Input {...p} required value={form.company} onChange={set('company')} />}</Field>
        <Field label="Web domain" hint="e.g. globex.com">{(p) => <Input {...p} value={form.domain} onChange={set('domain')} />}</Field>
        <Field label="Contact name">{(p) => <Input {...p} required value={form.contactName} onChange={set('contactName')} />}</Field>
        <Field label="Contact email">{(p) => <Input {...p} type="email" value={form.contactEmail} onChange={set('contactEmail')} />}</Field>
        <Field label="Country" hint="Two letters, e.g. DE">{(p) => <Input {...p} maxLength={2} value={form.country} onChange={set('country')} />}</Field>
        <Field label="Expected close">{(p) => <Input {...p} type="date" required value={form.closeDate} onChange={set('closeDate')} />}</Field>
        <Field label="Amount">{(p) => <Input {...p} type="number" min="0" step="0.01" required value={amount} onChange={(e) => setAmount(e.target.value)} />}</Field>
        <Field label="Currency">{(p) => <Input {...p} maxLength={3} required value={form.currency} onChange={set('currency')} />}</Field>
      </div>
      <Field label="Products and notes">{(p) => <textarea {...p} rows={3} value={form.productNotes} onChange={set('productNotes')} className={`${controlClass} w-full`} />}</Field>
      {register.isError && <Notice>{errorMessage(register.error)}</Notice>}
      <Button type="submit" variant="primary" busy={register.isPending}>
        Register deal
      </Button>
    </form>
  );
}

/** "Withdraw registration" in the portal: the partner takes back a pending registration, with an optional reason. */
export function WithdrawRegistration({ id, company }: { id: string; company: string }) {
  const withdraw = useWithdraw(id);
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    withdraw.mutate(reason.trim() ? { reason: reason.trim() } : {}, {
      onSuccess: () => {
        toast('Registration withdrawn');
        setOpen(false);
      },
    });
  };
  return (
    <>
      <Button onClick={() => setOpen(true)}>Withdraw registration</Button>
      {open && (
        <Dialog open onClose={() => setOpen(false)} title={`Withdraw ${company}?`} description="Your partner manager is told; the registration cannot be decided afterwards.">
          <form onSubmit={submit} className="space-y-3">
            <Field label="Reason (optional)">
              {(p) => <textarea {...p} rows={3} maxLength={2000} className={`${controlClass} w-full`} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
            {withdraw.isError && <Notice>{errorMessage(withdraw.error)}</Notice>}
            <DialogActions>
              <Button onClick={() => setOpen(false)}>Keep it</Button>
              <Button type="submit" variant="danger" busy={withdraw.isPending}>
                Withdraw
              </Button>
            </DialogActions>
          </form>
        </Dialog>
      )}
    </>
  );
}
