// The one way the UI talks to the Leadflow API: JSON in and out, the session cookie, the CSRF
// token on writes, and RFC 9457 problems turned into an ApiError with per-field messages.

export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }

  /** Someone else saved the record first (If-Match did not match). */
  get isStale(): boolean {
    return this.status === 412 || this.code === 'stale_version';
  }
}

let csrfToken: string | null = null;

/** The session's CSRF token, from /auth/me, login, setup or accept-invitation; sent on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type RequestOptions = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'Leadflow is not reachable. Check your connection and try again.');
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const payload: unknown = text ? safeJson(text) : undefined;
  if (response.ok) return payload as T;
  throw toApiError(response.status, payload);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type Problem = { code?: string; detail?: string; title?: string; errors?: { field: string; message: string }[] };

function toApiError(status: number, payload: unknown): ApiError {
  const problem = (payload && typeof payload === 'object' ? payload : {}) as Problem;
  const fields: FieldErrors = {};
  for (const error of problem.errors ?? []) {
    // Body fields arrive bare ("email"); keep the first message per field.
    fields[error.field] ??= error.message;
  }
  const message = problem.detail ?? problem.title ?? `The request failed (${status})`;
  return new ApiError(status, problem.code ?? `http_${status}`, message, fields);
}

/** Builds a query string from the set values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const ifMatch = (version: number): Record<string, string> => ({ 'if-match': `"${version}"` });
