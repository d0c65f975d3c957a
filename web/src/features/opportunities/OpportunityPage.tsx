import { useState } from 'react';
import { Timeline } from '../activities/Timeline.tsx';
import { ScheduleMeetingButton } from '../meetings/ScheduleMeetingButton.tsx';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { NotFound } from '../../app/NotFound.tsx';
import { Badge, type Tone } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Card } from '../../components/Card.tsx';
import { CustomFieldsCard } from '../customfields/CustomFieldsCard.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InlineField } from '../../components/InlineField.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AddFeedbackButton } from '../feedback/AddFeedbackButton.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDate, formatDateTime } from '../../lib/dates.ts';
import { useAccount } from '../accounts/api.ts';
import { AuditHistory } from '../audit/AuditHistory.tsx';
import { useSession } from '../auth/session.tsx';
import { useUserNames } from '../users/api.ts';
import { DealOrigin } from '../conversions/ConversionCards.tsx';
import { DealPartner } from '../partners/DealPartner.tsx';
import {
  BUYING_ROLES,
  ROLE_LABELS,
  money,
  minorPerMajor,
  useAddLineItem,
  useDeal,
  useDealHistory,
  useDecide,
  useMoveDeal,
  usePipelines,
  useProducts,
  useRemoveLineItem,
  useSendQuote,
  useSetDealContact,
  useSubmitForApproval,
  useUpdateDeal,
  type ApprovalStanding,
  type OpportunityDetail,
} from './api.ts';

const STATE_TONES: Record<ApprovalStanding['state'], Tone> = { approved: 'green', pending: 'amber', rejected: 'red', missing: 'slate' };
const STATE_LABELS: Record<ApprovalStanding['state'], string> = { approved: 'Approved', pending: 'Waiting', rejected: 'Rejected', missing: 'Not requested' };

export function OpportunityPage() {
  const { id = '' } = useParams();
  const deal = useDeal(id);
  if (deal.isPending) return <Spinner label="Loading deal…" />;
  if (deal.isError) {
    if (deal.error instanceof ApiError && (deal.error.status === 404 || deal.error.status === 400)) return <NotFound />;
    return <Notice>{errorMessage(deal.error)}</Notice>;
  }
  return <DealView deal={deal.data} />;
}

