import type { FieldError } from '../../core/errors.ts';

// Web form rules that need no database: what a valid form definition is, how a submission is
// read and checked against it, and the HTML a website embeds.

export const FIELD_TYPES = ['text', 'email', 'phone', 'textarea', 'select', 'checkbox'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** The lead fields a form field can fill. */
export const LEAD_TARGETS = [
  'firstName', 'lastName', 'email', 'phone', 'company', 'title', 'website', 'industry', 'country', 'region', 'city', 'postcode', 'notes',
] as const;
export type LeadTarget = (typeof LEAD_TARGETS)[number];

/** Tracking values a form carries in hidden fields, filled by the embed script from the page. */
export const UTM_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'referrer'] as const;
export type UtmKey = (typeof UTM_KEYS)[number];

export type FormField = {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  options?: string[] | undefined;
  mapTo?: LeadTarget | null | undefined;
};

/** Names the embed uses for itself; a form field may not take them. */
export const KEY_FIELD = '_key';
export const HONEYPOT_FIELD = '_hp';
export const CONSENT_FIELD = 'consent';
const RESERVED_KEYS = new Set<string>([KEY_FIELD, HONEYPOT_FIELD, CONSENT_FIELD, ...UTM_KEYS]);

// Which field types can fill which lead field: an email only from an email input, and so on.
const TARGET_TYPES: Record<LeadTarget, readonly FieldType[]> = {
  firstName: ['text'],
  lastName: ['text'],
  email: ['email'],
  phone: ['phone'],
  company: ['text', 'select'],
  title: ['text', 'select'],
  website: ['text'],
  industry: ['text', 'select'],
  country: ['text', 'select'],
  region: ['text', 'select'],
  city: ['text', 'select'],
  postcode: ['text'],
  notes: ['text', 'textarea'],
};
const IDENTIFYING: readonly LeadTarget[] = ['email', 'firstName', 'lastName', 'company'];

/** What is wrong with a form's fields, beyond their shape: duplicates, reserved keys, mappings. */
export function fieldDefinitionErrors(fields: FormField[]): FieldError[] {
  const errors: FieldError[] = [];
  const keys = new Set<string>();
  const targets = new Map<LeadTarget, string>();
  fields.forEach((field, i) => {
    const at = `fields.${i}`;
    if (RESERVED_KEYS.has(field.key)) errors.push({ field: `${at}.key`, message: `"${field.key}" is reserved for the form itself` });
    else if (keys.has(field.key)) errors.push({ field: `${at}.key`, message: `Another field already uses the key "${field.key}"` });
    keys.add(field.key);
    if (field.type === 'select') {
      if (!field.options?.length) errors.push({ field: `${at}.options`, message: 'A select needs options' });
      else if (new Set(field.options).size !== field.options.length) errors.push({ field: `${at}.options`, message: 'Options must differ' });
    } else if (field.options?.length) {
      errors.push({ field: `${at}.options`, message: 'Only a select has options' });
    }
    if (field.mapTo) {
      if (!TARGET_TYPES[field.mapTo].includes(field.type)) {
        errors.push({ field: `${at}.mapTo`, message: `A ${field.type} field cannot fill ${field.mapTo} (use ${TARGET_TYPES[field.mapTo].join(' or ')})` });
      } else if (targets.has(field.mapTo)) {
        errors.push({ field: `${at}.mapTo`, message: `The field "${targets.get(field.mapTo)}" already fills ${field.mapTo}` });
      }
      targets.set(field.mapTo, field.key);
    }
  });
  if (!fields.some((f) => f.required && f.mapTo && IDENTIFYING.includes(f.mapTo))) {
    errors.push({ field: 'fields', message: 'Make at least one of email, first name, last name or company a required field, so every lead names someone' });
  }
  return errors;
}

const MAX_LENGTH: Record<FieldType, number> = { text: 300, email: 320, phone: 50, textarea: 5000, select: 300, checkbox: 10 };
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^[0-9+()./\s-]*(?:(?:x|ext\.?)\s*\d+)?$/i;
const FALSE_WORDS = new Set(['', 'false', '0', 'no', 'off']);

