import type { ReactNode } from 'react';

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="inline-flex min-w-5 items-center justify-center rounded border border-slate-300 bg-white px-1 text-[11px] font-medium text-slate-600 shadow-[0_1px_0_rgb(0_0_0/0.08)]">{children}</kbd>;
}
