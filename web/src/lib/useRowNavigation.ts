import { useEffect, useState } from 'react';
import { useShortcut } from './shortcuts.ts';

/**
 * j/k move a highlight through a list's rows, Enter opens the highlighted one and x toggles its
 * selection; the row carrying `data-row-index` scrolls into view as the highlight moves.
 */
export function useRowNavigation<T>(rows: T[], open: (row: T) => void, toggle?: (row: T) => void) {
  const [highlighted, setHighlighted] = useState(-1);
  const current = highlighted >= 0 && highlighted < rows.length ? highlighted : -1;

  useShortcut('j', () => setHighlighted(Math.min(rows.length - 1, current + 1)));
  useShortcut('k', () => setHighlighted(Math.max(0, current - 1)));
  useShortcut('Enter', () => current >= 0 && open(rows[current]!), current >= 0);
  useShortcut('x', () => current >= 0 && toggle?.(rows[current]!), Boolean(toggle) && current >= 0);

  useEffect(() => {
    if (current >= 0) document.querySelector(`[data-row-index="${current}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  return { highlighted: current, setHighlighted };
}
