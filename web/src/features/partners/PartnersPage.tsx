import { useState, type FormEvent } from 'react';
import { Link, NavLink, Route, Routes, useParams } from 'react-router';
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Field, Input, Select, controlClass } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { useSession } from '../auth/session.tsx';
import { minorPerMajor } from '../opportunities/api.ts';
import { useUserNames, useUsers } from '../users/api.ts';
import {
  money,
  useCreatePartner,
  useCreateTier,
  useDecide,
  useInvitePartnerUser,
  usePartnerReport,
  usePartners,
  useProgram,
  useRegistration,
  useRegistrations,
  useTiers,
  useUpdatePartner,
  useUpdateProgram,
  type Conflict,
  type PartnerKind,
  type RegistrationStatus,
} from './api.ts';
import { RegistrationFacts, RegistrationTimeline, StatusBadge, when } from './RegistrationParts.tsx';

const tabClass = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap border-b-2 px-1 pb-2.5 text-sm font-medium ${isActive ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700'}`;
const card = 'rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5';

/** Channel partners for the internal team: the registrations inbox, the partner admin and the report. */
export function PartnersPage() {
  return (
    <div className="space-y-5">
      <PageHeader title="Partners" subtitle="Deal registrations from channel partners, the partner programme and what partners bring in." />
      <nav aria-label="Partner views" className="-mx-3 overflow-x-auto border-b border-slate-200 px-3 sm:mx-0 sm:px-0">
        <div className="flex gap-6">
          <NavLink to="/partners" end className={tabClass}>
            Registrations
          </NavLink>
          <NavLink to="/partners/manage" className={tabClass}>
            Partners
          </NavLink>
          <NavLink to="/partners/report" className={tabClass}>
            Report
          </NavLink>
        </div>
      </nav>
      <Routes>
        <Route index element={<RegistrationsInbox />} />
        <Route path="registrations/:id" element={<RegistrationReview />} />
        <Route path="manage" element={<PartnerAdmin />} />
        <Route path="report" element={<PartnerReportView />} />
      </Routes>
    </div>
  );
}

function RegistrationsInbox() {
  const [status, setStatus] = useState<RegistrationStatus | ''>('pending');
  const registrations = useRegistrations(status || undefined);
  return (
    <div className="space-y-3">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        Status
        <Select value={status} onChange={(e) => setStatus(e.target.value as RegistrationStatus | '')} className="w-40">
          <option value="pending">Pending</option>
          <option value="approved">Approved</option>
          <option value="rejected">Rejected</option>
          <option value="expired">Expired</option>
          <option value="withdrawn">Withdrawn</option>
          <option value="">All</option>
        </Select>
      </label>
      {registrations.isPending ? (
        <Spinner />
      ) : registrations.isError ? (
        <Notice>{errorMessage(registrations.error)}</Notice>
      ) : registrations.data.length === 0 ? (
        <EmptyState title="No registrations here">When a partner registers a deal, it waits here for its partner manager.</EmptyState>
      ) : (
        <ul aria-label="Deal registrations" className="space-y-2">
          {registrations.data.map((r) => (
            <li key={r.id}>
              <Link to={`/partners/registrations/${r.id}`} className={`block ${card} hover:ring-indigo-300`}>
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-medium text-slate-900">{r.company}</span>
                  <StatusBadge status={r.status} />
                </div>
                <p className="mt-1 text-sm text-slate-500">
                  {r.partnerName} · {money(r.amount, r.currency)} · {when(r.createdAt)}
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const REASONS: Record<Conflict['reason'], string> = { domain: 'same domain', similar_name: 'similar name', account: 'on a matching account' };
const LINKS: Record<Conflict['type'], string> = { account: '/accounts/', lead: '/leads/', opportunity: '/opportunities/' };

function RegistrationReview() {
  const { id = '' } = useParams();
  const registration = useRegistration(id);
  const decide = useDecide(id);
  const toast = useToast();
  const userName = useUserNames();
  const [reason, setReason] = useState('');
  const [accountId, setAccountId] = useState('');
  if (registration.isPending) return <Spinner />;
  if (registration.isError) return <Notice>{errorMessage(registration.error)}</Notice>;
  const r = registration.data;
  const accounts = r.conflicts.filter((c) => c.type === 'account');
  const send = (decision: 'approve' | 'reject') => {
    const body = decision === 'reject' ? { decision, reason } : { decision, ...(reason.trim() ? { reason } : {}), ...(accountId ? { accountId } : {}) };
    decide.mutate(body, { onSuccess: () => toast(decision === 'approve' ? 'Approved: the deal is in the partner pipeline' : 'Rejected') });
  };
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <div className="space-y-4">
        <RegistrationFacts registration={r} />
        {r.opportunityId && (
          <Link to={`/opportunities/${r.opportunityId}`} className="text-sm font-medium text-indigo-700 hover:underline">
            Open the deal →
          </Link>
        )}
      </div>
      <div className="space-y-4">
        {r.status === 'pending' && (
          <section aria-label="Conflicts" className={card}>
            <h2 className="mb-2 text-base font-semibold text-slate-900">Conflicts</h2>
            {r.conflicts.length === 0 ? (
              <p className="text-sm text-slate-500">No account, lead or open deal looks like this company.</p>
            ) : (
              <ul className="divide-y divide-slate-100">
                {r.conflicts.map((c) => (
                  <li key={`${c.type}-${c.id}`} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                    <span className="min-w-0">
                      <Badge tone={c.type === 'opportunity' ? 'red' : 'amber'}>{c.type}</Badge>{' '}
                      <Link to={`${LINKS[c.type]}${c.id}`} className="font-medium text-indigo-700 hover:underline">
                        {c.name}
                      </Link>
                    </span>
                    <span className="text-xs text-slate-500">
                      {REASONS[c.reason]} ({Math.round(c.similarity * 100)}%) · {userName(c.ownerId)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
        {r.status === 'pending' && (
          <section aria-label="Decision" className={`${card} space-y-3`}>
            <h2 className="text-base font-semibold text-slate-900">Decision</h2>
            {accounts.length > 0 && (
              <Field label="On approval">
                {(p) => (
                  <Select {...p} value={accountId} onChange={(e) => setAccountId(e.target.value)}>
                    <option value="">Create a new account</option>
                    {accounts.map((a) => (
                      <option key={a.id} value={a.id}>
                        Link to {a.name}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            )}
            <Field label="Reason" hint="The partner sees it; needed to reject.">
              {(p) => <textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} className={`${controlClass} w-full`} />}
            </Field>
            {decide.isError && <Notice>{errorMessage(decide.error)}</Notice>}
            <div className="flex flex-wrap gap-2">
              <Button variant="primary" busy={decide.isPending} onClick={() => send('approve')}>
                Approve
              </Button>
              <Button disabled={!reason.trim() || decide.isPending} onClick={() => send('reject')}>
                Reject
              </Button>
            </div>
          </section>
        )}
        <RegistrationTimeline id={id} notes={r.notes} internal />
      </div>
    </div>
  );
}

const KINDS: PartnerKind[] = ['reseller', 'referral', 'technology'];

function PartnerAdmin() {
  const me = useSession();
  const manages = me.user.role === 'admin' || me.user.role === 'manager';
  const partners = usePartners();
  const tiers = useTiers();
  const users = useUsers();
  const program = useProgram();
  const createPartner = useCreatePartner();
  const updatePartner = useUpdatePartner();
  const createTier = useCreateTier();
  const invite = useInvitePartnerUser();
  const updateProgram = useUpdateProgram();
  const toast = useToast();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<PartnerKind>('reseller');
  const [tierName, setTierName] = useState('');
  const [inviteFor, setInviteFor] = useState<string | null>(null);
  const [inviteEmail, setInviteEmail] = useState('');
  const [inviteName, setInviteName] = useState('');
  const [inviteLink, setInviteLink] = useState<string | null>(null);
  const staff = (users.data ?? []).filter((u) => u.role !== 'partner' && u.status === 'active');
  const tierLabel = (id: string | null) => tiers.data?.find((t) => t.id === id)?.name ?? 'No tier';

  const addPartner = (event: FormEvent) => {
    event.preventDefault();
    createPartner.mutate({ name, kind, tierId: null }, { onSuccess: () => setName('') });
  };
  const sendInvite = (event: FormEvent) => {
    event.preventDefault();
    if (!inviteFor) return;
    invite.mutate(
      { partnerId: inviteFor, email: inviteEmail, name: inviteName },
      {
        onSuccess: (res) => {
          toast('Invitation created');
          setInviteLink(res.inviteToken ? `${window.location.origin}/accept-invitation?token=${encodeURIComponent(res.inviteToken)}` : null);
          setInviteEmail('');
          setInviteName('');
        },
      },
    );
  };

  if (partners.isPending || tiers.isPending) return <Spinner />;
  if (partners.isError) return <Notice>{errorMessage(partners.error)}</Notice>;
  return (
    <div className="space-y-4">
      {manages && (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
          <form onSubmit={addPartner} aria-label="Add a partner" className={`${card} space-y-3`}>
            <h2 className="text-base font-semibold text-slate-900">Add a partner</h2>
            <Field label="Name">{(p) => <Input {...p} required value={name} onChange={(e) => setName(e.target.value)} />}</Field>
            <Field label="Kind">
              {(p) => (
                <Select {...p} value={kind} onChange={(e) => setKind(e.target.value as PartnerKind)}>
                  {KINDS.map((k) => (
                    <option key={k}>{k}</option>
                  ))}
                </Select>
              )}
            </Field>
            {createPartner.isError && <Notice>{errorMessage(createPartner.error)}</Notice>}
            <Button type="submit" variant="primary" busy={createPartner.isPending}>
              Add partner
            </Button>
          </form>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              createTier.mutate({ name: tierName }, { onSuccess: () => setTierName('') });
            }}
            aria-label="Tiers"
            className={`${card} space-y-3`}
          >
            <h2 className="text-base font-semibold text-slate-900">Tiers</h2>
            <p className="text-sm text-slate-600">{tiers.data?.map((t) => t.name).join(' · ') || 'No tiers yet.'}</p>
            <Field label="New tier">{(p) => <Input {...p} required value={tierName} onChange={(e) => setTierName(e.target.value)} />}</Field>
            {createTier.isError && <Notice>{errorMessage(createTier.error)}</Notice>}
            <Button type="submit" busy={createTier.isPending}>
              Add tier
            </Button>
          </form>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const days = Number(new FormData(e.currentTarget).get('days'));
              updateProgram.mutate({ registrationExpiryDays: days }, { onSuccess: () => toast('Saved') });
            }}
            aria-label="Programme"
            className={`${card} space-y-3`}
          >
            <h2 className="text-base font-semibold text-slate-900">Programme</h2>
            {program.data && (
              <Field label="Registrations expire after (days without progress)">
                {(p) => <Input {...p} name="days" type="number" min={1} max={730} defaultValue={program.data.registrationExpiryDays} />}
              </Field>
            )}
            {updateProgram.isError && <Notice>{errorMessage(updateProgram.error)}</Notice>}
            <Button type="submit" busy={updateProgram.isPending}>
              Save
            </Button>
          </form>
        </div>
      )}
      {partners.data.length === 0 ? (
        <EmptyState title="No partners yet">Add your resellers, referral and technology partners, then invite their people.</EmptyState>
      ) : (
        <ul aria-label="Partners" className="space-y-3">
          {partners.data.map((partner) => (
            <li key={partner.id} className={`${card} space-y-3`}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span className="font-medium text-slate-900">
                  {partner.name} <Badge tone="indigo">{partner.kind}</Badge> <Badge>{tierLabel(partner.tierId)}</Badge>
                </span>
                {manages && (
                  <Button size="sm" onClick={() => setInviteFor(inviteFor === partner.id ? null : partner.id)}>
                    Invite partner user
                  </Button>
                )}
              </div>
              {manages && (
                <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
                  <Field label="Tier">
                    {(p) => (
                      <Select {...p} value={partner.tierId ?? ''} onChange={(e) => updatePartner.mutate({ id: partner.id, tierId: e.target.value || null })}>
                        <option value="">No tier</option>
                        {tiers.data?.map((t) => (
                          <option key={t.id} value={t.id}>
                            {t.name}
                          </option>
                        ))}
                      </Select>
                    )}
                  </Field>
                  <Field label="Partner manager">
                    {(p) => (
                      <Select {...p} value={partner.managerId ?? ''} onChange={(e) => updatePartner.mutate({ id: partner.id, managerId: e.target.value || null })}>
                        <option value="">Nobody</option>
                        {staff.map((u) => (
                          <option key={u.id} value={u.id}>
                            {u.name}
                          </option>
                        ))}
                      </Select>
                    )}
                  </Field>
                </div>
              )}
              <p className="text-sm text-slate-600">
                {partner.members.length ? partner.members.map((m) => `${m.name} <${m.email}>${m.status === 'invited' ? ' (invited)' : ''}`).join(', ') : 'No partner users yet.'}
              </p>
              {inviteFor === partner.id && (
                <form onSubmit={sendInvite} aria-label={`Invite a user of ${partner.name}`} className="grid grid-cols-1 items-end gap-3 sm:grid-cols-3">
                  <Field label="Name">{(p) => <Input {...p} required value={inviteName} onChange={(e) => setInviteName(e.target.value)} />}</Field>
                  <Field label="Email">{(p) => <Input {...p} type="email" required value={inviteEmail} onChange={(e) => setInviteEmail(e.target.value)} />}</Field>
                  <Button type="submit" variant="primary" busy={invite.isPending}>
                    Create invitation
                  </Button>
                  {invite.isError && <Notice>{errorMessage(invite.error)}</Notice>}
                  {inviteLink && (
                    <p className="text-sm break-all text-slate-700 sm:col-span-3">
                      Send this link to the partner user: <code>{inviteLink}</code>
                    </p>
                  )}
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** An amount with its currency code ("EUR 1,200"): partner deals come in several currencies, never added together. */
const moneyCode = (minor: number, currency: string) =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency, currencyDisplay: 'code', minimumFractionDigits: 0, maximumFractionDigits: Math.log10(minorPerMajor(currency)) }).format(minor / minorPerMajor(currency));
const moneyList = (amounts: Record<string, number>) =>
  Object.entries(amounts)
    .sort((a, b) => b[1] - a[1])
    .map(([c, v]) => moneyCode(v, c))
    .join(', ') || '—';
const pct = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);

/** The report's currencies, the one with the most money (pipeline and won) first. */
function currenciesByMoney(partners: { pipeline: Record<string, number>; wonRevenue: Record<string, number> }[]): string[] {
  const totals = new Map<string, number>();
  for (const p of partners) for (const [c, v] of [...Object.entries(p.pipeline), ...Object.entries(p.wonRevenue)]) totals.set(c, (totals.get(c) ?? 0) + v);
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}

function PartnerReportView() {
  const report = usePartnerReport();
  const [picked, setPicked] = useState('');
  if (report.isPending) return <Spinner />;
  if (report.isError) return <Notice>{errorMessage(report.error)}</Notice>;
  const { partners, tiers } = report.data;
  if (partners.length === 0) return <EmptyState title="No partners yet">The report fills in once deals are credited to partners.</EmptyState>;
  const currencies = currenciesByMoney(partners);
  const currency = currencies.includes(picked) ? picked : (currencies[0] ?? '');
  const unit = currency ? minorPerMajor(currency) : 1;
  const chart = partners.map((p) => ({ name: p.name, pipeline: (p.pipeline[currency] ?? 0) / unit, won: (p.wonRevenue[currency] ?? 0) / unit }));
  const table = (rows: { key: string; name: string; openDeals: number; pipeline: Record<string, number>; wonRevenue: Record<string, number>; winRate: number | null; averageCycleDays: number | null }[], label: string) => (
    <div className="overflow-x-auto">
      <table aria-label={label} className="min-w-full text-sm">
        <thead>
          <tr className="text-left text-xs text-slate-500">
            <th className="py-2 pr-3 font-medium">{label}</th>
            <th className="py-2 pr-3 font-medium">Pipeline</th>
            <th className="py-2 pr-3 font-medium">Won revenue</th>
            <th className="py-2 pr-3 font-medium">Win rate</th>
            <th className="py-2 pr-3 font-medium">Avg. cycle</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.key}>
              <td className="py-2 pr-3 font-medium text-slate-900">{row.name}</td>
              <td className="py-2 pr-3 whitespace-nowrap">
                {moneyList(row.pipeline)} <span className="text-slate-400">({row.openDeals})</span>
              </td>
              <td className="py-2 pr-3 whitespace-nowrap">{moneyList(row.wonRevenue)}</td>
              <td className="py-2 pr-3">{pct(row.winRate)}</td>
              <td className="py-2 pr-3 whitespace-nowrap">{row.averageCycleDays === null ? '—' : `${row.averageCycleDays} d`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <div className="space-y-4">
      <section className={card} aria-label={currency ? `Pipeline and won revenue by partner in ${currency}` : 'Pipeline and won revenue by partner'}>
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-base font-semibold text-slate-900">Pipeline and won revenue{currency && ` (${currency})`}</h2>
          {currencies.length > 1 && (
            <div className="w-28">
              <Select aria-label="Currency" value={currency} onChange={(e) => setPicked(e.target.value)}>
                {currencies.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </Select>
            </div>
          )}
        </div>
        {currency ? (
          <div className="h-64">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={chart}>
                <XAxis dataKey="name" fontSize={12} />
                <YAxis fontSize={12} width={60} />
                <Tooltip formatter={(v) => moneyCode(Number(v) * unit, currency)} />
                <Legend />
                <Bar dataKey="pipeline" name="Pipeline" fill="#6366f1" />
                <Bar dataKey="won" name="Won" fill="#059669" />
              </BarChart>
            </ResponsiveContainer>
          </div>
        ) : (
          <p className="text-sm text-slate-500">No pipeline or won revenue credited to partners yet.</p>
        )}
      </section>
      <section className={card}>{table(partners.map((p) => ({ ...p, key: p.partnerId })), 'Partner')}</section>
      <section className={card}>{table(tiers.map((t) => ({ ...t, key: t.tierId ?? 'none' })), 'Tier')}</section>
    </div>
  );
}
