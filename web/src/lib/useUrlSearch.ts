import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useDebounced } from './useDebounced.ts';

/**
 * A search box bound to the URL (?q=…): typing updates the URL once it pauses, so searches can be
 * bookmarked; Back and links update the box. Returns the box's text and its setter.
 */
export function useUrlSearch(key = 'q'): [string, (text: string) => void] {
  const [params, setParams] = useSearchParams();
  const inUrl = params.get(key) ?? '';
  const [text, setText] = useState(inUrl);
  const settled = useDebounced(text, 250);
  const latestUrl = useRef(inUrl);

  useEffect(() => {
    latestUrl.current = inUrl;
    setText((typed) => (typed.trim() === inUrl.trim() ? typed : inUrl));
  }, [inUrl]);

  useEffect(() => {
    if (settled.trim() === latestUrl.current.trim()) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (settled.trim()) next.set(key, settled.trim());
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  }, [settled, key, setParams]);

  return [text, setText];
}
