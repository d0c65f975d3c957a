import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { LIFECYCLE_STAGES, type AccountDetail } from '../../api/types.ts';
import { NotFound } from '../../app/NotFound.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Card } from '../../components/Card.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InlineField } from '../../components/InlineField.tsx';
import { CustomFieldsCard } from '../customfields/CustomFieldsCard.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AddFeedbackButton } from '../feedback/AddFeedbackButton.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Timeline } from '../activities/Timeline.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { AuditHistory } from '../audit/AuditHistory.tsx';
import { NewContactDialog } from '../contacts/NewContactDialog.tsx';
import { AccountDeals } from '../opportunities/AccountDeals.tsx';
import { contactName } from '../contacts/labels.ts';
import { ownerOptions, useUserNames, useUsers } from '../users/api.ts';
import { AccountLinkField } from './AccountLinkField.tsx';
import { useAccount, useDeleteAccount, useKnownAccountName, useUpdateAccount, type AccountInput } from './api.ts';
import { STAGE_LABELS, STAGE_TONES } from './labels.ts';

type TextField = 'name' | 'domain' | 'industry' | 'country' | 'region' | 'city' | 'phone' | 'notes';

function toChange(field: keyof AccountInput, raw: string): AccountInput {
  const text = raw.trim();
  if (field === 'employeeCount') {
    if (text === '') return { employeeCount: null };
    if (!/^\d+$/.test(text)) throw new ApiError(400, 'validation_failed', 'Not saved', { employeeCount: 'Enter a whole number' });
    return { employeeCount: Number(text) };
  }
  if (field === 'name' || field === 'notes') return { [field]: text };
  return { [field]: text === '' ? null : text };
}

export function AccountPage() {
  const { id = '' } = useParams();
  const account = useAccount(id);
  if (account.isPending) return <Spinner label="Loading account…" />;
  if (account.isError) {
    if (account.error instanceof ApiError && (account.error.status === 404 || account.error.status === 400)) return <NotFound />;
    return <Notice>{errorMessage(account.error)}</Notice>;
  }
  return <AccountDetailView account={account.data} reload={() => void account.refetch()} />;
}

