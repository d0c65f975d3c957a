import type { Role } from '../../api/types.ts';

// Mirrors records:import and records:export in src/core/roles.ts; the API enforces them regardless.
export const canImport = (role: Role) => role === 'admin' || role === 'manager' || role === 'rep';
export const canExport = (role: Role) => role === 'admin' || role === 'manager' || role === 'executive';
