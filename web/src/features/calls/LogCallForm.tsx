import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import type { SubjectType } from '../activities/api.ts';
import { CALL_OUTCOMES, OUTCOME_LABELS, useLogCall, type CallOutcome } from './api.ts';

const NEXT_STEPS = [
  { value: '', label: 'No next step' },
  { value: '2h', label: 'Call back in 2 hours' },
  { value: '1d', label: 'Call back tomorrow' },
  { value: '2d', label: 'Call back in 2 days' },
  { value: '7d', label: 'Call back next week' },
  { value: 'custom', label: 'Call back at…' },
] as const;

function nextStepDue(choice: string, custom: string, now = new Date()): string | null {
  if (choice === 'custom') return custom ? new Date(custom).toISOString() : null;
  if (choice === '2h') return new Date(now.getTime() + 2 * 3_600_000).toISOString();
  const days = { '1d': 1, '2d': 2, '7d': 7 }[choice];
  if (!days) return null;
  // A call-back "tomorrow" is tomorrow at the same hour, not in 24 hours from a late-night log.
  const due = new Date(now);
  due.setDate(due.getDate() + days);
  due.setHours(Math.max(9, Math.min(due.getHours(), 17)), 0, 0, 0);
  return due.toISOString();
}

/**
 * One action after a call: outcome, duration, notes and the next step. Used by the call queue
 * (then it advances) and by the "Log a call" quick action on every record's timeline.
 */
export function LogCallForm({
  subjectType,
  subjectId,
  taskId,
  initialSeconds = 0,
  submitLabel = 'Log call',
  onLogged,
}: {
  subjectType: SubjectType;
  subjectId: string;
  taskId?: string | null;
  initialSeconds?: number;
  submitLabel?: string;
  onLogged: () => void;
}) {
  const logCall = useLogCall();
  const [outcome, setOutcome] = useState<CallOutcome | null>(null);
  const [minutes, setMinutes] = useState(initialSeconds ? String(Math.max(1, Math.round(initialSeconds / 60))) : '');
  const [notes, setNotes] = useState('');
  const [next, setNext] = useState('');
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!outcome) {
      setError('Pick what happened on the call.');
      return;
    }
    const dueAt = nextStepDue(next, custom);
    if (next === 'custom' && !dueAt) {
      setError('Pick when to call back.');
      return;
    }
    setError(null);
    logCall.mutate(
      {
        subjectType,
        subjectId,
        outcome,
        durationSeconds: minutes ? Math.round(Number(minutes) * 60) : initialSeconds,
        ...(notes.trim() ? { notes: notes.trim() } : {}),
        ...(taskId ? { taskId } : {}),
        ...(dueAt ? { nextStep: { dueAt } } : {}),
      },
      {
        onSuccess: () => {
          setOutcome(null);
          setMinutes('');
          setNotes('');
          setNext('');
          onLogged();
        },
        onError: (e) => setError(e instanceof ApiError ? e.message : 'The call could not be logged.'),
      },
    );
  };

  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Log the call">
      <fieldset>
        <legend className="mb-1.5 text-sm font-medium text-slate-700">Outcome</legend>
        <div className="grid grid-cols-2 gap-1.5 sm:grid-cols-4">
          {CALL_OUTCOMES.map((o) => (
            <label
              key={o}
              className={`flex min-h-10 cursor-pointer items-center justify-center rounded-md px-2 text-center text-sm font-medium ring-1 ring-inset ${
                outcome === o ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50'
              }`}
            >
              <input type="radio" name="outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} className="sr-only" />
              {OUTCOME_LABELS[o]}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-[8rem_1fr]">
        <Field label="Minutes">{(props) => <Input {...props} type="number" min={0} step="0.5" inputMode="decimal" value={minutes} onChange={(e) => setMinutes(e.target.value)} />}</Field>
        <Field label="Next step">
          {(props) => (
            <Select {...props} value={next} onChange={(e) => setNext(e.target.value)}>
              {NEXT_STEPS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      {next === 'custom' && <Field label="Call back at">{(props) => <Input {...props} type="datetime-local" value={custom} onChange={(e) => setCustom(e.target.value)} />}</Field>}
      <Field label="Notes">
        {(props) => (
          <textarea
            {...props}
            rows={3}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            className="block w-full rounded-md border-0 px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-500 focus:outline-none"
            placeholder="What did you learn?"
          />
        )}
      </Field>
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      )}
      <Button type="submit" variant="primary" busy={logCall.isPending} className="w-full sm:w-auto">
        {submitLabel}
      </Button>
    </form>
  );
}

export function LogCallDialog({ open, onClose, subjectType, subjectId, name }: { open: boolean; onClose: () => void; subjectType: SubjectType; subjectId: string; name: string }) {
  return (
    <Dialog open={open} onClose={onClose} title={`Log a call with ${name}`}>
      {open && <LogCallForm subjectType={subjectType} subjectId={subjectId} onLogged={onClose} />}
    </Dialog>
  );
}