function AccountDetailView({ account, reload }: { account: AccountDetail; reload: () => void }) {
  const update = useUpdateAccount();
  const remove = useDeleteAccount();
  const users = useUsers();
  const ownerName = useUserNames();
  const accountName = useKnownAccountName();
  // Subscribed here so the history names the parent once it has loaded.
  useAccount(account.parentAccountId);
  const toast = useToast();
  const navigate = useNavigate();
  const [stale, setStale] = useState(false);
  const [addingContact, setAddingContact] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const deleted = account.deletedAt !== null;

  const saveChange = async (changes: AccountInput) => {
    try {
      await update.mutateAsync({ account, changes });
    } catch (error) {
      if (error instanceof ApiError && error.isStale) setStale(true);
      throw error;
    }
  };
  const save = (field: keyof AccountInput) => (raw: string) => saveChange(toChange(field, raw));
  const text = (field: TextField, label: string, kind: 'text' | 'tel' | 'textarea' = 'text') => (
    <InlineField name={field} label={label} kind={kind} value={account[field] ?? ''} readOnly={deleted} onSave={save(field)} />
  );

  return (
    <div className="space-y-5">
      <PageHeader
        back={
          <Link to="/accounts" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
            <Icon name="back" className="size-4" /> Accounts
          </Link>
        }
        title={account.name}
        subtitle={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <Badge tone={STAGE_TONES[account.lifecycleStage]}>{STAGE_LABELS[account.lifecycleStage]}</Badge>
            {account.domain && <span>{account.domain}</span>}
            <span className="text-slate-400">Owner: {ownerName(account.ownerId)}</span>
          </span>
        }
        actions={
          !deleted && (
            <>
              <AddFeedbackButton source={{ type: 'account', id: account.id, accountId: account.id }} />
              <Button onClick={() => setAddingContact(true)}>
                <Icon name="plus" className="size-4" /> Add contact
              </Button>
              <Button onClick={() => setConfirmDelete(true)}>
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
          This account was changed by someone else — reload to see their changes, then edit again.
        </Notice>
      )}
      {deleted && account.deletedAt && <Notice tone="warning">This account was deleted {formatDateTime(account.deletedAt)}.</Notice>}

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-3">
        <div className="min-w-0 space-y-5 lg:col-span-2">
          <Card title="Firmographics">
            {text('name', 'Name')}
            {text('domain', 'Website domain')}
            {text('industry', 'Industry')}
            <InlineField
              name="employeeCount"
              label="Employees"
              kind="number"
              value={account.employeeCount === null ? '' : String(account.employeeCount)}
              display={account.employeeCount === null ? null : account.employeeCount.toLocaleString()}
              readOnly={deleted}
              onSave={save('employeeCount')}
            />
            {text('phone', 'Phone', 'tel')}
            {text('country', 'Country (ISO code)')}
            {text('region', 'Region')}
            {text('city', 'City')}
            <InlineField
              name="lifecycleStage"
              label="Lifecycle stage"
              kind="select"
              value={account.lifecycleStage}
              display={STAGE_LABELS[account.lifecycleStage]}
              options={LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: STAGE_LABELS[stage] }))}
              readOnly={deleted}
              onSave={save('lifecycleStage')}
            />
            <InlineField
              name="ownerId"
              label="Owner"
              kind="select"
              value={account.ownerId ?? ''}
              display={ownerName(account.ownerId)}
              options={[{ value: '', label: 'Unassigned' }, ...ownerOptions(users.data, account.ownerId)]}
              readOnly={deleted}
              onSave={(raw) => saveChange({ ownerId: raw || null })}
            />
            <AccountLinkField
              name="parentAccountId"
              label="Parent account"
              accountId={account.parentAccountId}
              exclude={account.id}
              readOnly={deleted}
              onSave={(parentAccountId) => saveChange({ parentAccountId })}
            />
          </Card>

          <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5" aria-labelledby="contacts-heading">
            <div className="flex items-center justify-between gap-3 px-4 pt-4 sm:px-5">
              <h2 id="contacts-heading" className="text-sm font-semibold text-slate-900">
                Contacts <span className="font-normal text-slate-400">({account.contacts.length})</span>
              </h2>
              {!deleted && (
                <Button size="sm" onClick={() => setAddingContact(true)}>
                  <Icon name="plus" className="size-4" /> Add contact
                </Button>
              )}
            </div>
            {account.contacts.length === 0 ? (
              <p className="px-5 py-6 text-sm text-slate-500">No contacts at this account yet.</p>
            ) : (
              <ul className="mt-2 divide-y divide-slate-100">
                {account.contacts.map((contact) => (
                  <li key={contact.id}>
                    <Link to={`/contacts/${contact.id}`} className="flex items-center justify-between gap-3 px-4 py-2.5 hover:bg-slate-50 sm:px-5">
                      <span className="min-w-0">
                        <span className="block truncate text-sm font-medium text-slate-900">{contactName(contact)}</span>
                        <span className="block truncate text-xs text-slate-500">{[contact.title, contact.email].filter(Boolean).join(' · ')}</span>
                      </span>
                      <span className="hidden text-xs text-slate-500 sm:block">{contact.phone}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </section>

          {account.children.length > 0 && (
            <section className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5" aria-labelledby="subsidiaries-heading">
              <h2 id="subsidiaries-heading" className="text-sm font-semibold text-slate-900">
                Subsidiaries
              </h2>
              <ul className="mt-2 space-y-1">
                {account.children.map((child) => (
                  <li key={child.id} className="flex items-center gap-2 text-sm">
                    <Link to={`/accounts/${child.id}`} className="font-medium text-indigo-600 hover:text-indigo-500">
                      {child.name}
                    </Link>
                    <Badge tone={STAGE_TONES[child.lifecycleStage]}>{STAGE_LABELS[child.lifecycleStage]}</Badge>
                  </li>
                ))}
              </ul>
            </section>
          )}

          <CustomFieldsCard object="account" values={account.custom} readOnly={deleted} onSave={(custom) => saveChange({ custom })} />
          <Card title="Notes" columns={1}>
            {text('notes', 'Notes', 'textarea')}
          </Card>
        </div>
        <div className="space-y-5">
          <AccountDeals accountId={account.id} contacts={account.contacts} />
          <Timeline subjectType="account" subjectId={account.id} name={account.name} phone={account.phone} />
          <AuditHistory
            entityType="account"
            entityId={account.id}
            noun="account"
            valueOf={(field, value) =>
              field === 'ownerId' ? ownerName(String(value)) : field === 'lifecycleStage'
                    ? STAGE_LABELS[value as AccountDetail['lifecycleStage']]
                    : field === 'parentAccountId'
                      ? accountName(String(value))
                      : undefined
            }
          />
        </div>
      </div>

      <NewContactDialog
        open={addingContact}
        onClose={() => setAddingContact(false)}
        account={{ id: account.id, name: account.name }}
        onOpenContact={(id) => navigate(`/contacts/${id}`)}
      />
      <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)} title={`Delete ${account.name}?`} description="The account leaves your lists; its contacts are kept.">
        <DialogActions>
          <Button onClick={() => setConfirmDelete(false)}>Cancel</Button>
          <Button
            variant="danger"
            busy={remove.isPending}
            onClick={() =>
              remove.mutate(account.id, {
                onSuccess: () => {
                  toast(`Deleted “${account.name}”`);
                  navigate('/accounts');
                },
                onError: (error) => toast(errorMessage(error), { tone: 'error' }),
              })
            }
          >
            Delete account
          </Button>
        </DialogActions>
      </Dialog>
    </div>
  );
}
