import { useEffect, useLayoutEffect, useRef } from 'react';

// Single-key shortcuts in the style of Gmail/Linear: "/" search, "n" new, "j"/"k" move, "g l" go to
// leads. One window listener; pages register what a key means while they are shown.

type Handler = (event: KeyboardEvent) => void;

const registry = new Map<string, Handler[]>();
const SEQUENCE_MS = 1200;

export const SHORTCUTS: { keys: string; does: string }[] = [
  { keys: 'Ctrl K / ⌘ K', does: 'Search everything: leads, contacts, accounts, deals, notes' },
  { keys: '/', does: 'Search this list' },
  { keys: 'n', does: 'New record (lead, account or contact)' },
  { keys: 'j / k', does: 'Move down / up the list' },
  { keys: 'Enter', does: 'Open the highlighted row' },
  { keys: 'x', does: 'Select the highlighted row' },
  { keys: 'g t', does: 'Go to Today' },
  { keys: 'g l', does: 'Go to Leads' },
  { keys: 'g a', does: 'Go to Accounts' },
  { keys: 'g c', does: 'Go to Contacts' },
  { keys: '?', does: 'Show these shortcuts' },
  { keys: 'Esc', does: 'Close a dialog or cancel an edit' },
];

/** While the calling component is mounted, `key` (or a sequence like "g l") runs `handler`. */
export function useShortcut(key: string, handler: Handler, enabled = true): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    const run: Handler = (event) => latest.current(event);
    registry.set(key, [...(registry.get(key) ?? []), run]);
    return () => {
      registry.set(key, (registry.get(key) ?? []).filter((h) => h !== run));
    };
  }, [key, enabled]);
}

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';
const ACTIVATES_ON_ENTER = 'a, button, summary, input, select, textarea, [role="button"]';

export function installShortcuts(): () => void {
  let pending: { key: string; at: number } | null = null;

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || event.isComposing) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest(TYPING)) return;
    // A modal dialog owns the keyboard while it is open.
    if (document.querySelector('dialog[open]')) return;
    if (event.key === 'Enter' && target?.closest(ACTIVATES_ON_ENTER)) return;

    const now = Date.now();
    const sequence = pending && now - pending.at < SEQUENCE_MS ? `${pending.key} ${event.key}` : null;
    pending = null;
    const key = sequence && registry.get(sequence)?.length ? sequence : event.key;
    const handlers = registry.get(key);
    if (handlers?.length) {
      event.preventDefault();
      handlers.at(-1)!(event);
      return;
    }
    if ([...registry.keys()].some((k) => k.startsWith(`${event.key} `))) pending = { key: event.key, at: now };
  };

  window.addEventListener('keydown', onKeyDown);
  return () => window.removeEventListener('keydown', onKeyDown);
}
