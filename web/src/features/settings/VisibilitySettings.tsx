import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { Field, Select } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formError } from '../../lib/forms.ts';

const OBJECTS = [
  { key: 'leads', label: 'Leads' },
  { key: 'contacts', label: 'Contacts' },
  { key: 'accounts', label: 'Accounts' },
  { key: 'opportunities', label: 'Deals' },
] as const;
type RecordObject = (typeof OBJECTS)[number]['key'];
type Mode = 'everyone' | 'team' | 'own';
type Settings = { recordVisibility: Record<RecordObject, Mode>; version: number };

const MODES: { value: Mode; label: string }[] = [
  { value: 'everyone', label: 'Everyone sees and edits all of them' },
  { value: 'team', label: 'Their own and their team’s' },
  { value: 'own', label: 'Only their own' },
];

const panel = 'rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-900/5 sm:p-6';
const settingsKey = ['org-settings'] as const;

/** Settings → Record visibility (admins): who sees and edits which leads, contacts, accounts and deals. */
export function VisibilitySettings() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const settings = useQuery({ queryKey: settingsKey, queryFn: () => api<Settings>('/api/v1/org-settings') });
  const save = useMutation({
    mutationFn: (change: Partial<Record<RecordObject, Mode>>) =>
      api<Settings>('/api/v1/org-settings', { method: 'PATCH', body: { recordVisibility: change, version: settings.data?.version } }),
    onSuccess: (saved) => {
      queryClient.setQueryData(settingsKey, saved);
      toast('Record visibility saved');
    },
    onError: () => void queryClient.invalidateQueries({ queryKey: settingsKey }),
  });
  if (settings.isPending) return <Spinner />;
  if (settings.isError) return <Notice>The organisation settings could not be loaded.</Notice>;

  return (
    <section className={panel} aria-labelledby="visibility-heading">
      <h2 id="visibility-heading" className="text-base font-semibold text-slate-900">
        Who sees and edits what
      </h2>
      <p className="mt-1 max-w-3xl text-sm text-slate-500">
        Whatever you choose, admins see everything; managers see their whole hierarchy (the teams they manage and every team below) and
        records nobody owns yet; the people on an account’s team see that account with its contacts and deals; partner users see only
        their own deal registrations. Lists, searches, exports, boards and reports all follow it; a hidden record is simply not found.
      </p>
      {save.isError && (
        <div className="mt-4">
          <Notice>{formError(save.error, [])}</Notice>
        </div>
      )}
      <div className="mt-5 grid gap-4 sm:grid-cols-2">
        {OBJECTS.map((object) => (
          <Field key={object.key} label={object.label}>
            {(props) => (
              <Select {...props} value={settings.data.recordVisibility[object.key]} disabled={save.isPending} onChange={(e) => save.mutate({ [object.key]: e.target.value as Mode })}>
                {MODES.map((m) => (
                  <option key={m.value} value={m.value}>
                    {m.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ))}
      </div>
    </section>
  );
}
