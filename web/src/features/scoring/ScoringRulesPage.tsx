import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Input, Select } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import {
  ENGAGEMENT_KINDS,
  ENGAGEMENT_LABELS,
  FIT_FIELD_LABELS,
  SENIORITIES,
  SENIORITY_LABELS,
  useSaveScoringRules,
  useScoringRules,
  type EngagementKind,
  type FitField,
  type FitRule,
  type ListOperator,
  type ScoringRules,
  type Seniority,
} from './api.ts';
import { RescoreProgress } from './RescoreProgress.tsx';
import { useCustomFields } from '../customfields/api.ts';

/** A fit rule as typed: lists and bounds as text until saved. */
type DraftFit = { field: FitField | `custom.${string}`; operator: ListOperator; range: boolean; valuesText: string; seniorities: Seniority[]; min: string; max: string; points: string };
type DraftEngagement = { kind: EngagementKind; on: boolean; points: string; halfLifeDays: string; maxEvents: string };

const toDraftFit = (rule: FitRule): DraftFit => ({
  field: rule.field,
  operator: rule.operator === 'between' ? 'in' : rule.operator,
  range: rule.operator === 'between',
  valuesText: rule.operator !== 'between' && rule.field !== 'titleSeniority' ? rule.values.join(', ') : '',
  seniorities: rule.field === 'titleSeniority' ? rule.values : [],
  min: rule.operator === 'between' && rule.min !== null ? String(rule.min) : '',
  max: rule.operator === 'between' && rule.max !== null ? String(rule.max) : '',
  points: String(rule.points),
});

function fromDraftFit(d: DraftFit): FitRule {
  const points = Number(d.points);
  if (d.field.startsWith('custom.')) {
    const field = d.field as `custom.${string}`;
    if (d.range) return { field, operator: 'between', min: d.min.trim() === '' ? null : Number(d.min), max: d.max.trim() === '' ? null : Number(d.max), points };
    return { field, operator: d.operator, values: d.valuesText.split(',').map((v) => v.trim()).filter(Boolean), points };
  }
  if (d.field === 'employeeCount') return { field: d.field, operator: 'between', min: d.min.trim() === '' ? null : Number(d.min), max: d.max.trim() === '' ? null : Number(d.max), points };
  if (d.field === 'titleSeniority') return { field: d.field, operator: d.operator, values: d.seniorities, points };
  const values = d.valuesText.split(',').map((v) => v.trim()).filter(Boolean);
  return { field: d.field, operator: d.operator, values: d.field === 'country' ? values.map((v) => v.toUpperCase()) : values, points };
}

const NEW_FIT: DraftFit = { field: 'industry', operator: 'in', range: false, valuesText: '', seniorities: [], min: '', max: '', points: '10' };

/** Admins: fit rules and weights, engagement weights and how fast they fade; saving rescores every lead. */
export function ScoringRulesPage() {
  const rules = useScoringRules();
  if (rules.isPending) return <Spinner label="Loading scoring rules…" />;
  if (rules.isError) return <Notice>{errorMessage(rules.error)}</Notice>;
  return <ScoringEditor key={rules.data.version} rules={rules.data} />;
}

