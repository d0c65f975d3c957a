// The shapes the API answers with (see /api/docs). Hand-kept in step with the routes' zod schemas.

export const ROLES = ['admin', 'manager', 'rep', 'executive', 'partner'] as const;
export type Role = (typeof ROLES)[number];

export const LEAD_STATUSES = ['new', 'working', 'nurture', 'qualified', 'disqualified', 'converted'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** Which status a lead may move to from each status (mirrors LEAD_TRANSITIONS in the API). */
export const LEAD_TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['working', 'disqualified'],
  working: ['qualified', 'disqualified', 'nurture'],
  nurture: ['working'],
  qualified: ['converted'],
  disqualified: ['new'],
  converted: [],
};

export const LEAD_SOURCES = ['manual', 'web_form', 'import', 'api', 'outbound', 'referral', 'partner', 'event', 'customer', 'other'] as const;

export const LEAD_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'lastName', '-lastName', 'company', '-company'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];

export const LIFECYCLE_STAGES = ['prospect', 'customer', 'former_customer'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const API_KEY_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export type Page<T> = { data: T[]; nextCursor: string | null };

export type Me = {
  user: { id: string; email: string; name: string; role: Role; teamId: string | null; timeZone: string };
  org: { id: string; name: string };
  csrfToken: string | null;
};

export type Stamps = { version: number; createdAt: string; updatedAt: string; deletedAt: string | null };
/** Custom field values by key (GET /api/v1/custom-fields for the fields). */
export type CustomValues = { custom?: Record<string, unknown> };

export type Lead = Stamps & CustomValues & {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  company: string;
  title: string | null;
  website: string | null;
  industry: string | null;
  employeeCount: number | null;
  country: string | null;
  region: string | null;
  city: string | null;
  postcode: string | null;
  /** IANA zone when known better than country and region (calling hours). */
  timeZone: string | null;
  /** Do not call: hidden from the call queue; click-to-call is disabled. */
  doNotCall: boolean;
  status: LeadStatus;
  source: string;
  ownerId: string | null;
  notes: string;
  createdBy: string | null;
  score: number;
  disqualifiedReason: string | null;
  disqualifiedAt: string | null;
  recycleAt: string | null;
};

export type Account = Stamps & CustomValues & {
  id: string;
  name: string;
  domain: string | null;
  industry: string | null;
  employeeCount: number | null;
  country: string | null;
  region: string | null;
  city: string | null;
  phone: string | null;
  parentAccountId: string | null;
  lifecycleStage: LifecycleStage;
  ownerId: string | null;
  notes: string;
};

export type Contact = Stamps & CustomValues & {
  id: string;
  accountId: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  timeZone: string | null;
  doNotCall: boolean;
  ownerId: string | null;
  notes: string;
};

export type AccountDetail = Account & { contacts: Contact[]; children: Account[] };

export type User = {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: 'active' | 'invited' | 'deactivated';
  teamId: string | null;
  timeZone: string;
  lastLoginAt: string | null;
  version: number;
  createdAt: string;
};

export type Team = { id: string; name: string; parentTeamId: string | null; managerId: string | null; memberIds: string[] };

export type ApiKey = {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type AuditEntry = {
  id: string;
  actorId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  createdAt: string;
};

export type OrgSettings = { disqualificationReasons: string[]; recycleAfterDays: number | null; version: number; updatedAt: string | null };
