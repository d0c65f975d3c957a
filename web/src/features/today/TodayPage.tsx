import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { Lead } from '../../api/types.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Kbd } from '../../components/Kbd.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { relativeTime } from '../../lib/dates.ts';
import { useShortcut } from '../../lib/shortcuts.ts';
import { useSession } from '../auth/session.tsx';
import { useLeadList } from '../leads/api.ts';
import { STATUS_LABELS, STATUS_TONES, leadName } from '../leads/labels.ts';
import { NewLeadDialog } from '../leads/NewLeadDialog.tsx';

function greeting(hour: number): string {
  return hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening';
}

/** A rep's start page: their new leads to work, and what moved lately. */
export function TodayPage() {
  const me = useSession();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  useShortcut('n', () => setCreating(true));
  const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: me.user.timeZone }).format(new Date()));

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-slate-900 sm:text-2xl">
            {greeting(hour)}, {me.user.name.split(' ')[0]}
          </h1>
          <p className="mt-1 text-sm text-slate-500">Here is what needs you today at {me.org.name}.</p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          <Icon name="plus" className="size-4" /> New lead
        </Button>
      </div>

      <div className="grid gap-5 lg:grid-cols-2">
        <LeadPanel
          title="My new leads"
          hint="Assigned to you and not yet worked"
          params={{ ownerId: me.user.id, status: 'new', sort: '-createdAt' }}
          all={`/leads?owner=me&status=new`}
          empty="No new leads waiting for you."
        />
        <LeadPanel title="Recently updated" hint="Across your organisation" params={{ sort: '-updatedAt' }} all="/leads?sort=-updatedAt" empty="Nothing has changed yet." />
      </div>

      <section className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-900/5">
        <h2 className="text-sm font-semibold text-slate-900">Work faster with the keyboard</h2>
        <p className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm text-slate-600">
          <span>
            <Kbd>g</Kbd> <Kbd>l</Kbd> leads
          </span>
          <span>
            <Kbd>g</Kbd> <Kbd>a</Kbd> accounts
          </span>
          <span>
            <Kbd>g</Kbd> <Kbd>c</Kbd> contacts
          </span>
          <span>
            <Kbd>/</Kbd> search
          </span>
          <span>
            <Kbd>n</Kbd> new
          </span>
          <span>
            <Kbd>?</Kbd> all shortcuts
          </span>
        </p>
      </section>

      <NewLeadDialog open={creating} onClose={() => setCreating(false)} onOpenLead={(id) => navigate(`/leads/${id}`)} />
    </div>
  );
}

function LeadPanel({ title, hint, params, all, empty }: { title: string; hint: string; params: Record<string, string>; all: string; empty: string }) {
  const list = useLeadList(params, 8);
  const leads: Lead[] = list.data?.pages[0]?.data ?? [];
  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="flex items-baseline justify-between gap-3 border-b border-slate-100 px-5 py-3">
        <div>
          <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
          <p className="text-xs text-slate-500">{hint}</p>
        </div>
        <Link to={all} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
          View all
        </Link>
      </div>
      {list.isPending ? (
        <Spinner />
      ) : leads.length === 0 ? (
        <p className="px-5 py-8 text-center text-sm text-slate-500">{empty}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {leads.map((lead) => (
            <li key={lead.id}>
              <Link to={`/leads/${lead.id}`} className="flex items-center gap-3 px-5 py-2.5 hover:bg-slate-50">
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium text-slate-900">{leadName(lead)}</span>
                  <span className="block truncate text-xs text-slate-500">{lead.company || lead.email}</span>
                </span>
                <Badge tone={STATUS_TONES[lead.status]}>{STATUS_LABELS[lead.status]}</Badge>
                <span className="hidden w-20 text-right text-xs text-slate-400 sm:block">{relativeTime(lead.updatedAt)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
