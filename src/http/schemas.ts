import { z } from 'zod';
import { parseIfMatch, type ExpectedVersion } from '../core/concurrency.ts';
import { badRequest } from '../core/errors.ts';

// Pieces of request/response schemas that every capability's routes share.
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const errorResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  412: problemSchema,
} as const;

export const idParams = z.strictObject({ id: z.uuid({ error: 'Must be a UUID' }) });

export const limitQuery = z.coerce.number().int().min(1).max(500).default(50);

export const isoDateTime = z.iso.datetime({ offset: true });

/** A comma-separated list in a query string (`status=new,working`). */
export const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(item));

/** Optional text: trimmed by the service; empty means "clear it". */
export const optionalText = (max: number) => z.string().max(max).nullable().optional();

/** The version the client edited, from If-Match or the body's `version`. */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): ExpectedVersion {
  const fromHeader = parseIfMatch(ifMatch);
  if (fromHeader === 'invalid') throw badRequest('If-Match must be an ETag this API issued, like "3"');
  if (fromHeader !== undefined) return { version: fromHeader, source: 'if-match' };
  if (bodyVersion !== undefined) return { version: bodyVersion, source: 'body' };
  return undefined;
}
