import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDate } from '../../lib/dates.ts';
import { useUserNames } from '../users/api.ts';
import { FIELD_LABELS, snapshotName, useMergePreview, useMergeRecords, useUndoMerge, type DuplicateGroup, type MergePreview, type RecordType } from './api.ts';

const COMBINE = 'combine';
const blank = (v: unknown) => v === null || v === undefined || v === '';
const letter = (i: number) => String.fromCharCode(65 + i);

/** Side by side: pick the record that survives and, for every field that differs, whose value it keeps. */
export function MergeDialog({ type, group, onClose }: { type: RecordType; group: DuplicateGroup; onClose: () => void }) {
  const preview = useMergePreview(type, group.ids);
  return (
    <Dialog open onClose={onClose} wide title="Compare and merge" description="The surviving record keeps the values you pick; the others go to the trash with their history moved over. You can undo.">
      {preview.isPending ? (
        <Spinner label="Comparing…" />
      ) : preview.isError ? (
        <Notice>{errorMessage(preview.error)}</Notice>
      ) : (
        <MergeChoices type={type} preview={preview.data} onClose={onClose} />
      )}
    </Dialog>
  );
}

function MergeChoices({ type, preview, onClose }: { type: RecordType; preview: MergePreview; onClose: () => void }) {
  const records = preview.records;
  const [survivorId, setSurvivorId] = useState(records[0]!.id);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const merge = useMergeRecords();
  const undo = useUndoMerge();
  const toast = useToast();
  const nameOf = useUserNames();
  const differing = preview.fields.filter((f) => f.differs);
  const same = preview.fields.filter((f) => !f.differs && f.values.some((v) => !blank(v.value)));
  const label = (field: string) => FIELD_LABELS[field] ?? field;
  const show = (field: string, value: unknown) => (blank(value) ? '(empty)' : field === 'ownerId' ? nameOf(String(value)) : String(value));
  // What the server would keep without a choice: the survivor's value, else the first other one set.
  const defaultFor = (field: MergePreview['fields'][number]) => {
    if (field.field === 'notes') return COMBINE;
    const own = field.values.find((v) => v.recordId === survivorId);
    return own && !blank(own.value) ? survivorId : (field.values.find((v) => !blank(v.value))?.recordId ?? survivorId);
  };
  const choiceFor = (field: MergePreview['fields'][number]) => picked[field.field] ?? defaultFor(field);

  const submit = () => {
    const fieldChoices = Object.fromEntries(differing.map((f) => [f.field, choiceFor(f)]).filter(([, id]) => id !== COMBINE));
    merge.mutate(
      { type, survivorId, mergedIds: records.map((r) => r.id).filter((id) => id !== survivorId), fieldChoices },
      {
        onSuccess: (done) => {
          onClose();
          toast(`Merged ${records.length} records into “${snapshotName(records.find((r) => r.id === survivorId)!)}”`, {
            action: { label: 'Undo', onClick: () => undo.mutate(done.id, { onSuccess: () => toast('Merge undone'), onError: (e) => toast(errorMessage(e), { tone: 'error' }) }) },
          });
        },
      },
    );
  };

  return (
    <form
      aria-label="Merge choices"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {merge.error && <Notice>{errorMessage(merge.error)}</Notice>}
      <fieldset>
        <legend className="mb-2 text-sm font-semibold text-slate-900">Surviving record</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {records.map((r, i) => (
            <label key={r.id} className={`flex min-w-0 cursor-pointer items-start gap-2 rounded-lg p-2.5 text-sm ring-1 ${r.id === survivorId ? 'bg-indigo-50 ring-indigo-300' : 'ring-slate-200'}`}>
              <input type="radio" name="survivor" value={r.id} checked={r.id === survivorId} onChange={() => setSurvivorId(r.id)} className="mt-0.5" />
              <span className="min-w-0 flex-1">
                <span className="font-medium text-slate-900">
                  {letter(i)} · {snapshotName(r)}
                </span>
                <span className="block truncate text-xs text-slate-500">
                  {[r.email, r.company ?? r.domain, typeof r.createdAt === 'string' ? `created ${formatDate(r.createdAt)}` : null].filter((v) => typeof v === 'string' && v).join(' · ')}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      {differing.length > 0 && (
        <div className="max-h-[45vh] space-y-3 overflow-y-auto pr-1">
          <p className="text-sm font-semibold text-slate-900">Where they differ, keep…</p>
          {differing.map((f) => (
            <fieldset key={f.field} className="rounded-lg p-2.5 ring-1 ring-slate-200">
              <legend className="px-1 text-xs font-medium text-slate-500">{label(f.field)}</legend>
              <div className="space-y-1">
                {f.values.map((v) => {
                  const i = records.findIndex((r) => r.id === v.recordId);
                  return (
                    <label key={v.recordId} className="flex items-start gap-2 text-sm">
                      <input
                        type="radio"
                        name={`field-${f.field}`}
                        value={v.recordId}
                        checked={choiceFor(f) === v.recordId}
                        onChange={() => setPicked((p) => ({ ...p, [f.field]: v.recordId }))}
                        aria-label={`${label(f.field)}: ${show(f.field, v.value)} (${letter(i)})`}
                        className="mt-0.5"
                      />
                      <span className="min-w-0 break-words whitespace-pre-line">
                        <span className="mr-1 text-xs text-slate-400">{letter(i)}</span>
                        <span className={blank(v.value) ? 'text-slate-400' : 'text-slate-800'}>{show(f.field, v.value)}</span>
                      </span>
                    </label>
                  );
                })}
                {f.field === 'notes' && (
                  <label className="flex items-center gap-2 text-sm">
                    <input type="radio" name="field-notes" value={COMBINE} checked={choiceFor(f) === COMBINE} onChange={() => setPicked((p) => ({ ...p, notes: COMBINE }))} />
                    <span className="text-slate-800">Combine all notes</span>
                  </label>
                )}
              </div>
            </fieldset>
          ))}
        </div>
      )}
      {same.length > 0 && (
        <p className="text-xs text-slate-500">
          The same in every record: {same.map((f) => `${label(f.field)} (${show(f.field, f.values.find((v) => !blank(v.value))?.value)})`).join(', ')}
        </p>
      )}
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" busy={merge.isPending}>
          Merge {records.length} records
        </Button>
      </DialogActions>
    </form>
  );
}
