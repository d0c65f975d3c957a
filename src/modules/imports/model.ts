// Import and export rules that need no database: which column feeds which lead field, how one
// CSV row becomes a lead or a rejection with its reason, and how cells are written back to CSV.
import { z } from 'zod';
import { checkValues, type CustomValue, type FieldDefinition } from '../customfields/model.ts';
import { identifiesSomeone, LEAD_STATUSES, tidyLeadInput, type LeadStatus } from '../leads/model.ts';

export const DEDUPE_POLICIES = ['skip', 'update', 'create'] as const;
/** skip: keep the existing lead; update: fill it with the row's non-empty cells; create: always add. */
export type DedupePolicy = (typeof DEDUPE_POLICIES)[number];

export const IMPORT_ROUTING = ['off', 'rules'] as const;
/**
 * Who owns a new lead whose row names no owner. off: the import's default owner (the importer,
 * another user, or nobody); rules: the active "lead on create" routing rule set, as for a lead
 * from a web form, but without a first-touch clock (imported prospects are not waiting on a reply).
 */
export type ImportRouting = (typeof IMPORT_ROUTING)[number];

export const IMPORT_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Lead fields a column can feed, with the label the UI and exports show. */
export const IMPORT_FIELDS = {
  firstName: 'First Name',
  lastName: 'Last Name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  title: 'Title',
  website: 'Website',
  industry: 'Industry',
  employeeCount: 'Employees',
  country: 'Country',
  region: 'Region',
  city: 'City',
  postcode: 'Postcode',
  status: 'Status',
  source: 'Lead Source',
  ownerEmail: 'Owner Email',
  notes: 'Notes',
} as const;
export type ImportField = keyof typeof IMPORT_FIELDS;
/** What a column can feed: a lead field, or a lead custom field as `custom.<key>`. */
export type MappingTarget = ImportField | `custom.${string}`;
/** The lead custom fields a column can feed (active ones; lookups are not importable yet). */
export const importableCustomFields = (fields: readonly FieldDefinition[]) => fields.filter((f) => f.object === 'lead' && !f.archivedAt && f.type !== 'lookup');
export const IMPORT_FIELD_NAMES = Object.keys(IMPORT_FIELDS) as ImportField[];

