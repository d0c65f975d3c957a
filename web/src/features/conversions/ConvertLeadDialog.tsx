import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { Lead } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { fieldError, formError } from '../../lib/forms.ts';
import { useSession } from '../auth/session.tsx';
import { minorPerMajor } from '../opportunities/api.ts';
import { canConvert, useConversionPreview, useConvertLead, type ConversionPreview, type ConvertRequest } from './api.ts';

const ACCOUNT_REASONS = { contact_account: 'the contact’s account', domain: 'same company domain', similar_name: 'similar name' } as const;
const CONTACT_REASONS = { email: 'same email', phone: 'same phone', name_and_domain: 'same name at the company' } as const;

/** The lead page's Convert button: shown on qualified leads to those who may convert; opens the dialog. */
export function ConvertLeadButton({ lead }: { lead: Lead }) {
  const me = useSession();
  const [open, setOpen] = useState(false);
  if (lead.status !== 'qualified' || lead.deletedAt || !canConvert(me.user.role)) return null;
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        Convert
      </Button>
      <ConvertLeadDialog lead={lead} open={open} onClose={() => setOpen(false)} />
    </>
  );
}

/**
 * Converting a lead: which account and contact it becomes (the matches found, or new ones) and the
 * deal to create, as the API proposes them; then on to the new deal.
 */
export function ConvertLeadDialog({ lead, open, onClose }: { lead: Lead; open: boolean; onClose: () => void }) {
  const preview = useConversionPreview(lead.id, open);
  return (
    <Dialog open={open} onClose={onClose} wide title="Convert lead" description="Makes the account, contact and deal in one step; the lead’s calls, emails, notes and qualification answers go with them.">
      {preview.isPending ? (
        <Spinner label="Looking for matching accounts and contacts…" />
      ) : preview.isError ? (
        <Notice>{errorMessage(preview.error)}</Notice>
      ) : (
        <ConvertForm leadId={lead.id} preview={preview.data} onClose={onClose} />
      )}
    </Dialog>
  );
}

const proposedId = (proposed: { mode: string; id?: string }) => (proposed.mode === 'existing' && proposed.id ? proposed.id : 'new');

