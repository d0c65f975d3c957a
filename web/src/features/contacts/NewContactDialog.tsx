import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { fieldError, formError, formText, orNull } from '../../lib/forms.ts';
import { AccountPicker, type PickedAccount } from '../accounts/AccountPicker.tsx';
import { useCreateContact } from './api.ts';
import { contactName } from './labels.ts';

const SHOWN = ['firstName', 'lastName', 'email', 'phone', 'title', 'accountId'];

/** A new contact; from an account page the account is fixed, elsewhere it can be picked. */
export function NewContactDialog({
  open,
  onClose,
  account,
  onOpenContact,
}: {
  open: boolean;
  onClose: () => void;
  account?: PickedAccount;
  onOpenContact: (id: string) => void;
}) {
  const create = useCreateContact();
  const toast = useToast();
  const [picked, setPicked] = useState<PickedAccount | null>(null);
  const close = () => {
    create.reset();
    setPicked(null);
    onClose();
  };
  const error = (field: string) => fieldError(create.error, field);
  const problem = formError(create.error, SHOWN);
  const linked = account ?? picked;

  return (
    <Dialog open={open} onClose={close} title={account ? `New contact at ${account.name}` : 'New contact'} description="A name or an email is enough.">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const v = formText(event.currentTarget);
          create.mutate(
            {
              firstName: v.firstName ?? '',
              lastName: v.lastName ?? '',
              email: orNull(v.email),
              phone: orNull(v.phone),
              title: orNull(v.title),
              accountId: linked?.id ?? null,
            },
            {
              onSuccess: (contact) => {
                close();
                toast(`Contact “${contactName(contact)}” created`, { action: { label: 'Open', onClick: () => onOpenContact(contact.id) } });
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
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="First name" error={error('firstName')}>
            {(props) => <Input {...props} name="firstName" autoFocus autoComplete="off" />}
          </Field>
          <Field label="Last name" error={error('lastName')}>
            {(props) => <Input {...props} name="lastName" autoComplete="off" />}
          </Field>
          <Field label="Email" error={error('email')}>
            {(props) => <Input {...props} name="email" type="email" autoComplete="off" />}
          </Field>
          <Field label="Phone" error={error('phone')}>
            {(props) => <Input {...props} name="phone" type="tel" autoComplete="off" />}
          </Field>
          <Field label="Job title" error={error('title')} className="sm:col-span-2">
            {(props) => <Input {...props} name="title" autoComplete="off" />}
          </Field>
          {!account && (
            <Field label="Account" hint={picked ? `Linked to ${picked.name}` : 'Optional'} error={error('accountId')} className="sm:col-span-2">
              {(props) => <AccountPicker id={props.id} invalid={props['aria-invalid']} onPick={setPicked} />}
            </Field>
          )}
        </div>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create contact
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
