import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { LEAD_SOURCES, LEAD_TRANSITIONS, type Lead } from '../../api/types.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Card } from '../../components/Card.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InlineField } from '../../components/InlineField.tsx';
import { CustomFieldsCard } from '../customfields/CustomFieldsCard.tsx';
import { Timeline } from '../activities/Timeline.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AddFeedbackButton } from '../feedback/AddFeedbackButton.tsx';
import { EmailButton } from '../emails/EmailButton.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDate, formatDateTime } from '../../lib/dates.ts';
import { NotFound } from '../../app/NotFound.tsx';
import { AuditHistory } from '../audit/AuditHistory.tsx';
import { ownerOptions, useUserNames, useUsers } from '../users/api.ts';
import { useLead, useLeadTrash, useUpdateLead, type LeadInput } from './api.ts';
import { DisqualifyDialog } from './DisqualifyDialog.tsx';
import { STATUS_LABELS, STATUS_TONES, leadName, sourceLabel } from './labels.ts';
import { LeadRouting } from '../routing/LeadRouting.tsx';
import { ScheduleMeetingButton } from '../meetings/ScheduleMeetingButton.tsx';
import { describeAnswers } from '../qualification/api.ts';
import { QualificationPanel } from '../qualification/QualificationPanel.tsx';
import { ScoreExplanation } from '../scoring/ScoreExplanation.tsx';
import { ConvertLeadButton } from '../conversions/ConvertLeadDialog.tsx';
import { LeadConversion } from '../conversions/ConversionCards.tsx';

type TextField = 'firstName' | 'lastName' | 'company' | 'title' | 'email' | 'phone' | 'website' | 'industry' | 'country' | 'region' | 'city' | 'postcode' | 'notes' | 'timeZone';
// These are never null in the API; clearing them stores an empty string.
const ALWAYS_TEXT = new Set<string>(['firstName', 'lastName', 'company', 'notes']);

/** The value the API expects for what the user typed. */
function toChange(field: keyof LeadInput, raw: string): LeadInput {
  const text = raw.trim();
  if (field === 'employeeCount') {
    if (text === '') return { employeeCount: null };
    if (!/^\d+$/.test(text)) throw new ApiError(400, 'validation_failed', 'Not saved', { employeeCount: 'Enter a whole number' });
    return { employeeCount: Number(text) };
  }
  if (field === 'ownerId') return { ownerId: text || null };
  if (field === 'doNotCall') return { doNotCall: text === 'yes' };
  if (ALWAYS_TEXT.has(field)) return { [field]: text };
  return { [field]: text === '' ? null : text };
}

export function LeadPage() {
  const { id = '' } = useParams();
  const lead = useLead(id);
  if (lead.isPending) return <Spinner label="Loading lead…" />;
  if (lead.isError) {
    if (lead.error instanceof ApiError && (lead.error.status === 404 || lead.error.status === 400)) return <NotFound />;
    return <Notice action={<Button onClick={() => void lead.refetch()}>Try again</Button>}>{errorMessage(lead.error)}</Notice>;
  }
  return <LeadDetail lead={lead.data} reload={() => void lead.refetch()} />;
}

