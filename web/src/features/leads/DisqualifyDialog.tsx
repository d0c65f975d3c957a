import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { OrgSettings } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Select } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { fieldError, formError, formText } from '../../lib/forms.ts';

/** Disqualifying needs one of the organisation's reasons; this asks for it. */
export function DisqualifyDialog({
  open,
  count,
  busy,
  error,
  onClose,
  onConfirm,
}: {
  open: boolean;
  count: number;
  busy: boolean;
  error: unknown;
  onClose: () => void;
  onConfirm: (reason: string) => void;
}) {
  const settings = useQuery({ queryKey: ['org-settings'], queryFn: () => api<OrgSettings>('/api/v1/org-settings'), enabled: open, staleTime: 60_000 });
  const reasons = settings.data?.disqualificationReasons ?? [];
  const recycle = settings.data?.recycleAfterDays;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={count === 1 ? 'Disqualify this lead' : `Disqualify ${count} leads`}
      description={recycle ? `It returns to the pool as a new, unassigned lead after ${recycle} days.` : 'Say why, so reports and recycling can use it.'}
    >
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm(formText(event.currentTarget).reason ?? '');
        }}
      >
        {formError(error, ['disqualifiedReason', 'status']) && <Notice>{formError(error, ['disqualifiedReason', 'status'])}</Notice>}
        <Field label="Reason" error={fieldError(error, 'disqualifiedReason') ?? fieldError(error, 'status')}>
          {(props) => (
            <Select {...props} name="reason" required defaultValue="" autoFocus>
              <option value="" disabled>
                {settings.isPending ? 'Loading reasons…' : 'Choose a reason…'}
              </option>
              {reasons.map((reason) => (
                <option key={reason} value={reason}>
                  {reason}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" busy={busy}>
            Disqualify
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
