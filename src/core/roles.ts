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
  // Who reaches the approval routes; who may decide a given request is the deal policy's rule.
  'approvals:decide': ['admin', 'manager', 'rep', 'executive'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const can = (role: Role, permission: Permission): boolean =>
  (PERMISSIONS[permission] as readonly Role[]).includes(role);

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) throw forbidden();
}
