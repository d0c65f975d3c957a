import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useShortcut } from '../../lib/shortcuts.ts';
import { canReassign, useSession } from '../auth/session.tsx';
import { leadName } from '../leads/labels.ts';
import { NewLeadDialog } from '../leads/NewLeadDialog.tsx';
import { useSetTaskStatus, type Task } from '../tasks/api.ts';
import { relativeDue } from '../tasks/due.ts';
import { useEnrollmentAction } from '../sequences/api.ts';
import { useTeamGoalProgress, useToday, type GoalProgress, type SequenceStepDue, type SequenceStepUpcoming } from './api.ts';

function greeting(hour: number): string {
  return hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening';
}

const METRIC_LABELS: Record<GoalProgress['metric'], string> = { calls: 'Calls', connects: 'Connects', emails: 'Emails' };
const METRIC_COLOURS: Record<GoalProgress['metric'], string> = { calls: '#4f46e5', connects: '#059669', emails: '#0284c7' };

/** A progress ring: the share of the day's goal done, the count in the middle. */
function GoalRing({ goal }: { goal: GoalProgress }) {
  const radius = 30;
  const circumference = 2 * Math.PI * radius;
  const ratio = goal.ratio ?? 0;
  const label = goal.target ? `${METRIC_LABELS[goal.metric]}: ${goal.done} of ${goal.target}` : `${METRIC_LABELS[goal.metric]}: ${goal.done}, no goal set`;
  return (
    <figure className="flex flex-col items-center gap-1" aria-label={label} role="img">
      <svg viewBox="0 0 76 76" className="size-20 sm:size-24" aria-hidden="true">
        <circle cx="38" cy="38" r={radius} fill="none" stroke="#e2e8f0" strokeWidth="8" />
        {ratio > 0 && (
          <circle
            cx="38"
            cy="38"
            r={radius}
            fill="none"
            stroke={METRIC_COLOURS[goal.metric]}
            strokeWidth="8"
            strokeLinecap="round"
            strokeDasharray={`${circumference * ratio} ${circumference}`}
            transform="rotate(-90 38 38)"
          />
        )}
        <text x="38" y="36" textAnchor="middle" className="fill-slate-900 text-[15px] font-semibold">
          {goal.done}
        </text>
        <text x="38" y="50" textAnchor="middle" className="fill-slate-500 text-[9px]">
          {goal.target ? `of ${goal.target}` : 'no goal'}
        </text>
      </svg>
      <figcaption className="text-xs font-medium text-slate-700">
        {METRIC_LABELS[goal.metric]}
        {goal.ratio === 1 && <span className="ml-1 text-emerald-600">✓</span>}
      </figcaption>
    </figure>
  );
}

/** Ticks every 30 s so SLA countdowns stay true while the page is open. */
function useNow(every = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}

function Panel({ title, hint, action, children }: { title: string; hint?: string; action?: ReactNode; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="flex items-baseline justify-between gap-3 border-b border-slate-100 px-4 py-3 sm:px-5">
        <div>
          <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
          {hint && <p className="text-xs text-slate-500">{hint}</p>}
        </div>
        {action}
      </div>
      {children}
    </section>
  );
}

const Empty = ({ children }: { children: ReactNode }) => <p className="px-5 py-6 text-center text-sm text-slate-500">{children}</p>;

function TaskRow({ task, now }: { task: Task; now: number }) {
  const setStatus = useSetTaskStatus();
  const overdue = task.dueAt !== null && Date.parse(task.dueAt) < now;
  return (
    <li className="flex items-center gap-3 px-4 py-2.5 sm:px-5">
      <input type="checkbox" aria-label={`Complete ${task.title}`} className="size-5 rounded border-slate-300" onChange={() => setStatus.mutate({ task, status: 'done' })} />
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm text-slate-900">{task.title}</span>
        {task.subject && (
          <Link to={task.subject.link} className="block truncate text-xs text-indigo-600 hover:text-indigo-500">
            {task.subject.name}
          </Link>
        )}
      </span>
      {task.dueAt && <span className={`shrink-0 text-xs ${overdue ? 'font-medium text-red-600' : 'text-slate-500'}`}>{relativeDue(task.dueAt, now)}</span>}
    </li>
  );
}

const METRIC_LABEL: Record<GoalProgress['metric'], string> = { calls: 'Calls', connects: 'Connects', emails: 'Emails' };

