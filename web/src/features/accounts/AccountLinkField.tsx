import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { useAccount } from './api.ts';
import { AccountPicker } from './AccountPicker.tsx';

/** An inline field that links a record to an account (a contact's employer, a parent company). */
export function AccountLinkField({
  name,
  label,
  accountId,
  exclude,
  readOnly = false,
  onSave,
}: {
  name: string;
  label: string;
  accountId: string | null;
  exclude?: string;
  readOnly?: boolean;
  onSave: (accountId: string | null) => Promise<unknown>;
}) {
  const account = useAccount(accountId);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async (next: string | null) => {
    setSaving(true);
    try {
      await onSave(next);
      setError(null);
      setEditing(false);
    } catch (failure) {
      setError(failure instanceof ApiError ? (failure.fields[name] ?? failure.message) : 'Could not save');
    } finally {
      setSaving(false);
    }
  };

  const fieldId = `field-${name}`;
  return (
    <div data-field={name}>
      {editing ? (
        <label htmlFor={fieldId} className="mb-0.5 block text-xs font-medium text-slate-500">
          {label}
        </label>
      ) : (
        <p className="mb-0.5 text-xs font-medium text-slate-500">{label}</p>
      )}
      {editing ? (
        <div className="space-y-1">
          <AccountPicker id={fieldId} autoFocus exclude={exclude} invalid={Boolean(error)} onPick={(picked) => void save(picked.id)} onCancel={() => setEditing(false)} />
          <div className="flex gap-3 text-xs">
            {accountId && (
              <button type="button" className="text-red-600 hover:underline" onClick={() => void save(null)}>
                Remove link
              </button>
            )}
            <button type="button" className="text-slate-500 hover:underline" onClick={() => setEditing(false)}>
              Cancel
            </button>
            {saving && <span className="text-slate-500">Saving…</span>}
          </div>
        </div>
      ) : (
        <div className="flex items-center gap-2 py-1 text-sm">
          {accountId ? (
            <Link to={`/accounts/${accountId}`} className="font-medium text-indigo-600 hover:text-indigo-500">
              {account.data?.name ?? 'Loading…'}
            </Link>
          ) : (
            <span className="text-slate-400">None</span>
          )}
          {!readOnly && (
            <button type="button" aria-label={`${accountId ? 'Change' : 'Set'} ${label.toLowerCase()}`} className="rounded px-1.5 text-xs font-medium text-slate-500 hover:bg-slate-100 hover:text-slate-800" onClick={() => setEditing(true)}>
              {accountId ? 'Change' : 'Link to account'}
            </button>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="mt-1 text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
