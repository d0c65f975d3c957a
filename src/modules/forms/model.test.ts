import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  caughtByHoneypot,
  embedHtml,
  escapeHtml,
  fieldDefinitionErrors,
  newPublicKey,
  orgOfPublicKey,
  readSubmission,
  thankYouPage,
  UTM_KEYS,
  type FormField,
} from './model.ts';

const contactUs: FormField[] = [
  { key: 'first_name', label: 'First name', type: 'text', required: false, mapTo: 'firstName' },
  { key: 'last_name', label: 'Last name', type: 'text', required: true, mapTo: 'lastName' },
  { key: 'work_email', label: 'Work email', type: 'email', required: true, mapTo: 'email' },
  { key: 'phone', label: 'Phone', type: 'phone', required: false, mapTo: 'phone' },
  { key: 'country', label: 'Country', type: 'select', required: false, options: ['DE', 'GB', 'US'], mapTo: 'country' },
  { key: 'team_size', label: 'Team size', type: 'select', required: false, options: ['1-10', '11-50', '51+'] },
  { key: 'message', label: 'Message', type: 'textarea', required: false, mapTo: 'notes' },
  { key: 'newsletter', label: 'Send me news', type: 'checkbox', required: false },
];
const form = { fields: contactUs, hiddenFields: [...UTM_KEYS], consentText: null };

describe('form definitions', () => {
  test('a sound definition has no errors', () => {
    assert.deepEqual(fieldDefinitionErrors(contactUs), []);
  });

  test('keys are unique and not the form\'s own', () => {
    const errors = fieldDefinitionErrors([
      { key: 'email', label: 'Email', type: 'email', required: true, mapTo: 'email' },
      { key: 'email', label: 'Email again', type: 'text', required: false },
      { key: 'utm_source', label: 'Source', type: 'text', required: false },
      { key: 'consent', label: 'OK?', type: 'checkbox', required: false },
    ]);
    assert.deepEqual(errors.map((e) => e.field), ['fields.1.key', 'fields.2.key', 'fields.3.key']);
  });

  test('selects need distinct options; other types take none', () => {
    const errors = fieldDefinitionErrors([
      { key: 'email', label: 'Email', type: 'email', required: true, mapTo: 'email' },
      { key: 'size', label: 'Size', type: 'select', required: false },
      { key: 'size2', label: 'Size', type: 'select', required: false, options: ['a', 'a'] },
      { key: 'name', label: 'Name', type: 'text', required: false, options: ['x'] },
    ]);
    assert.deepEqual(errors.map((e) => e.field), ['fields.1.options', 'fields.2.options', 'fields.3.options']);
  });

  test('a field fills a lead field of its kind, and each lead field once', () => {
    const errors = fieldDefinitionErrors([
      { key: 'email', label: 'Email', type: 'text', required: true, mapTo: 'email' },
      { key: 'last', label: 'Last', type: 'text', required: true, mapTo: 'lastName' },
      { key: 'surname', label: 'Surname', type: 'text', required: false, mapTo: 'lastName' },
      { key: 'agree', label: 'Agree', type: 'checkbox', required: false, mapTo: 'notes' },
    ]);
    assert.deepEqual(errors.map((e) => e.field), ['fields.0.mapTo', 'fields.2.mapTo', 'fields.3.mapTo']);
  });

  test('some required field must name the person or company', () => {
    const errors = fieldDefinitionErrors([
      { key: 'email', label: 'Email', type: 'email', required: false, mapTo: 'email' },
      { key: 'phone', label: 'Phone', type: 'phone', required: true, mapTo: 'phone' },
    ]);
    assert.deepEqual(errors.map((e) => e.field), ['fields']);
  });
});

