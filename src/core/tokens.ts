import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Random secrets (session ids, API keys, invitations) are stored only as their SHA-256:
// they carry 256 bits of entropy, so a slow hash adds nothing; passwords use argon2id.
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
