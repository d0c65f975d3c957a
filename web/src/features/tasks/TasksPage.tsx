import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Input, Select } from '../../components/Field.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { useCreateTask, useSetTaskStatus, useTasks, type Task } from './api.ts';
import { relativeDue } from './due.ts';
import { EditTaskDialog } from './EditTaskDialog.tsx';

function bucket(task: Task, now: number, endOfToday: number): 'Overdue' | 'Today' | 'Upcoming' | 'Someday' {
  if (!task.dueAt) return 'Someday';
  const due = Date.parse(task.dueAt);
  return due < now ? 'Overdue' : due < endOfToday ? 'Today' : 'Upcoming';
}

/** My tasks by when they are due; add one, tick one off, reopen a done one. */
export function TasksPage() {
  const [showDone, setShowDone] = useState(false);
  const tasks = useTasks({ status: showDone ? 'done' : 'open' });
  const create = useCreateTask();
  const setStatus = useSetTaskStatus();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [type, setType] = useState<Task['type']>('todo');
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Task | null>(null);
  const now = Date.now();
  const end = new Date();
  end.setHours(24, 0, 0, 0);
  const groups = new Map<string, Task[]>();
  for (const task of tasks.data?.data ?? []) {
    const key = showDone ? 'Done' : bucket(task, now, end.getTime());
    groups.set(key, [...(groups.get(key) ?? []), task]);
  }

  const add = (event: React.FormEvent) => {
    event.preventDefault();
    create.mutate(
      { title, type, ...(due ? { dueAt: new Date(due).toISOString(), remindAt: new Date(Date.parse(due) - 15 * 60_000).toISOString() } : {}) },
      { onSuccess: () => (setTitle(''), setDue(''), setError(null)), onError: (e) => setError(e instanceof ApiError ? e.message : 'Not saved') },
    );
  };

  return (
    <div className="space-y-5">
      <PageHeader title="My tasks" subtitle="Reminders arrive as notifications 15 minutes before a task is due" />
      <form onSubmit={add} aria-label="New task" className="flex flex-col gap-2 rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-900/5 sm:flex-row">
        <Input aria-label="Task" placeholder="What needs doing?" value={title} onChange={(e) => setTitle(e.target.value)} className="flex-1" />
        <Select aria-label="Type" value={type} onChange={(e) => setType(e.target.value as Task['type'])} className="sm:w-28">
          <option value="todo">To-do</option>
          <option value="call">Call</option>
          <option value="email">Email</option>
        </Select>
        <Input aria-label="Due" type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} className="sm:w-52" />
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!title.trim()}>
          Add task
        </Button>
      </form>
      {error && <p role="alert" className="text-sm text-red-600">{error}</p>}
      <label className="flex items-center gap-2 text-sm text-slate-600">
        <input type="checkbox" checked={showDone} onChange={(e) => setShowDone(e.target.checked)} className="size-4 rounded border-slate-300" /> Show done tasks
      </label>
      {tasks.isPending ? (
        <Spinner />
      ) : groups.size === 0 ? (
        <p className="rounded-xl bg-white px-5 py-8 text-center text-sm text-slate-500 shadow-sm ring-1 ring-slate-900/5">{showDone ? 'Nothing done yet.' : 'No open tasks. Enjoy it.'}</p>
      ) : (
        ['Overdue', 'Today', 'Upcoming', 'Someday', 'Done']
          .filter((key) => groups.has(key))
          .map((key) => (
            <section key={key} aria-label={key} className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
              <h2 className={`border-b border-slate-100 px-4 py-2.5 text-sm font-semibold ${key === 'Overdue' ? 'text-red-700' : 'text-slate-900'}`}>
                {key} <span className="font-normal text-slate-400">{groups.get(key)!.length}</span>
              </h2>
              <ul className="divide-y divide-slate-100">
                {groups.get(key)!.map((task) => (
                  <li key={task.id} className="flex items-center gap-3 px-4 py-2.5">
                    <input
                      type="checkbox"
                      aria-label={task.status === 'done' ? `Reopen ${task.title}` : `Complete ${task.title}`}
                      checked={task.status === 'done'}
                      onChange={() => setStatus.mutate({ task, status: task.status === 'done' ? 'open' : 'done' })}
                      className="size-5 rounded border-slate-300"
                    />
                    <span className="min-w-0 flex-1">
                      <span className={`block truncate text-sm ${task.status === 'done' ? 'text-slate-400 line-through' : 'text-slate-900'}`}>
                        {task.type !== 'todo' && <span className="mr-1.5 text-xs font-semibold text-slate-500 uppercase">{task.type}</span>}
                        {task.title}
                      </span>
                      {task.subject && (
                        <Link to={task.subject.link} className="block truncate text-xs text-indigo-600 hover:text-indigo-500">
                          {task.subject.name}
                        </Link>
                      )}
                    </span>
                    {task.dueAt && (
                      <span title={formatDateTime(task.dueAt)} className={`shrink-0 text-xs ${key === 'Overdue' ? 'font-medium text-red-600' : 'text-slate-500'}`}>
                        {relativeDue(task.dueAt)}
                      </span>
                    )}
                    <Button size="sm" variant="ghost" aria-label={`Edit ${task.title}`} onClick={() => setEditing(task)}>
                      Edit
                    </Button>
                  </li>
                ))}
              </ul>
            </section>
          ))
      )}
      {editing && <EditTaskDialog task={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