function ConvertForm({ leadId, preview, onClose }: { leadId: string; preview: ConversionPreview; onClose: () => void }) {
  const convert = useConvertLead();
  const navigate = useNavigate();
  const toast = useToast();
  const [key] = useState(() => crypto.randomUUID());
  const [account, setAccount] = useState(proposedId(preview.account.proposed));
  const [contact, setContact] = useState(preview.contact.proposed.mode === 'none' ? 'none' : proposedId(preview.contact.proposed));
  const [withDeal, setWithDeal] = useState(true);
  const proposal = preview.opportunity;
  const [currency, setCurrency] = useState(proposal.currency ?? '');
  // Amounts are typed in major units of the currency (USD's when none is chosen: the org default).
  const perMajor = (code: string) => (/^[A-Za-z]{3}$/.test(code) ? minorPerMajor(code.toUpperCase()) : 100);

  if (!preview.convertible) return <Notice tone={preview.conversion ? 'info' : 'error'}>{preview.problem?.message ?? 'This lead cannot be converted'}</Notice>;
  const newAccountName = preview.account.proposed.mode === 'new' ? preview.account.proposed.name : null;
  const newContact = preview.contact.proposed.mode === 'new' ? preview.contact.proposed : null;

  return (
    <form
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const text = (name: string) => String(form.get(name) ?? '').trim();
        const request: ConvertRequest = { account, createOpportunity: withDeal };
        if (contact !== 'none') request.contact = contact;
        if (withDeal) {
          const amount = text('amount');
          request.opportunity = {
            ...(text('name') ? { name: text('name') } : {}),
            ...(amount ? { amount: Math.round(Number(amount) * perMajor(currency)) } : {}),
            ...(currency.trim() ? { currency: currency.trim().toUpperCase() } : {}),
            ...(text('closeDate') ? { closeDate: text('closeDate') } : {}),
          };
        }
        convert.mutate(
          { leadId, request, key },
          {
            onSuccess: (conversion) => {
              toast(`Converted into ${[conversion.account.name, conversion.contact?.name, conversion.opportunity?.name].filter(Boolean).join(', ')}`);
              onClose();
              void navigate(conversion.opportunity ? `/opportunities/${conversion.opportunity.id}` : `/accounts/${conversion.account.id}`);
            },
          },
        );
      }}
    >
      {formError(convert.error, ['account', 'contact', 'opportunity.name', 'opportunity.amount', 'opportunity.currency', 'opportunity.closeDate']) && (
        <Notice>{formError(convert.error, ['account', 'contact', 'opportunity.name', 'opportunity.amount', 'opportunity.currency', 'opportunity.closeDate'])}</Notice>
      )}

      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">Account</legend>
        <div className="space-y-1.5">
          {preview.account.candidates.map((candidate) => (
            <Choice key={candidate.id} name="account" value={candidate.id} checked={account === candidate.id} onChange={setAccount}>
              Use <strong className="font-medium text-slate-900">{candidate.name}</strong>
              <span className="text-slate-500">
                {' '}
                · {ACCOUNT_REASONS[candidate.reason]}
                {candidate.domain ? ` · ${candidate.domain}` : ''}
              </span>
            </Choice>
          ))}
          <Choice name="account" value="new" checked={account === 'new'} onChange={setAccount}>
            New account{newAccountName ? <strong className="font-medium text-slate-900"> {newAccountName}</strong> : ' from the lead’s company'}
          </Choice>
        </div>
        {fieldError(convert.error, 'account') && <p className="mt-1 text-sm text-red-600">{fieldError(convert.error, 'account')}</p>}
      </fieldset>

      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">Contact</legend>
        {preview.contact.proposed.mode === 'none' && preview.contact.candidates.length === 0 ? (
          <p className="text-sm text-slate-500">The lead names no person, so no contact is made.</p>
        ) : (
          <div className="space-y-1.5">
            {preview.contact.candidates.map((candidate) => (
              <Choice key={candidate.id} name="contact" value={candidate.id} checked={contact === candidate.id} onChange={setContact}>
                Use <strong className="font-medium text-slate-900">{`${candidate.firstName} ${candidate.lastName}`.trim() || candidate.email}</strong>
                <span className="text-slate-500">
                  {' '}
                  · {CONTACT_REASONS[candidate.reason]}
                  {candidate.email ? ` · ${candidate.email}` : ''}
                </span>
              </Choice>
            ))}
            <Choice name="contact" value="new" checked={contact === 'new'} onChange={setContact}>
              New contact{newContact ? <strong className="font-medium text-slate-900"> {newContact.name || newContact.email}</strong> : ''}
            </Choice>
          </div>
        )}
        {fieldError(convert.error, 'contact') && <p className="mt-1 text-sm text-red-600">{fieldError(convert.error, 'contact')}</p>}
      </fieldset>

      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">Deal</legend>
        <label className="mb-3 flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="createOpportunity" checked={withDeal} onChange={(event) => setWithDeal(event.target.checked)} />
          Create a deal
        </label>
        {withDeal && (
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Name" className="sm:col-span-2" error={fieldError(convert.error, 'opportunity.name')}>
              {(props) => <Input {...props} name="name" defaultValue={proposal.name} required maxLength={300} />}
            </Field>
            <Field label="Amount" error={fieldError(convert.error, 'opportunity.amount')} hint={preview.qualification && proposal.amount !== null ? 'From the qualification budget' : undefined}>
              {(props) => <Input {...props} name="amount" type="number" min="0" step="any" inputMode="decimal" defaultValue={proposal.amount === null ? '' : String(proposal.amount / perMajor(proposal.currency ?? ''))} />}
            </Field>
            <Field label="Currency" error={fieldError(convert.error, 'opportunity.currency')} hint="Three letters; empty for the org default">
              {(props) => <Input {...props} name="currency" value={currency} onChange={(event) => setCurrency(event.target.value)} maxLength={3} placeholder="EUR" />}
            </Field>
            <Field label="Close date" error={fieldError(convert.error, 'opportunity.closeDate')} hint={proposal.closeDate ? 'From the qualification timeline' : 'Empty: in 30 days'}>
              {(props) => <Input {...props} name="closeDate" type="date" defaultValue={proposal.closeDate ?? ''} />}
            </Field>
          </div>
        )}
        <p className="mt-3 text-sm text-slate-500">
          {withDeal
            ? preview.handoffRuleSet
              ? `The deal is handed to an executive by the rule set “${preview.handoffRuleSet.name}”; the rep who qualified the lead keeps the credit.`
              : 'No hand-off rules are active: you keep the deal.'
            : 'The lead converts into the account and contact only.'}
        </p>
      </fieldset>

      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" busy={convert.isPending}>
          Convert
        </Button>
      </DialogActions>
    </form>
  );
}

function Choice({ name, value, checked, onChange, children }: { name: string; value: string; checked: boolean; onChange: (value: string) => void; children: ReactNode }) {
  return (
    <label className={`flex cursor-pointer items-start gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-inset ${checked ? 'bg-indigo-50 ring-indigo-300' : 'ring-slate-200 hover:bg-slate-50'}`}>
      <input type="radio" className="mt-0.5" name={name} value={value} checked={checked} onChange={() => onChange(value)} />
      <span className="min-w-0 break-words">{children}</span>
    </label>
  );
}
