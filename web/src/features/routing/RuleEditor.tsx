import { Button } from '../../components/Button.tsx';
import { Input, Select } from '../../components/Field.tsx';
import type { Team, User } from '../../api/types.ts';
import { useCustomFields } from '../customfields/api.ts';
import { OPERATORS, OPERATOR_LABELS, RULE_FIELDS, STRATEGIES, STRATEGY_LABELS, splitList, type Condition, type Operator, type Rule, type RuleObject, type Target, type Territory } from './api.ts';

type Props = {
  rule: Rule;
  number: number;
  object: RuleObject;
  editable: boolean;
  users: User[];
  teams: Team[];
  territories: Territory[];
  errors: Record<string, string>;
  onChange: (rule: Rule) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
};

const newCondition = (object: RuleObject): Condition => ({ field: RULE_FIELDS[object][0]!, op: 'equals', value: '' });

/** What a condition's value is, as the person types it: a list, a range or one value. */
function valueText(condition: Condition): string {
  if (condition.op === 'in' || condition.op === 'not_in') return (condition.values ?? []).join(', ');
  return condition.value === undefined ? '' : String(condition.value);
}

function withValue(condition: Condition, text: string): Condition {
  const { field, op } = condition;
  if (op === 'in' || op === 'not_in') return { field, op, values: splitList(text) };
  if (op === 'above' || op === 'below') return { field, op, value: text === '' ? '' : Number(text) };
  return { field, op, value: text };
}

function withOperator(condition: Condition, op: Operator): Condition {
  if (op === 'exists' || op === 'not_exists') return { field: condition.field, op };
  if (op === 'range') return { field: condition.field, op, min: condition.min ?? 0 };
  return withValue({ field: condition.field, op }, valueText(condition));
}

