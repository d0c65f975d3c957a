import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import { Badge, type Tone } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Field, Input, Select } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { useSession } from '../auth/session.tsx';
import { leadKeys } from '../leads/api.ts';
import { ownerOptions, useUsers } from '../users/api.ts';
import {
  cancelImport,
  importsKey,
  isRunning,
  previewFile,
  rejectionsUrl,
  startImport,
  useImport,
  useRecentImports,
  type DedupePolicy,
  type ImportPreview,
  type LeadImport,
  type Mapping,
} from './api.ts';

const POLICIES: { value: DedupePolicy; label: string; hint: string }[] = [
  { value: 'skip', label: 'Skip duplicates', hint: 'A row whose email is already a lead (or an earlier row) is left out; the lead stays as it is.' },
  { value: 'update', label: 'Update duplicates', hint: "The existing lead takes the row's filled-in cells; empty cells change nothing." },
  { value: 'create', label: 'Create all', hint: 'Every row becomes a new lead, duplicates too.' },
];

const STATUS_TONES: Record<LeadImport['status'], Tone> = { pending: 'slate', running: 'indigo', completed: 'green', failed: 'red', cancelled: 'amber' };

/** Upload a CSV or XLSX file, check the columns, choose what duplicates do, and follow the import. */
export function ImportLeadsPage() {
  const me = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [importId, setImportId] = useState<string | null>(null);

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setPreview(null);
    setProblem(null);
    setImportId(null);
    if (!chosen) return;
    try {
      const read = await previewFile(chosen, me.csrfToken);
      setPreview(read);
      setMapping(read.suggestedMapping);
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };

  // The sample rows' problems depend on the mapping: ask again when it changes.
  useEffect(() => {
    if (!file || !preview) return;
    const timer = setTimeout(() => {
      previewFile(file, me.csrfToken, mapping)
        .then((read) => setPreview((current) => (current ? { ...current, rows: read.rows } : current)))
        .catch(() => {});
    }, 300);
    return () => clearTimeout(timer);
    // Only a mapping change asks again: choose() loads a new file's preview itself.
  }, [mapping]);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Import leads"
        subtitle="From a CSV file (comma, semicolon or tab separated) or an Excel workbook (XLSX, its first sheet), with a header row."
        back={
          <Link to="/leads" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
            <Icon name="back" className="size-4" /> Leads
          </Link>
        }
      />
      {importId ? (
        <ImportProgress id={importId} onAnother={() => void choose(null)} />
      ) : (
        <>
          <FilePicker file={file} onChoose={(chosen) => void choose(chosen)} />
          {problem && <Notice>{problem}</Notice>}
          {file && preview && <MappingStep preview={preview} mapping={mapping} onChange={setMapping} />}
          {file && preview && <OptionsStep file={file} mapping={mapping} onStarted={setImportId} />}
        </>
      )}
      <RecentImports />
    </div>
  );
}

function FilePicker({ file, onChoose }: { file: File | null; onChoose: (file: File | null) => void }) {
  const id = useId();
  const [over, setOver] = useState(false);
  return (
    <section
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        onChoose(event.dataTransfer.files[0] ?? null);
      }}
      className={`rounded-xl border-2 border-dashed p-6 text-center ${over ? 'border-indigo-400 bg-indigo-50' : 'border-slate-300 bg-white'}`}
    >
      <p className="text-sm text-slate-600">{file ? <strong className="text-slate-900">{file.name}</strong> : 'Drop a CSV or XLSX file here, or'}</p>
      <label htmlFor={id} className="mt-2 inline-flex h-9 cursor-pointer items-center rounded-md bg-white px-3.5 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50">
        {file ? 'Choose another file' : 'Choose a file'}
      </label>
      <input id={id} type="file" accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" className="sr-only" onChange={(event) => onChoose(event.target.files?.[0] ?? null)} />
      {file && <p className="mt-2 text-xs text-slate-500">{file.size < 1024 * 1024 ? `${Math.ceil(file.size / 1024)} kB` : `${(file.size / 1024 / 1024).toFixed(1)} MB`}</p>}
    </section>
  );
}

