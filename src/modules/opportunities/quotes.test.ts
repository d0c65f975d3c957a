import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { startSmtpServer } from '../../../test/smtp.ts';
import { newOrg, startTestApp } from '../../../test/helpers.ts';

const smtp = await startSmtpServer();
after(() => smtp.close());
const t = await startTestApp({ config: { SMTP_URL: smtp.url, SMTP_FROM: 'Leadflow <leadflow@acme.test>' } });
const admin = await newOrg(t, 'Quotes');

const account = (await admin.post('/api/v1/accounts', { name: 'Globex Corporation' })).json();
const contact = (await admin.post('/api/v1/contacts', { firstName: 'Hank', lastName: 'Scorpio', email: 'hank@globex.test', accountId: account.id })).json();
const platform = (await admin.post('/api/v1/products', { sku: 'PLAT', name: 'Platform subscription', billing: 'recurring', prices: [{ currency: 'EUR', unitPrice: 4_900 }] })).json();
const onboarding = (await admin.post('/api/v1/products', { sku: 'ONB', name: 'Onboarding package', billing: 'one_time', prices: [{ currency: 'EUR', unitPrice: 250_000 }] })).json();

test('the quote PDF comes from the deal\'s line items and is emailed as an attachment', async () => {
  const deal = (await admin.post('/api/v1/opportunities', { name: 'Globex platform rollout', accountId: account.id, currency: 'EUR' })).json();
  assert.equal((await admin.get(`/api/v1/opportunities/${deal.id}/quote.pdf`)).statusCode, 409, 'no products, no quote');
  await admin.request({ method: 'PUT', url: `/api/v1/opportunities/${deal.id}/contacts/${contact.id}`, payload: { roles: ['decision_maker'], isPrimary: true } });
  await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: platform.id, quantity: 25, discountPercent: 8, termMonths: 12 });
  await admin.post(`/api/v1/opportunities/${deal.id}/line-items`, { productId: onboarding.id, quantity: 1 });

  const pdf = await admin.get(`/api/v1/opportunities/${deal.id}/quote.pdf`);
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const version = (await admin.get(`/api/v1/opportunities/${deal.id}`)).json().version;
  const number = `Q-${deal.id.replace(/-/g, '').slice(0, 8).toUpperCase()}-${version}`;
  assert.equal(pdf.headers['content-disposition'], `attachment; filename="${number}.pdf"`);
  assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
  assert.ok(pdf.rawPayload.length > 1500);

  const sent = await admin.post(`/api/v1/opportunities/${deal.id}/quote/send`, { to: 'hank@globex.test', message: 'Great talking today.' });
  assert.equal(sent.statusCode, 200, sent.body);
  assert.deepEqual(sent.json(), { quoteNumber: number, sentTo: 'hank@globex.test' });
  const mail = smtp.inbox.find((m) => m.to.includes('hank@globex.test'))!;
  assert.equal(mail.subject, `Quote ${number}: Globex platform rollout`);
  assert.ok(mail.text.startsWith('Great talking today.'));
  assert.ok(mail.text.includes('€16,024.00'), mail.text);
  const parsed = await simpleParser(mail.raw);
  assert.equal(parsed.attachments.length, 1);
  assert.equal(parsed.attachments[0]!.contentType, 'application/pdf');
  assert.equal(parsed.attachments[0]!.filename, `${number}.pdf`);
  assert.equal(parsed.attachments[0]!.content.subarray(0, 5).toString(), '%PDF-');

  const timeline = (await admin.get(`/api/v1/opportunities/${deal.id}/timeline?kind=quote_sent`)).json().data;
  assert.equal(timeline[0].summary, `Sent quote ${number} (€16,024.00) to hank@globex.test`);
});
