import type { Role } from './roles.ts';

// Who is asking: every service call takes one, and every query is scoped by its orgId.
export type Actor = {
  orgId: string;
  userId: string;
  role: Role;
  via: 'session' | 'api_key' | 'system';
};

export const systemActor = (orgId: string, userId: string): Actor => ({
  orgId,
  userId,
  role: 'admin',
  via: 'system',
});
