import { AppError } from './errors.ts';

// Optimistic concurrency: the client says which version it edited, via If-Match (→ 412 when
// stale, as RFC 9110 says) or a `version` field in the body (→ 409). No version: last write wins.
export type ExpectedVersion = { version: number; source: 'if-match' | 'body' } | undefined;

export function assertVersion(expected: ExpectedVersion, actual: number): void {
  if (!expected || expected.version === actual) return;
  const message = `This record was changed by someone else (you edited version ${expected.version}, it is now at ${actual}). Reload and try again.`;
  throw expected.source === 'if-match'
    ? new AppError(412, 'stale_version', message)
    : new AppError(409, 'stale_version', message);
}

export const etagFor = (version: number): string => `"${version}"`;

/** Reads `If-Match: "3"` (or W/"3"); anything else is not a version we issued. */
export function parseIfMatch(header: string | undefined): number | undefined | 'invalid' {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  return match ? Number(match[1]) : 'invalid';
}
