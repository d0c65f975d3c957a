// The API shapes record routes (leads, contacts, accounts, opportunities) use for custom values.
// Which keys and types an org has is data, not code: the service checks values against the org's
// fields, and GET /api/v1/custom-fields/schema.json describes them per org.
import { z } from 'zod';

export const customValuesInput = z
  .record(z.string().max(63), z.unknown())
  .optional()
  .describe('Custom field values by key (null clears one); this org’s keys and types: GET /api/v1/custom-fields/schema.json');

export const customValuesOutput = z.record(z.string(), z.unknown()).describe('Custom field values by key (archived fields left out)');

const CUSTOM_PARAM = /^custom\.[a-z][a-z0-9_]{0,62}$/;

/**
 * A list's query string that also takes `custom.<key>=<value>` filters. Any other unknown
 * parameter is refused, as a strict object would.
 */
export function withCustomFilters<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object(shape)
    .catchall(z.string().max(500).describe('`custom.<key>` filters'))
    .superRefine((query, ctx) => {
      for (const name of Object.keys(query)) {
        if (!(name in shape) && !CUSTOM_PARAM.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'Unrecognized query parameter (custom fields filter as custom.<key>=value)' });
      }
    });
}