/** A manager's view of the team's day: one row per person, a bar per goal. */
function TeamGoals() {
  const team = useTeamGoalProgress(true);
  if (team.isPending) return <Spinner />;
  const rows = team.data ?? [];
  return (
    <section aria-label="Team goals" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <h2 className="text-sm font-semibold text-slate-900">My team today</h2>
      {rows.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">Nobody in your teams yet.</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100">
          {rows.map((person) => (
            <li key={person.userId} className="grid gap-2 py-2.5 sm:grid-cols-[10rem_1fr] sm:items-center">
              <span className="truncate text-sm font-medium text-slate-900">{person.name}</span>
              <div className="grid grid-cols-3 gap-3">
                {person.goals.map((goal) => {
                  const pct = goal.target ? Math.min(100, Math.round((goal.done / goal.target) * 100)) : 0;
                  return (
                    <div key={goal.metric} aria-label={`${person.name} ${METRIC_LABEL[goal.metric]}: ${goal.done}${goal.target ? ` of ${goal.target}` : ''}`}>
                      <div className="flex justify-between text-xs text-slate-500">
                        <span>{METRIC_LABEL[goal.metric]}</span>
                        <span className="tabular-nums">
                          {goal.done}
                          {goal.target ? `/${goal.target}` : ''}
                        </span>
                      </div>
                      <div className="mt-1 h-2 rounded-full bg-slate-100">
                        <div className={`h-2 rounded-full ${pct >= 100 ? 'bg-emerald-500' : 'bg-indigo-500'}`} style={{ width: `${pct}%` }} />
                      </div>
                    </div>
                  );
                })}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const STEP_LABEL: Record<SequenceStepDue['channel'], string> = { call: 'Call', manual_email: 'Email', task: 'Task' };

/** A sequence step's channel, prospect, sequence and instruction: the left of a step row. */
function StepSummary({ step, tone }: { step: Omit<SequenceStepUpcoming, 'dueAt'>; tone: string }) {
  return (
    <>
      <span className={`w-12 shrink-0 rounded-md px-1.5 py-0.5 text-center text-xs font-medium ${tone}`}>{STEP_LABEL[step.channel]}</span>
      <span className="min-w-0 flex-1">
        <Link to={`/${step.subjectType}s/${step.subjectId}`} className="block truncate text-sm font-medium text-slate-900 hover:text-indigo-600">
          {step.name || 'Prospect'}
        </Link>
        <span className="block truncate text-xs text-slate-500">
          <Link to={`/sequences/${step.sequenceId}`} className="hover:underline">{step.sequenceName}</Link> · step {step.stepNumber}
          {step.instruction && <> · {step.instruction}</>}
        </span>
      </span>
    </>
  );
}

function SequenceStepRow({ step }: { step: SequenceStepDue }) {
  const action = useEnrollmentAction();
  const client = useQueryClient();
  return (
    <li className="flex items-center gap-3 px-4 py-2.5 sm:px-5">
      <StepSummary step={step} tone="bg-violet-50 text-violet-700" />
      <Button
        size="sm"
        disabled={action.isPending}
        onClick={() => action.mutate({ id: step.enrollmentId, action: 'complete-step' }, { onSuccess: () => void client.invalidateQueries({ queryKey: ['today'] }) })}
      >
        Done
      </Button>
    </li>
  );
}

function UpcomingStepRow({ step, timeZone }: { step: SequenceStepUpcoming; timeZone: string }) {
  return (
    <li className="flex items-center gap-3 px-4 py-2.5 sm:px-5">
      <StepSummary step={step} tone="bg-slate-100 text-slate-600" />
      <span className="shrink-0 text-xs text-slate-500">
        {new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(step.dueAt))}
      </span>
    </li>
  );
}

/** A rep's home: new leads against their SLA clock, calls and tasks due, demos, and the day's goals. */
export function TodayPage() {
  const me = useSession();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  useShortcut('n', () => setCreating(true));
  const worksRecords = me.user.role !== 'partner';
  const today = useToday(worksRecords);
  const now = useNow();
  const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: me.user.timeZone }).format(new Date(now)));
  const data = today.data;

  return (
    <div className="space-y-5">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-slate-900 sm:text-2xl">
            {greeting(hour)}, {me.user.name.split(' ')[0]}
          </h1>
          <p className="mt-1 text-sm text-slate-500">Here is what needs you today at {me.org.name}.</p>
        </div>
        {worksRecords && (
          <div className="flex gap-2">
            <Link to="/calls" className="inline-flex h-9 items-center gap-2 rounded-md bg-emerald-600 px-3.5 text-sm font-medium text-white shadow-sm hover:bg-emerald-500">
              Start calling
            </Link>
            <Button variant="primary" onClick={() => setCreating(true)}>
              <Icon name="plus" className="size-4" /> New lead
            </Button>
          </div>
        )}
      </div>

      {!worksRecords ? null : today.isPending || !data ? (
        <Spinner />
      ) : (
        <>
          <section aria-label="Daily goals" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
            <div className="flex items-baseline justify-between">
              <h2 className="text-sm font-semibold text-slate-900">Today's goals</h2>
              <span className="text-xs text-slate-500">{data.day}</span>
            </div>
            <div className="mt-3 flex justify-around gap-2">
              {data.goals.map((goal) => (
                <GoalRing key={goal.metric} goal={goal} />
              ))}
            </div>
          </section>

          {canReassign(me.user.role) && <TeamGoals />}

          <div className="grid gap-5 lg:grid-cols-2">
            <Panel title="My new leads" hint="Assigned to you, first touch due" action={<Link to="/leads?owner=me&status=new" className="text-sm font-medium text-indigo-600">View all</Link>}>
              {data.newLeads.length === 0 ? (
                <Empty>No new leads waiting for you.</Empty>
              ) : (
                <ul className="divide-y divide-slate-100">
                  {data.newLeads.map((lead) => {
                    const overdue = lead.slaDueAt !== null && Date.parse(lead.slaDueAt) < now;
                    return (
                      <li key={lead.id}>
                        <Link to={`/leads/${lead.id}`} className="flex items-center gap-3 px-4 py-2.5 hover:bg-slate-50 sm:px-5">
                          <span className="min-w-0 flex-1">
                            <span className="block truncate text-sm font-medium text-slate-900">{leadName(lead)}</span>
                            <span className="block truncate text-xs text-slate-500">{lead.company || lead.email}</span>
                          </span>
                          {lead.slaDueAt ? (
                            <span className={`shrink-0 rounded-md px-2 py-0.5 text-xs font-medium ${overdue ? 'bg-red-50 text-red-700' : 'bg-amber-50 text-amber-800'}`}>
                              {overdue ? `SLA ${relativeDue(lead.slaDueAt, now)}` : `First touch ${relativeDue(lead.slaDueAt, now)}`}
                            </span>
                          ) : (
                            <span className="shrink-0 text-xs text-slate-400">score {lead.score}</span>
                          )}
                        </Link>
                      </li>
                    );
                  })}
                </ul>
              )}
            </Panel>

            <Panel title="Calls due" hint="Call-backs due today and overdue" action={<Link to="/calls" className="text-sm font-medium text-indigo-600">Open queue</Link>}>
              {data.callsDue.length === 0 ? (
                <Empty>No call-backs due.</Empty>
              ) : (
                <ul className="divide-y divide-slate-100">
                  {data.callsDue.map((task) => (
                    <TaskRow key={task.id} task={task} now={now} />
                  ))}
                </ul>
              )}
            </Panel>

            <Panel title="Tasks" hint={data.overdue ? `${data.overdue} overdue` : 'Due today'} action={<Link to="/tasks" className="text-sm font-medium text-indigo-600">All tasks</Link>}>
              {data.tasksDue.length === 0 ? (
                <Empty>Nothing due today.</Empty>
              ) : (
                <ul className="divide-y divide-slate-100">
                  {data.tasksDue.map((task) => (
                    <TaskRow key={task.id} task={task} now={now} />
                  ))}
                </ul>
              )}
            </Panel>

            <Panel title="Sequence steps" hint="Manual steps waiting for you" action={<Link to="/calls?source=sequence" className="text-sm font-medium text-indigo-600">Call through</Link>}>
              {data.sequenceSteps.length === 0 ? (
                <Empty>No sequence steps waiting.</Empty>
              ) : (
                <ul className="divide-y divide-slate-100">
                  {data.sequenceSteps.map((step) => (
                    <SequenceStepRow key={step.enrollmentId} step={step} />
                  ))}
                </ul>
              )}
              {data.upcomingSteps.length > 0 && (
                <>
                  <h3 className="border-t border-slate-100 px-4 pb-1 pt-3 text-xs font-semibold uppercase tracking-wide text-slate-500 sm:px-5">Later today</h3>
                  <ul className="divide-y divide-slate-100">
                    {data.upcomingSteps.map((step) => (
                      <UpcomingStepRow key={step.enrollmentId} step={step} timeZone={data.timeZone} />
                    ))}
                  </ul>
                </>
              )}
            </Panel>

            <Panel title="Demos today" action={<Link to="/meetings" className="text-sm font-medium text-indigo-600">Agenda</Link>}>
              {data.demos.length === 0 ? (
                <Empty>No demos today.</Empty>
              ) : (
                <ul className="divide-y divide-slate-100">
                  {data.demos.map((demo) => (
                    <li key={demo.id} className="flex items-center gap-3 px-4 py-2.5 sm:px-5">
                      <span className="w-12 shrink-0 text-sm font-medium text-slate-900">
                        {new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: data.timeZone }).format(new Date(demo.startsAt))}
                      </span>
                      <span className="min-w-0 flex-1 truncate text-sm text-slate-800">{demo.title}</span>
                      {demo.videoUrl && (
                        <a href={demo.videoUrl} target="_blank" rel="noreferrer" className="shrink-0 text-xs font-medium text-indigo-600">
                          Join
                        </a>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </Panel>
          </div>
        </>
      )}

      <NewLeadDialog open={creating} onClose={() => setCreating(false)} onOpenLead={(id) => navigate(`/leads/${id}`)} />
    </div>
  );
}
