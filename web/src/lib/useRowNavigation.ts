import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useShortcut } from './shortcuts.ts';

/**
 * j/k move a highlight through a list's rows, Enter opens the highlighted one and x toggles its
 * selection; the row carrying `data-row-index` scrolls into view as the highlight moves.
 * The highlight is mirrored in a ref so a key pressed right after a hover acts on the hovered row,
 * even before React has re-rendered.
 */
export function useRowNavigation<T>(rows: T[], open: (row: T) => void, toggle?: (row: T) => void) {
  const [highlighted, setHighlightedState] = useState(-1);
  const index = useRef(-1);
  const latestRows = useRef(rows);
  useLayoutEffect(() => {
    latestRows.current = rows;
  });

  const setHighlighted = (next: number) => {
    index.current = next;
    setHighlightedState(next);
  };
  const current = () => (index.current < latestRows.current.length ? index.current : -1);
  const row = () => (current() >= 0 ? latestRows.current[current()] : undefined);

  useShortcut('j', () => setHighlighted(Math.min(latestRows.current.length - 1, current() + 1)));
  useShortcut('k', () => setHighlighted(Math.max(0, current() - 1)));
  useShortcut('Enter', () => {
    const highlightedRow = row();
    if (highlightedRow !== undefined) open(highlightedRow);
  });
  useShortcut('x', () => {
    const highlightedRow = row();
    if (highlightedRow !== undefined) toggle?.(highlightedRow);
  });

  const shown = highlighted < rows.length ? highlighted : -1;
  useEffect(() => {
    if (shown >= 0) document.querySelector(`[data-row-index="${shown}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [shown]);

  return { highlighted: shown, setHighlighted };
}
