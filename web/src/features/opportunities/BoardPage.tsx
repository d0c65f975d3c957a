import { useState, type DragEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { SortHeader, Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDate } from '../../lib/dates.ts';
import { useUserNames } from '../users/api.ts';
import { money, useBoard, useCreateDeal, useDealList, useMoveDeal, usePipelines, useSummary, type Card, type Pipeline, type Stage } from './api.ts';

const CATEGORY_TONES = { pipeline: 'slate', best_case: 'blue', commit: 'violet', closed: 'green', omitted: 'red' } as const;

/** Opportunities: a pipeline as a board (drag cards between stages) or as a table. */
export function BoardPage() {
  const pipelines = usePipelines();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  if (pipelines.isPending) return <Spinner label="Loading pipelines…" />;
  if (pipelines.isError) return <Notice>{errorMessage(pipelines.error)}</Notice>;
  // Archived pipelines stay viewable (their closed deals) when asked for; the default is an active one.
  const pipeline = pipelines.data.find((p) => p.id === params.get('pipeline')) ?? pipelines.data.find((p) => !p.archived) ?? pipelines.data[0]!;
  const view = params.get('view') === 'table' ? 'table' : 'board';
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  return (
    <div className="space-y-4">
      <PageHeader
        title="Opportunities"
        subtitle="Drag a card to move the deal; stage gates tell you what is missing."
        actions={
          <>
            <Select aria-label="Pipeline" className="w-44" value={pipeline.id} onChange={(e) => set('pipeline', e.target.value)}>
              {pipelines.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                  {p.archived ? ' (archived)' : ''}
                </option>
              ))}
            </Select>
            <div role="group" aria-label="View" className="inline-flex rounded-md shadow-sm ring-1 ring-slate-300">
              {(['board', 'table'] as const).map((v) => (
                <button
                  key={v}
                  type="button"
                  aria-pressed={view === v}
                  onClick={() => set('view', v)}
                  className={`px-3 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md ${view === v ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
                >
                  {v === 'board' ? 'Board' : 'Table'}
                </button>
              ))}
            </div>
            {!pipeline.archived && (
              <Button variant="primary" onClick={() => setCreating(true)}>
                <Icon name="plus" className="size-4" /> New deal
              </Button>
            )}
          </>
        }
      />
      {view === 'board' ? <PipelineBoard pipeline={pipeline} /> : <DealTable pipeline={pipeline} />}
      <NewDealDialog open={creating} onClose={() => setCreating(false)} pipeline={pipeline} />
    </div>
  );
}

type PendingMove = { card: Card; stage: Stage };

function PipelineBoard({ pipeline }: { pipeline: Pipeline }) {
  const board = useBoard(pipeline.id);
  const summary = useSummary(pipeline.id);
  const move = useMoveDeal(pipeline.id);
  const toast = useToast();
  const [dragging, setDragging] = useState<Card | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [closing, setClosing] = useState<PendingMove | null>(null);

  const send = (card: Card, stage: Stage, reasons: { lossReason?: string; winReason?: string } = {}) =>
    move.mutate(
      { card, stageId: stage.id, ...reasons },
      {
        onSuccess: () => toast(`${card.name} moved to ${stage.name}`),
        onError: (error) => {
          const missing = error instanceof ApiError && error.status === 422 ? Object.values(error.fields) : [];
          toast(missing.length ? `${error.message}` : errorMessage(error), { tone: 'error' });
        },
      },
    );

  const drop = (stage: Stage) => (event: DragEvent) => {
    event.preventDefault();
    setOver(null);
    const card = dragging;
    setDragging(null);
    if (!card || board.data?.columns.find((c) => c.stage.id === stage.id)?.cards.some((c) => c.id === card.id)) return;
    if (stage.outcome === 'lost') setClosing({ card, stage });
    else send(card, stage);
  };

  if (board.isPending) return <Spinner label="Loading the board…" />;
  if (board.isError) return <Notice>{errorMessage(board.error)}</Notice>;
  return (
    <>
      <div className="-mx-4 overflow-x-auto px-4 pb-2 sm:-mx-6 sm:px-6">
        <ol className="flex min-w-max gap-3" aria-label={`${pipeline.name} board`}>
          {board.data.columns.map(({ stage, cards, nextCursor }) => {
            const head = summary.data?.find((s) => s.stageId === stage.id);
            return (
              <li
                key={stage.id}
                aria-label={stage.name}
                onDragOver={(e) => {
                  e.preventDefault();
                  setOver(stage.id);
                }}
                onDragLeave={() => setOver((id) => (id === stage.id ? null : id))}
                onDrop={drop(stage)}
                className={`flex w-72 shrink-0 flex-col rounded-xl bg-slate-100/80 p-2 ring-1 ring-inset ${over === stage.id ? 'ring-2 ring-indigo-400' : 'ring-slate-200'}`}
              >
                <div className="px-1.5 pt-1 pb-2">
                  <div className="flex items-center justify-between gap-2">
                    <h2 className="truncate text-sm font-semibold text-slate-900">{stage.name}</h2>
                    <span className="text-xs text-slate-500">{head ? head.count.toLocaleString() : '…'}</span>
                  </div>
                  <p className="mt-0.5 truncate text-xs text-slate-500">
                    {stage.probability} % · {head?.totals.map((t) => money(t.amount, t.currency)).join(' + ') || '—'}
                  </p>
                  {stage.gates.length > 0 && <p className="mt-0.5 truncate text-[11px] text-amber-700">Needs: {stage.gates.map((g) => g.replace('_', ' ')).join(', ')}</p>}
                </div>
                <ul className="flex min-h-16 flex-col gap-2">
                  {cards.map((card) => (
                    <li
                      key={card.id}
                      draggable
                      onDragStart={(e) => {
                        e.dataTransfer.setData('text/plain', card.id);
                        e.dataTransfer.effectAllowed = 'move';
                        setDragging(card);
                      }}
                      onDragEnd={() => setDragging(null)}
                      className={`cursor-grab rounded-lg bg-white p-2.5 shadow-sm ring-1 ring-slate-900/5 active:cursor-grabbing ${dragging?.id === card.id ? 'opacity-50' : ''}`}
                    >
                      <Link to={`/opportunities/${card.id}`} className="block text-sm font-medium text-slate-900 hover:text-indigo-600">
                        {card.name}
                      </Link>
                      {card.accountName && <p className="truncate text-xs text-slate-500">{card.accountName}</p>}
                      <div className="mt-1.5 flex items-center justify-between gap-2 text-xs">
                        <span className="font-semibold text-slate-800">{money(card.amount, card.currency)}</span>
                        <span className={card.status === 'open' && card.closeDate < new Date().toISOString().slice(0, 10) ? 'text-red-600' : 'text-slate-500'}>{formatDate(card.closeDate)}</span>
                      </div>
                      <MoveMenu card={card} stages={pipeline.stages} current={stage.id} onMove={(target) => (target.outcome === 'lost' ? setClosing({ card, stage: target }) : send(card, target))} />
                    </li>
                  ))}
                </ul>
                {nextCursor && (
                  <Link to={`/opportunities?pipeline=${pipeline.id}&view=table&stage=${stage.id}`} className="mt-2 px-1.5 text-xs font-medium text-indigo-600 hover:text-indigo-500">
                    Show all in the table →
                  </Link>
                )}
              </li>
            );
          })}
        </ol>
      </div>
      <LossReasonDialog pending={closing} onClose={() => setClosing(null)} onConfirm={(lossReason) => closing && send(closing.card, closing.stage, { lossReason })} />
    </>
  );
}

/** The keyboard way to move a card: drag and drop is for mice. */
function MoveMenu({ card, stages, current, onMove }: { card: Card; stages: Stage[]; current: string; onMove: (stage: Stage) => void }) {
  return (
    <label className="mt-1.5 block">
      <span className="sr-only">Move {card.name} to</span>
      <select
        value={current}
        onChange={(e) => onMove(stages.find((s) => s.id === e.target.value)!)}
        className="w-full rounded border-0 bg-slate-50 py-0.5 pl-1.5 text-xs text-slate-600 ring-1 ring-slate-200 focus:ring-2 focus:ring-indigo-500"
      >
        {stages.map((s) => (
          <option key={s.id} value={s.id}>
            {s.id === current ? `In ${s.name}` : `Move to ${s.name}`}
          </option>
        ))}
      </select>
    </label>
  );
}

function LossReasonDialog({ pending, onClose, onConfirm }: { pending: PendingMove | null; onClose: () => void; onConfirm: (reason: string) => void }) {
  const [reason, setReason] = useState('');
  return (
    <Dialog open={pending !== null} onClose={onClose} title={`Close ${pending?.card.name ?? ''} as lost`} description="A lost deal needs a loss reason; it feeds the win/loss reports.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm(reason);
          setReason('');
          onClose();
        }}
        className="space-y-4"
      >
        <Field label="Loss reason">{(props) => <Input {...props} required value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Went with a competitor" />}</Field>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" disabled={!reason.trim()}>
            Close as lost
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function DealTable({ pipeline }: { pipeline: Pipeline }) {
  const [params, setParams] = useSearchParams();
  const sort = params.get('sort') ?? 'closeDate';
  const stageId = params.get('stage') ?? undefined;
  const list = useDealList({ pipelineId: pipeline.id, stageId, sort });
  const ownerName = useUserNames();
  const navigate = useNavigate();
  const stageName = new Map(pipeline.stages.map((s) => [s.id, s]));
  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="flex items-center gap-2 p-3">
        <Select aria-label="Stage" className="w-48" value={stageId ?? ''} onChange={(e) => setParam('stage', e.target.value || undefined)}>
          <option value="">All stages</option>
          {pipeline.stages.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
      </div>
      {list.isPending ? (
        <Spinner label="Loading deals…" />
      ) : list.isError ? (
        <Notice>{errorMessage(list.error)}</Notice>
      ) : (
        <Table label="Deals">
          <thead>
            <tr>
              <SortHeader label="Deal" field="name" sort={sort} onSort={(s) => setParam('sort', s)} />
              <th scope="col" className={thClass}>
                Stage
              </th>
              <SortHeader label="Amount" field="amount" sort={sort} onSort={(s) => setParam('sort', s)} className="text-right" />
              <SortHeader label="Close date" field="closeDate" sort={sort} onSort={(s) => setParam('sort', s)} />
              <th scope="col" className={thClass}>
                Forecast
              </th>
              <th scope="col" className={thClass}>
                Owner
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((deal) => (
              <tr key={deal.id} className="cursor-pointer hover:bg-slate-50" onClick={() => navigate(`/opportunities/${deal.id}`)}>
                <td className={tdClass}>
                  <Link to={`/opportunities/${deal.id}`} className="font-medium text-slate-900 hover:text-indigo-600">
                    {deal.name}
                  </Link>
                </td>
                <td className={tdClass}>{stageName.get(deal.stageId)?.name}</td>
                <td className={`${tdClass} text-right font-medium`}>{money(deal.amount, deal.currency)}</td>
                <td className={tdClass}>{formatDate(deal.closeDate)}</td>
                <td className={tdClass}>
                  <Badge tone={CATEGORY_TONES[deal.forecastCategory]}>{deal.forecastCategory.replace('_', ' ')}</Badge>
                </td>
                <td className={tdClass}>{ownerName(deal.ownerId)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}

function NewDealDialog({ open, onClose, pipeline }: { open: boolean; onClose: () => void; pipeline: Pipeline }) {
  const create = useCreateDeal();
  const navigate = useNavigate();
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <Dialog open={open} onClose={onClose} title="New deal" description={`In the ${pipeline.name} pipeline, first stage.`}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const currency = String(form.get('currency') || 'USD').toUpperCase();
          create.mutate(
            { name: String(form.get('name')), pipelineId: pipeline.id, currency, closeDate: String(form.get('closeDate')) || undefined },
            {
              onSuccess: (deal) => {
                onClose();
                navigate(`/opportunities/${deal.id}`);
              },
              onError: (err) => setError(err instanceof ApiError ? err : null),
            },
          );
        }}
      >
        <Field label="Name" error={error?.fields.name}>{(props) => <Input {...props} name="name" required placeholder="Globex platform" />}</Field>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Currency" error={error?.fields.currency}>{(props) => <Input {...props} name="currency" defaultValue="USD" maxLength={3} />}</Field>
          <Field label="Close date" error={error?.fields.closeDate}>{(props) => <Input {...props} name="closeDate" type="date" />}</Field>
        </div>
        {error && !Object.keys(error.fields).length && <Notice>{error.message}</Notice>}
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create deal
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
