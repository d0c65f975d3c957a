import { ApiError } from '../api/client.ts';

/** The text of every named control in a form, trimmed. */
export function formText(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of new FormData(form)) if (typeof value === 'string') values[key] = value.trim();
  return values;
}

/** The API's message for one field of a failed request, to show next to that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fields[field] : undefined;
}

/** The message to show above a form: the error's own unless a shown field already carries it. */
export function formError(error: unknown, shownFields: readonly string[]): string | undefined {
  if (!error) return undefined;
  if (!(error instanceof ApiError)) return 'Something went wrong';
  const unshown = Object.keys(error.fields).filter((field) => !shownFields.includes(field));
  if (Object.keys(error.fields).length > 0 && unshown.length === 0) return undefined;
  return unshown.length > 0 ? `${error.message}: ${unshown.map((f) => `${f} — ${error.fields[f]}`).join('; ')}` : error.message;
}

/** Empty text means "not set" for optional fields. */
export const orNull = (value: string | undefined): string | null => (value ? value : null);
