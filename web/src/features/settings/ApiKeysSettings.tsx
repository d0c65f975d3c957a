import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope } from '../../api/types.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDate, relativeTime } from '../../lib/dates.ts';
import { fieldError, formError, formText } from '../../lib/forms.ts';

const keysKey = ['api-keys'] as const;

const SCOPE_HINTS: Record<ApiKeyScope, string> = {
  read: 'Read only',
  write: 'Read and change records',
  admin: 'Everything your role allows, including admin work',
};

export function ApiKeysSettings() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const keys = useQuery({ queryKey: keysKey, queryFn: () => api<{ data: ApiKey[] }>('/api/v1/api-keys').then((r) => r.data) });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<(ApiKey & { key: string }) | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const create = useMutation({
    mutationFn: (input: { name: string; scope: ApiKeyScope }) => api<ApiKey & { key: string }>('/api/v1/api-keys', { method: 'POST', body: input }),
    onSuccess: (key) => {
      setCreating(false);
      setCreated(key);
      void queryClient.invalidateQueries({ queryKey: keysKey });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/api-keys/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setRevoking(null);
      toast('Key revoked');
      void queryClient.invalidateQueries({ queryKey: keysKey });
    },
    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
  });

  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h2 className="text-base font-semibold text-slate-900">My API keys</h2>
          <p className="mt-1 text-sm text-slate-500">
            For scripts and integrations: send <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;key&gt;</code>. See the API docs at{' '}
            <a href="/api/docs" className="text-indigo-600 hover:text-indigo-500">
              /api/docs
            </a>
            .
          </p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create key
        </Button>
      </div>
      {keys.isPending ? (
        <Spinner />
      ) : keys.isError ? (
        <div className="p-5">
          <Notice>{errorMessage(keys.error)}</Notice>
        </div>
      ) : keys.data.length === 0 ? (
        <EmptyState title="No API keys">Create one to connect a script or another tool to Leadflow.</EmptyState>
      ) : (
        <Table label="API keys">
          <thead>
            <tr>
              <th scope="col" className={thClass}>
                Name
              </th>
              <th scope="col" className={thClass}>
                Scope
              </th>
              <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                Created
              </th>
              <th scope="col" className={`${thClass} hidden md:table-cell`}>
                Last used
              </th>
              <th scope="col" className={thClass}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id} className={key.revokedAt ? 'text-slate-400' : ''}>
                <td className={tdClass}>
                  <span className="font-medium">{key.name}</span>
                  <span className="block font-mono text-xs text-slate-500">{key.prefix}…</span>
                </td>
                <td className={tdClass}>{key.revokedAt ? <Badge tone="red">Revoked</Badge> : <Badge tone="indigo">{key.scope}</Badge>}</td>
                <td className={`${tdClass} hidden sm:table-cell`}>{formatDate(key.createdAt)}</td>
                <td className={`${tdClass} hidden md:table-cell`}>{key.lastUsedAt ? relativeTime(key.lastUsedAt) : 'Never'}</td>
                <td className={`${tdClass} text-right`}>
                  {!key.revokedAt && (
                    <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setRevoking(key)}>
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <Dialog
        open={creating}
        onClose={() => {
          setCreating(false);
          create.reset();
        }}
        title="Create an API key"
      >
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            const v = formText(event.currentTarget);
            create.mutate({ name: v.name ?? '', scope: (v.scope ?? 'write') as ApiKeyScope });
          }}
        >
          {formError(create.error, ['name', 'scope']) && <Notice>{formError(create.error, ['name', 'scope'])}</Notice>}
          <Field label="Name" hint="What uses it, like “Website form”" error={fieldError(create.error, 'name')}>
            {(props) => <Input {...props} name="name" required autoFocus maxLength={100} />}
          </Field>
          <Field label="Scope" error={fieldError(create.error, 'scope')}>
            {(props) => (
              <Select {...props} name="scope" defaultValue="write">
                {API_KEY_SCOPES.map((scope) => (
                  <option key={scope} value={scope}>
                    {scope} — {SCOPE_HINTS[scope]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <DialogActions>
            <Button onClick={() => setCreating(false)}>Cancel</Button>
            <Button type="submit" variant="primary" busy={create.isPending}>
              Create key
            </Button>
          </DialogActions>
        </form>
      </Dialog>

      <Dialog open={created !== null} onClose={() => setCreated(null)} title="Copy your new key" description="This is the only time Leadflow shows it. Store it somewhere safe.">
        {created && <SecretBox value={created.key} label={`API key ${created.name}`} />}
        <DialogActions>
          <Button variant="primary" onClick={() => setCreated(null)}>
            I have stored it
          </Button>
        </DialogActions>
      </Dialog>

      <Dialog open={revoking !== null} onClose={() => setRevoking(null)} title={`Revoke “${revoking?.name ?? ''}”?`} description="Anything using this key stops working at once.">
        <DialogActions>
          <Button onClick={() => setRevoking(null)}>Cancel</Button>
          <Button variant="danger" busy={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking.id)}>
            Revoke key
          </Button>
        </DialogActions>
      </Dialog>
    </section>
  );
}

/** A secret or link shown once, selectable, with a copy button. */
export function SecretBox({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex gap-2">
      <input
        readOnly
        data-autofocus
        aria-label={label}
        value={value}
        onFocus={(event) => event.currentTarget.select()}
        className="block h-9 w-full min-w-0 rounded-md border-0 bg-slate-50 px-2.5 font-mono text-xs text-slate-900 ring-1 ring-slate-300 ring-inset"
      />
      <Button
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => setCopied(true));
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}
