import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { controlClass } from './Field.tsx';

export type InlineOption = { value: string; label: string };

type Props = {
  /** The API field name; its error from a failed save shows under the control. */
  name: string;
  label: string;
  value: string;
  display?: ReactNode;
  kind?: 'text' | 'email' | 'tel' | 'url' | 'number' | 'textarea' | 'select';
  options?: InlineOption[];
  placeholder?: string;
  readOnly?: boolean;
  onSave: (value: string) => Promise<unknown>;
};

/**
 * A field shown as text that turns into a control on click or Enter. Enter or leaving the field
 * saves, Esc cancels; a multi-line field saves with Ctrl/⌘+Enter. A select saves on change.
 */
export function InlineField({ name, label, value, display, kind = 'text', options = [], placeholder = 'Add…', readOnly = false, onSave }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const viewButton = useRef<HTMLButtonElement>(null);
  const finished = useRef(false);
  const refocus = useRef(false);

  useEffect(() => {
    if (!editing && refocus.current) {
      refocus.current = false;
      viewButton.current?.focus();
    }
  }, [editing]);

  const start = () => {
    if (readOnly) return;
    finished.current = false;
    setDraft(value);
    setError(null);
    setEditing(true);
  };

  const stop = (focusBack: boolean) => {
    finished.current = true;
    refocus.current = focusBack;
    setEditing(false);
  };

  const save = async (next: string, focusBack: boolean) => {
    if (finished.current || saving) return;
    if (next === value) return stop(focusBack);
    setSaving(true);
    try {
      await onSave(next);
      setError(null);
      stop(focusBack);
    } catch (failure) {
      // A refusal may name a related field (disqualifying needs a reason); show it here all the same.
      setError(failure instanceof ApiError ? (failure.fields[name] ?? Object.values(failure.fields)[0] ?? failure.message) : 'Could not save');
    } finally {
      setSaving(false);
    }
  };

  const cancel = () => {
    setError(null);
    stop(true);
  };

  const fieldId = `field-${name}`;
  const shown = display ?? (value ? value : null);

  return (
    <div className="group min-w-0" data-field={name}>
      <label htmlFor={fieldId} className="mb-0.5 block text-xs font-medium text-slate-500">
        {label}
      </label>
      {editing ? (
        <div>
          {kind === 'select' ? (
            <select
              id={fieldId}
              autoFocus
              value={draft}
              disabled={saving}
              aria-invalid={Boolean(error)}
              onChange={(event) => {
                setDraft(event.target.value);
                void save(event.target.value, true);
              }}
              onBlur={() => !saving && !error && stop(false)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.preventDefault();
                  cancel();
                }
              }}
              className={`${controlClass} h-9 w-full`}
            >
              {options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          ) : kind === 'textarea' ? (
            <textarea
              id={fieldId}
              autoFocus
              value={draft}
              readOnly={saving}
              aria-invalid={Boolean(error)}
              onChange={(event) => setDraft(event.target.value)}
              onBlur={() => void save(draft, false)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.preventDefault();
                  cancel();
                } else if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
                  event.preventDefault();
                  void save(draft, true);
                }
              }}
              className={`${controlClass} min-h-28 w-full`}
            />
          ) : (
            <input
              id={fieldId}
              autoFocus
              type={kind}
              value={draft}
              readOnly={saving}
              aria-invalid={Boolean(error)}
              onChange={(event) => setDraft(event.target.value)}
              onBlur={() => void save(draft, false)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.preventDefault();
                  cancel();
                } else if (event.key === 'Enter') {
                  event.preventDefault();
                  void save(draft, true);
                }
              }}
              className={`${controlClass} h-9 w-full`}
            />
          )}
          <p className="mt-1 text-xs text-slate-500" aria-live="polite">
            {saving ? 'Saving…' : kind === 'textarea' ? 'Ctrl+Enter to save · Esc to cancel' : kind === 'select' ? 'Esc to cancel' : 'Enter to save · Esc to cancel'}
          </p>
        </div>
      ) : (
        <button
          ref={viewButton}
          id={fieldId}
          type="button"
          onClick={start}
          disabled={readOnly}
          aria-label={`${label}: ${typeof shown === 'string' ? shown : value || 'empty'}${readOnly ? '' : ', press Enter to edit'}`}
          className={`-mx-2 block w-[calc(100%+1rem)] rounded-md px-2 py-1 text-left text-sm break-words ${
            readOnly ? 'cursor-default' : 'hover:bg-slate-100'
          } ${kind === 'textarea' ? 'whitespace-pre-wrap' : ''}`}
        >
          {shown ?? <span className="text-slate-400">{readOnly ? '—' : placeholder}</span>}
        </button>
      )}
      {error && (
        <p role="alert" className="mt-1 text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
