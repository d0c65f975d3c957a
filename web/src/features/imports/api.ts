import { useQuery } from '@tanstack/react-query';
import { api, ApiError, type FieldErrors } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

// Imports send files as multipart/form-data, which the JSON client does not do; these helpers
// do, with the same CSRF header and the same problem → ApiError mapping.

export const DEDUPE_POLICIES = ['skip', 'update', 'create'] as const;
export type DedupePolicy = (typeof DEDUPE_POLICIES)[number];
export type Mapping = Record<string, string | null>;

export type ImportPreview = {
  delimiter: string;
  encoding: string;
  columns: string[];
  suggestedMapping: Mapping;
  fields: { field: string; label: string }[];
  rows: { line: number; cells: string[]; problem: string | null }[];
};

export type LeadImport = {
  id: string;
  fileName: string;
  sizeBytes: number;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  dedupePolicy: DedupePolicy;
  routing: 'off' | 'rules';
  columns: string[];
  mapping: Mapping;
  processed: number;
  inserted: number;
  updated: number;
  skipped: number;
  rejected: number;
  percent: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
};

export const isRunning = (job: LeadImport) => job.status === 'pending' || job.status === 'running';

/** What a preview reads of a CSV file: the first megabyte is plenty for the header and twenty rows. */
const PREVIEW_BYTES = 1024 * 1024;

/** A workbook's rows can only be read from the whole file (a ZIP keeps its directory at the end). */
const isWorkbook = (file: File) => /\.xlsx$/i.test(file.name);

function send<T>(url: string, form: FormData, csrfToken: string | null, onUpload?: (fraction: number) => void): Promise<T> {
  // XMLHttpRequest, not fetch: it reports upload progress, which a large file needs.
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.setRequestHeader('accept', 'application/json');
    if (csrfToken) request.setRequestHeader('x-csrf-token', csrfToken);
    if (onUpload) request.upload.onprogress = (event) => event.lengthComputable && onUpload(event.loaded / event.total);
    request.onerror = () => reject(new ApiError(0, 'network', 'Leadflow is not reachable. Check your connection and try again.'));
    request.onload = () => {
      let payload: { code?: string; detail?: string; errors?: { field: string; message: string }[] } = {};
      try {
        payload = JSON.parse(request.responseText);
      } catch {
        // Not JSON: the status says enough.
      }
      if (request.status >= 200 && request.status < 300) return resolve(payload as T);
      const fields: FieldErrors = {};
      for (const error of payload.errors ?? []) fields[error.field] ??= error.message;
      reject(new ApiError(request.status, payload.code ?? `http_${request.status}`, payload.detail ?? `The upload failed (${request.status})`, fields));
    };
    request.send(form);
  });
}

export function previewFile(file: File, csrfToken: string | null, mapping?: Mapping): Promise<ImportPreview> {
  const form = new FormData();
  if (mapping) form.set('mapping', JSON.stringify(mapping));
  form.set('file', isWorkbook(file) ? file : file.slice(0, PREVIEW_BYTES), file.name);
  return send('/api/v1/imports/preview', form, csrfToken);
}

/** routing 'rules': the active lead routing rules pick the owners of new leads without an owner cell. */
export type ImportOptions = { mapping: Mapping; dedupe: DedupePolicy; defaultOwnerId: string | undefined; defaultSource: string; routing: 'off' | 'rules' };

export function startImport(file: File, options: ImportOptions, csrfToken: string | null, onUpload: (fraction: number) => void): Promise<LeadImport> {
  const form = new FormData();
  form.set('mapping', JSON.stringify(options.mapping));
  form.set('dedupe', options.dedupe);
  if (options.defaultOwnerId !== undefined) form.set('defaultOwnerId', options.defaultOwnerId);
  if (options.defaultSource.trim()) form.set('defaultSource', options.defaultSource.trim());
  form.set('routing', options.routing);
  form.set('file', file, file.name);
  return send('/api/v1/imports', form, csrfToken, onUpload);
}

export const importKey = (id: string) => ['imports', id] as const;
export const importsKey = ['imports'] as const;

/** One import, polled every second while it runs. */
export const useImport = (id: string | null) =>
  useQuery({
    queryKey: importKey(id ?? ''),
    queryFn: () => api<LeadImport>(`/api/v1/imports/${id}`),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && !isRunning(query.state.data) ? false : 1000),
  });

export const useRecentImports = () => useQuery({ queryKey: importsKey, queryFn: () => api<Page<LeadImport>>('/api/v1/imports?limit=10').then((page) => page.data) });

export const cancelImport = (id: string) => api<LeadImport>(`/api/v1/imports/${id}/cancel`, { method: 'POST' });

export const rejectionsUrl = (id: string) => `/api/v1/imports/${id}/rejections.csv`;