// Headers seen in exports from other CRMs, spreadsheets and list vendors, compared after
// lower-casing and dropping everything but letters and digits ("E-mail" → "email").
const ALIASES: Record<ImportField, string[]> = {
  firstName: ['firstname', 'first', 'givenname', 'forename', 'vorname', 'prenom', 'nombre', 'leadfirstname', 'contactfirstname'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'nachname', 'nom', 'apellido', 'leadlastname', 'contactlastname'],
  email: ['email', 'emailaddress', 'mail', 'emailid', 'workemail', 'businessemail', 'primaryemail', 'leademail', 'contactemail', 'emailadresse', 'courriel', 'correo'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobilephone', 'cell', 'cellphone', 'workphone', 'businessphone', 'directdial', 'directphone', 'telefon', 'telefono'],
  company: ['company', 'companyname', 'account', 'accountname', 'organization', 'organisation', 'organizationname', 'organisationname', 'employer', 'business', 'firma', 'unternehmen', 'societe', 'empresa'],
  title: ['title', 'jobtitle', 'position', 'role', 'jobrole', 'designation', 'jobposition', 'berufsbezeichnung', 'titel'],
  website: ['website', 'web', 'url', 'websiteurl', 'companywebsite', 'homepage', 'domain', 'companydomain', 'webseite'],
  industry: ['industry', 'sector', 'vertical', 'branche'],
  employeeCount: ['employees', 'employeecount', 'numberofemployees', 'noofemployees', 'companysize', 'headcount', 'staff', 'mitarbeiter'],
  country: ['country', 'countrycode', 'countryiso', 'land', 'pays', 'pais'],
  region: ['region', 'state', 'province', 'stateprovince', 'county', 'bundesland'],
  city: ['city', 'town', 'locality', 'stadt', 'ort', 'ville', 'ciudad'],
  postcode: ['postcode', 'postalcode', 'zip', 'zipcode', 'plz', 'postleitzahl', 'codepostal'],
  status: ['status', 'leadstatus', 'stage', 'leadstage'],
  source: ['source', 'leadsource', 'origin', 'channel', 'quelle'],
  ownerEmail: ['owneremail', 'leadowneremail', 'owner', 'leadowner', 'assignedto', 'assignee', 'salesrep', 'rep', 'accountowner'],
  notes: ['notes', 'note', 'comments', 'comment', 'description', 'remarks', 'bemerkung', 'notizen'],
};

const ALIAS_TO_FIELD = new Map<string, ImportField>(
  IMPORT_FIELD_NAMES.flatMap((field) => [field.toLowerCase(), IMPORT_FIELDS[field].replace(/[^a-z0-9]/gi, '').toLowerCase(), ...ALIASES[field]].map((alias) => [alias, field] as const)),
);

const headerKey = (header: string) => header.normalize('NFKD').replace(/[^a-zA-Z0-9]/g, '').toLowerCase();

/**
 * The column names as the UI and the mapping use them: trimmed, blanks named by position and
 * repeats numbered ("Phone", "Phone (2)"), so every column can be mapped on its own.
 */
export function columnNames(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((raw, index) => {
    const base = raw.trim() || `Column ${index + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

/**
 * A field for each column that clearly names one; each field is suggested for one column at most.
 * Custom fields are matched by label or key ("Industry Segment", "industry_segment").
 */
export function suggestMapping(columns: string[], customFields: readonly Pick<FieldDefinition, 'key' | 'label'>[] = []): Record<string, MappingTarget | null> {
  const taken = new Set<MappingTarget>();
  const mapping: Record<string, MappingTarget | null> = {};
  const customByHeader = new Map<string, MappingTarget>();
  for (const f of customFields) for (const name of [f.key, f.label]) if (!customByHeader.has(headerKey(name))) customByHeader.set(headerKey(name), `custom.${f.key}`);
  for (const column of columns) {
    const field = ALIAS_TO_FIELD.get(headerKey(column)) ?? customByHeader.get(headerKey(column)) ?? null;
    if (field && !taken.has(field)) {
      taken.add(field);
      mapping[column] = field;
    } else {
      mapping[column] = null;
    }
  }
  // "Full Name" / "Name" / "Contact" split into first and last name when nothing else names them.
  if (!taken.has('firstName') && !taken.has('lastName')) {
    const nameColumn = columns.find((c) => ['name', 'fullname', 'contactname', 'leadname', 'contact'].includes(headerKey(c)) && mapping[c] === null);
    if (nameColumn) mapping[nameColumn] = 'lastName';
  }
  return mapping;
}

export type FieldError = { field: string; message: string };

/**
 * The mapping as column positions, checked against the file's columns: every mapped column must
 * exist, no field may be fed twice and at least one column must feed a lead.
 */
export function resolveMapping(
  columns: string[],
  mapping: Record<string, string | null>,
  customFields: readonly FieldDefinition[] = [],
): { fields: (MappingTarget | null)[] } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fedBy = new Map<MappingTarget, string>();
  const importable = new Set(importableCustomFields(customFields).map((f) => `custom.${f.key}`));
  for (const [column, field] of Object.entries(mapping)) {
    if (field === null || field === '') continue;
    if (!columns.includes(column)) errors.push({ field: `mapping.${column}`, message: 'The file has no such column' });
    if (field.startsWith('custom.') ? !importable.has(field) : !(IMPORT_FIELD_NAMES as string[]).includes(field)) {
      errors.push({
        field: `mapping.${column}`,
        message: field.startsWith('custom.') ? 'Not an active lead custom field that imports take (lookups cannot be imported)' : `Not a lead field; use one of ${IMPORT_FIELD_NAMES.join(', ')} or custom.<key>`,
      });
      continue;
    }
    const other = fedBy.get(field as MappingTarget);
    if (other) errors.push({ field: `mapping.${column}`, message: `${field} is already fed by the column "${other}"` });
    fedBy.set(field as MappingTarget, column);
  }
  if (errors.length === 0 && fedBy.size === 0) errors.push({ field: 'mapping', message: 'Map at least one column to a lead field' });
  if (errors.length) return { errors };
  return { fields: columns.map((column) => (mapping[column] as MappingTarget | null | undefined) ?? null) };
}

/** `Email=email,First Name=firstName` (the CLI's --map) as a mapping. */
export function parseMappingOption(text: string): Record<string, string> | { error: string } {
  const mapping: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (!pair.trim()) continue;
    const at = pair.lastIndexOf('=');
    if (at <= 0) return { error: `"${pair.trim()}" is not COLUMN=field` };
    mapping[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return mapping;
}

/** A lead as an import row gives it: text trimmed, blanks as null (the row does not say). */
export type ImportedLead = {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  title: string | null;
  website: string | null;
  industry: string | null;
  employeeCount: number | null;
  country: string | null;
  region: string | null;
  city: string | null;
  postcode: string | null;
  status: LeadStatus | null;
  source: string | null;
  ownerId: string | null;
  notes: string | null;
  /** Custom values the row gives (blank cells say nothing), or null when it gives none. */
  custom: Record<string, CustomValue> | null;
};

export type RowContext = {
  fields: (MappingTarget | null)[];
  /** The org's lead custom fields, to read `custom.<key>` columns by. */
  customFields?: readonly FieldDefinition[] | undefined;
  /** Active users of the org by lower-cased email (and name, where unique), for an owner column. */
  ownersByEmail: Map<string, string>;
};

export type RowVerdict = { lead: ImportedLead } | { reason: string };

// The same limits as the leads API (src/modules/leads/routes.ts), so an import accepts what a form would.
const MAX_LENGTH: Partial<Record<ImportField, number>> = {
  firstName: 200,
  lastName: 200,
  email: 320,
  phone: 50,
  company: 300,
  title: 200,
  website: 500,
  industry: 200,
  region: 200,
  city: 200,
  postcode: 20,
  source: 64,
  ownerEmail: 320,
  notes: 20_000,
};
const EMAIL = z.regexes.email;
const PHONE = /^[0-9+()./\s-]*(?:(?:x|ext\.?)\s*\d+)?$/i;
const COUNTRY = /^[A-Za-z]{2}$/;
const SOURCE = /^[a-z0-9_-]+$/;
const STATUS_BY_NAME = new Map<string, LeadStatus>(LEAD_STATUSES.map((s) => [s, s]));

/** True for a row with no content (blank lines, a trailing ",,,,"): it is no one, so not a rejection. */
export const isBlankRow = (cells: string[]): boolean => cells.every((cell) => cell.trim() === '');

/** One CSV row as a lead, or the reason it cannot be one. Mirrors the API's rules. */
export function leadFromRow(cells: string[], context: RowContext): RowVerdict {
  const { fields } = context;
  if (cells.length > fields.length && cells.slice(fields.length).some((cell) => cell.trim() !== '')) {
    return { reason: `The row has ${cells.length} cells but the header has ${fields.length} columns` };
  }
  const raw: Partial<Record<ImportField, string>> = {};
  const rawCustom: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 1) {
    const target = fields[i];
    if (!target) continue;
    const cell = cells[i];
    if (cell === undefined) continue;
    // PostgreSQL text cannot hold NUL; nobody means one. A leading ' is how our exports (and
    // careful spreadsheets) defuse formulas: "'+49 30 1234" is the phone number +49 30 1234.
    const clean = cell.includes('\0') ? cell.replaceAll('\0', '') : cell;
    const value = clean.charCodeAt(0) === 0x27 && /^'[=+\-@]/.test(clean) ? clean.slice(1) : clean;
    if (target.startsWith('custom.')) rawCustom[target.slice(7)] = value;
    else raw[target as ImportField] = value;
  }
  const tidy = tidyLeadInput(raw) as Partial<Record<ImportField, string | null>>;
  // Reasons quote the cell as the file has it, not as tidied ("Germany", not "GERMANY").
  const said = (field: ImportField) => raw[field]!.trim();
  const text = (field: ImportField): string | null => {
    const value = tidy[field];
    return value === undefined || value === null || value === '' ? null : value;
  };
  for (const field of IMPORT_FIELD_NAMES) {
    const value = text(field);
    const max = MAX_LENGTH[field];
    if (value !== null && max !== undefined && value.length > max) return { reason: `${IMPORT_FIELDS[field]} is longer than ${max} characters` };
  }
  const email = text('email');
  if (email !== null && !EMAIL.test(email)) return { reason: `Email "${said('email')}" is not an email address` };
  const phone = text('phone');
  if (phone !== null && !PHONE.test(phone)) return { reason: `Phone "${phone}" is not a phone number` };
  const country = text('country');
  if (country !== null && !COUNTRY.test(country)) return { reason: `Country "${said('country')}" is not a two-letter ISO code (like DE or US)` };
  let employeeCount: number | null = null;
  const employees = text('employeeCount');
  if (employees !== null) {
    if (!/^\d{1,8}$/.test(employees) || Number(employees) > 10_000_000) return { reason: `Employees "${employees}" is not a whole number from 0 to 10,000,000` };
    employeeCount = Number(employees);
  }
  let status: LeadStatus | null = null;
  const statusText = text('status');
  if (statusText !== null) {
    status = STATUS_BY_NAME.get(statusText.toLowerCase()) ?? null;
    if (!status) return { reason: `Status "${statusText}" is not one of ${LEAD_STATUSES.join(', ')}` };
  }
  let source: string | null = null;
  const sourceText = text('source');
  if (sourceText !== null) {
    // "Trade Show" is how people write it; the API's form is trade_show.
    source = sourceText.toLowerCase().replace(/\s+/g, '_');
    if (!SOURCE.test(source)) return { reason: `Lead Source "${sourceText}" may hold only letters, digits, spaces, - and _` };
  }
  let ownerId: string | null = null;
  const ownerEmail = text('ownerEmail');
  if (ownerEmail !== null) {
    ownerId = context.ownersByEmail.get(ownerEmail.toLowerCase()) ?? null;
    if (!ownerId) return { reason: `Owner "${ownerEmail}" is not an active user of your organisation (give their email or full name)` };
  }
  const lead: ImportedLead = {
    firstName: text('firstName'),
    lastName: text('lastName'),
    email,
    phone,
    company: text('company'),
    title: text('title'),
    website: text('website'),
    industry: text('industry'),
    employeeCount,
    country,
    region: text('region'),
    city: text('city'),
    postcode: text('postcode'),
    status,
    source,
    ownerId,
    notes: text('notes'),
    custom: null,
  };
  if (!identifiesSomeone(lead)) return { reason: 'The row names no one: give a first or last name, a company or an email' };
  if (context.customFields?.length) {
    // Users by email or name, as for the owner column; every row is checked as a new lead (required fields).
    const check = checkValues(context.customFields, rawCustom, { creating: true, source: { from: 'text', usersByEmail: context.ownersByEmail } });
    const problem = check.errors[0];
    if (problem) {
      const label = context.customFields.find((f) => `custom.${f.key}` === problem.field)?.label ?? problem.field;
      return { reason: problem.message.startsWith(label) ? problem.message : `${label}: ${problem.message}` };
    }
    const given = Object.entries(check.changes).filter((entry): entry is [string, CustomValue] => entry[1] !== null);
    lead.custom = given.length ? Object.fromEntries(given) : null;
  }
  return { lead };
}

/** How far an import has read its file, as a whole percent (100 only when done). */
export function percentRead(bytesRead: number, size: number, finished: boolean): number {
  if (finished) return 100;
  if (size <= 0) return 0;
  return Math.min(99, Math.floor((bytesRead / size) * 100));
}

/**
 * One CSV cell: quoted when it must be, and text a spreadsheet would run as a formula
 * (= + - @, or a tab/CR that some treat the same) prefixed with ' so opening an export is safe.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (values: unknown[]): string => `${values.map(csvCell).join(',')}\r\n`;

/** A lead field's column header in exports: the import label, so an export imports back as is. */
export const exportHeader = (key: string): string =>
  (IMPORT_FIELDS as Record<string, string>)[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