/** One rule: when it matches (conditions, all or any) and who then gets the record (pool and strategy). */
export function RuleEditor({ rule, number, object, editable, users, teams, territories, errors, onChange, onMove, onRemove }: Props) {
  // Lead rule sets (new leads, hand-offs) test the lead's custom fields; account rule sets the account's.
  const customFields = useCustomFields(object === 'account' ? 'account' : 'lead');
  const at = `rules.${number - 1}`;
  const errorOf = (field: string) => Object.entries(errors).find(([key]) => key === `${at}.${field}` || key.startsWith(`${at}.${field}.`))?.[1];
  const setCondition = (i: number, condition: Condition) => onChange({ ...rule, conditions: rule.conditions.map((c, j) => (j === i ? condition : c)) });
  const active = users.filter((u) => u.status === 'active').sort((a, b) => a.name.localeCompare(b.name));
  const listed = rule.target.type === 'users' ? rule.target.userIds : [];
  const setTarget = (target: Target) => onChange({ ...rule, target });

  return (
    <li className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-900/5" aria-label={`Rule ${number}: ${rule.name || 'unnamed'}`}>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-indigo-50 text-sm font-semibold text-indigo-700">{number}</span>
        <Input aria-label={`Rule ${number} name`} value={rule.name} disabled={!editable} placeholder="DACH mid-market" onChange={(e) => onChange({ ...rule, name: e.target.value })} aria-invalid={Boolean(errorOf('name'))} />
        {editable && (
          <div className="flex shrink-0 gap-1">
            <Button size="sm" variant="ghost" aria-label={`Move rule ${number} up`} onClick={() => onMove(-1)}>
              ↑
            </Button>
            <Button size="sm" variant="ghost" aria-label={`Move rule ${number} down`} onClick={() => onMove(1)}>
              ↓
            </Button>
            <Button size="sm" variant="ghost" onClick={onRemove}>
              Remove
            </Button>
          </div>
        )}
      </div>
      {errorOf('name') && <p className="mt-1 text-sm text-red-600">{errorOf('name')}</p>}

      <div className="mt-3 space-y-2">
        <div className="flex items-center gap-2 text-sm text-slate-600">
          <span>When</span>
          <Select aria-label={`Rule ${number} match`} className="w-28" value={rule.match} disabled={!editable} onChange={(e) => onChange({ ...rule, match: e.target.value as Rule['match'] })}>
            <option value="all">all</option>
            <option value="any">any</option>
          </Select>
          <span>of these hold{rule.conditions.length === 0 ? ' (no conditions: every record)' : ''}:</span>
        </div>
        {rule.conditions.map((condition, i) => (
          <div key={i} className="flex flex-col gap-2 sm:flex-row">
            <Select aria-label={`Rule ${number} condition ${i + 1} field`} className="sm:w-44" value={condition.field} disabled={!editable} onChange={(e) => setCondition(i, { ...condition, field: e.target.value })}>
              {RULE_FIELDS[object].map((field) => (
                <option key={field} value={field}>
                  {field}
                </option>
              ))}
              {customFields.map((field) => (
                <option key={field.id} value={`custom.${field.key}`}>
                  {field.label} (custom.{field.key})
                </option>
              ))}
            </Select>
            <Select aria-label={`Rule ${number} condition ${i + 1} test`} className="sm:w-36" value={condition.op} disabled={!editable} onChange={(e) => setCondition(i, withOperator(condition, e.target.value as Operator))}>
              {OPERATORS.map((op) => (
                <option key={op} value={op}>
                  {OPERATOR_LABELS[op]}
                </option>
              ))}
            </Select>
            {condition.op === 'range' ? (
              <div className="flex flex-1 gap-2">
                <Input aria-label={`Rule ${number} condition ${i + 1} from`} type="number" value={condition.min ?? ''} disabled={!editable} onChange={(e) => setCondition(i, { ...condition, min: e.target.value === '' ? undefined : Number(e.target.value) })} />
                <Input aria-label={`Rule ${number} condition ${i + 1} to`} type="number" value={condition.max ?? ''} disabled={!editable} onChange={(e) => setCondition(i, { ...condition, max: e.target.value === '' ? undefined : Number(e.target.value) })} />
              </div>
            ) : condition.op === 'exists' || condition.op === 'not_exists' ? (
              <div className="flex-1" />
            ) : (
              <Input
                aria-label={`Rule ${number} condition ${i + 1} value`}
                className="flex-1"
                value={valueText(condition)}
                placeholder={condition.op === 'in' || condition.op === 'not_in' ? 'DE, AT, CH' : ''}
                disabled={!editable}
                onChange={(e) => setCondition(i, withValue(condition, e.target.value))}
              />
            )}
            {editable && (
              <Button size="sm" variant="ghost" aria-label={`Remove condition ${i + 1}`} onClick={() => onChange({ ...rule, conditions: rule.conditions.filter((_, j) => j !== i) })}>
                ×
              </Button>
            )}
          </div>
        ))}
        {errorOf('conditions') && <p className="text-sm text-red-600">{errorOf('conditions')}</p>}
        {editable && (
          <Button size="sm" onClick={() => onChange({ ...rule, conditions: [...rule.conditions, newCondition(object)] })}>
            Add condition
          </Button>
        )}
      </div>

      <div className="mt-4 grid gap-3 sm:grid-cols-3">
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Then give it to</span>
          <Select
            aria-label={`Rule ${number} pool`}
            value={rule.target.type}
            disabled={!editable}
            onChange={(e) => {
              const type = e.target.value as Target['type'];
              setTarget(
                type === 'team'
                  ? { type, teamId: teams[0]?.id ?? '' }
                  : type === 'territory'
                    ? { type, territoryId: territories[0]?.id ?? '' }
                    : type === 'users'
                      ? { type, userIds: [] }
                      : { type },
              );
            }}
          >
            <option value="record_territory">the record’s territory</option>
            <option value="territory">a territory</option>
            <option value="team">a team</option>
            <option value="users">these people</option>
          </Select>
        </label>
        {rule.target.type === 'team' && (
          <label className="text-sm">
            <span className="mb-1 block font-medium text-slate-700">Team</span>
            <Select aria-label={`Rule ${number} team`} value={rule.target.teamId} disabled={!editable} onChange={(e) => setTarget({ type: 'team', teamId: e.target.value })}>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </Select>
          </label>
        )}
        {rule.target.type === 'territory' && (
          <label className="text-sm">
            <span className="mb-1 block font-medium text-slate-700">Territory</span>
            <Select aria-label={`Rule ${number} territory`} value={rule.target.territoryId} disabled={!editable} onChange={(e) => setTarget({ type: 'territory', territoryId: e.target.value })}>
              {territories.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.path.join(' → ')}
                </option>
              ))}
            </Select>
          </label>
        )}
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">By</span>
          <Select aria-label={`Rule ${number} strategy`} value={rule.strategy} disabled={!editable} onChange={(e) => onChange({ ...rule, strategy: e.target.value as Rule['strategy'], ...(e.target.value === 'weighted_round_robin' ? {} : { weights: undefined }) })}>
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {STRATEGY_LABELS[s]}
              </option>
            ))}
          </Select>
        </label>
      </div>
      {rule.target.type === 'users' && (
        <fieldset className="mt-3">
          <legend className="mb-1 text-sm font-medium text-slate-700">People {rule.strategy === 'weighted_round_robin' ? 'and their share' : ''}</legend>
          <div className="flex flex-wrap gap-2">
            {active.map((user) => {
              const on = listed.includes(user.id);
              return (
                <span key={user.id} className={`inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-sm ring-1 ${on ? 'bg-indigo-50 ring-indigo-200' : 'bg-white ring-slate-200'}`}>
                  <label className="inline-flex items-center gap-1.5">
                    <input
                      type="checkbox"
                      checked={on}
                      disabled={!editable}
                      onChange={() => setTarget({ type: 'users', userIds: on ? listed.filter((id) => id !== user.id) : [...listed, user.id] })}
                    />
                    {user.name}
                  </label>
                  {on && rule.strategy === 'weighted_round_robin' && (
                    <input
                      aria-label={`Weight of ${user.name}`}
                      type="number"
                      min={1}
                      className="w-14 rounded border-slate-300 px-1 text-sm ring-1 ring-slate-300"
                      value={rule.weights?.[user.id] ?? 1}
                      disabled={!editable}
                      onChange={(e) => onChange({ ...rule, weights: { ...rule.weights, [user.id]: Number(e.target.value) } })}
                    />
                  )}
                </span>
              );
            })}
          </div>
        </fieldset>
      )}
      {errorOf('target') && <p className="mt-1 text-sm text-red-600">{errorOf('target')}</p>}
      {errorOf('weights') && <p className="mt-1 text-sm text-red-600">{errorOf('weights')}</p>}
      <label className="mt-3 inline-flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={Boolean(rule.accountOwnerFirst)} disabled={!editable} onChange={(e) => onChange({ ...rule, accountOwnerFirst: e.target.checked })} />
        Account owner first: a record from a known account goes to the account’s owner when they can take it
      </label>
    </li>
  );
}
