import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decorateEmail, matchMailboxMessage, messageIdsIn, parseDeliveryStatus, renderTemplate, textToHtml, type MailboxMessage } from './model.ts';

test('merge fields: values, fallbacks, missing fields, and escaping in the HTML part only', () => {
  const cases: [string, string, Record<string, Record<string, unknown>>, string, string[]][] = [
    ['plain', 'Hi {{lead.firstName}}', { lead: { firstName: 'Mia' } }, 'Hi Mia', []],
    ['spaces inside braces', 'Hi {{ lead.firstName }}', { lead: { firstName: 'Mia' } }, 'Hi Mia', []],
    ['fallback when empty', 'Hi {{lead.firstName | "there"}}', { lead: { firstName: '' } }, 'Hi there', []],
    ['missing is listed', 'At {{account.name}}', {}, 'At ', ['account.name']],
    ['numbers', '{{lead.employeeCount}} people', { lead: { employeeCount: 40 } }, '40 people', []],
    ['markup stays text', '{{lead.firstName}}', { lead: { firstName: '<b>x</b>' } }, '<b>x</b>', []],
  ];
  for (const [name, body, context, text, missing] of cases) {
    const rendered = renderTemplate({ subject: 's', body }, context);
    assert.equal(rendered.text, text, name);
    assert.deepEqual(rendered.missing, missing, name);
  }
  const evil = renderTemplate({ subject: '{{lead.firstName}}', body: 'Dear {{lead.firstName}}' }, { lead: { firstName: '<img src=x onerror=alert(1)>"\'&' } });
  assert.equal(evil.html, '<p>Dear &lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</p>');
  // A header cannot be split by a value with a line break.
  assert.equal(renderTemplate({ subject: 'Hi {{lead.firstName}}', body: 'x' }, { lead: { firstName: 'A\r\nBcc: x@y' } }).subject, 'Hi A Bcc: x@y');
});

test('text to HTML: paragraphs, line breaks, links, everything else escaped', () => {
  assert.equal(textToHtml('a\nb\n\nc'), '<p>a<br>b</p>\n<p>c</p>');
  assert.equal(textToHtml('see https://x.example/a?b=1&c=2.'), '<p>see <a href="https://x.example/a?b=1&amp;c=2">https://x.example/a?b=1&amp;c=2</a>.</p>');
  assert.equal(textToHtml('javascript:alert(1) <a href="x">'), '<p>javascript:alert(1) &lt;a href=&quot;x&quot;&gt;</p>');
});

test('the signature follows the body after the standard delimiter', () => {
  assert.equal(renderTemplate({ subject: 's', body: 'Hello\n' }, {}, 'Ada\nAcme').text, 'Hello\n\n-- \nAda\nAcme');
});

test('decorating: wrapped links, a pixel, and the compliance footer', () => {
  const out = decorateEmail({ text: 'Hi', html: '<p><a href="https://a.example/?x=1&amp;y=2">l</a></p>' }, {
    clickUrl: (url) => `https://t.example/c?u=${encodeURIComponent(url)}`,
    pixelUrl: 'https://t.example/o.gif',
    unsubscribeUrl: 'https://t.example/u',
    postalAddress: 'Acme\n1 Main St',
  });
  assert.ok(out.html.includes('href="https://t.example/c?u=https%3A%2F%2Fa.example%2F%3Fx%3D1%26y%3D2"'), out.html);
  assert.ok(out.html.includes('<img src="https://t.example/o.gif"'));
  assert.ok(out.html.includes('Acme<br>1 Main St'));
  assert.equal(out.text, 'Hi\n\nAcme\n1 Main St\nUnsubscribe: https://t.example/u');
  assert.deepEqual(decorateEmail({ text: 'Hi', html: '<p>Hi</p>' }, {}), { text: 'Hi', html: '<p>Hi</p>' });
});

const sent = new Map([
  ['<a1@lf>', { id: 'e1', messageId: '<a1@lf>', toAddress: 'mia@koch.example' }],
  ['<a2@lf>', { id: 'e2', messageId: '<a2@lf>', toAddress: 'tom@koch.example' }],
]);
const message = (m: Partial<MailboxMessage>): MailboxMessage => ({ uid: 1, messageId: '<r@x>', inReplyTo: null, references: null, from: 'mia@koch.example', subject: 'Re', date: null, ...m });

test('replies thread by In-Reply-To, else the newest known reference', () => {
  const cases: [string, Partial<MailboxMessage>, string][] = [
    ['in-reply-to', { inReplyTo: '<a1@lf>' }, 'reply e1'],
    ['references only, newest wins', { references: '<a1@lf> <other@x> <a2@lf>' }, 'reply e2'],
    ['in-reply-to beats references', { inReplyTo: '<a1@lf>', references: '<a2@lf>' }, 'reply e1'],
    ['unknown thread', { inReplyTo: '<zzz@x>' }, 'none'],
    ['no headers', {}, 'none'],
    ['our own message echoed back is no reply', { messageId: '<a1@lf>', inReplyTo: '<a1@lf>' }, 'none'],
  ];
  for (const [name, m, expected] of cases) {
    const match = matchMailboxMessage(message(m), sent);
    assert.equal(match.kind === 'reply' ? `reply ${match.emailId}` : match.kind, expected, name);
  }
});

test('bounce reports: failed delivery-status naming our message', () => {
  const report = 'multipart/report; report-type=delivery-status; boundary=b';
  const status = parseDeliveryStatus('Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; tom@koch.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 no such user\n');
  assert.deepEqual(status, { action: 'failed', status: '5.1.1', finalRecipient: 'rfc822; tom@koch.example', diagnostic: 'smtp; 550 no such user' });
  assert.deepEqual(matchMailboxMessage(message({ contentType: report, deliveryStatus: status, originalMessageIds: ['<a2@lf>'] }), sent), { kind: 'bounce', emailId: 'e2', address: 'tom@koch.example', reason: 'smtp; 550 no such user' });
  // A delayed (not failed) report is not a bounce; a report about mail we did not send is ignored.
  assert.equal(matchMailboxMessage(message({ contentType: report, deliveryStatus: { action: 'delayed', status: '4.4.1' }, originalMessageIds: ['<a2@lf>'] }), sent).kind, 'none');
  assert.equal(matchMailboxMessage(message({ contentType: report, deliveryStatus: status, originalMessageIds: ['<x@y>'] }), sent).kind, 'none');
  assert.deepEqual(messageIdsIn(' <a@b>  <c@d>\r\n <e@f>'), ['<a@b>', '<c@d>', '<e@f>']);
});
