import type { FieldError } from '../../core/errors.ts';

export const USER_STATUSES = ['active', 'invited', 'deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const MIN_PASSWORD_LENGTH = 10;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** Why a password is refused, or null. Length beats composition rules (NIST 800-63B). */
export function passwordProblem(password: string, email?: string): FieldError | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { field: 'password', message: `Use at least ${MIN_PASSWORD_LENGTH} characters` };
  }
  if (password.length > 256) return { field: 'password', message: 'Use at most 256 characters' };
  if (email && password.toLowerCase() === normaliseEmail(email)) {
    return { field: 'password', message: 'The password must not be the email address' };
  }
  return null;
}

/** Only active users may sign in or use their API keys. */
export const canSignIn = (status: string): boolean => status === 'active';
