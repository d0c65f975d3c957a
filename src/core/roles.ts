import { forbidden } from './errors.ts';
import type { Actor } from './actor.ts';

export const ROLES = ['admin', 'manager', 'rep', 'executive', 'partner'] as const;
export type Role = (typeof ROLES)[number];

// What each role may do. One table, so the access-matrix tests and the routes read the same truth.
export const PERMISSIONS = {
  'records:read': ['admin', 'manager', 'rep', 'executive'],
  'records:write': ['admin', 'manager', 'rep', 'executive'],
  'records:delete': ['admin', 'manager', 'rep', 'executive'],
  'records:reassign': ['admin', 'manager'],
  'audit:read': ['admin', 'manager', 'rep', 'executive'],
  'org:audit': ['admin'],
  'users:read': ['admin', 'manager', 'rep', 'executive'],
  'users:manage': ['admin'],
  'teams:manage': ['admin', 'manager'],
  'apikeys:own': ['admin', 'manager', 'rep', 'executive', 'partner'],
  'org:backup': ['admin'],
  'org:settings': ['admin'],
  'qualification:manage': ['admin'],
  'scoring:manage': ['admin'],
  'forms:manage': ['admin', 'manager'],
  // Territories, routing rule sets (and their activation), bulk reassignment, others' availability.
  'routing:manage': ['admin', 'manager'],
  'notifications:own': ['admin', 'manager', 'rep', 'executive', 'partner'],
  'pipelines:manage': ['admin'],
  'products:manage': ['admin', 'manager'],
  // Reps import their own prospect lists (events, research), as managers and admins do; export of
  // whole lists is the classic way a leaving rep takes the pipeline along, so it is for managers up.
  'records:import': ['admin', 'manager', 'rep'],
  'records:export': ['admin', 'manager', 'executive'],
  // Converting a qualified lead into account, contact and deal (reps only their own leads: see
  // conversions/model.ts). Executives receive converted deals; they do not convert leads.
  'leads:convert': ['admin', 'manager', 'rep'],
  // Who reaches the approval routes; who may decide a given request is the deal policy's rule.
  'approvals:decide': ['admin', 'manager', 'rep', 'executive'],
  // A public page where prospects book meetings with the user (meetings themselves are records).
  'booking:own': ['admin', 'manager', 'rep', 'executive'],
  // Outreach: calling hours and call scripts; daily activity goals for people and teams.
  'calls:manage': ['admin', 'manager'],
  'goals:manage': ['admin', 'manager'],
  // Email: sending from Leadflow as oneself, the org's shared templates, and lifting a suppression
  // (resubscribing an address or clearing a bounce) — which puts mail back in someone's inbox.
  'emails:send': ['admin', 'manager', 'rep', 'executive'],
  'emails:own': ['admin', 'manager', 'rep', 'executive'],
  'emails:templates': ['admin', 'manager'],
  'emails:suppression': ['admin', 'manager'],
  // Sequences: designing cadences is a manager's; enrolling prospects is every rep's daily work.
  'sequences:manage': ['admin', 'manager'],
  'sequences:enroll': ['admin', 'manager', 'rep'],
  // Channel partners: managers run the programme (orgs, tiers, partner users); everyone internal
  // reads partners and the report, and the partner's manager decides its registrations (service).
  // Partner users reach only the registration routes, which show them their own partner org's.
  'partners:read': ['admin', 'manager', 'rep', 'executive'],
  'partners:manage': ['admin', 'manager'],
  'registrations:access': ['admin', 'manager', 'rep', 'executive', 'partner'],
  // Reports and dashboards: reps see their own (or their team's, as the org sets) numbers; partners none.
  'reports:read': ['admin', 'manager', 'rep', 'executive'],
  // Sharing a dashboard with the whole org; anyone who reads reports keeps private ones.
  'dashboards:share': ['admin', 'manager', 'executive'],
  // Quotas: managers set their teams' targets; everyone but partners reads the numbers they may see
  // (which ones is users/model.ts numbersVisibleTo). Forecasts: reps call their own, managers their teams'.
  'quotas:read': ['admin', 'manager', 'rep', 'executive'],
  'quotas:manage': ['admin', 'manager'],
  'forecasts:read': ['admin', 'manager', 'rep', 'executive'],
  'forecasts:submit': ['admin', 'manager', 'rep', 'executive'],
  // Customer feedback: everyone who talks to customers captures and reads it; managers curate the
  // ideas board (ideas, merges, statuses, the product-area taxonomy) and export it. Partners nothing.
  'feedback:read': ['admin', 'manager', 'rep', 'executive'],
  'feedback:capture': ['admin', 'manager', 'rep', 'executive'],
  'feedback:manage': ['admin', 'manager'],
  // Saved views: everyone who reads records keeps personal views; sharing one with the whole org
  // (and changing a shared one someone else made) is for managers and admins.
  'views:share': ['admin', 'manager'],
  // Outgoing webhooks send every record change to a URL of the admin's choosing: admin only.
  'webhooks:manage': ['admin'],
  // Custom fields: admins define them (a change reaches every form, list, import and rule); everyone
  // who reads records reads the definitions (records:read).
  'customfields:manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const can = (role: Role, permission: Permission): boolean =>
  (PERMISSIONS[permission] as readonly Role[]).includes(role);

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) throw forbidden();
}
