import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { Badge, type Tone } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime, relativeTime } from '../../lib/dates.ts';
import { fieldError, formError } from '../../lib/forms.ts';
import { canManageUsers, useSession } from '../auth/session.tsx';
import { SecretBox } from '../settings/ApiKeysSettings.tsx';
import { useDeliveries, useDelivery, useEndpoints, useEventTypes, webhookKeys, type EndpointInput, type WebhookDelivery, type WebhookEndpoint } from './api.ts';

const STATUS_TONES: Record<WebhookDelivery['status'], Tone> = { pending: 'amber', delivered: 'green', failed: 'red' };

export function WebhooksSettings() {
  const me = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const endpoints = useEndpoints();
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null);
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  const [removing, setRemoving] = useState<WebhookEndpoint | null>(null);
  const [rotating, setRotating] = useState<WebhookEndpoint | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints });
    void queryClient.invalidateQueries({ queryKey: webhookKeys.allDeliveries });
  };

  const toggle = useMutation({
    mutationFn: (endpoint: WebhookEndpoint) => api<WebhookEndpoint>(`/api/v1/webhooks/${endpoint.id}`, { method: 'PATCH', body: { enabled: !endpoint.enabled } }),
    onSuccess: (endpoint) => {
      toast(endpoint.enabled ? 'Endpoint enabled' : 'Endpoint disabled');
      refresh();
    },
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });
  const test = useMutation({
    mutationFn: (endpoint: WebhookEndpoint) => api<WebhookDelivery>(`/api/v1/webhooks/${endpoint.id}/test`, { method: 'POST' }),
    onSuccess: (delivery) => {
      toast(delivery.status === 'delivered' ? `Test event delivered (${delivery.responseStatus})` : `Test event not delivered: ${delivery.error ?? delivery.responseStatus}`, {
        tone: delivery.status === 'delivered' ? 'success' : 'error',
      });
      refresh();
    },
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });
  const [dropOld, setDropOld] = useState(false);
  const rotate = useMutation({
    mutationFn: (endpoint: WebhookEndpoint) =>
      api<{ secret: string }>(`/api/v1/webhooks/${endpoint.id}/rotate-secret`, { method: 'POST', body: { previousValidHours: dropOld ? 0 : 24 } }),
    onSuccess: (result) => {
      setRotating(null);
      setSecret({ title: 'Copy the new signing secret', value: result.secret });
    },
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });
  const remove = useMutation({
    mutationFn: (endpoint: WebhookEndpoint) => api<void>(`/api/v1/webhooks/${endpoint.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setRemoving(null);
      toast('Endpoint removed');
      refresh();
    },
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });

  if (!canManageUsers(me.user.role)) return <Notice tone="info">Only admins manage webhooks.</Notice>;

  return (
    <div className="space-y-6">
      <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <h2 className="text-base font-semibold text-slate-900">Webhooks</h2>
            <p className="mt-1 text-sm text-slate-500">
              Leadflow posts an event to your URL when records change (Zapier, n8n, your own service). Each request is signed: check the{' '}
              <code className="rounded bg-slate-100 px-1">Leadflow-Signature</code> header with the endpoint’s secret.
            </p>
          </div>
          <Button variant="primary" onClick={() => setEditing('new')}>
            Add endpoint
          </Button>
        </div>
        {endpoints.isPending ? (
          <Spinner />
        ) : endpoints.isError ? (
          <div className="p-5">
            <Notice>{errorMessage(endpoints.error)}</Notice>
          </div>
        ) : endpoints.data.length === 0 ? (
          <EmptyState title="No endpoints">Add one to send lead, contact, account, deal and reply events to another tool.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 border-t border-slate-100" aria-label="Webhook endpoints">
            {endpoints.data.map((endpoint) => (
              <li key={endpoint.id} className="flex flex-col gap-3 p-5 lg:flex-row lg:items-start lg:justify-between">
                <div className="min-w-0">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="truncate font-mono text-sm text-slate-900">{endpoint.url}</span>
                    {endpoint.enabled ? <Badge tone="green">Enabled</Badge> : <Badge>Disabled</Badge>}
                  </div>
                  {endpoint.description && <p className="mt-0.5 text-sm text-slate-500">{endpoint.description}</p>}
                  <div className="mt-2 flex flex-wrap gap-1">
                    {endpoint.events.map((event) => (
                      <Badge key={event} tone="indigo">
                        {event}
                      </Badge>
                    ))}
                  </div>
                </div>
                <div className="flex flex-wrap gap-2">
                  <Button size="sm" busy={test.isPending && test.variables?.id === endpoint.id} disabled={!endpoint.enabled} onClick={() => test.mutate(endpoint)}>
                    Send test event
                  </Button>
                  <Button size="sm" onClick={() => setEditing(endpoint)}>
                    Edit
                  </Button>
                  <Button size="sm" onClick={() => toggle.mutate(endpoint)} busy={toggle.isPending && toggle.variables?.id === endpoint.id}>
                    {endpoint.enabled ? 'Disable' : 'Enable'}
                  </Button>
                  <Button size="sm" onClick={() => setRotating(endpoint)}>
                    Rotate secret
                  </Button>
                  <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setRemoving(endpoint)}>
                    Remove
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      {endpoints.data && endpoints.data.length > 0 && <DeliveryLog endpoints={endpoints.data} />}

      <EndpointDialog
        endpoint={editing}
        onClose={() => setEditing(null)}
        onSaved={(created) => {
          setEditing(null);
          refresh();
          if (created) setSecret({ title: 'Copy the signing secret', value: created });
        }}
      />

      <Dialog open={secret !== null} onClose={() => setSecret(null)} title={secret?.title ?? ''} description="This is the only time Leadflow shows it. Your receiver checks each request’s signature with it.">
        {secret && <SecretBox value={secret.value} label="Signing secret" />}
        <DialogActions>
          <Button variant="primary" onClick={() => setSecret(null)}>
            I have stored it
          </Button>
        </DialogActions>
      </Dialog>

      <Dialog
        open={rotating !== null}
        onClose={() => setRotating(null)}
        title="Rotate the signing secret?"
        description="Requests are signed with the new secret at once. For 24 hours they carry the old secret’s signature too, so the receiver can switch over."
      >
        <label className="flex items-start gap-2 text-sm text-slate-700">
          <input type="checkbox" className="mt-0.5" checked={dropOld} onChange={(event) => setDropOld(event.target.checked)} />
          Stop signing with the old secret now (it leaked)
        </label>
        <DialogActions>
          <Button onClick={() => setRotating(null)}>Cancel</Button>
          <Button variant="primary" busy={rotate.isPending} onClick={() => rotating && rotate.mutate(rotating)}>
            Rotate secret
          </Button>
        </DialogActions>
      </Dialog>

      <Dialog open={removing !== null} onClose={() => setRemoving(null)} title="Remove this endpoint?" description="Its delivery log goes with it, and deliveries still waiting are not sent.">
        <DialogActions>
          <Button onClick={() => setRemoving(null)}>Cancel</Button>
          <Button variant="danger" busy={remove.isPending} onClick={() => removing && remove.mutate(removing)}>
            Remove endpoint
          </Button>
        </DialogActions>
      </Dialog>
    </div>
  );
}

function EndpointDialog({ endpoint, onClose, onSaved }: { endpoint: WebhookEndpoint | 'new' | null; onClose: () => void; onSaved: (secret: string | null) => void }) {
  const types = useEventTypes();
  const existing = endpoint !== 'new' ? endpoint : null;
  const save = useMutation({
    mutationFn: (input: EndpointInput) =>
      existing
        ? api<WebhookEndpoint>(`/api/v1/webhooks/${existing.id}`, { method: 'PATCH', body: input }).then(() => null)
        : api<WebhookEndpoint & { secret: string }>('/api/v1/webhooks', { method: 'POST', body: input }).then((created) => created.secret),
    onSuccess: onSaved,
  });
  const groups = new Map<string, { type: string; description: string }[]>();
  for (const event of types.data?.data ?? []) {
    const record = event.type.split('.')[0]!;
    groups.set(record, [...(groups.get(record) ?? []), event]);
  }
  return (
    <Dialog
      open={endpoint !== null}
      onClose={() => {
        save.reset();
        onClose();
      }}
      title={existing ? 'Edit endpoint' : 'Add a webhook endpoint'}
      wide
    >
      {endpoint !== null && (
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            save.mutate({ url: String(form.get('url') ?? '').trim(), description: String(form.get('description') ?? '').trim(), events: form.getAll('events').map(String) });
          }}
        >
          {formError(save.error, ['url', 'events', 'description']) && <Notice>{formError(save.error, ['url', 'events', 'description'])}</Notice>}
          <Field label="URL" hint="http:// or https://, like your Zapier or n8n webhook URL" error={fieldError(save.error, 'url')}>
            {(props) => <Input {...props} name="url" type="url" required defaultValue={existing?.url ?? ''} placeholder="https://hooks.example.com/leadflow" />}
          </Field>
          <Field label="Description" error={fieldError(save.error, 'description')}>
            {(props) => <Input {...props} name="description" maxLength={500} defaultValue={existing?.description ?? ''} placeholder="What receives it" />}
          </Field>
          <fieldset>
            <legend className="mb-1 block text-sm font-medium text-slate-700">Events</legend>
            {fieldError(save.error, 'events') && <p className="mb-1 text-sm text-red-600">{fieldError(save.error, 'events')}</p>}
            {types.isPending ? (
              <Spinner />
            ) : (
              <div className="grid gap-3 sm:grid-cols-2">
                <label className="flex items-center gap-2 text-sm text-slate-700 sm:col-span-2">
                  <input type="checkbox" name="events" value="*" defaultChecked={existing?.events.includes('*') ?? false} />
                  Every event, including ones added later (<span className="font-mono text-xs">*</span>)
                </label>
                {[...groups].map(([record, events]) => (
                  <div key={record} className="rounded-md p-2 ring-1 ring-slate-200">
                    <label className="mb-1 flex items-center gap-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">
                      <input type="checkbox" name="events" value={`${record}.*`} defaultChecked={existing?.events.includes(`${record}.*`) ?? false} />
                      All {record} events
                    </label>
                    {events.map((event) => (
                      <label key={event.type} className="flex items-start gap-2 py-0.5 text-sm text-slate-700" title={event.description}>
                        <input type="checkbox" name="events" value={event.type} defaultChecked={existing?.events.includes(event.type) ?? false} className="mt-0.5" />
                        <span className="font-mono text-xs leading-5">{event.type}</span>
                      </label>
                    ))}
                  </div>
                ))}
              </div>
            )}
          </fieldset>
          <DialogActions>
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" busy={save.isPending}>
              {existing ? 'Save' : 'Add endpoint'}
            </Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}

function DeliveryLog({ endpoints }: { endpoints: WebhookEndpoint[] }) {
  const [endpointId, setEndpointId] = useState('');
  const [status, setStatus] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const deliveries = useDeliveries({ ...(endpointId ? { endpointId } : {}), ...(status ? { status } : {}) });
  const urlOf = new Map(endpoints.map((e) => [e.id, e.url]));
  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h2 className="text-base font-semibold text-slate-900">Delivery log</h2>
          <p className="mt-1 text-sm text-slate-500">Failed attempts are retried with growing waits, up to {deliveries.data?.[0]?.maxAttempts ?? 10} attempts. Open one to see what was sent and redeliver it.</p>
        </div>
        <div className="flex gap-2">
          <Select aria-label="Endpoint" value={endpointId} onChange={(e) => setEndpointId(e.target.value)} className="sm:w-56">
            <option value="">All endpoints</option>
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.url}
              </option>
            ))}
          </Select>
          <Select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)} className="sm:w-36">
            <option value="">Any status</option>
            <option value="pending">Pending</option>
            <option value="delivered">Delivered</option>
            <option value="failed">Failed</option>
          </Select>
        </div>
      </div>
      {deliveries.isPending ? (
        <Spinner />
      ) : deliveries.isError ? (
        <div className="p-5">
          <Notice>{errorMessage(deliveries.error)}</Notice>
        </div>
      ) : deliveries.data.length === 0 ? (
        <EmptyState title="No deliveries yet">Change a record or send a test event.</EmptyState>
      ) : (
        <Table label="Webhook deliveries">
          <thead>
            <tr>
              <th scope="col" className={thClass}>
                Event
              </th>
              <th scope="col" className={thClass}>
                Status
              </th>
              <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                Attempts
              </th>
              <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                Response
              </th>
              <th scope="col" className={`${thClass} hidden md:table-cell`}>
                Endpoint
              </th>
              <th scope="col" className={thClass}>
                When
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.map((delivery) => (
              <tr key={delivery.id} className="cursor-pointer hover:bg-slate-50" onClick={() => setOpen(delivery.id)}>
                <td className={tdClass}>
                  <button type="button" className="font-mono text-xs text-indigo-700 hover:underline" onClick={() => setOpen(delivery.id)}>
                    {delivery.eventType}
                  </button>
                  {delivery.redeliveryOf && <span className="ml-1.5 text-xs text-slate-400">redelivery</span>}
                </td>
                <td className={tdClass}>
                  <Badge tone={STATUS_TONES[delivery.status]}>{delivery.status}</Badge>
                </td>
                <td className={`${tdClass} hidden sm:table-cell`}>
                  {delivery.attempts}/{delivery.maxAttempts}
                </td>
                <td className={`${tdClass} hidden font-mono text-xs sm:table-cell`}>{delivery.responseStatus ?? (delivery.error ? 'no answer' : '—')}</td>
                <td className={`${tdClass} hidden max-w-56 truncate font-mono text-xs text-slate-500 md:table-cell`}>{urlOf.get(delivery.endpointId)}</td>
                <td className={`${tdClass} text-xs text-slate-500`}>{relativeTime(delivery.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <DeliveryDialog id={open} onClose={() => setOpen(null)} />
    </section>
  );
}

function DeliveryDialog({ id, onClose }: { id: string | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const delivery = useDelivery(id);
  const redeliver = useMutation({
    mutationFn: (deliveryId: string) => api<WebhookDelivery>(`/api/v1/webhook-deliveries/${deliveryId}/redeliver`, { method: 'POST' }),
    onSuccess: (result) => {
      toast(result.status === 'delivered' ? `Redelivered (${result.responseStatus})` : `Redelivery failed: ${result.error ?? result.responseStatus}; it will be retried`, {
        tone: result.status === 'delivered' ? 'success' : 'error',
      });
      void queryClient.invalidateQueries({ queryKey: webhookKeys.allDeliveries });
      onClose();
    },
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });
  const d = delivery.data;
  return (
    <Dialog open={id !== null} onClose={onClose} title={d ? d.eventType : 'Delivery'} wide>
      {delivery.isPending ? (
        <Spinner />
      ) : delivery.isError ? (
        <Notice>{errorMessage(delivery.error)}</Notice>
      ) : (
        d && (
          <div className="space-y-4 text-sm">
            <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5">
              <dt className="text-slate-500">Status</dt>
              <dd>
                <Badge tone={STATUS_TONES[d.status]}>{d.status}</Badge>
                {d.status === 'pending' && d.nextAttemptAt && <span className="ml-2 text-xs text-slate-500">next attempt {formatDateTime(d.nextAttemptAt)}</span>}
              </dd>
              <dt className="text-slate-500">Endpoint</dt>
              <dd className="truncate font-mono text-xs">{d.endpointUrl}</dd>
              <dt className="text-slate-500">Attempts</dt>
              <dd>
                {d.attempts} of {d.maxAttempts}
                {d.lastAttemptAt && <span className="text-slate-500"> · last {formatDateTime(d.lastAttemptAt)}</span>}
                {d.durationMs !== null && <span className="text-slate-500"> · {d.durationMs} ms</span>}
              </dd>
              <dt className="text-slate-500">Response</dt>
              <dd className="font-mono text-xs">{d.responseStatus ?? '—'}</dd>
              {d.error && (
                <>
                  <dt className="text-slate-500">Error</dt>
                  <dd className="text-red-700">{d.error}</dd>
                </>
              )}
              {d.redeliveryOf && (
                <>
                  <dt className="text-slate-500">Redelivery of</dt>
                  <dd className="font-mono text-xs">{d.redeliveryOf}</dd>
                </>
              )}
            </dl>
            {d.responseBody && (
              <div>
                <p className="mb-1 font-medium text-slate-700">Response body</p>
                <pre className="max-h-32 overflow-auto rounded-md bg-slate-50 p-2 text-xs whitespace-pre-wrap ring-1 ring-slate-200">{d.responseBody}</pre>
              </div>
            )}
            <div>
              <p className="mb-1 font-medium text-slate-700">Payload</p>
              <pre className="max-h-72 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">{JSON.stringify(d.payload, null, 2)}</pre>
            </div>
          </div>
        )
      )}
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
        <Button variant="primary" disabled={!d} busy={redeliver.isPending} onClick={() => d && redeliver.mutate(d.id)}>
          Redeliver
        </Button>
      </DialogActions>
    </Dialog>
  );
}