function MappingStep({ preview, mapping, onChange }: { preview: ImportPreview; mapping: Mapping; onChange: (mapping: Mapping) => void }) {
  const used = new Map<string, number>();
  for (const field of Object.values(mapping)) if (field) used.set(field, (used.get(field) ?? 0) + 1);
  const rejected = preview.rows.filter((row) => row.problem);
  return (
    <section className="space-y-3">
      <h2 className="text-base font-semibold text-slate-900">Columns</h2>
      <p className="text-sm text-slate-500">
        Each column feeds one lead field, or is left out. The suggestions come from the column names; change any you like.
      </p>
      <div className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <Table label="Column mapping">
          <thead>
            <tr>
              <th scope="col" className={thClass}>
                Column in the file
              </th>
              <th scope="col" className={`${thClass} hidden md:table-cell`}>
                First values
              </th>
              <th scope="col" className={thClass}>
                Lead field
              </th>
            </tr>
          </thead>
          <tbody>
            {preview.columns.map((column, index) => {
              const field = mapping[column] ?? '';
              const twice = field !== '' && (used.get(field) ?? 0) > 1;
              return (
                <tr key={column}>
                  <td className={`${tdClass} font-medium text-slate-900`}>{column}</td>
                  <td className={`${tdClass} hidden max-w-72 truncate text-slate-500 md:table-cell`}>
                    {preview.rows
                      .slice(0, 3)
                      .map((row) => row.cells[index] ?? '')
                      .filter(Boolean)
                      .join(' · ')}
                  </td>
                  <td className={tdClass}>
                    <Select
                      aria-label={`Lead field for ${column}`}
                      aria-invalid={twice}
                      value={field}
                      onChange={(event) => onChange({ ...mapping, [column]: event.target.value || null })}
                      className="sm:w-56"
                    >
                      <option value="">Don't import</option>
                      {preview.fields.map((option) => (
                        <option key={option.field} value={option.field}>
                          {option.label}
                        </option>
                      ))}
                    </Select>
                    {twice && <p className="mt-1 text-xs text-red-600">Another column feeds this field too</p>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </div>
      {rejected.length > 0 ? (
        <Notice tone="warning">
          Of the first {preview.rows.length} rows, {rejected.length} would be rejected:
          <ul className="mt-1 list-disc pl-5">
            {rejected.slice(0, 5).map((row) => (
              <li key={row.line}>
                line {row.line}: {row.problem}
              </li>
            ))}
          </ul>
        </Notice>
      ) : (
        preview.rows.length > 0 && <Notice tone="info">The first {preview.rows.length} rows all read as leads.</Notice>
      )}
    </section>
  );
}

function OptionsStep({ file, mapping, onStarted }: { file: File; mapping: Mapping; onStarted: (id: string) => void }) {
  const me = useSession();
  const users = useUsers();
  const queryClient = useQueryClient();
  const [dedupe, setDedupe] = useState<DedupePolicy>('skip');
  const [owner, setOwner] = useState('me');
  const [source, setSource] = useState('import');
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);

  const start = async () => {
    setError(null);
    setUploaded(0);
    try {
      const job = await startImport(
        file,
        {
          mapping,
          dedupe,
          defaultOwnerId: owner === 'me' || owner === 'rules' ? undefined : owner === 'none' ? '' : owner,
          defaultSource: source,
          routing: owner === 'rules' ? 'rules' : 'off',
        },
        me.csrfToken,
        setUploaded,
      );
      await queryClient.invalidateQueries({ queryKey: importsKey });
      onStarted(job.id);
    } catch (failure) {
      const fields = (failure as { fields?: Record<string, string> }).fields ?? {};
      setError({ message: errorMessage(failure), fields });
      setUploaded(null);
    }
  };

  return (
    <section className="space-y-4">
      <h2 className="text-base font-semibold text-slate-900">Duplicates and defaults</h2>
      <fieldset className="space-y-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">A row whose email is already a lead</legend>
        {POLICIES.map((policy) => (
          <label key={policy.value} className="flex cursor-pointer items-start gap-2 text-sm">
            <input type="radio" name="dedupe" value={policy.value} checked={dedupe === policy.value} onChange={() => setDedupe(policy.value)} className="mt-0.5 accent-indigo-600" />
            <span>
              <span className="font-medium text-slate-900">{policy.label}</span> <span className="text-slate-500">— {policy.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Owner of new leads"
          hint={
            owner === 'rules'
              ? 'The active lead routing rules pick each owner, as for web-form leads, but start no first-touch clock. Rows with an owner column keep their own.'
              : 'Rows with an owner column keep their own.'
          }
          error={error?.fields.defaultOwnerId ?? error?.fields.routing}
        >
          {(props) => (
            <Select {...props} value={owner} onChange={(event) => setOwner(event.target.value)}>
              <option value="me">Me</option>
              <option value="rules">By the routing rules</option>
              <option value="none">Nobody (the unassigned pool)</option>
              {ownerOptions(users.data)
                .filter((option) => option.value !== me.user.id)
                .map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
            </Select>
          )}
        </Field>
        <Field label="Lead source of new leads" hint="Rows with a source column keep their own." error={error?.fields.defaultSource}>
          {(props) => <Input {...props} value={source} onChange={(event) => setSource(event.target.value)} />}
        </Field>
      </div>
      {error && (
        <Notice>
          {error.message}
          {Object.entries(error.fields)
            .filter(([field]) => field !== 'defaultOwnerId' && field !== 'defaultSource')
            .map(([field, message]) => (
              <span key={field} className="block">
                {field}: {message}
              </span>
            ))}
        </Notice>
      )}
      <div className="flex items-center gap-3">
        <Button variant="primary" busy={uploaded !== null} onClick={() => void start()}>
          Import {file.name}
        </Button>
        {uploaded !== null && <span className="text-sm text-slate-500">Uploading… {Math.round(uploaded * 100)}%</span>}
      </div>
    </section>
  );
}

function ImportProgress({ id, onAnother }: { id: string; onAnother: () => void }) {
  const job = useImport(id);
  const queryClient = useQueryClient();
  const [stopping, setStopping] = useState(false);
  const data = job.data;
  const finished = data !== undefined && !isRunning(data);
  useEffect(() => {
    if (!finished) return;
    // The lead lists now hold what the import added or changed.
    void queryClient.invalidateQueries({ queryKey: importsKey });
    void queryClient.invalidateQueries({ queryKey: leadKeys.all });
  }, [finished, queryClient]);
  if (job.isError) return <Notice>{errorMessage(job.error)}</Notice>;
  if (!data) return null;
  const running = isRunning(data);
  return (
    <section className="space-y-3 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-900/5" aria-live="polite">
      <div className="flex items-center justify-between gap-3">
        <h2 className="text-base font-semibold text-slate-900">{data.fileName}</h2>
        <Badge tone={STATUS_TONES[data.status]}>{data.status}</Badge>
      </div>
      <div
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={data.percent}
        className="h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div className="h-full bg-indigo-500 transition-all" style={{ width: `${data.percent}%` }} />
      </div>
      <p className="text-sm text-slate-600">
        {data.processed.toLocaleString()} rows read: {data.inserted.toLocaleString()} new, {data.updated.toLocaleString()} updated, {data.skipped.toLocaleString()} duplicates
        skipped, {data.rejected.toLocaleString()} rejected.
      </p>
      {data.error && <Notice>{data.error}</Notice>}
      <div className="flex flex-wrap gap-2">
        {running && (
          <Button
            busy={stopping}
            onClick={() => {
              setStopping(true);
              void cancelImport(id)
                .then(() => job.refetch())
                .finally(() => setStopping(false));
            }}
          >
            Stop
          </Button>
        )}
        {data.rejected > 0 && (
          <a href={rejectionsUrl(id)} className="inline-flex h-9 items-center rounded-md bg-white px-3.5 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50">
            Download rejected rows
          </a>
        )}
        {!running && (
          <>
            <Link to="/leads" className="inline-flex h-9 items-center rounded-md bg-indigo-600 px-3.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
              See the leads
            </Link>
            <Button variant="ghost" onClick={onAnother}>
              Import another file
            </Button>
          </>
        )}
      </div>
    </section>
  );
}

function RecentImports() {
  const recent = useRecentImports();
  if (!recent.data?.length) return null;
  return (
    <section className="space-y-2">
      <h2 className="text-base font-semibold text-slate-900">Recent imports</h2>
      <div className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <Table label="Recent imports">
          <thead>
            <tr>
              <th scope="col" className={thClass}>
                File
              </th>
              <th scope="col" className={thClass}>
                Status
              </th>
              <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                Rows
              </th>
              <th scope="col" className={`${thClass} hidden md:table-cell`}>
                Started
              </th>
              <th scope="col" className={thClass}>
                <span className="sr-only">Rejected rows</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {recent.data.map((job) => (
              <tr key={job.id}>
                <td className={`${tdClass} max-w-60 truncate font-medium text-slate-900`}>{job.fileName}</td>
                <td className={tdClass}>
                  <Badge tone={STATUS_TONES[job.status]}>{isRunning(job) ? `${job.status} ${job.percent}%` : job.status}</Badge>
                </td>
                <td className={`${tdClass} hidden text-slate-600 sm:table-cell`}>
                  {job.inserted.toLocaleString()} new · {job.updated.toLocaleString()} updated · {job.skipped.toLocaleString()} skipped · {job.rejected.toLocaleString()} rejected
                </td>
                <td className={`${tdClass} hidden whitespace-nowrap text-slate-600 md:table-cell`}>{formatDateTime(job.createdAt)}</td>
                <td className={`${tdClass} text-right`}>
                  {job.rejected > 0 && (
                    <a href={rejectionsUrl(job.id)} className="text-sm text-indigo-600 hover:text-indigo-500">
                      Rejected rows
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </section>
  );
}
