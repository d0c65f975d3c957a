import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { canReassign, useSession } from '../auth/session.tsx';
import { ownerOptions, useUsers } from '../users/api.ts';
import { useUpdateTask, type Task } from './api.ts';

/** A UTC instant as the value of a datetime-local input, in the browser's zone. */
const localInput = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const instant = (local: string) => (local ? new Date(local).toISOString() : null);

/**
 * Edit a task after creating it: title, due time, reminder and — for managers and admins — owner.
 * A changed reminder is armed again by the server (sent once at the new time).
 */
export function EditTaskDialog({ task, onClose }: { task: Task; onClose: () => void }) {
  const me = useSession();
  const users = useUsers();
  const update = useUpdateTask();
  const [title, setTitle] = useState(task.title);
  const [due, setDue] = useState(localInput(task.dueAt));
  const [remind, setRemind] = useState(localInput(task.remindAt));
  const [owner, setOwner] = useState(task.ownerId);
  const [error, setError] = useState<string | null>(null);

  const save = (event: React.FormEvent) => {
    event.preventDefault();
    update.mutate(
      { task, changes: { title: title.trim(), dueAt: instant(due), remindAt: instant(remind), ...(owner !== task.ownerId ? { ownerId: owner } : {}) } },
      { onSuccess: onClose, onError: (e) => setError(e instanceof ApiError ? e.message : 'Not saved') },
    );
  };

  return (
    <Dialog open onClose={onClose} title="Edit task">
      <form onSubmit={save} aria-label="Edit task" className="space-y-3">
        <Field label="Title">{(props) => <Input {...props} value={title} onChange={(e) => setTitle(e.target.value)} required />}</Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Due">{(props) => <Input {...props} type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />}</Field>
          <Field label="Reminder">{(props) => <Input {...props} type="datetime-local" value={remind} onChange={(e) => setRemind(e.target.value)} />}</Field>
        </div>
        {canReassign(me.user.role) && (
          <Field label="Owner">
            {(props) => (
              <Select {...props} value={owner} onChange={(e) => setOwner(e.target.value)}>
                {ownerOptions(users.data, task.ownerId).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}
        {error && (
          <p role="alert" className="text-sm text-red-600">
            {error}
          </p>
        )}
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={update.isPending} disabled={!title.trim()}>
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