function LeadDetail({ lead, reload }: { lead: Lead; reload: () => void }) {
  const update = useUpdateLead();
  const trash = useLeadTrash();
  const users = useUsers();
  const ownerName = useUserNames();
  const toast = useToast();
  const [stale, setStale] = useState(false);
  const [disqualifying, setDisqualifying] = useState(false);
  const disqualify = useUpdateLead();
  const deleted = lead.deletedAt !== null;

  const save = (field: keyof LeadInput) => async (raw: string) => {
    try {
      await update.mutateAsync({ lead, changes: toChange(field, raw) });
    } catch (error) {
      if (error instanceof ApiError && error.isStale) setStale(true);
      throw error;
    }
  };

  const text = (field: TextField, label: string, kind: 'text' | 'email' | 'tel' | 'url' | 'textarea' = 'text') => (
    <InlineField name={field} label={label} kind={kind} value={lead[field] ?? ''} readOnly={deleted} onSave={save(field)} />
  );

  const remove = () =>
    trash.remove.mutate(lead.id, {
      onSuccess: () => toast(`Moved “${leadName(lead)}” to the trash`, { action: { label: 'Undo', onClick: () => trash.restore.mutate(lead.id) } }),
      onError: (error) => toast(errorMessage(error), { tone: 'error' }),
    });

  return (
    <div className="space-y-5">
      <PageHeader
        back={
          <Link to="/leads" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
            <Icon name="back" className="size-4" /> Leads
          </Link>
        }
        title={leadName(lead)}
        subtitle={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <Badge tone={STATUS_TONES[lead.status]}>{STATUS_LABELS[lead.status]}</Badge>
            <span>{[lead.title, lead.company].filter(Boolean).join(' at ')}</span>
            <span className="text-slate-400">Owner: {ownerName(lead.ownerId)}</span>
          </span>
        }
        actions={
          deleted ? (
            <Button variant="primary" busy={trash.restore.isPending} onClick={() => trash.restore.mutate(lead.id, { onSuccess: () => toast('Lead restored') })}>
              Restore
            </Button>
          ) : (
            <>
              <EmailButton subjectType="lead" subjectId={lead.id} address={lead.email} />
              <ConvertLeadButton lead={lead} />
              <AddFeedbackButton source={{ type: 'lead', id: lead.id, saidBy: leadName(lead) }} />
              <ScheduleMeetingButton subject={{ leadId: lead.id }} defaultTitle={`Demo with ${leadName(lead)}`} />
              <Button onClick={remove} busy={trash.remove.isPending}>
                <Icon name="trash" className="size-4" /> Delete
              </Button>
            </>
          )
        }
      />

      {stale && (
        <Notice
          tone="warning"
          action={
            <Button
              size="sm"
              onClick={() => {
                setStale(false);
                reload();
              }}
            >
              Reload
            </Button>
          }
        >
          This lead was changed by someone else — reload to see their changes, then edit again.
        </Notice>
      )}
      {deleted && lead.deletedAt && (
        <Notice tone="warning">This lead is in the trash since {formatDateTime(lead.deletedAt)}. Restore it to edit.</Notice>
      )}

      <DisqualifyDialog
        open={disqualifying}
        count={1}
        busy={disqualify.isPending}
        error={disqualify.error}
        onClose={() => {
          disqualify.reset();
          setDisqualifying(false);
        }}
        onConfirm={(reason) =>
          disqualify.mutate(
            { lead, changes: { status: 'disqualified', disqualifiedReason: reason } },
            {
              onSuccess: () => {
                setDisqualifying(false);
                toast('Lead disqualified');
              },
              onError: (error) => {
                if (!(error instanceof ApiError && error.isStale)) return;
                setDisqualifying(false);
                setStale(true);
              },
            },
          )
        }
      />

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-3">
        <div className="min-w-0 space-y-5 lg:col-span-2">
          <Card title="Person">
            {text('firstName', 'First name')}
            {text('lastName', 'Last name')}
            {text('title', 'Job title')}
            {text('email', 'Email', 'email')}
            {text('phone', 'Phone', 'tel')}
            <InlineField
              name="doNotCall"
              label="Do not call"
              kind="select"
              value={lead.doNotCall ? 'yes' : 'no'}
              display={lead.doNotCall ? 'Yes — no calls, not in the call queue' : 'No'}
              options={[
                { value: 'no', label: 'No' },
                { value: 'yes', label: 'Yes' },
              ]}
              readOnly={deleted}
              onSave={save('doNotCall')}
            />
            {text('timeZone', 'Time zone (if not from country)')}
          </Card>
          <Card title="Company">
            {text('company', 'Company')}
            {text('website', 'Website', 'url')}
            {text('industry', 'Industry')}
            <InlineField
              name="employeeCount"
              label="Employees"
              kind="number"
              value={lead.employeeCount === null ? '' : String(lead.employeeCount)}
              display={lead.employeeCount === null ? null : lead.employeeCount.toLocaleString()}
              readOnly={deleted}
              onSave={save('employeeCount')}
            />
            {text('country', 'Country (ISO code)')}
            {text('region', 'Region')}
            {text('city', 'City')}
            {text('postcode', 'Postcode')}
          </Card>
          <Card title="Qualification">
            <InlineField
              name="status"
              label="Status"
              kind="select"
              value={lead.status}
              display={<Badge tone={STATUS_TONES[lead.status]}>{STATUS_LABELS[lead.status]}</Badge>}
              options={[lead.status, ...LEAD_TRANSITIONS[lead.status].filter((status) => status !== 'converted')].map((status) => ({ value: status, label: STATUS_LABELS[status] }))}
              readOnly={deleted || LEAD_TRANSITIONS[lead.status].every((status) => status === 'converted')}
              onSave={async (status) => {
                // Disqualifying asks for a reason first; the dialog makes the change.
                if (status === 'disqualified') setDisqualifying(true);
                else await save('status')(status);
              }}
            />
            <InlineField
              name="source"
              label="Source"
              kind="select"
              value={lead.source}
              display={sourceLabel(lead.source)}
              options={[...new Set<string>([...LEAD_SOURCES, lead.source])].map((source) => ({ value: source, label: sourceLabel(source) }))}
              readOnly={deleted}
              onSave={save('source')}
            />
            <InlineField
              name="ownerId"
              label="Owner"
              kind="select"
              value={lead.ownerId ?? ''}
              display={ownerName(lead.ownerId)}
              options={[{ value: '', label: 'Unassigned' }, ...ownerOptions(users.data, lead.ownerId)]}
              readOnly={deleted}
              onSave={save('ownerId')}
            />
            <div className="min-w-0">
              <p className="mb-0.5 text-xs font-medium text-slate-500">Score</p>
              <p className="py-1 text-sm font-medium text-slate-900">{lead.score}</p>
            </div>
            {lead.status === 'disqualified' && lead.disqualifiedReason && (
              <div className="min-w-0">
                <p className="mb-0.5 text-xs font-medium text-slate-500">Disqualified because</p>
                <p className="py-1 text-sm text-slate-900">
                  {lead.disqualifiedReason}
                  {lead.recycleAt && <span className="block text-xs text-slate-500">Back in the pool on {formatDate(lead.recycleAt)}</span>}
                </p>
              </div>
            )}
            <div className="text-xs text-slate-500 sm:col-span-2">
              Created {formatDateTime(lead.createdAt)} · Updated {formatDateTime(lead.updatedAt)}
            </div>
          </Card>
          <CustomFieldsCard
            object="lead"
            values={lead.custom}
            readOnly={deleted}
            onSave={async (custom) => {
              try {
                await update.mutateAsync({ lead, changes: { custom } });
              } catch (error) {
                if (error instanceof ApiError && error.isStale) setStale(true);
                throw error;
              }
            }}
          />
          <QualificationPanel leadId={lead.id} readOnly={deleted} />
          <Card title="Notes" columns={1}>
            {text('notes', 'Notes', 'textarea')}
          </Card>
        </div>
        <div className="space-y-5">
          <LeadConversion leadId={lead.id} converted={lead.status === 'converted'} />
          <ScoreExplanation leadId={lead.id} leadVersion={lead.version} />
          <LeadRouting leadId={lead.id} />
          <Timeline subjectType="lead" subjectId={lead.id} name={leadName(lead)} phone={lead.phone} doNotCall={lead.doNotCall} />
          <AuditHistory
            entityType="lead"
            entityId={lead.id}
            noun="lead"
            valueOf={(field, value) =>
              field === 'ownerId' ? ownerName(String(value)) : field === 'qualification' ? describeAnswers(value) : field === 'status' ? (STATUS_LABELS[value as Lead['status']] ?? undefined) : field === 'source' ? sourceLabel(String(value)) : undefined
            }
          />
        </div>
      </div>
    </div>
  );
}