function ScoringEditor({ rules }: { rules: ScoringRules }) {
  const [fit, setFit] = useState<DraftFit[]>(rules.fit.map(toDraftFit));
  // Lead custom fields a fit rule may read: a range for numbers and money, values for the rest.
  const customFields = useCustomFields('lead').filter((f) => f.type !== 'lookup' && f.type !== 'date' && f.type !== 'url');
  const isRange = (field: string) => field === 'employeeCount' || customFields.some((f) => `custom.${f.key}` === field && (f.type === 'number' || f.type === 'currency'));
  const [engagement, setEngagement] = useState<DraftEngagement[]>(
    ENGAGEMENT_KINDS.map((kind) => {
      const rule = rules.engagement.find((r) => r.kind === kind);
      return { kind, on: Boolean(rule), points: String(rule?.points ?? 5), halfLifeDays: String(rule?.halfLifeDays ?? 14), maxEvents: String(rule?.maxEvents ?? 3) };
    }),
  );
  const save = useSaveScoringRules();
  const toast = useToast();
  const errors = save.error instanceof ApiError ? save.error.fields : {};
  const changeFit = (i: number, patch: Partial<DraftFit>) => setFit((all) => all.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const changeEngagement = (i: number, patch: Partial<DraftEngagement>) => setEngagement((all) => all.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const fitError = (i: number) => Object.entries(errors).find(([f]) => f.startsWith(`fit.${i}.`) || f === `fit.${i}`)?.[1];
  const engagementError = (i: number) => Object.entries(errors).find(([f]) => f.startsWith(`engagement.${i}.`))?.[1];
  const onEngagement = engagement.filter((e) => e.on);

  return (
    <form
      aria-label="Scoring rules"
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(
          {
            version: rules.version,
            fit: fit.map(fromDraftFit),
            engagement: onEngagement.map((e) => ({ kind: e.kind, points: Number(e.points), halfLifeDays: Number(e.halfLifeDays), maxEvents: Number(e.maxEvents) })),
          },
          { onSuccess: () => toast('Scoring rules saved: every lead is being rescored') },
        );
      }}
    >
      <RescoreProgress />
      {save.error && (
        <Notice>{save.error instanceof ApiError && save.error.isStale ? 'Another admin changed the rules; reload the page to see them.' : errorMessage(save.error)}</Notice>
      )}

      <section aria-labelledby="fit-heading" className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <div>
            <h2 id="fit-heading" className="text-sm font-semibold text-slate-900">
              Fit
            </h2>
            <p className="text-xs text-slate-500">Points when what we know about the lead matches. Seniority is read from the job title.</p>
          </div>
          <Button size="sm" onClick={() => setFit((all) => [...all, NEW_FIT])}>
            <Icon name="plus" className="size-4" /> Add fit rule
          </Button>
        </div>
        <ol className="space-y-2">
          {fit.map((rule, i) => {
            const n = i + 1;
            return (
              <li key={i} className="rounded-lg p-3 ring-1 ring-slate-200">
                <div className="flex flex-wrap items-center gap-2">
                  <Select aria-label={`Fit rule ${n} field`} className="w-40" value={rule.field} onChange={(e) => changeFit(i, { field: e.target.value as DraftFit['field'], range: isRange(e.target.value) })}>
                    {(Object.keys(FIT_FIELD_LABELS) as FitField[]).map((f) => (
                      <option key={f} value={f}>
                        {FIT_FIELD_LABELS[f]}
                      </option>
                    ))}
                    {customFields.map((f) => (
                      <option key={f.id} value={`custom.${f.key}`}>
                        {f.label}
                      </option>
                    ))}
                  </Select>
                  {rule.field === 'employeeCount' || rule.range ? (
                    <span className="flex items-center gap-2 text-sm text-slate-600">
                      from
                      <Input aria-label={`Fit rule ${n} minimum`} value={rule.min} inputMode="numeric" className="w-20" onChange={(e) => changeFit(i, { min: e.target.value })} />
                      to
                      <Input aria-label={`Fit rule ${n} maximum`} value={rule.max} inputMode="numeric" placeholder="any" className="w-20" onChange={(e) => changeFit(i, { max: e.target.value })} />
                    </span>
                  ) : (
                    <Select aria-label={`Fit rule ${n} test`} className="w-32" value={rule.operator} onChange={(e) => changeFit(i, { operator: e.target.value as ListOperator })}>
                      <option value="in">is one of</option>
                      <option value="not_in">is none of</option>
                    </Select>
                  )}
                  {(rule.field === 'industry' || rule.field === 'country' || (rule.field.startsWith('custom.') && !rule.range)) && (
                    <Input
                      aria-label={`Fit rule ${n} values`}
                      value={rule.valuesText}
                      placeholder={rule.field === 'country' ? 'DE, AT, CH' : 'Software, Banking'}
                      className="min-w-40 flex-1"
                      onChange={(e) => changeFit(i, { valuesText: e.target.value })}
                    />
                  )}
                  <span className="flex items-center gap-2 text-sm text-slate-600">
                    points
                    <Input aria-label={`Fit rule ${n} points`} value={rule.points} inputMode="numeric" className="w-20" onChange={(e) => changeFit(i, { points: e.target.value })} />
                  </span>
                  <Button size="sm" variant="ghost" aria-label={`Remove fit rule ${n}`} onClick={() => setFit((all) => all.filter((_r, j) => j !== i))}>
                    <Icon name="trash" className="size-4" />
                  </Button>
                </div>
                {rule.field === 'titleSeniority' && (
                  <fieldset className="mt-2">
                    <legend className="sr-only">Fit rule {n} seniorities</legend>
                    <div className="flex flex-wrap gap-x-4 gap-y-1">
                      {SENIORITIES.map((s) => (
                        <label key={s} className="flex items-center gap-1.5 text-sm text-slate-700">
                          <input
                            type="checkbox"
                            checked={rule.seniorities.includes(s)}
                            onChange={(e) => changeFit(i, { seniorities: e.target.checked ? [...rule.seniorities, s] : rule.seniorities.filter((x) => x !== s) })}
                            className="size-4 rounded border-slate-300"
                          />
                          {SENIORITY_LABELS[s]}
                        </label>
                      ))}
                    </div>
                  </fieldset>
                )}
                {fitError(i) && <p className="mt-1 text-sm text-red-600">{fitError(i)}</p>}
              </li>
            );
          })}
        </ol>
        {fit.length === 0 && <p className="text-sm text-slate-500">No fit rules: leads score on engagement only.</p>}
      </section>

      <section aria-labelledby="engagement-heading" className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
        <div>
          <h2 id="engagement-heading" className="text-sm font-semibold text-slate-900">
            Engagement
          </h2>
          <p className="text-xs text-slate-500">Points for recent activity on the lead. An event counts half after its half-life, a quarter after two.</p>
        </div>
        <ul className="space-y-2">
          {engagement.map((rule, i) => {
            const points = Number(rule.points);
            const half = Number(rule.halfLifeDays);
            return (
              <li key={rule.kind} className="rounded-lg p-3 ring-1 ring-slate-200">
                <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
                  <label className="flex w-44 items-center gap-2 text-sm font-medium text-slate-800">
                    <input type="checkbox" checked={rule.on} onChange={(e) => changeEngagement(i, { on: e.target.checked })} className="size-4 rounded border-slate-300" />
                    {ENGAGEMENT_LABELS[rule.kind]}
                  </label>
                  <label className="flex items-center gap-2 text-sm text-slate-600">
                    points
                    <Input value={rule.points} disabled={!rule.on} inputMode="numeric" className="w-16" aria-label={`${ENGAGEMENT_LABELS[rule.kind]} points`} onChange={(e) => changeEngagement(i, { points: e.target.value })} />
                  </label>
                  <label className="flex items-center gap-2 text-sm text-slate-600">
                    half-life (days)
                    <Input value={rule.halfLifeDays} disabled={!rule.on} inputMode="decimal" className="w-16" aria-label={`${ENGAGEMENT_LABELS[rule.kind]} half-life in days`} onChange={(e) => changeEngagement(i, { halfLifeDays: e.target.value })} />
                  </label>
                  <label className="flex items-center gap-2 text-sm text-slate-600">
                    counts last
                    <Input value={rule.maxEvents} disabled={!rule.on} inputMode="numeric" className="w-16" aria-label={`${ENGAGEMENT_LABELS[rule.kind]} events that count`} onChange={(e) => changeEngagement(i, { maxEvents: e.target.value })} />
                  </label>
                  {rule.on && points > 0 && half > 0 && (
                    <span className="text-xs text-slate-500">
                      +{points} today, +{Math.round(points / 2)} after {half} days, +{Math.round(points / 4)} after {half * 2}
                    </span>
                  )}
                </div>
                {engagementError(onEngagement.findIndex((e) => e.kind === rule.kind)) && rule.on && (
                  <p className="mt-1 text-sm text-red-600">{engagementError(onEngagement.findIndex((e) => e.kind === rule.kind))}</p>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-xs text-slate-500">{rules.version === 0 ? 'The default rules apply.' : `Version ${rules.version}, saved ${rules.updatedAt ? formatDateTime(rules.updatedAt) : ''}.`}</p>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save and rescore
        </Button>
      </div>
    </form>
  );
}
