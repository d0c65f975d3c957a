import { useId, useState } from 'react';
import { controlClass } from '../../components/Field.tsx';
import { useDebounced } from '../../lib/useDebounced.ts';
import { useAccountList } from './api.ts';

export type PickedAccount = { id: string; name: string };

/**
 * Type to find an account by name, arrows to move, Enter to pick, Esc to back out.
 * The ARIA combobox pattern, so screen readers announce the choices.
 */
export function AccountPicker({
  id,
  onPick,
  onCancel,
  exclude,
  autoFocus = false,
  invalid = false,
}: {
  id?: string;
  onPick: (account: PickedAccount) => void;
  onCancel?: () => void;
  exclude?: string;
  autoFocus?: boolean;
  invalid?: boolean;
}) {
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const q = useDebounced(text.trim(), 200);
  const list = useAccountList({ q: q || undefined }, 8);
  const options = (list.data?.pages[0]?.data ?? []).filter((account) => account.id !== exclude);
  const listId = useId();
  const shown = open && options.length > 0;

  const pick = (index: number) => {
    const account = options[index];
    if (!account) return;
    setOpen(false);
    setText(account.name);
    onPick({ id: account.id, name: account.name });
  };

  return (
    <div className="relative">
      <input
        id={id}
        role="combobox"
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown ? `${listId}-${active}` : undefined}
        aria-invalid={invalid}
        autoFocus={autoFocus}
        autoComplete="off"
        placeholder="Search accounts…"
        value={text}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setOpen(true);
            setActive((index) => Math.min(options.length - 1, index + 1));
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            setActive((index) => Math.max(0, index - 1));
          } else if (event.key === 'Enter' && shown) {
            event.preventDefault();
            pick(active);
          } else if (event.key === 'Escape') {
            event.preventDefault();
            if (shown) setOpen(false);
            else onCancel?.();
          }
        }}
        className={`${controlClass} h-9 w-full`}
      />
      {shown && (
        <ul id={listId} role="listbox" className="absolute z-30 mt-1 max-h-60 w-full overflow-y-auto rounded-lg bg-white p-1 shadow-lg ring-1 ring-slate-900/10">
          {options.map((account, index) => (
            <li
              key={account.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              onMouseDown={(event) => {
                event.preventDefault();
                pick(index);
              }}
              onMouseEnter={() => setActive(index)}
              className={`cursor-pointer rounded-md px-2.5 py-1.5 text-sm ${index === active ? 'bg-indigo-50 text-indigo-800' : 'text-slate-700'}`}
            >
              <span className="font-medium">{account.name}</span>
              {account.domain && <span className="ml-2 text-xs text-slate-500">{account.domain}</span>}
            </li>
          ))}
        </ul>
      )}
      {open && !list.isPending && options.length === 0 && text.trim() !== '' && (
        <p className="absolute z-30 mt-1 w-full rounded-lg bg-white px-3 py-2 text-sm text-slate-500 shadow-lg ring-1 ring-slate-900/10">No account matches.</p>
      )}
    </div>
  );
}
