import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

const TONES = {
  error: 'bg-red-50 text-red-800 ring-red-200',
  warning: 'bg-amber-50 text-amber-900 ring-amber-200',
  info: 'bg-indigo-50 text-indigo-900 ring-indigo-200',
} as const;

export function Notice({ tone = 'error', children, action }: { tone?: keyof typeof TONES; children: ReactNode; action?: ReactNode }) {
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`flex flex-wrap items-center justify-between gap-3 rounded-lg px-4 py-3 text-sm ring-1 ${TONES[tone]}`}>
      <div>{children}</div>
      {action}
    </div>
  );
}

export const errorMessage = (error: unknown): string =>
  error instanceof ApiError ? error.message : error instanceof Error ? error.message : 'Something went wrong';