export type SubmissionReading = {
  /** Each form field's cleaned value, by its key (text, or true/false for a checkbox). */
  values: Record<string, string | boolean>;
  /** The lead fields the mapped values fill. */
  lead: Partial<Record<LeadTarget, string>>;
  utm: Partial<Record<UtmKey, string>>;
  consented: boolean;
  errors: FieldError[];
};

/** One value from a submission: text, a JSON number or boolean, or the only entry of a list. */
function single(raw: unknown): { value: string | boolean | null; several: boolean } {
  if (Array.isArray(raw)) return raw.length <= 1 ? single(raw[0]) : { value: null, several: true };
  if (raw === undefined || raw === null) return { value: null, several: false };
  if (typeof raw === 'boolean') return { value: raw, several: false };
  if (typeof raw === 'string' || typeof raw === 'number') return { value: String(raw).trim(), several: false };
  return { value: null, several: true };
}

const ticked = (value: string | boolean | null) => (typeof value === 'boolean' ? value : value !== null && !FALSE_WORDS.has(value.toLowerCase()));

/**
 * Reads a submission against its form: every field checked by its type, errors keyed by the
 * field's own key (as the website's form names it), tracking values and consent collected.
 * Keys the form does not define are ignored, so a website's extra inputs do no harm.
 */
export function readSubmission(
  form: { fields: FormField[]; hiddenFields: readonly UtmKey[]; consentText: string | null },
  payload: Record<string, unknown>,
): SubmissionReading {
  const reading: SubmissionReading = { values: {}, lead: {}, utm: {}, consented: false, errors: [] };
  const fail = (field: string, message: string) => reading.errors.push({ field, message });
  for (const field of form.fields) {
    const { value, several } = single(payload[field.key]);
    if (several) {
      fail(field.key, 'Send one value');
      continue;
    }
    if (field.type === 'checkbox') {
      const checked = ticked(value);
      if (field.required && !checked) fail(field.key, 'Tick this box');
      reading.values[field.key] = checked;
      continue;
    }
    const text = typeof value === 'boolean' ? String(value) : (value ?? '');
    if (!text) {
      if (field.required) fail(field.key, 'Required');
      continue;
    }
    if (text.length > MAX_LENGTH[field.type]) {
      fail(field.key, `At most ${MAX_LENGTH[field.type]} characters`);
      continue;
    }
    const problem = typeProblem(field, text);
    if (problem) {
      fail(field.key, problem);
      continue;
    }
    const cleaned = field.type === 'email' ? text.toLowerCase() : field.mapTo === 'country' ? text.toUpperCase() : text;
    reading.values[field.key] = cleaned;
    if (field.mapTo) reading.lead[field.mapTo] = cleaned;
  }
  for (const key of form.hiddenFields) {
    const { value } = single(payload[key]);
    if (typeof value === 'string' && value) reading.utm[key] = value.slice(0, 500);
  }
  if (form.consentText) {
    reading.consented = ticked(single(payload[CONSENT_FIELD]).value);
    if (!reading.consented) fail(CONSENT_FIELD, 'Please give your consent to send this form');
  }
  return reading;
}

function typeProblem(field: FormField, text: string): string | null {
  if (field.type === 'email' && !EMAIL.test(text)) return 'Enter an email address like name@example.com';
  if (field.type === 'phone' && (!PHONE.test(text) || (text.match(/\d/g)?.length ?? 0) < 5)) return 'Enter a phone number';
  if (field.type === 'select' && !field.options?.includes(text)) return 'Choose one of the options';
  if (field.mapTo === 'country' && !/^[A-Za-z]{2}$/.test(text)) return 'Use a two-letter country code, like DE';
  return null;
}

/** A bot filled the field humans never see. */
export function caughtByHoneypot(payload: Record<string, unknown>): boolean {
  const { value, several } = single(payload[HONEYPOT_FIELD]);
  return several || (typeof value === 'string' ? value !== '' : value === true);
}

/**
 * A form's public key names its organisation, so a submission finds the form by (org, id) —
 * the primary key — without a lookup across organisations.
 */
