import { LEAD_SOURCES, LEAD_STATUSES } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { fieldError, formError, formText, orNull } from '../../lib/forms.ts';
import { useSession } from '../auth/session.tsx';
import { ownerOptions, useUsers } from '../users/api.ts';
import { CustomFieldInputs, customValuesOf } from '../customfields/CustomFieldInputs.tsx';
import { useCustomFields } from '../customfields/api.ts';
import { useCreateLead } from './api.ts';
import { STATUS_LABELS, leadName, sourceLabel } from './labels.ts';

const SHOWN = ['firstName', 'lastName', 'company', 'email', 'phone', 'title', 'country', 'status', 'source', 'ownerId'];

export function NewLeadDialog({ open, onClose, onOpenLead }: { open: boolean; onClose: () => void; onOpenLead: (id: string) => void }) {
  const me = useSession();
  const users = useUsers();
  const create = useCreateLead();
  const toast = useToast();

  const close = () => {
    create.reset();
    onClose();
  };

  const customFields = useCustomFields('lead');
  const problem = formError(create.error, [...SHOWN, ...customFields.map((f) => `custom.${f.key}`)]);
  const error = (field: string) => fieldError(create.error, field);

  return (
    <Dialog open={open} onClose={close} title="New lead" description="A name, a company or an email is enough to start." wide>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const v = formText(event.currentTarget);
          const custom = customValuesOf(customFields, v);
          create.mutate(
            {
              ...(custom ? { custom } : {}),
              firstName: v.firstName ?? '',
              lastName: v.lastName ?? '',
              company: v.company ?? '',
              email: orNull(v.email),
              phone: orNull(v.phone),
              title: orNull(v.title),
              country: orNull(v.country),
              status: v.status as (typeof LEAD_STATUSES)[number],
              source: v.source ?? 'manual',
              ownerId: orNull(v.ownerId),
            },
            {
              onSuccess: (lead) => {
                close();
                toast(`Lead “${leadName(lead)}” created`, { action: { label: 'Open', onClick: () => onOpenLead(lead.id) } });
              },
            },
          );
        }}
      >
        {problem && (
          <div className="mb-4">
            <Notice>{problem}</Notice>
          </div>
        )}
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field label="First name" error={error('firstName')}>
            {(props) => <Input {...props} name="firstName" autoFocus autoComplete="off" />}
          </Field>
          <Field label="Last name" error={error('lastName')}>
            {(props) => <Input {...props} name="lastName" autoComplete="off" />}
          </Field>
          <Field label="Company" error={error('company')}>
            {(props) => <Input {...props} name="company" autoComplete="off" />}
          </Field>
          <Field label="Job title" error={error('title')}>
            {(props) => <Input {...props} name="title" autoComplete="off" />}
          </Field>
          <Field label="Email" error={error('email')}>
            {(props) => <Input {...props} name="email" type="email" autoComplete="off" />}
          </Field>
          <Field label="Phone" error={error('phone')}>
            {(props) => <Input {...props} name="phone" type="tel" autoComplete="off" />}
          </Field>
          <Field label="Country" hint="Two-letter code, like DE or US" error={error('country')}>
            {(props) => <Input {...props} name="country" maxLength={2} autoComplete="off" className="uppercase" />}
          </Field>
          <Field label="Status" error={error('status')}>
            {(props) => (
              <Select {...props} name="status" defaultValue="new">
                {LEAD_STATUSES.filter((status) => status !== 'disqualified').map((status) => (
                  <option key={status} value={status}>
                    {STATUS_LABELS[status]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Source" error={error('source')}>
            {(props) => (
              <Select {...props} name="source" defaultValue="manual">
                {LEAD_SOURCES.map((source) => (
                  <option key={source} value={source}>
                    {sourceLabel(source)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Owner" error={error('ownerId')}>
            {(props) => (
              <Select {...props} name="ownerId" defaultValue={me.user.id}>
                <option value="">Unassigned</option>
                {(users.data ? ownerOptions(users.data) : [{ value: me.user.id, label: me.user.name }]).map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <CustomFieldInputs object="lead" error={create.error} />
        </div>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create lead
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
