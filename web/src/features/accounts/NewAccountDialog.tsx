import { LIFECYCLE_STAGES, type LifecycleStage } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { fieldError, formError, formText, orNull } from '../../lib/forms.ts';
import { useCreateAccount } from './api.ts';
import { STAGE_LABELS } from './labels.ts';

const SHOWN = ['name', 'domain', 'industry', 'country', 'lifecycleStage', 'employeeCount'];

export function NewAccountDialog({ open, onClose, onOpenAccount }: { open: boolean; onClose: () => void; onOpenAccount: (id: string) => void }) {
  const create = useCreateAccount();
  const toast = useToast();
  const close = () => {
    create.reset();
    onClose();
  };
  const error = (field: string) => fieldError(create.error, field);
  const problem = formError(create.error, SHOWN);

  return (
    <Dialog open={open} onClose={close} title="New account" description="A company you sell to, or might.">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const v = formText(event.currentTarget);
          create.mutate(
            {
              name: v.name ?? '',
              domain: orNull(v.domain),
              industry: orNull(v.industry),
              country: orNull(v.country),
              employeeCount: v.employeeCount ? Number(v.employeeCount) : null,
              lifecycleStage: (v.lifecycleStage ?? 'prospect') as LifecycleStage,
            },
            {
              onSuccess: (account) => {
                close();
                toast(`Account “${account.name}” created`, { action: { label: 'Open', onClick: () => onOpenAccount(account.id) } });
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
          <Field label="Name" error={error('name')} className="sm:col-span-2">
            {(props) => <Input {...props} name="name" required autoFocus autoComplete="off" />}
          </Field>
          <Field label="Website domain" hint="example.com" error={error('domain')}>
            {(props) => <Input {...props} name="domain" autoComplete="off" />}
          </Field>
          <Field label="Industry" error={error('industry')}>
            {(props) => <Input {...props} name="industry" autoComplete="off" />}
          </Field>
          <Field label="Country" hint="Two-letter code" error={error('country')}>
            {(props) => <Input {...props} name="country" maxLength={2} className="uppercase" autoComplete="off" />}
          </Field>
          <Field label="Employees" error={error('employeeCount')}>
            {(props) => <Input {...props} name="employeeCount" type="number" min={0} step={1} />}
          </Field>
          <Field label="Lifecycle stage" error={error('lifecycleStage')}>
            {(props) => (
              <Select {...props} name="lifecycleStage" defaultValue="prospect">
                {LIFECYCLE_STAGES.map((stage) => (
                  <option key={stage} value={stage}>
                    {STAGE_LABELS[stage]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create account
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
