// Routing's API: territories, rule sets (with dry runs), decisions, SLA clocks, availability and
// the rep's own territory. Shapes mirror src/modules/routing/schemas.ts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export type TerritoryRole = 'rep' | 'executive';
export type Criteria = {
  countries?: string[];
  regions?: string[];
  postcodePrefixes?: string[];
  postcodeRanges?: { from: string; to: string }[];
  industries?: string[];
  minEmployees?: number;
  maxEmployees?: number;
  accountIds?: string[];
};
export type Member = { userId: string; role: TerritoryRole };
export type Territory = {
  id: string;
  name: string;
  parentId: string | null;
  priority: number;
  criteria: Criteria;
  description: string;
  path: string[];
  members: Member[];
  version: number;
};
export type TerritoryInput = { name: string; parentId: string | null; priority: number; criteria: Criteria; members: Member[] };

export const RULE_OBJECTS = ['lead_create', 'lead_qualified', 'account'] as const;
export type RuleObject = (typeof RULE_OBJECTS)[number];
export const OBJECT_LABELS: Record<RuleObject, string> = { lead_create: 'New leads', lead_qualified: 'Hand-offs (qualified deals)', account: 'Accounts' };

export const OPERATORS = ['equals', 'not_equals', 'in', 'not_in', 'range', 'contains', 'exists', 'not_exists', 'above', 'below'] as const;
export type Operator = (typeof OPERATORS)[number];
export const OPERATOR_LABELS: Record<Operator, string> = {
  equals: 'is',
  not_equals: 'is not',
  in: 'is one of',
  not_in: 'is none of',
  range: 'is between',
  contains: 'contains',
  exists: 'is set',
  not_exists: 'is empty',
  above: 'is above',
  below: 'is below',
};
export type Condition = { field: string; op: Operator; value?: string | number | boolean; values?: (string | number)[]; min?: number; max?: number };

export const STRATEGIES = ['round_robin', 'weighted_round_robin', 'load_balanced'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export const STRATEGY_LABELS: Record<Strategy, string> = { round_robin: 'Round-robin', weighted_round_robin: 'Weighted round-robin', load_balanced: 'Fewest open leads' };

export type Target = { type: 'team'; teamId: string } | { type: 'territory'; territoryId: string } | { type: 'record_territory' } | { type: 'users'; userIds: string[] };
export type Rule = {
  id?: string;
  name: string;
  match: 'all' | 'any';
  conditions: Condition[];
  strategy: Strategy;
  target: Target;
  weights?: Record<string, number>;
  accountOwnerFirst?: boolean;
};
export type WeeklyHours = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;
export type RuleSet = {
  id: string;
  object: RuleObject;
  name: string;
  version: number;
  status: 'draft' | 'active' | 'archived';
  fallbackOwnerId: string | null;
  slaMinutes: number | null;
  businessHours: { timeZone: string; hours: WeeklyHours; holidays?: string[] } | null;
  escalation: { reassign: boolean; notifyManager: boolean };
  rules: Rule[];
  activatedAt: string | null;
  createdAt: string;
};
export type RuleSetChanges = Partial<Pick<RuleSet, 'name' | 'fallbackOwnerId' | 'slaMinutes' | 'businessHours' | 'escalation'>> & { rules?: Rule[] };

export type DryRunRow = {
  subjectId: string;
  label: string;
  arrivedAt: string;
  territoryId: string | null;
  currentOwnerId: string | null;
  proposedOwnerId: string | null;
  ruleName: string | null;
  ruleNumber: number | null;
  reason: string;
  changed: boolean;
};
export type DryRun = { version: number; simulatedAt: string; rows: DryRunRow[]; byOwner: { userId: string | null; name: string; current: number; proposed: number }[]; changed: number; unassigned: number };

export type Decision = {
  id: string;
  subjectType: 'lead' | 'account' | 'opportunity';
  subjectId: string;
  kind: 'assignment' | 'reassignment' | 'escalation' | 'handoff';
  ruleSetVersion: number | null;
  ruleName: string | null;
  reason: string;
  ownerId: string | null;
  previousOwnerId: string | null;
  createdAt: string;
};

export type SlaCounts = { running: number; met: number; breached: number; cancelled: number };
export type SlaReport = { counts: SlaCounts; breachRate: number | null; byOwner: { ownerId: string; counts: SlaCounts; breachRate: number | null }[] };
export type Clock = { id: string; kind: string; ownerId: string; minutes: number; startedAt: string; dueAt: string; status: keyof SlaCounts; outcome: string | null };

export type TerritoryAccount = { id: string; name: string; domain: string | null; country: string | null; ownerId: string | null; lastTouchedAt: string | null; coverage: 'recent' | 'stale' | 'never' };
export type TerritoryLead = { id: string; firstName: string; lastName: string; company: string; email: string | null; status: string; score: number; ownerId: string | null; createdAt: string };
export type MyTerritory = {
  territories: { id: string; name: string; path: string[]; role: TerritoryRole }[];
  coverage: { accounts: number; touchedRecently: number; notTouchedIn90Days: number; neverTouched: number; openLeads: number };
  accounts: TerritoryAccount[];
  leads: TerritoryLead[];
};

const territoriesKey = ['routing', 'territories'] as const;
const ruleSetsKey = ['routing', 'rule-sets'] as const;

export const useTerritories = () => useQuery({ queryKey: territoriesKey, queryFn: () => api<{ data: Territory[] }>('/api/v1/territories').then((r) => r.data) });

export function useSaveTerritory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: TerritoryInput }) =>
      id ? api<Territory>(`/api/v1/territories/${id}`, { method: 'PATCH', body: input }) : api<Territory>('/api/v1/territories', { method: 'POST', body: input }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: territoriesKey }),
  });
}

