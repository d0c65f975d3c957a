import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import type { Contact } from '../../api/types.ts';
import { NotFound } from '../../app/NotFound.tsx';
import { Button } from '../../components/Button.tsx';
import { Card } from '../../components/Card.tsx';
import { CustomFieldsCard } from '../customfields/CustomFieldsCard.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InlineField } from '../../components/InlineField.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AddFeedbackButton } from '../feedback/AddFeedbackButton.tsx';
import { EmailButton } from '../emails/EmailButton.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Timeline } from '../activities/Timeline.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { AccountLinkField } from '../accounts/AccountLinkField.tsx';
import { useAccount, useKnownAccountName } from '../accounts/api.ts';
import { AuditHistory } from '../audit/AuditHistory.tsx';
import { ownerOptions, useUserNames, useUsers } from '../users/api.ts';
import { useContact, useDeleteContact, useUpdateContact, type ContactInput } from './api.ts';
import { contactName } from './labels.ts';
import { ScheduleMeetingButton } from '../meetings/ScheduleMeetingButton.tsx';

type TextField = 'firstName' | 'lastName' | 'email' | 'phone' | 'title' | 'notes';
const ALWAYS_TEXT = new Set<string>(['firstName', 'lastName', 'notes']);

export function ContactPage() {
  const { id = '' } = useParams();
  const contact = useContact(id);
  if (contact.isPending) return <Spinner label="Loading contact…" />;
  if (contact.isError) {
    if (contact.error instanceof ApiError && (contact.error.status === 404 || contact.error.status === 400)) return <NotFound />;
    return <Notice>{errorMessage(contact.error)}</Notice>;
  }
  return <ContactDetail contact={contact.data} reload={() => void contact.refetch()} />;
}

function ContactDetail({ contact, reload }: { contact: Contact; reload: () => void }) {
  const update = useUpdateContact();
  const remove = useDeleteContact();
  const users = useUsers();
  const ownerName = useUserNames();
  const accountName = useKnownAccountName();
  // Subscribed here so the header and the history name the account once it has loaded.
  const account = useAccount(contact.accountId);
  const toast = useToast();
  const navigate = useNavigate();
  const [stale, setStale] = useState(false);
  const deleted = contact.deletedAt !== null;

  const saveChange = async (changes: ContactInput) => {
    try {
      await update.mutateAsync({ contact, changes });
    } catch (error) {
      if (error instanceof ApiError && error.isStale) setStale(true);
      throw error;
    }
  };
  const text = (field: TextField, label: string, kind: 'text' | 'email' | 'tel' | 'textarea' = 'text') => (
    <InlineField
      name={field}
      label={label}
      kind={kind}
      value={contact[field] ?? ''}
      readOnly={deleted}
      onSave={(raw) => saveChange({ [field]: ALWAYS_TEXT.has(field) ? raw.trim() : raw.trim() || null })}
    />
  );

  return (
    <div className="space-y-5">
      <PageHeader
        back={
          <Link to="/contacts" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
            <Icon name="back" className="size-4" /> Contacts
          </Link>
        }
        title={contactName(contact)}
        subtitle={
          <span className="flex flex-wrap items-center gap-x-2">
            {contact.title && <span>{contact.title}</span>}
            {contact.accountId && (
              <span>
                at{' '}
                <Link to={`/accounts/${contact.accountId}`} className="text-slate-700 hover:text-indigo-600">
                  {account.data?.name ?? '…'}
                </Link>
              </span>
            )}
          </span>
        }
        actions={
          !deleted && (
            <>
              <AddFeedbackButton source={{ type: 'contact', id: contact.id, contactId: contact.id }} />
              <EmailButton subjectType="contact" subjectId={contact.id} address={contact.email} />
              <ScheduleMeetingButton subject={{ contactId: contact.id }} defaultTitle={`Demo with ${contactName(contact)}`} />
              <Button
                busy={remove.isPending}
                onClick={() =>
                  remove.mutate(contact.id, {
                    onSuccess: () => {
                      toast(`Deleted “${contactName(contact)}”`);
                      navigate('/contacts');
                    },
                    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
                  })
                }
              >
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
          This contact was changed by someone else — reload to see their changes, then edit again.
        </Notice>
      )}
      {deleted && contact.deletedAt && <Notice tone="warning">This contact was deleted {formatDateTime(contact.deletedAt)}.</Notice>}

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-3">
        <div className="min-w-0 space-y-5 lg:col-span-2">
          <Card title="Contact">
            {text('firstName', 'First name')}
            {text('lastName', 'Last name')}
            {text('title', 'Job title')}
            {text('email', 'Email', 'email')}
            {text('phone', 'Phone', 'tel')}
            <InlineField
              name="doNotCall"
              label="Do not call"
              kind="select"
              value={contact.doNotCall ? 'yes' : 'no'}
              display={contact.doNotCall ? 'Yes — no calls' : 'No'}
              options={[
                { value: 'no', label: 'No' },
                { value: 'yes', label: 'Yes' },
              ]}
              readOnly={deleted}
              onSave={(raw) => saveChange({ doNotCall: raw === 'yes' })}
            />
            <AccountLinkField name="accountId" label="Account" accountId={contact.accountId} readOnly={deleted} onSave={(accountId) => saveChange({ accountId })} />
            <InlineField
              name="ownerId"
              label="Owner"
              kind="select"
              value={contact.ownerId ?? ''}
              display={ownerName(contact.ownerId)}
              options={[{ value: '', label: 'Unassigned' }, ...ownerOptions(users.data, contact.ownerId)]}
              readOnly={deleted}
              onSave={(raw) => saveChange({ ownerId: raw || null })}
            />
          </Card>
          <CustomFieldsCard object="contact" values={contact.custom} readOnly={deleted} onSave={(custom) => saveChange({ custom })} />
          <Card title="Notes" columns={1}>
            {text('notes', 'Notes', 'textarea')}
          </Card>
        </div>
        <div className="space-y-5">
          <Timeline subjectType="contact" subjectId={contact.id} name={contactName(contact)} phone={contact.phone} doNotCall={contact.doNotCall} />
          <AuditHistory
            entityType="contact"
            entityId={contact.id}
            noun="contact"
            valueOf={(field, value) => (field === 'ownerId' ? ownerName(String(value)) : field === 'accountId' ? accountName(String(value)) : undefined)}
          />
        </div>
      </div>
    </div>
  );
}
