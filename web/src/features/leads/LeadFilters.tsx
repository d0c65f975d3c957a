import { useEffect, useState } from 'react';
import { LEAD_SOURCES, LEAD_SORTS, LEAD_STATUSES, type LeadSort } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Input, Select } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Menu } from '../../components/Menu.tsx';
import { ownerOptions, useUsers } from '../users/api.ts';
import { useCustomFields } from '../customfields/api.ts';
import { activeFilterCount, type LeadView } from './filters.ts';
import { STATUS_LABELS, sourceLabel } from './labels.ts';

export const SORT_LABELS: Record<LeadSort, string> = {
  '-createdAt': 'Newest first',
  createdAt: 'Oldest first',
  '-updatedAt': 'Recently updated',
  updatedAt: 'Least recently updated',
  lastName: 'Last name A–Z',
  '-lastName': 'Last name Z–A',
  company: 'Company A–Z',
  '-company': 'Company Z–A',
};

const chip = 'h-9 inline-flex items-center gap-1.5 rounded-md bg-white px-3 text-sm shadow-sm ring-1 ring-inset hover:bg-slate-50';

export function LeadFilters({ view, onChange }: { view: LeadView; onChange: (patch: Partial<LeadView>) => void }) {
  const users = useUsers();
  const [country, setCountry] = useState(view.country);
  useEffect(() => setCountry(view.country), [view.country]);
  const [shownOnPhone, setShownOnPhone] = useState(false);
  const count = activeFilterCount(view);
  // Custom fields with a few known values filter from a list: picklists, checkboxes and users.
  const customFields = useCustomFields('lead').filter((f) => f.type === 'picklist' || f.type === 'multi_picklist' || f.type === 'checkbox' || f.type === 'user');

  return (
    <div className="flex flex-col gap-2">
      <div className="flex gap-2 sm:hidden">
        <Button className="flex-1" onClick={() => setShownOnPhone((shown) => !shown)} aria-expanded={shownOnPhone}>
          <Icon name="filter" className="size-4" />
          Filters{count > 0 ? ` (${count})` : ''}
        </Button>
        <SortSelect view={view} onChange={onChange} />
      </div>
      <div className={`${shownOnPhone ? 'flex' : 'hidden'} flex-col gap-2 sm:flex sm:flex-row sm:flex-wrap sm:items-center`} role="group" aria-label="Filters">
        <Menu
          buttonClassName={`${chip} w-full sm:w-auto ${view.status.length ? 'font-medium text-indigo-700 ring-indigo-400' : 'text-slate-700 ring-slate-300'}`}
          label={
            <>
              Status{view.status.length ? `: ${view.status.length === 1 ? STATUS_LABELS[view.status[0]!] : view.status.length}` : ''}
              <Icon name="chevronDown" className="size-4 text-slate-400" />
            </>
          }
        >
          {() => (
            <fieldset className="p-1">
              <legend className="sr-only">Status</legend>
              {LEAD_STATUSES.map((status) => (
                <label key={status} className="flex items-center gap-2 rounded px-2 py-1.5 text-sm hover:bg-slate-50">
                  <input
                    type="checkbox"
                    className="size-4 accent-indigo-600"
                    checked={view.status.includes(status)}
                    onChange={(event) =>
                      onChange({ status: event.target.checked ? [...view.status, status] : view.status.filter((s) => s !== status) })
                    }
                  />
                  {STATUS_LABELS[status]}
                </label>
              ))}
            </fieldset>
          )}
        </Menu>
        <Select aria-label="Owner" value={view.owner} onChange={(event) => onChange({ owner: event.target.value })} className="sm:w-40">
          <option value="">Any owner</option>
          <option value="me">Mine</option>
          <option value="none">Unassigned</option>
          {ownerOptions(users.data).map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </Select>
        <Select aria-label="Source" value={view.source} onChange={(event) => onChange({ source: event.target.value })} className="sm:w-36">
          <option value="">Any source</option>
          {LEAD_SOURCES.map((source) => (
            <option key={source} value={source}>
              {sourceLabel(source)}
            </option>
          ))}
        </Select>
        <Input
          aria-label="Country code"
          placeholder="Country"
          maxLength={2}
          value={country}
          onChange={(event) => {
            const next = event.target.value.toUpperCase();
            setCountry(next);
            if (next.length === 0 || next.length === 2) onChange({ country: next });
          }}
          className="uppercase sm:w-24 placeholder:normal-case"
        />
        <div className="flex items-center gap-1.5">
          <Input type="date" aria-label="Created from" value={view.from} max={view.to || undefined} onChange={(event) => onChange({ from: event.target.value })} className="flex-1 sm:w-36 sm:flex-none" />
          <span className="text-sm text-slate-400">–</span>
          <Input type="date" aria-label="Created to" value={view.to} min={view.from || undefined} onChange={(event) => onChange({ to: event.target.value })} className="flex-1 sm:w-36 sm:flex-none" />
        </div>
        {customFields.map((field) => (
          <Select
            key={field.id}
            aria-label={field.label}
            value={view.custom[field.key] ?? ''}
            onChange={(event) => onChange({ custom: { ...view.custom, [field.key]: event.target.value } })}
            className="sm:w-40"
          >
            <option value="">Any {field.label.toLowerCase()}</option>
            {(field.type === 'checkbox'
              ? [
                  { value: 'true', label: `${field.label}: yes` },
                  { value: 'false', label: `${field.label}: no` },
                ]
              : field.type === 'user'
                ? ownerOptions(users.data)
                : field.options.map((option) => ({ value: option, label: option }))
            ).map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        ))}
        {count > 0 && (
          <Button
            variant="ghost"
            onClick={() => onChange({ status: [], owner: '', source: '', country: '', from: '', to: '', custom: {} })}
          >
            Clear filters
          </Button>
        )}
      </div>
    </div>
  );
}

export function SortSelect({ view, onChange, className = 'flex-1' }: { view: LeadView; onChange: (patch: Partial<LeadView>) => void; className?: string }) {
  return (
    <Select aria-label="Sort" value={view.sort} onChange={(event) => onChange({ sort: event.target.value as LeadSort })} className={className}>
      {LEAD_SORTS.map((sort) => (
        <option key={sort} value={sort}>
          {SORT_LABELS[sort]}
        </option>
      ))}
    </Select>
  );
}