export function useDeleteTerritory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/territories/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: territoriesKey }),
  });
}

export const useRealign = () =>
  useMutation({ mutationFn: () => api<{ leads: { checked: number; moved: number }; accounts: { checked: number; moved: number } }>('/api/v1/territories/realign', { method: 'POST' }) });

export const placementOf = (query: Record<string, string>) =>
  api<{ territoryId: string | null; name: string | null; path: string[]; alsoMatched: string[] }>(`/api/v1/territories/placement?${new URLSearchParams(query)}`);

export const useRuleSets = () => useQuery({ queryKey: ruleSetsKey, queryFn: () => api<{ data: RuleSet[] }>('/api/v1/routing/rule-sets').then((r) => r.data) });

export function useRuleSetAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: { kind: 'create'; object: RuleObject } | { kind: 'save'; id: string; changes: RuleSetChanges } | { kind: 'activate' | 'copy' | 'delete'; id: string }) => {
      switch (action.kind) {
        case 'create':
          return api<RuleSet>('/api/v1/routing/rule-sets', { method: 'POST', body: { object: action.object, name: OBJECT_LABELS[action.object], rules: [] } });
        case 'save':
          return api<RuleSet>(`/api/v1/routing/rule-sets/${action.id}`, { method: 'PATCH', body: action.changes });
        case 'activate':
          return api<RuleSet>(`/api/v1/routing/rule-sets/${action.id}/activate`, { method: 'POST', body: {} });
        case 'copy':
          return api<RuleSet>(`/api/v1/routing/rule-sets/${action.id}/copy`, { method: 'POST' });
        case 'delete':
          return api<RuleSet>(`/api/v1/routing/rule-sets/${action.id}`, { method: 'DELETE' });
      }
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ruleSetsKey }),
  });
}

export const useDryRun = () => useMutation({ mutationFn: ({ id, lastN }: { id: string; lastN: number }) => api<DryRun>(`/api/v1/routing/rule-sets/${id}/dry-run`, { method: 'POST', body: { lastN } }) });

export const useDecisions = (filter: Record<string, string>) =>
  useQuery({ queryKey: ['routing', 'decisions', filter], queryFn: () => api<{ data: Decision[]; nextCursor: string | null }>(`/api/v1/routing/decisions?${new URLSearchParams({ limit: '100', ...filter })}`) });

export const useSlaReport = () => useQuery({ queryKey: ['routing', 'sla'], queryFn: () => api<SlaReport>('/api/v1/routing/sla') });

export const useClocks = (subjectId: string) => useQuery({ queryKey: ['routing', 'clocks', subjectId], queryFn: () => api<{ data: Clock[] }>(`/api/v1/routing/clocks?subjectId=${subjectId}`).then((r) => r.data) });

export const useMyTerritory = (userId?: string) =>
  useQuery({ queryKey: ['routing', 'my-territory', userId ?? 'me'], queryFn: () => api<MyTerritory>(`/api/v1/my-territory${userId ? `?userId=${userId}` : ''}`) });

/** "DE, AT, CH" → ["DE", "AT", "CH"]: list criteria are typed as comma-separated text. */
export const splitList = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

const LEAD_FIELDS = ['country', 'region', 'city', 'postcode', 'industry', 'employeeCount', 'score', 'source', 'status', 'title', 'company', 'email', 'emailDomain', 'phone', 'website', 'firstName', 'lastName', 'territoryId', 'knownAccount', 'accountId'];

/** The fields a rule may test, per object (as the API checks them). */
export const RULE_FIELDS: Record<RuleObject, string[]> = {
  lead_create: LEAD_FIELDS,
  lead_qualified: ['amount', 'currency', 'opportunityName', 'sourcingRepId', ...LEAD_FIELDS],
  account: ['country', 'region', 'city', 'industry', 'employeeCount', 'name', 'domain', 'lifecycleStage', 'territoryId', 'parentAccountId'],
};
