import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { LEAD_STATUSES } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Menu, MenuItem } from '../../components/Menu.tsx';
import { errorMessage } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { api } from '../../api/client.ts';
import { canReassign, useSession } from '../auth/session.tsx';
import { ownerOptions, useUsers } from '../users/api.ts';
import { leadKeys, useBulkLeads, type BulkChange } from './api.ts';
import { EnrollMenu } from '../sequences/EnrollMenu.tsx';
import { DisqualifyDialog } from './DisqualifyDialog.tsx';
import { STATUS_LABELS } from './labels.ts';

const plural = (n: number) => `${n} ${n === 1 ? 'lead' : 'leads'}`;

const menuButton = 'inline-flex h-8 items-center gap-1 rounded-md bg-white/10 px-2.5 text-sm font-medium text-white hover:bg-white/20';

/** What the team does to many selected leads at once: assign, change status, delete. */
export function BulkActions({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const me = useSession();
  const users = useUsers();
  const bulk = useBulkLeads();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [disqualifying, setDisqualifying] = useState(false);

  const run = (change: BulkChange, done: (updated: number) => string) =>
    bulk.mutate(
      { ids, change },
      {
        onSuccess: ({ updated }) => {
          onDone();
          toast(done(updated), change.action === 'delete' ? { action: { label: 'Undo', onClick: () => void restoreAll(ids) } } : undefined);
        },
        onError: (error) => toast(errorMessage(error), { tone: 'error' }),
      },
    );

  // Runs from the toast, after this toolbar has gone with the selection.
  const restoreAll = async (restoring: string[]) => {
    await Promise.allSettled(restoring.map((id) => api(`/api/v1/leads/${id}/restore`, { method: 'POST' })));
    await queryClient.invalidateQueries({ queryKey: leadKeys.all });
    toast(`Restored ${plural(restoring.length)}`);
  };


  return (
    <div role="toolbar" aria-label="Bulk actions" className="flex flex-wrap items-center gap-2 rounded-lg bg-slate-900 px-3 py-2 text-white shadow-lg">
      <span className="mr-1 text-sm font-medium">{ids.length} selected</span>
      <Menu
        buttonClassName={menuButton}
        label={
          <>
            Change status <Icon name="chevronDown" className="size-4" />
          </>
        }
      >
        {(close) =>
          // Converting makes an account, contact and deal per lead: one at a time, from the lead's page.
          LEAD_STATUSES.filter((status) => status !== 'converted').map((status) => (
            <MenuItem
              key={status}
              onClick={() => {
                close();
                if (status === 'disqualified') setDisqualifying(true);
                else run({ action: 'status', status }, (n) => `Set ${plural(n)} to ${STATUS_LABELS[status]}`);
              }}
            >
              {STATUS_LABELS[status]}
            </MenuItem>
          ))
        }
      </Menu>
      {canReassign(me.user.role) && (
        <Menu
          buttonClassName={menuButton}
          label={
            <>
              Assign to <Icon name="chevronDown" className="size-4" />
            </>
          }
        >
          {(close) => (
            <div className="max-h-72 overflow-y-auto">
              {ownerOptions(users.data)
                .filter((option) => !option.label.endsWith('(deactivated)'))
                .map((option) => (
                  <MenuItem
                    key={option.value}
                    onClick={() => {
                      close();
                      run({ action: 'assign', ownerId: option.value }, (n) => `Assigned ${plural(n)} to ${option.label}`);
                    }}
                  >
                    {option.label}
                  </MenuItem>
                ))}
            </div>
          )}
        </Menu>
      )}
      {me.user.role !== 'executive' && me.user.role !== 'partner' && <EnrollMenu ids={ids} onDone={onDone} buttonClassName={menuButton} />}
      <button type="button" className={`${menuButton} hover:bg-red-600`} onClick={() => setConfirmDelete(true)}>
        <Icon name="trash" className="size-4" /> Delete
      </button>
      <button type="button" className="ml-auto rounded-md px-2 py-1 text-sm text-slate-300 hover:text-white" onClick={onDone}>
        Clear selection
      </button>
      {bulk.isPending && <span className="text-sm text-slate-300">Working…</span>}

      <DisqualifyDialog
        open={disqualifying}
        count={ids.length}
        busy={bulk.isPending}
        error={null}
        onClose={() => setDisqualifying(false)}
        onConfirm={(disqualifiedReason) => {
          setDisqualifying(false);
          run({ action: 'status', status: 'disqualified', disqualifiedReason }, (n) => `Disqualified ${plural(n)}: ${disqualifiedReason}`);
        }}
      />
      <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)} title={`Delete ${plural(ids.length)}?`} description="They move to the trash, where you can restore them.">
        <DialogActions>
          <Button onClick={() => setConfirmDelete(false)}>Cancel</Button>
          <Button
            variant="danger"
            data-autofocus
            onClick={() => {
              setConfirmDelete(false);
              run({ action: 'delete' }, (n) => `Moved ${plural(n)} to the trash`);
            }}
          >
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </div>
  );
}