export function newPublicKey(orgId: string, secret: string): string {
  return `fk_${orgId.replace(/-/g, '')}_${secret}`;
}

export function orgOfPublicKey(key: string): string | null {
  const match = /^fk_([0-9a-f]{32})_[A-Za-z0-9_-]{16,}$/.exec(key);
  if (!match) return null;
  const hex = match[1]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const INPUT_TYPES: Record<Exclude<FieldType, 'textarea' | 'select' | 'checkbox'>, string> = { text: 'text', email: 'email', phone: 'tel' };

/**
 * The HTML a website pastes in: a plain form posting to the public submission endpoint, with
 * the form's key, the honeypot (hidden from people, tempting to bots) and the tracking fields,
 * plus a small optional script that fills those from the page's URL and referrer.
 */
export function embedHtml(
  form: { id: string; name: string; fields: FormField[]; hiddenFields: readonly UtmKey[]; consentText: string | null; publicKey: string },
  actionUrl: string,
): string {
  const id = (key: string) => escapeHtml(`lf-${form.id.slice(-8)}-${key}`);
  const lines = [
    `<form class="leadflow-form" action="${escapeHtml(actionUrl)}" method="post" accept-charset="UTF-8" aria-label="${escapeHtml(form.name)}">`,
    `  <input type="hidden" name="${KEY_FIELD}" value="${escapeHtml(form.publicKey)}">`,
    `  <div style="position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden" aria-hidden="true">`,
    `    <label>Leave this field empty <input type="text" name="${HONEYPOT_FIELD}" value="" tabindex="-1" autocomplete="off"></label>`,
    `  </div>`,
    ...form.hiddenFields.map((key) => `  <input type="hidden" name="${key}" value="">`),
  ];
  for (const field of form.fields) {
    const name = escapeHtml(field.key);
    const required = field.required ? ' required' : '';
    const label = `${escapeHtml(field.label)}${field.required ? ' *' : ''}`;
    if (field.type === 'checkbox') {
      lines.push(`  <p><label><input type="checkbox" name="${name}" value="yes"${required}> ${label}</label></p>`);
      continue;
    }
    lines.push(`  <p><label for="${id(field.key)}">${label}</label><br>`);
    if (field.type === 'textarea') {
      lines.push(`    <textarea id="${id(field.key)}" name="${name}" rows="4" maxlength="${MAX_LENGTH.textarea}"${required}></textarea></p>`);
    } else if (field.type === 'select') {
      const options = (field.options ?? []).map((o) => `<option value="${escapeHtml(o)}">${escapeHtml(o)}</option>`).join('');
      lines.push(`    <select id="${id(field.key)}" name="${name}"${required}><option value="">—</option>${options}</select></p>`);
    } else {
      lines.push(`    <input type="${INPUT_TYPES[field.type]}" id="${id(field.key)}" name="${name}" maxlength="${MAX_LENGTH[field.type]}"${required}></p>`);
    }
  }
  if (form.consentText) {
    lines.push(`  <p><label><input type="checkbox" name="${CONSENT_FIELD}" value="yes" required> ${escapeHtml(form.consentText)}</label></p>`);
  }
  lines.push('  <p><button type="submit">Send</button></p>', '</form>');
  if (form.hiddenFields.length > 0) {
    lines.push(
      '<script>',
      '(function (form) {',
      '  var query = new URLSearchParams(window.location.search);',
      `  ${JSON.stringify(form.hiddenFields.filter((k) => k !== 'referrer'))}.forEach(function (key) {`,
      '    var input = form.querySelector(\'input[name="\' + key + \'"]\');',
      '    if (input && query.get(key)) input.value = query.get(key);',
      '  });',
      '  var referrer = form.querySelector(\'input[name="referrer"]\');',
      '  if (referrer) referrer.value = document.referrer;',
      '})(document.currentScript.previousElementSibling);',
      '</script>',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The page a browser lands on after posting a form that has no redirect URL. */
export function thankYouPage(message: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Thank you</title></head>\n<body><p>${escapeHtml(message)}</p></body></html>\n`;
}
