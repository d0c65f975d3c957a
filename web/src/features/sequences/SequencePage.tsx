import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Button } from '../../components/Button.tsx';
import { controlClass, Field, Input, Select } from '../../components/Field.tsx';
import { errorMessage, Notice } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useToast } from '../../components/Toast.tsx';
import { canManageTeams, useSession } from '../auth/session.tsx';
import { useTemplates } from '../emails/api.ts';
import { CHANNEL_LABELS, STEP_CHANNELS, useEnrollmentAction, useEnrollments, useSaveSequence, useSequence, useSequenceMetrics, type Sequence, type SequenceStep, type StepChannel } from './api.ts';

/** One sequence: its steps (editable by managers), its metrics as charts, and who is enrolled. */
export function SequencePage() {
  const { id = '' } = useParams();
  const sequence = useSequence(id);
  if (!sequence.data) return sequence.error ? <Notice>{errorMessage(sequence.error)}</Notice> : null;
  return (
    <div className="space-y-6">
      <PageHeader title={sequence.data.name} subtitle={`${sequence.data.status} · ${sequence.data.steps.length} steps`} back={<Link to="/sequences">Sequences</Link>} />
      <StepsEditor sequence={sequence.data} />
      <Metrics id={id} sequence={sequence.data} />
      <Enrollments id={id} />
    </div>
  );
}

