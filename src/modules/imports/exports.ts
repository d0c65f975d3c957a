// Lists as CSV files: any filtered lead, account or contact list, read page by page through the
// owning module's list function, so a large export never holds all its rows in memory.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { assertCan } from '../../core/roles.ts';
import { listAccounts, listContacts } from '../accounts/service.ts';
import { listLeads, type LeadFilter } from '../leads/service.ts';
import { listUsers } from '../users/service.ts';
import { cellOf, type CustomObject } from '../customfields/model.ts';
import { fieldDefinitions } from '../customfields/service.ts';
import { csvLine, exportHeader } from './model.ts';

const PAGE = 1000;
// Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
const BOM = '\uFEFF';

// Columns every export of the kind has, in this order; fields a module adds later follow them.
const LEAD_COLUMNS = ['id', 'firstName', 'lastName', 'email', 'phone', 'company', 'title', 'website', 'industry', 'employeeCount', 'country', 'region', 'city', 'postcode', 'status', 'source', 'ownerEmail', 'notes', 'createdAt', 'updatedAt'];
const ACCOUNT_COLUMNS = ['id', 'name', 'domain', 'industry', 'employeeCount', 'country', 'region', 'city', 'phone', 'lifecycleStage', 'parentAccountId', 'ownerEmail', 'notes', 'createdAt', 'updatedAt'];
const CONTACT_COLUMNS = ['id', 'accountId', 'firstName', 'lastName', 'email', 'phone', 'title', 'ownerEmail', 'notes', 'createdAt', 'updatedAt'];
// Bookkeeping, and the owner id (the export names the owner by email, which imports read back).
// Custom values follow as one column per active field, headed by its label (imports map labels back).
const LEFT_OUT = new Set(['version', 'ownerId', 'createdBy', 'deletedAt', 'scoreExplanation', 'custom']);

type Page<T> = { data: T[]; nextCursor: string | null };
type Lister<T> = (cursor: string | undefined) => Promise<Page<T>>;

/** CSV of any paged list (a saved view's records): the given columns first, then whatever else the rows hold. */
export async function* csvOf<T extends { ownerId?: string | null }>(db: Db, actor: Actor, columns: string[], list: Lister<T>, object?: CustomObject): AsyncGenerator<string> {
  assertCan(actor, 'records:export');
  const ownerEmails = new Map((await listUsers(db, actor)).map((u) => [u.id, u.email]));
  const customFields = object ? (await fieldDefinitions(db, actor, object)).filter((f) => !f.archivedAt) : [];
  let header: string[] | null = null;
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    if (!header) {
      const extra = page.data[0] ? Object.keys(page.data[0]).filter((key) => !columns.includes(key) && !LEFT_OUT.has(key)) : [];
      header = [...columns, ...extra];
      yield BOM + csvLine([...header.map(exportHeader), ...customFields.map((f) => f.label)]);
    }
    const keys = header;
    yield page.data
      .map((row) => {
        const record = row as Record<string, unknown>;
        const custom = (record.custom ?? {}) as Record<string, unknown>;
        return csvLine([
          ...keys.map((key) => (key === 'ownerEmail' ? (row.ownerId ? (ownerEmails.get(row.ownerId) ?? null) : null) : record[key])),
          ...customFields.map((f) => cellOf(f, custom[f.key], ownerEmails)),
        ]);
      })
      .join('');
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export type LeadExportFilter = Omit<LeadFilter, 'cursor' | 'limit'>;

export const leadsCsv = (db: Db, actor: Actor, filter: LeadExportFilter) =>
  csvOf(db, actor, LEAD_COLUMNS, (cursor) => listLeads(db, actor, { ...filter, cursor, limit: PAGE }), 'lead');

export const accountsCsv = (db: Db, actor: Actor, filter: Omit<Parameters<typeof listAccounts>[2], 'cursor' | 'limit'>) =>
  csvOf(db, actor, ACCOUNT_COLUMNS, (cursor) => listAccounts(db, actor, { ...filter, cursor, limit: PAGE }), 'account');

export const contactsCsv = (db: Db, actor: Actor, filter: Omit<Parameters<typeof listContacts>[2], 'cursor' | 'limit'>) =>
  csvOf(db, actor, CONTACT_COLUMNS, (cursor) => listContacts(db, actor, { ...filter, cursor, limit: PAGE }), 'contact');
