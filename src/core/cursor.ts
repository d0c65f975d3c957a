import { badRequest } from './errors.ts';

// Keyset pagination: the cursor is the sort value and id of the last row of the page, opaque
// to clients. It stays stable while rows are inserted, unlike OFFSET.
export type CursorValue = { v: string | number | null; id: string };

export const encodeCursor = (value: CursorValue): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeCursor(cursor: string): CursorValue {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorValue;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.id !== 'string') throw new Error('shape');
    return parsed;
  } catch {
    throw badRequest('The cursor is not one this API issued', [{ field: 'query.cursor', message: 'Invalid cursor' }]);
  }
}
