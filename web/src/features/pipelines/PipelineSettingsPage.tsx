import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { useSession } from '../auth/session.tsx';
import { usePipelines, type ForecastCategory, type Pipeline } from '../opportunities/api.ts';
import {
  FORECAST_LABELS,
  GATE_LABELS,
  KIND_LABELS,
  OUTCOME_LABELS,
  PIPELINE_KINDS,
  useArchivePipeline,
  useCreatePipeline,
  useSavePipeline,
  type PipelineKind,
  type StageDraft,
} from './api.ts';

type Row = StageDraft & { key: string };
let nextKey = 0;
const rowsOf = (pipeline: Pipeline): Row[] =>
  pipeline.stages.map((s) => ({ key: s.id, id: s.id, name: s.name, probability: s.probability, forecastCategory: s.forecastCategory, outcome: s.outcome, gates: [...s.gates] }));
const draftOf = ({ key: _key, ...stage }: Row): StageDraft => stage;

/** Pipelines and their stages: order, default probability, forecast category and the gates a deal must pass to enter. Admins edit. */
export function PipelineSettingsPage() {
  const me = useSession();
  const canEdit = me.user.role === 'admin';
  const pipelines = usePipelines();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const selected = pipelines.data?.find((p) => p.id === selectedId) ?? pipelines.data?.[0];

  if (pipelines.isPending) return <Spinner />;
  if (pipelines.isError) return <Notice>{errorMessage(pipelines.error)}</Notice>;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Pipeline" className="min-w-0 flex-1 sm:max-w-xs">
          {(props) => (
            <Select {...props} value={selected?.id ?? ''} onChange={(e) => setSelectedId(e.target.value)}>
              {pipelines.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({KIND_LABELS[p.kind as PipelineKind] ?? p.kind}){p.archived ? ', archived' : ''}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {canEdit && selected && (
          <Button onClick={() => setCreating(true)}>
            <Icon name="plus" className="size-4" /> New pipeline
          </Button>
        )}
        {canEdit && selected && <ArchiveButton pipeline={selected} />}
      </div>
      {selected?.archived && <Notice tone="info">{selected.name} is archived: it takes no new deals; its closed deals stay in reports.</Notice>}
      {!canEdit && <Notice tone="info">Only admins change pipelines and stage gates; you can see how they are set.</Notice>}
      {selected && <StageEditor key={`${selected.id}:${selected.version}`} pipeline={selected} canEdit={canEdit} />}
      {creating && selected && (
        <NewPipelineDialog
          template={selected}
          onClose={(created) => {
            setCreating(false);
            if (created) setSelectedId(created.id);
          }}
        />
      )}
    </div>
  );
}

function ArchiveButton({ pipeline }: { pipeline: Pipeline }) {
  const archive = useArchivePipeline();
  const toast = useToast();
  const action = pipeline.archived ? 'restore' : 'archive';
  return (
    <>
      <Button
        busy={archive.isPending}
        onClick={() => archive.mutate({ id: pipeline.id, action }, { onSuccess: (saved) => toast(`${saved.name} ${saved.archived ? 'archived' : 'restored'}`) })}
      >
        {pipeline.archived ? 'Restore pipeline' : 'Archive pipeline'}
      </Button>
      {archive.isError && <Notice>{errorMessage(archive.error)}</Notice>}
    </>
  );
}

function StageEditor({ pipeline, canEdit }: { pipeline: Pipeline; canEdit: boolean }) {
  const save = useSavePipeline();
  const toast = useToast();
  const [name, setName] = useState(pipeline.name);
  const [rows, setRows] = useState<Row[]>(() => rowsOf(pipeline));
  const fields = save.error instanceof ApiError ? save.error.fields : {};
  const dirty = name !== pipeline.name || JSON.stringify(rows.map(draftOf)) !== JSON.stringify(rowsOf(pipeline).map(draftOf));

  const change = (key: string, patch: Partial<StageDraft>) => setRows((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const move = (index: number, by: -1 | 1) =>
    setRows((all) => {
      const next = [...all];
      const [row] = next.splice(index, 1);
      next.splice(index + by, 0, row!);
      return next;
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ pipeline, name: name.trim(), stages: rows.map(draftOf) }, { onSuccess: (saved) => toast(`Saved ${saved.name}`) });
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-label={`Stages of ${pipeline.name}`}>
      <Field label="Pipeline name" error={fields.name} className="sm:max-w-sm">
        {(props) => <Input {...props} value={name} disabled={!canEdit} onChange={(e) => setName(e.target.value)} maxLength={100} />}
      </Field>
      {fields.stages && <Notice>{fields.stages}</Notice>}
      <ol className="space-y-3">
        {rows.map((row, index) => (
          <li key={row.key} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
            <fieldset disabled={!canEdit} className="space-y-3">
              <legend className="sr-only">Stage {index + 1}</legend>
              <div className="flex flex-wrap items-end gap-3">
                <span aria-hidden="true" className="mb-2 flex size-6 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600">
                  {index + 1}
                </span>
                <Field label="Stage name" error={fields[`stages.${index}.name`]} className="min-w-40 flex-1">
                  {(props) => <Input {...props} value={row.name} onChange={(e) => change(row.key, { name: e.target.value })} maxLength={100} />}
                </Field>
                <Field label="Probability %" error={fields[`stages.${index}.probability`]} className="w-28">
                  {(props) => (
                    <Input {...props} type="number" min={0} max={100} value={row.probability} onChange={(e) => change(row.key, { probability: Math.max(0, Math.min(100, Math.round(Number(e.target.value) || 0))) })} />
                  )}
                </Field>
                <Field label="Forecast category" className="w-36">
                  {(props) => (
                    <Select {...props} value={row.forecastCategory} onChange={(e) => change(row.key, { forecastCategory: e.target.value as ForecastCategory })}>
                      {Object.entries(FORECAST_LABELS).map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </Select>
                  )}
                </Field>
                <Field label="Outcome" error={fields[`stages.${index}.outcome`]} className="w-28">
                  {(props) => (
                    <Select {...props} value={row.outcome} onChange={(e) => change(row.key, { outcome: e.target.value as StageDraft['outcome'] })}>
                      {Object.entries(OUTCOME_LABELS).map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </Select>
                  )}
                </Field>
              </div>
              <fieldset>
                <legend className="mb-1 text-sm font-medium text-slate-700">To enter “{row.name || `stage ${index + 1}`}” a deal needs</legend>
                <div className="flex flex-wrap gap-x-4 gap-y-1">
                  {Object.entries(GATE_LABELS).map(([gate, label]) => (
                    <label key={gate} className="flex items-center gap-2 text-sm text-slate-700">
                      <input
                        type="checkbox"
                        className="size-4 rounded border-slate-300"
                        checked={row.gates.includes(gate)}
                        onChange={(e) => change(row.key, { gates: e.target.checked ? [...row.gates, gate] : row.gates.filter((g) => g !== gate) })}
                      />
                      {label}
                    </label>
                  ))}
                </div>
              </fieldset>
              {canEdit && (
                <div className="flex flex-wrap gap-2 border-t border-slate-100 pt-3">
                  <Button size="sm" variant="ghost" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move ${row.name || 'stage'} up`}>
                    ↑ Up
                  </Button>
                  <Button size="sm" variant="ghost" disabled={index === rows.length - 1} onClick={() => move(index, 1)} aria-label={`Move ${row.name || 'stage'} down`}>
                    ↓ Down
                  </Button>
                  <Button size="sm" variant="ghost" disabled={rows.length <= 3} onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))} aria-label={`Remove ${row.name || 'stage'}`}>
                    <Icon name="trash" className="size-4" /> Remove
                  </Button>
                </div>
              )}
            </fieldset>
          </li>
        ))}
      </ol>
      {save.isError && !Object.keys(fields).length && <Notice>{errorMessage(save.error)}</Notice>}
      {canEdit && (
        <div className="flex flex-wrap gap-2">
          <Button
            disabled={rows.length >= 20}
            onClick={() => {
              // A new stage goes before the closed ones, where open stages belong.
              const at = rows.findIndex((r) => r.outcome !== 'open');
              const stage: Row = { key: `new-${nextKey++}`, name: '', probability: 50, forecastCategory: 'pipeline', outcome: 'open', gates: [] };
              setRows((all) => (at < 0 ? [...all, stage] : [...all.slice(0, at), stage, ...all.slice(at)]));
            }}
          >
            <Icon name="plus" className="size-4" /> Add a stage
          </Button>
          <span className="flex-1" />
          <Button disabled={!dirty || save.isPending} onClick={() => { setName(pipeline.name); setRows(rowsOf(pipeline)); save.reset(); }}>
            Discard changes
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending} disabled={!dirty}>
            Save pipeline
          </Button>
        </div>
      )}
    </form>
  );
}

function NewPipelineDialog({ template, onClose }: { template: Pipeline; onClose: (created?: Pipeline) => void }) {
  const create = useCreatePipeline();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<PipelineKind>('new_business');
  const fields = create.error instanceof ApiError ? create.error.fields : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const stages = rowsOf(template).map(({ key: _key, id: _id, ...stage }) => stage);
    create.mutate({ name: name.trim(), kind, stages }, { onSuccess: (created) => onClose(created) });
  };
  return (
    <Dialog open onClose={() => onClose()} title="New pipeline" description={`Starts with the stages of ${template.name}; change them after.`}>
      <form onSubmit={submit} className="space-y-4">
        <Field label="Name" error={fields.name}>
          {(props) => <Input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />}
        </Field>
        <Field label="Kind" error={fields.kind}>
          {(props) => (
            <Select {...props} value={kind} onChange={(e) => setKind(e.target.value as PipelineKind)}>
              {PIPELINE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {create.isError && !Object.keys(fields).length && <Notice>{errorMessage(create.error)}</Notice>}
        <DialogActions>
          <Button onClick={() => onClose()}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create pipeline
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