function StepsEditor({ sequence }: { sequence: Sequence }) {
  const me = useSession();
  const editable = canManageTeams(me.user.role);
  const templates = useTemplates();
  const save = useSaveSequence();
  const toast = useToast();
  const [name, setName] = useState(sequence.name);
  const [status, setStatus] = useState(sequence.status);
  const [allowConcurrent, setAllowConcurrent] = useState(sequence.allowConcurrent);
  const [steps, setSteps] = useState<SequenceStep[]>(sequence.steps);
  useEffect(() => setSteps(sequence.steps), [sequence.steps]);
  const change = (i: number, patch: Partial<SequenceStep>) => setSteps(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  return (
    <section className="space-y-3" aria-labelledby="steps">
      <h2 id="steps" className="text-base font-semibold">Steps</h2>
      {editable && (
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label="Name">{(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <Field label="Status">
            {(p) => (
              <Select {...p} value={status} onChange={(e) => setStatus(e.target.value as Sequence['status'])}>
                <option value="active">Active</option>
                <option value="paused">Paused</option>
                <option value="archived">Archived</option>
              </Select>
            )}
          </Field>
          <label className="flex items-center gap-2 self-end text-sm">
            <input type="checkbox" checked={allowConcurrent} onChange={(e) => setAllowConcurrent(e.target.checked)} /> Prospects may also be in other sequences
          </label>
        </div>
      )}
      <ol className="space-y-2">
        {steps.map((step, i) => (
          <li key={step.id ?? i} className="space-y-2 rounded-md border border-slate-200 bg-white p-3 text-sm">
            <div className="flex flex-wrap items-end gap-2">
              <span className="font-medium">Step {i + 1}</span>
              <Select aria-label="Channel" className="w-44" disabled={!editable} value={step.channel} onChange={(e) => change(i, { channel: e.target.value as StepChannel })}>
                {STEP_CHANNELS.map((c) => <option key={c} value={c}>{CHANNEL_LABELS[c]}</option>)}
              </Select>
              <label className="flex items-center gap-1">
                after <Input aria-label="Business days" type="number" min={0} className="w-20" disabled={!editable} value={step.delayDays} onChange={(e) => change(i, { delayDays: Number(e.target.value) })} /> business days
              </label>
              {editable && <Button size="sm" variant="danger" onClick={() => setSteps(steps.filter((_, j) => j !== i))}>Remove</Button>}
            </div>
            {step.channel.endsWith('email') ? (
              <div className="space-y-2">
                <Select aria-label="Template" disabled={!editable} value={step.templateId ?? ''} onChange={(e) => change(i, { templateId: e.target.value || null })}>
                  <option value="">Written here</option>
                  {templates.data?.data.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
                </Select>
                {!step.templateId && (
                  <>
                    <Input aria-label="Subject" placeholder="Subject" disabled={!editable} value={step.subject ?? ''} onChange={(e) => change(i, { subject: e.target.value })} />
                    <textarea aria-label="Body" rows={4} className={`${controlClass} w-full font-mono`} disabled={!editable} value={step.body ?? ''} onChange={(e) => change(i, { body: e.target.value })} />
                  </>
                )}
              </div>
            ) : (
              <Input aria-label="What to do" placeholder="What the rep should do" disabled={!editable} value={step.note ?? ''} onChange={(e) => change(i, { note: e.target.value })} />
            )}
          </li>
        ))}
      </ol>
      {save.error && <Notice>{errorMessage(save.error)}</Notice>}
      {editable && (
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => setSteps([...steps, { channel: 'call', delayDays: 2, note: '' }])}>Add step</Button>
          <Button variant="primary" busy={save.isPending} onClick={() => save.mutate({ id: sequence.id, name, status, allowConcurrent, steps }, { onSuccess: () => toast('Sequence saved') })}>
            Save sequence
          </Button>
        </div>
      )}
    </section>
  );
}

function Metrics({ id, sequence }: { id: string; sequence: Sequence }) {
  const metrics = useSequenceMetrics(id);
  const m = metrics.data;
  if (!m) return null;
  const data = m.steps.map((s, i) => ({ step: `${i + 1}. ${CHANNEL_LABELS[s.channel as StepChannel] ?? s.channel}`, Sent: s.sent, Opened: s.opened, Replied: s.replied, Tasks: s.tasks }));
  const tiles: [string, number][] = [['Enrolled', m.enrolled], ['Active', m.active], ['Sent', m.sent], ['Opened', m.opened], ['Replied', m.replied], ['Meetings', m.meetings]];
  return (
    <section className="space-y-3" aria-labelledby="metrics">
      <h2 id="metrics" className="text-base font-semibold">Metrics</h2>
      <dl className="grid grid-cols-3 gap-2 sm:grid-cols-6">
        {tiles.map(([label, value]) => (
          <div key={label} className="rounded-md border border-slate-200 bg-white p-2">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="text-lg font-semibold">{value}</dd>
          </div>
        ))}
      </dl>
      {Object.keys(m.exited).length > 0 && <p className="text-sm text-slate-600">Exited: {Object.entries(m.exited).map(([reason, n]) => `${reason.replace('_', ' ')} ${n}`).join(' · ')}</p>}
      {sequence.steps.length > 0 && (
        <div className="h-64 rounded-md border border-slate-200 bg-white p-2" aria-label="Per-step chart">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="step" fontSize={11} />
              <YAxis allowDecimals={false} fontSize={11} />
              <Tooltip />
              <Legend />
              <Bar dataKey="Sent" fill="#6366f1" />
              <Bar dataKey="Opened" fill="#22c55e" />
              <Bar dataKey="Replied" fill="#f59e0b" />
              <Bar dataKey="Tasks" fill="#94a3b8" />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
}

function Enrollments({ id }: { id: string }) {
  const enrollments = useEnrollments(id);
  const action = useEnrollmentAction();
  return (
    <section className="space-y-3" aria-labelledby="enrollments">
      <h2 id="enrollments" className="text-base font-semibold">Enrollments</h2>
      <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs text-slate-500">
            <tr><th className="px-3 py-2">Prospect</th><th className="px-3 py-2">Status</th><th className="px-3 py-2">Next step</th><th className="px-3 py-2" /></tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {enrollments.data?.data.map((e) => (
              <tr key={e.id}>
                <td className="px-3 py-2"><Link className="text-indigo-700 hover:underline" to={`/${e.subjectType === 'lead' ? 'leads' : 'contacts'}/${e.subjectId}`}>{e.name || e.subjectType}</Link></td>
                <td className="px-3 py-2">{e.status}{e.exitReason ? ` (${e.exitReason.replace('_', ' ')})` : ''}</td>
                <td className="px-3 py-2">{e.waitingStepId ? `step ${e.stepIndex} waits for the rep` : e.nextDueAt ? `step ${e.stepIndex + 1} · ${new Date(e.nextDueAt).toLocaleString()}` : '—'}</td>
                <td className="space-x-1 px-3 py-2 text-right whitespace-nowrap">
                  {e.status === 'active' && e.waitingStepId && <Button size="sm" onClick={() => action.mutate({ id: e.id, action: 'complete-step' })}>Done</Button>}
                  {e.status === 'active' && <Button size="sm" onClick={() => action.mutate({ id: e.id, action: 'stop' })}>Stop</Button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {enrollments.data?.data.length === 0 && <p className="px-3 py-2 text-sm text-slate-500">No one enrolled yet: select leads in the leads list and add them to this sequence.</p>}
      </div>
    </section>
  );
}