function DealView({ deal }: { deal: OpportunityDetail }) {
  const update = useUpdateDeal();
  const move = useMoveDeal(deal.pipelineId);
  const toast = useToast();
  const account = useAccount(deal.accountId);
  const ownerName = useUserNames();
  const [lostDialog, setLostDialog] = useState<string | null>(null);
  const closed = deal.status !== 'open';

  const save = (field: string, toValue: (raw: string) => unknown = (raw) => raw.trim() || null) => (raw: string) =>
    update.mutateAsync({ deal, changes: { [field]: toValue(raw) } });
  const moveTo = (stageId: string, reasons: { lossReason?: string } = {}) =>
    move.mutate(
      { card: deal, stageId, ...reasons },
      { onSuccess: () => toast('Stage changed'), onError: (error) => toast(errorMessage(error), { tone: 'error' }) },
    );

  return (
    <div className="space-y-5">
      <PageHeader
        back={
          <Link to={`/opportunities?pipeline=${deal.pipelineId}`} className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
            <Icon name="back" className="size-4" /> {deal.pipelineName}
          </Link>
        }
        title={deal.name}
        subtitle={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <Badge tone={deal.status === 'won' ? 'green' : deal.status === 'lost' ? 'red' : 'indigo'}>{deal.stage.name}</Badge>
            <span className="font-semibold text-slate-800">{money(deal.amount, deal.currency)}</span>
            <span>closes {formatDate(deal.closeDate)}</span>
            {account.data && (
              <Link to={`/accounts/${account.data.id}`} className="text-indigo-600 hover:text-indigo-500">
                {account.data.name}
              </Link>
            )}
            <span className="text-slate-400">Owner: {ownerName(deal.ownerId)}</span>
          </span>
        }
        actions={
          <>
            <AddFeedbackButton source={{ type: 'opportunity', id: deal.id, opportunityId: deal.id }} />
            <ScheduleMeetingButton subject={{ opportunityId: deal.id }} defaultTitle={`Demo: ${deal.name}`} />
            <a className="inline-flex h-9 items-center gap-2 rounded-md bg-white px-3.5 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50" href={`/api/v1/opportunities/${deal.id}/quote.pdf`}>
              Download quote (PDF)
            </a>
          </>
        }
      />

      <StagePath deal={deal} onMove={(stageId, outcome) => (outcome === 'lost' ? setLostDialog(stageId) : moveTo(stageId))} busy={move.isPending} />
      {deal.lossReason && <Notice tone="warning">Lost: {deal.lossReason}</Notice>}

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-3">
        <div className="min-w-0 space-y-5 lg:col-span-2">
          <Card title="Deal">
            <InlineField name="name" label="Name" value={deal.name} onSave={save('name', (raw) => raw.trim())} />
            <InlineField name="closeDate" label="Close date" value={deal.closeDate} display={formatDate(deal.closeDate)} onSave={save('closeDate', (raw) => raw.trim())} />
            <InlineField
              name="amount"
              label={deal.lineItems.length ? 'Amount (sum of the products)' : `Amount (${deal.currency})`}
              kind="number"
              value={String(deal.amount / minorPerMajor(deal.currency))}
              display={money(deal.amount, deal.currency)}
              readOnly={deal.lineItems.length > 0}
              onSave={save('amount', (raw) => Math.round(Number(raw) * minorPerMajor(deal.currency)))}
            />
            <InlineField name="nextStep" label="Next step" value={deal.nextStep ?? ''} onSave={save('nextStep')} />
            <InlineField name="paymentTermsDays" label="Payment terms (days)" kind="number" value={String(deal.paymentTermsDays)} onSave={save('paymentTermsDays', (raw) => Number(raw))} />
            <InlineField name="competitors" label="Competitors" value={deal.competitors.join(', ')} onSave={save('competitors', (raw) => raw.split(',').map((c) => c.trim()).filter(Boolean))} />
            <InlineField name="source" label="Source" value={deal.source} readOnly onSave={async () => {}} />
            <InlineField name="probability" label="Probability (%)" kind="number" value={String(deal.probability)} readOnly={closed} onSave={save('probability', (raw) => Number(raw))} />
          </Card>
          <CustomFieldsCard object="opportunity" values={deal.custom} onSave={(custom) => update.mutateAsync({ deal, changes: { custom } })} />
          <LineItems deal={deal} readOnly={closed} />
          <DealContacts deal={deal} accountContacts={account.data?.contacts ?? []} />
          <Approvals deal={deal} />
        </div>
        <div className="space-y-5">
          <DealOrigin dealId={deal.id} />
          <DealPartner dealId={deal.id} partnerId={deal.partnerId} partnerRole={deal.partnerRole} />
          <StageHistory dealId={deal.id} />
          <SendQuote deal={deal} />
          <Timeline subjectType="opportunity" subjectId={deal.id} name={deal.name} />
          <AuditHistory entityType="opportunity" entityId={deal.id} noun="deal" valueOf={() => undefined} />
        </div>
      </div>
      <LossDialog open={lostDialog !== null} onClose={() => setLostDialog(null)} onConfirm={(lossReason) => lostDialog && moveTo(lostDialog, { lossReason })} />
    </div>
  );
}

