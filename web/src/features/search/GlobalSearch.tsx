import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, query } from '../../api/client.ts';
import { Icon } from '../../components/Icon.tsx';
import { Kbd } from '../../components/Kbd.tsx';
import { useDebounced } from '../../lib/useDebounced.ts';

export type SearchHit = { type: 'lead' | 'contact' | 'account' | 'opportunity' | 'note'; id: string; title: string; subtitle: string; score: number; link: string };

const TYPE_LABELS: Record<SearchHit['type'], string> = { lead: 'Lead', contact: 'Contact', account: 'Account', opportunity: 'Deal', note: 'Note' };
const TYPE_TONES: Record<SearchHit['type'], string> = {
  lead: 'bg-indigo-50 text-indigo-700',
  contact: 'bg-sky-50 text-sky-700',
  account: 'bg-emerald-50 text-emerald-700',
  opportunity: 'bg-amber-50 text-amber-800',
  note: 'bg-slate-100 text-slate-700',
};

function useSearch(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: ['search', term],
    queryFn: ({ signal }) => api<{ data: SearchHit[] }>(`/api/v1/search${query({ q: term, limit: 12 })}`, { signal }),
    enabled: term.length >= 2,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * One search box over leads, contacts, accounts, deals and notes: Ctrl-K (⌘K on a Mac) opens it
 * from anywhere, results come as you type, arrows move and Enter opens.
 */
export function GlobalSearch({ compact = false }: { compact?: boolean }) {
  const [open, setOpen] = useState(false);
  // The shell mounts a full box (sidebar) and a compact one (phone header); one of them listens.
  useEffect(() => {
    if (compact) return;
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [compact]);
  return (
    <>
      {compact ? (
        <button type="button" className="rounded-md p-2 text-slate-600 hover:bg-slate-100" aria-label="Search everything" onClick={() => setOpen(true)}>
          <Icon name="search" />
        </button>
      ) : (
        <button
          type="button"
          onClick={() => setOpen(true)}
          className="flex h-9 w-full items-center gap-2 rounded-md bg-slate-100 px-2.5 text-sm text-slate-500 hover:bg-slate-200/70"
        >
          <Icon name="search" className="size-4" />
          <span className="flex-1 text-left">Search everything</span>
          <Kbd>{isMac() ? '⌘K' : 'Ctrl K'}</Kbd>
        </button>
      )}
      {open && <SearchPalette onClose={() => setOpen(false)} />}
    </>
  );
}

function SearchPalette({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const q = useDebounced(text, 120);
  const results = useSearch(q);
  const hits = text.trim().length >= 2 ? (results.data?.data ?? []) : [];

  useEffect(() => {
    dialog.current?.showModal();
    input.current?.focus();
  }, []);
  useEffect(() => setActive(0), [q]);

  const go = (hit: SearchHit | undefined) => {
    if (!hit) return;
    onClose();
    navigate(hit.link);
  };

  return (
    <dialog
      ref={dialog}
      aria-label="Search everything"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onMouseDown={(event) => {
        if (event.target === dialog.current) onClose();
      }}
      className="mx-auto mt-[10vh] w-[calc(100%-1.5rem)] max-w-xl rounded-xl bg-transparent p-0 backdrop:bg-slate-900/40"
    >
      <div className="overflow-hidden rounded-xl bg-white shadow-xl ring-1 ring-slate-900/5">
        <div className="flex items-center gap-2 border-b border-slate-200 px-3">
          <Icon name="search" className="size-5 text-slate-400" />
          <input
            ref={input}
            type="search"
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls={listId}
            aria-activedescendant={hits[active] ? `${listId}-${active}` : undefined}
            aria-label="Search leads, contacts, accounts, deals and notes"
            placeholder="Name, email, phone, company, domain or a note's words"
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'ArrowDown') {
                event.preventDefault();
                setActive((i) => Math.min(hits.length - 1, i + 1));
              } else if (event.key === 'ArrowUp') {
                event.preventDefault();
                setActive((i) => Math.max(0, i - 1));
              } else if (event.key === 'Enter') {
                event.preventDefault();
                go(hits[active]);
              }
            }}
            className="h-12 flex-1 border-0 bg-transparent text-base text-slate-900 placeholder:text-slate-400 focus:outline-none"
          />
          {results.isFetching && <span className="size-4 animate-spin rounded-full border-2 border-slate-300 border-r-transparent" aria-hidden="true" />}
        </div>
        <ul id={listId} role="listbox" aria-label="Results" className="max-h-[60vh] overflow-y-auto py-1">
          {hits.map((hit, index) => (
            <li
              key={`${hit.type}-${hit.id}`}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              onMouseEnter={() => setActive(index)}
              onMouseDown={(event) => {
                event.preventDefault();
                go(hit);
              }}
              className={`flex cursor-pointer items-center gap-3 px-3 py-2 ${index === active ? 'bg-indigo-50' : ''}`}
            >
              <span className={`w-16 shrink-0 rounded px-1.5 py-0.5 text-center text-xs font-medium ${TYPE_TONES[hit.type]}`}>{TYPE_LABELS[hit.type]}</span>
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm font-medium text-slate-900">{hit.title}</span>
                {hit.subtitle && <span className="block truncate text-xs text-slate-500">{hit.subtitle}</span>}
              </span>
            </li>
          ))}
        </ul>
        {text.trim().length >= 2 && !results.isPending && hits.length === 0 && <p className="px-4 py-6 text-center text-sm text-slate-500">Nothing matches “{text.trim()}”.</p>}
        {text.trim().length < 2 && <p className="px-4 py-4 text-sm text-slate-500">Type two letters or more. Typos are fine; phone numbers in any format.</p>}
        <div className="hidden items-center gap-3 border-t border-slate-100 px-3 py-2 text-xs text-slate-500 sm:flex">
          <span><Kbd>↑</Kbd> <Kbd>↓</Kbd> move</span>
          <span><Kbd>Enter</Kbd> open</span>
          <span><Kbd>Esc</Kbd> close</span>
        </div>
      </div>
    </dialog>
  );
}
