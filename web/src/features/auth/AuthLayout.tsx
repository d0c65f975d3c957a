import type { ReactNode } from 'react';
import { Logo } from '../../components/Logo.tsx';

export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh items-start justify-center bg-gradient-to-b from-indigo-50 to-slate-50 px-4 pt-[12vh] pb-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <Logo className="size-8" />
          <span className="text-xl font-semibold tracking-tight text-slate-900">Leadflow</span>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-900/5 sm:p-8">
          <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
          {subtitle && <p className="mt-1 text-sm text-slate-500">{subtitle}</p>}
          <div className="mt-6">{children}</div>
        </div>
      </div>
    </main>
  );
}