describe('reading a submission', () => {
  test('values are checked by type, cleaned and mapped to the lead', () => {
    const reading = readSubmission(form, {
      first_name: ' Anna ',
      last_name: 'Berg',
      work_email: 'Anna@Acme.COM',
      phone: '+49 30 1234567',
      country: 'DE',
      team_size: '11-50',
      message: 'Call me',
      newsletter: 'yes',
      utm_source: 'google',
      utm_campaign: 'spring',
      referrer: 'https://search.example/',
      _key: 'ignored',
      submit: 'Send',
    });
    assert.deepEqual(reading.errors, []);
    assert.deepEqual(reading.lead, { firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.com', phone: '+49 30 1234567', country: 'DE', notes: 'Call me' });
    assert.equal(reading.values.team_size, '11-50');
    assert.equal(reading.values.newsletter, true);
    assert.equal('submit' in reading.values, false, 'keys the form does not define are ignored');
    assert.deepEqual(reading.utm, { utm_source: 'google', utm_campaign: 'spring', referrer: 'https://search.example/' });
  });

  test('each bad field is named by the form\'s own key', () => {
    const reading = readSubmission(form, { work_email: 'not-an-email', phone: 'call me maybe', country: 'Germany', team_size: 'huge', first_name: ['Anna', 'Ann'] });
    assert.deepEqual(
      reading.errors.map((e) => e.field),
      ['first_name', 'last_name', 'work_email', 'phone', 'country', 'team_size'],
    );
    assert.equal(reading.errors.find((e) => e.field === 'last_name')!.message, 'Required');
  });

  test('lengths are limited per type', () => {
    const reading = readSubmission(form, { last_name: 'x'.repeat(301), work_email: 'a@b.co', message: 'y'.repeat(5000) });
    assert.deepEqual(reading.errors.map((e) => e.field), ['last_name']);
  });

  test('JSON numbers and booleans are accepted as text and ticks; a lone list item as its value', () => {
    const reading = readSubmission(
      { fields: [...contactUs, { key: 'seats', label: 'Seats', type: 'text', required: false }], hiddenFields: [], consentText: null },
      { last_name: ['Berg'], work_email: 'a@b.co', seats: 12, newsletter: false },
    );
    assert.deepEqual(reading.errors, []);
    assert.equal(reading.values.seats, '12');
    assert.equal(reading.values.newsletter, false);
    assert.equal(reading.lead.lastName, 'Berg');
  });

  test('a required checkbox must be ticked; "off", "false", "0" and "no" are unticked', () => {
    const fields: FormField[] = [
      { key: 'email', label: 'Email', type: 'email', required: true, mapTo: 'email' },
      { key: 'terms', label: 'I accept', type: 'checkbox', required: true },
    ];
    for (const value of [undefined, '', 'off', 'false', '0', 'no', false]) {
      assert.deepEqual(readSubmission({ fields, hiddenFields: [], consentText: null }, { email: 'a@b.co', terms: value }).errors.map((e) => e.field), ['terms'], String(value));
    }
    assert.deepEqual(readSubmission({ fields, hiddenFields: [], consentText: null }, { email: 'a@b.co', terms: 'on' }).errors, []);
  });

  test('consent is required when the form asks for it', () => {
    const withConsent = { ...form, consentText: 'I agree to be contacted.' };
    const refused = readSubmission(withConsent, { last_name: 'Berg', work_email: 'a@b.co' });
    assert.deepEqual(refused.errors.map((e) => e.field), ['consent']);
    const given = readSubmission(withConsent, { last_name: 'Berg', work_email: 'a@b.co', consent: 'yes' });
    assert.deepEqual(given.errors, []);
    assert.equal(given.consented, true);
  });

  test('only the tracking values the form captures are kept, trimmed and capped', () => {
    const reading = readSubmission({ ...form, hiddenFields: ['utm_source'] }, { last_name: 'B', work_email: 'a@b.co', utm_source: ` ${'s'.repeat(600)} `, utm_medium: 'cpc' });
    assert.deepEqual(Object.keys(reading.utm), ['utm_source']);
    assert.equal(reading.utm.utm_source!.length, 500);
  });
});

describe('spam and keys', () => {
  test('the honeypot catches anything filled in', () => {
    assert.equal(caughtByHoneypot({}), false);
    assert.equal(caughtByHoneypot({ _hp: '' }), false);
    assert.equal(caughtByHoneypot({ _hp: 'http://spam.example' }), true);
    assert.equal(caughtByHoneypot({ _hp: ['', 'x'] }), true);
    assert.equal(caughtByHoneypot({ _hp: true }), true);
  });

  test('a public key names its organisation', () => {
    const orgId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const key = newPublicKey(orgId, 'abcdefghijklmnopqrstuvwx');
    assert.equal(orgOfPublicKey(key), orgId);
    assert.equal(orgOfPublicKey('fk_nothex_abcdefghijklmnopqrstuvwx'), null);
    assert.equal(orgOfPublicKey(`${key}'; drop table forms`), null);
    assert.equal(orgOfPublicKey(''), null);
  });
});

describe('embedded HTML', () => {
  const evil = '<script>alert("x")</script> & \'quotes\'';
  const html = embedHtml(
    {
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      name: evil,
      fields: [
        { key: 'email', label: evil, type: 'email', required: true, mapTo: 'email' },
        { key: 'plan', label: 'Plan', type: 'select', required: false, options: [evil, 'Pro'] },
        { key: 'msg', label: 'Message', type: 'textarea', required: false },
        { key: 'news', label: 'News', type: 'checkbox', required: false },
      ],
      hiddenFields: [...UTM_KEYS],
      consentText: evil,
      publicKey: 'fk_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b_key',
    },
    'https://crm.example/api/v1/forms/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/submissions',
  );

  test('every label, option, name and the consent text are escaped', () => {
    assert.equal(html.includes('<script>alert'), false);
    assert.equal(html.match(/&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;quotes&#39;/g)?.length, 5, 'name, label, option value and text, consent');
  });

  test('it posts to the public endpoint with the key, the honeypot and the tracking fields', () => {
    assert.match(html, /<form class="leadflow-form" action="https:\/\/crm\.example\/api\/v1\/forms\/[^"]+\/submissions" method="post"/);
    assert.match(html, /<input type="hidden" name="_key" value="fk_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b_key">/);
    assert.match(html, /aria-hidden="true">\s*<label>Leave this field empty <input type="text" name="_hp" value="" tabindex="-1" autocomplete="off">/);
    for (const key of UTM_KEYS) assert.match(html, new RegExp(`<input type="hidden" name="${key}" value="">`));
    assert.match(html, /<input type="email" id="[^"]+" name="email" maxlength="320" required>/);
    assert.match(html, /<textarea id="[^"]+" name="msg"/);
    assert.match(html, /<input type="checkbox" name="news" value="yes">/);
    assert.match(html, /<input type="checkbox" name="consent" value="yes" required>/);
  });

  test('without tracking fields there is no script', () => {
    const plain = embedHtml({ id: 'x', name: 'n', fields: [{ key: 'email', label: 'E', type: 'email', required: true, mapTo: 'email' }], hiddenFields: [], consentText: null, publicKey: 'k' }, 'https://x');
    assert.equal(plain.includes('<script>'), false);
    assert.equal(plain.includes('name="consent"'), false);
  });

  test('escaping and the thank-you page', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.match(thankYouPage('<b>Thanks</b>'), /<p>&lt;b&gt;Thanks&lt;\/b&gt;<\/p>/);
  });
});