function StagePath({ deal, onMove, busy }: { deal: OpportunityDetail; onMove: (stageId: string, outcome: string) => void; busy: boolean }) {
  const pipelines = usePipelines();
  const pipelineStages = pipelines.data?.find((p) => p.id === deal.pipelineId)?.stages ?? [];
  return (
    <nav aria-label="Stages" className="overflow-x-auto">
      <ol className="flex min-w-max gap-1">
        {pipelineStages.map((stage) => {
          const current = stage.id === deal.stageId;
          const passed = stage.position < deal.stage.position && stage.outcome === 'open';
          return (
            <li key={stage.id}>
              <button
                type="button"
                disabled={current || busy}
                aria-current={current ? 'step' : undefined}
                onClick={() => onMove(stage.id, stage.outcome)}
                className={`rounded-md px-3 py-1.5 text-xs font-medium ring-1 ring-inset ${
                  current ? 'bg-indigo-600 text-white ring-indigo-600' : passed ? 'bg-indigo-50 text-indigo-700 ring-indigo-200 hover:bg-indigo-100' : 'bg-white text-slate-600 ring-slate-200 hover:bg-slate-50'
                }`}
              >
                {stage.name}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function LineItems({ deal, readOnly }: { deal: OpportunityDetail; readOnly: boolean }) {
  const products = useProducts();
  const add = useAddLineItem();
  const remove = useRemoveLineItem();
  const toast = useToast();
  const [error, setError] = useState<ApiError | null>(null);
  const priced = (products.data ?? []).filter((p) => p.prices.some((price) => price.currency === deal.currency));
  return (
    <section aria-labelledby="lines-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <h2 id="lines-heading" className="px-4 pt-4 text-sm font-semibold text-slate-900 sm:px-5">
        Products
      </h2>
      {deal.lineItems.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">No products yet; the amount is typed in. Add products and the amount becomes their sum.</p>
      ) : (
        <Table label="Line items">
          <thead>
            <tr>
              <th className={thClass}>Product</th>
              <th className={thClass}>Terms</th>
              <th className={`${thClass} text-right`}>Qty</th>
              <th className={`${thClass} text-right`}>List price</th>
              <th className={`${thClass} text-right`}>Discount</th>
              <th className={`${thClass} text-right`}>Total</th>
              {!readOnly && <th className={thClass}><span className="sr-only">Remove</span></th>}
            </tr>
          </thead>
          <tbody>
            {deal.lineItems.map((line) => (
              <tr key={line.id}>
                <td className={tdClass}>
                  <span className="font-medium text-slate-900">{line.name}</span> <span className="text-xs text-slate-400">{line.sku}</span>
                </td>
                <td className={tdClass}>
                  {line.billing === 'recurring' ? `${line.termMonths} months` : 'one-time'}
                  {line.endDate && <span className="block text-xs text-slate-500">until {formatDate(line.endDate)}</span>}
                </td>
                <td className={`${tdClass} text-right`}>{line.quantity}</td>
                <td className={`${tdClass} text-right`}>
                  {money(line.unitPrice, deal.currency)}
                  {line.billing === 'recurring' && '/mo'}
                </td>
                <td className={`${tdClass} text-right`}>{line.discountPercent ? `${line.discountPercent} %` : '—'}</td>
                <td className={`${tdClass} text-right font-medium`}>{money(line.total, deal.currency)}</td>
                {!readOnly && (
                  <td className={tdClass}>
                    <Button size="sm" variant="ghost" aria-label={`Remove ${line.name}`} onClick={() => remove.mutate({ deal, lineId: line.id }, { onError: (e) => toast(errorMessage(e), { tone: 'error' }) })}>
                      <Icon name="trash" className="size-4" />
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {!readOnly && (
        <form
          className="flex flex-wrap items-end gap-2 border-t border-slate-100 p-4 sm:px-5"
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            const target = e.currentTarget;
            const product = priced.find((p) => p.id === form.get('productId'));
            const line = {
              productId: String(form.get('productId')),
              quantity: Number(form.get('quantity')),
              discountPercent: Number(form.get('discountPercent') || 0),
              ...(product?.billing === 'recurring' ? { termMonths: Number(form.get('termMonths') || 12) } : {}),
            };
            add.mutate(
              { deal, line },
              {
                onSuccess: () => {
                  setError(null);
                  target.reset();
                },
                onError: (err) => setError(err instanceof ApiError ? err : null),
              },
            );
          }}
        >
          <Field label="Product" className="min-w-48 flex-1" error={error?.fields.productId}>
            {(props) => (
              <Select {...props} name="productId" required>
                <option value="">Choose…</option>
                {priced.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({money(p.prices.find((x) => x.currency === deal.currency)!.unitPrice, deal.currency)}
                    {p.billing === 'recurring' ? '/mo' : ''})
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Qty" className="w-20" error={error?.fields.quantity}>{(props) => <Input {...props} name="quantity" type="number" min={1} defaultValue={1} />}</Field>
          <Field label="Discount %" className="w-24" error={error?.fields.discountPercent}>{(props) => <Input {...props} name="discountPercent" type="number" min={0} max={100} step="0.01" defaultValue={0} />}</Field>
          <Field label="Months" className="w-20" error={error?.fields.termMonths}>{(props) => <Input {...props} name="termMonths" type="number" min={1} max={120} defaultValue={12} />}</Field>
          <Button type="submit" variant="primary" busy={add.isPending}>
            Add
          </Button>
          {error && !Object.keys(error.fields).length && <p className="w-full text-sm text-red-600">{error.message}</p>}
        </form>
      )}
    </section>
  );
}

function DealContacts({ deal, accountContacts }: { deal: OpportunityDetail; accountContacts: { id: string; firstName: string; lastName: string }[] }) {
  const setContact = useSetDealContact();
  const toast = useToast();
  const onDeal = new Set(deal.contacts.map((c) => c.contactId));
  const toggle = (contactId: string, roles: string[], role: string) =>
    setContact.mutate(
      { dealId: deal.id, contactId, roles: roles.includes(role) ? roles.filter((r) => r !== role) : [...roles, role] },
      { onError: (e) => toast(errorMessage(e), { tone: 'error' }) },
    );
  return (
    <section aria-labelledby="people-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <h2 id="people-heading" className="text-sm font-semibold text-slate-900">
        Contact roles
      </h2>
      <ul className="mt-2 divide-y divide-slate-100">
        {deal.contacts.map((person) => (
          <li key={person.contactId} className="py-2.5">
            <div className="flex items-center justify-between gap-2">
              <Link to={`/contacts/${person.contactId}`} className="text-sm font-medium text-slate-900 hover:text-indigo-600">
                {person.firstName} {person.lastName}
              </Link>
              {person.isPrimary && <Badge tone="indigo">Primary</Badge>}
            </div>
            <div className="mt-1.5 flex flex-wrap gap-1.5">
              {BUYING_ROLES.map((role) => (
                <button
                  key={role}
                  type="button"
                  aria-pressed={person.roles.includes(role)}
                  onClick={() => toggle(person.contactId, person.roles, role)}
                  className={`rounded-full px-2 py-0.5 text-xs ring-1 ring-inset ${person.roles.includes(role) ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-600 ring-slate-200 hover:bg-slate-50'}`}
                >
                  {ROLE_LABELS[role]}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
      {accountContacts.some((c) => !onDeal.has(c.id)) && (
        <label className="mt-3 flex items-center gap-2 text-sm text-slate-600">
          Add a contact
          <Select
            className="w-60"
            value=""
            onChange={(e) => e.target.value && setContact.mutate({ dealId: deal.id, contactId: e.target.value, roles: [], isPrimary: deal.contacts.length === 0 })}
          >
            <option value="">Choose…</option>
            {accountContacts
              .filter((c) => !onDeal.has(c.id))
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {c.firstName} {c.lastName}
                </option>
              ))}
          </Select>
        </label>
      )}
    </section>
  );
}

function Approvals({ deal }: { deal: OpportunityDetail }) {
  const submit = useSubmitForApproval();
  const decide = useDecide();
  const me = useSession();
  const nameOf = useUserNames();
  const toast = useToast();
  const [comment, setComment] = useState('');
  const { standing, requests } = deal.approvals;
  const needsAsking = standing.some((s) => s.state === 'missing' || s.state === 'rejected');
  const onError = (e: unknown) => toast(errorMessage(e), { tone: 'error' });
  return (
    <section aria-labelledby="approvals-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <div className="flex items-center justify-between gap-2">
        <h2 id="approvals-heading" className="text-sm font-semibold text-slate-900">
          Approvals
        </h2>
        {needsAsking && deal.status === 'open' && (
          <Button size="sm" variant="primary" busy={submit.isPending} onClick={() => submit.mutate({ dealId: deal.id, comment }, { onError })}>
            Submit for approval
          </Button>
        )}
      </div>
      {standing.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">The discounts and payment terms need no approval.</p>
      ) : (
        <ul className="mt-2 space-y-1.5">
          {standing.map((s) => (
            <li key={`${s.kind}-${s.level}`} className="flex items-center justify-between gap-2 text-sm">
              <span>
                <span className="capitalize">{s.level}</span> approval of {s.reason}
              </span>
              <Badge tone={STATE_TONES[s.state]}>{STATE_LABELS[s.state]}</Badge>
            </li>
          ))}
        </ul>
      )}
      {needsAsking && (
        <Field label="Note for the approvers" className="mt-3">
          {(props) => <Input {...props} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Why this deal deserves it" />}
        </Field>
      )}
      {requests.length > 0 && (
        <ul className="mt-4 space-y-2 border-t border-slate-100 pt-3">
          {requests.map((r) => (
            <li key={r.id} className="text-sm">
              <div className="flex items-center justify-between gap-2">
                <span>
                  <span className="capitalize">{r.level}</span>: {r.reason} <span className="text-xs text-slate-400">asked by {nameOf(r.requestedBy)}</span>
                </span>
                <span className="flex items-center gap-1.5">
                  {r.status === 'pending' && r.requestedBy !== me.user.id && deal.ownerId !== me.user.id ? (
                    <>
                      <Button size="sm" onClick={() => decide.mutate({ requestId: r.id, decision: 'approve' }, { onError })}>
                        Approve
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => decide.mutate({ requestId: r.id, decision: 'reject', comment: window.prompt('Why reject?') ?? '' }, { onError })}>
                        Reject
                      </Button>
                    </>
                  ) : (
                    <Badge tone={r.status === 'approved' ? 'green' : r.status === 'rejected' ? 'red' : r.status === 'pending' ? 'amber' : 'slate'}>{r.status}</Badge>
                  )}
                </span>
              </div>
              {r.decidedBy && (
                <p className="text-xs text-slate-500">
                  {nameOf(r.decidedBy)} {r.status} {r.decidedAt && formatDateTime(r.decidedAt)}
                  {r.comment && `: “${r.comment}”`}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function StageHistory({ dealId }: { dealId: string }) {
  const history = useDealHistory(dealId);
  if (!history.data) return null;
  const { stages, slippage } = history.data;
  return (
    <Card title="Stage history" columns={1}>
      <ol className="space-y-1.5 text-sm">
        {stages.map((visit) => (
          <li key={visit.enteredAt} className="flex justify-between gap-2">
            <span>{visit.stageName}</span>
            <span className="text-slate-500">
              {visit.days} days{visit.leftAt ? '' : ' so far'}
            </span>
          </li>
        ))}
      </ol>
      <p className="text-xs text-slate-500">
        Close date pushed {slippage.closeDatePushes}× ({slippage.daysPushed} days) · amount changed {slippage.amountChanges}×
      </p>
    </Card>
  );
}

function SendQuote({ deal }: { deal: OpportunityDetail }) {
  const send = useSendQuote();
  const toast = useToast();
  const primary = deal.contacts.find((c) => c.isPrimary) ?? deal.contacts[0];
  const [typed, setTo] = useState<string | null>(null);
  const to = typed ?? primary?.email ?? '';
  if (deal.lineItems.length === 0) return null;
  return (
    <section aria-labelledby="quote-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <h2 id="quote-heading" className="text-sm font-semibold text-slate-900">
        Quote
      </h2>
      <form
        className="mt-2 flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate({ dealId: deal.id, to }, { onSuccess: (r) => toast(`Quote ${r.quoteNumber} sent to ${to}`), onError: (err) => toast(errorMessage(err), { tone: 'error' }) });
        }}
      >
        <Field label="Email it to" className="flex-1">{(props) => <Input {...props} type="email" required value={to} onChange={(e) => setTo(e.target.value)} />}</Field>
        <Button type="submit" busy={send.isPending}>
          Send
        </Button>
      </form>
    </section>
  );
}

function LossDialog({ open, onClose, onConfirm }: { open: boolean; onClose: () => void; onConfirm: (reason: string) => void }) {
  const [reason, setReason] = useState('');
  return (
    <Dialog open={open} onClose={onClose} title="Close as lost" description="Why was the deal lost?">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm(reason);
          onClose();
        }}
      >
        <Field label="Loss reason">{(props) => <Input {...props} required value={reason} onChange={(e) => setReason(e.target.value)} />}</Field>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" disabled={!reason.trim()}>
            Close as lost
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
