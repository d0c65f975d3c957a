import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams, isoDateTime, limitQuery } from '../../http/schemas.ts';
import { pollMailbox } from './mailbox.ts';
import { escapeHtml, MERGE_FIELDS, PIXEL_GIF } from './model.ts';
import {
  addressStatus, createTemplate, deleteTemplate, emailContextOf, getEmail, getEmailSettings, getMyEmailSettings, getTemplate, listEmails,
  listSuppressions, listTemplates, logEmail, sendBulkEmail, mailboxesToPoll, previewEmail, readUnsubscribeToken, recordClick, recordConsent, recordOpen,
  sendEmail, unsubscribe, updateEmailSettings, updateMyEmailSettings, updateTemplate,
} from './service.ts';

const TAGS = ['Email'];
const subjectType = z.enum(['lead', 'contact']);
const address = z.email({ error: 'Not an email address' }).max(320);
const hostName = z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9.-]+$/, 'A host name');

const settingsSchema = z
  .object({
    smtpHost: z.string().nullable(), smtpPort: z.number().int().nullable(), smtpSecure: z.boolean(), smtpUser: z.string().nullable(),
    smtpPasswordSet: z.boolean(), fromAddress: z.string().nullable(), trackOpens: z.boolean(), trackClicks: z.boolean(), trackReplies: z.boolean(),
    postalAddress: z.string(), transport: z.enum(['org', 'server', 'none']), version: z.number().int(),
  })
  .meta({ id: 'EmailSettings' });

const userSettingsSchema = z
  .object({
    signature: z.string(), imapHost: z.string().nullable(), imapPort: z.number().int().nullable(), imapSecure: z.boolean(), imapUser: z.string().nullable(),
    imapPasswordSet: z.boolean(), imapMailbox: z.string(), imapPolledAt: z.string().nullable(), imapError: z.string().nullable(),
  })
  .meta({ id: 'UserEmailSettings' });

const templateSchema = z
  .object({ id: z.uuid(), name: z.string(), subject: z.string(), body: z.string(), marketing: z.boolean(), version: z.number().int(), createdBy: z.uuid().nullable(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'EmailTemplate' });

const emailSchema = z
  .object({
    id: z.uuid(), subjectType: z.string(), subjectId: z.uuid(), direction: z.string(), status: z.string(), fromAddress: z.string(), toAddress: z.string(),
    subject: z.string(), bodyText: z.string(), messageId: z.string(), templateId: z.uuid().nullable(), enrollmentId: z.uuid().nullable(), marketing: z.boolean(),
    senderId: z.uuid().nullable(), sentAt: z.string().nullable(), error: z.string().nullable(), openCount: z.number().int(), firstOpenedAt: z.string().nullable(),
    clickCount: z.number().int(), firstClickedAt: z.string().nullable(), repliedAt: z.string().nullable(), bouncedAt: z.string().nullable(), createdAt: z.string(),
  })
  .meta({ id: 'Email' });

const addressStatusSchema = z
  .object({
    address: z.string(), unsubscribedAt: z.string().nullable(), bouncedAt: z.string().nullable(), bounceReason: z.string().nullable(), suppressed: z.boolean(),
    history: z.array(z.object({ kind: z.string(), source: z.string(), at: z.string(), actorId: z.uuid().nullable(), details: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'EmailAddressStatus' });

const composeFields = {
  subjectType,
  subjectId: z.uuid(),
  templateId: z.uuid().optional(),
  subject: z.string().trim().min(1).max(500).optional(),
  body: z.string().min(1).max(100_000).optional(),
};

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });
const sendProblems = { ...errorResponses, 422: errorResponses[400], 502: errorResponses[400] };

export function emailRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const context = emailContextOf(config);

  r.get('/api/v1/email-settings', {
    config: { permission: 'org:settings' },
    schema: { tags: TAGS, summary: 'Read the organisation\'s email settings (the SMTP password is never returned)', response: { 200: settingsSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const settings = await getEmailSettings(db, context, actorOf(request));
      return reply.header('etag', etagFor(settings.version)).send(settings);
    },
  });

  r.patch('/api/v1/email-settings', {
    config: { permission: 'org:settings' },
    schema: {
      tags: TAGS,
      summary: 'Change the organisation\'s email settings',
      description: 'SMTP server (empty host: use the server\'s SMTP_URL), tracking switches and the postal address marketing email carries. The password is stored encrypted; send null to clear it.',
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({
        smtpHost: hostName.nullable().optional(), smtpPort: z.number().int().min(1).max(65535).nullable().optional(), smtpSecure: z.boolean().optional(),
        smtpUser: z.string().max(320).nullable().optional(), smtpPassword: z.string().max(1000).nullable().optional(), fromAddress: address.nullable().optional(),
        trackOpens: z.boolean().optional(), trackClicks: z.boolean().optional(), trackReplies: z.boolean().optional(), postalAddress: z.string().max(1000).optional(),
        version: z.number().int().optional(),
      }),
      response: { 200: settingsSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const settings = await updateEmailSettings(db, context, actorOf(request), changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(settings.version)).send(settings);
    },
  });

  r.get('/api/v1/email-settings/me', {
    config: { permission: 'emails:own' },
    schema: { tags: TAGS, summary: 'Read my signature and mailbox (IMAP) settings', response: { 200: userSettingsSchema, ...errorResponses } },
    handler: async (request) => getMyEmailSettings(db, actorOf(request)),
  });

  r.patch('/api/v1/email-settings/me', {
    config: { permission: 'emails:own' },
    schema: {
      tags: TAGS,
      summary: 'Change my signature and the mailbox Leadflow reads replies from',
      body: z.strictObject({
        signature: z.string().max(5000).optional(), imapHost: hostName.nullable().optional(), imapPort: z.number().int().min(1).max(65535).nullable().optional(),
        imapSecure: z.boolean().optional(), imapUser: z.string().max(320).nullable().optional(), imapPassword: z.string().max(1000).nullable().optional(),
        imapMailbox: z.string().trim().min(1).max(200).optional(),
      }),
      response: { 200: userSettingsSchema, ...errorResponses },
    },
    handler: async (request) => updateMyEmailSettings(db, context, actorOf(request), request.body),
  });

  r.post('/api/v1/email-settings/me/poll', {
    config: { permission: 'emails:own' },
    schema: {
      tags: TAGS,
      summary: 'Read my mailbox for replies and bounces now (the server also does it every minute)',
      body: z.strictObject({}).optional(),
      response: { 200: z.object({ seen: z.number().int(), replies: z.number().int(), bounces: z.number().int(), error: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const account = (await mailboxesToPoll(db, context)).find((a) => a.orgId === actor.orgId && a.userId === actor.userId);
      if (!account) return { seen: 0, replies: 0, bounces: 0, error: 'No mailbox is set up, or reply tracking is switched off' };
      return pollMailbox(db, account);
    },
  });

  r.get('/api/v1/email-templates', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'List email templates by name', response: { 200: z.object({ data: z.array(templateSchema), mergeFields: z.array(z.string()) }), ...errorResponses } },
    handler: async (request) => ({ data: await listTemplates(db, actorOf(request)), mergeFields: [...MERGE_FIELDS] }),
  });

  const templateFields = {
    name: z.string().trim().min(1).max(200),
    subject: z.string().trim().min(1).max(500),
    body: z.string().min(1).max(100_000),
    marketing: z.boolean().optional().describe('Marketing-style: carries an unsubscribe link and the postal address'),
  };

  r.post('/api/v1/email-templates', {
    config: { permission: 'emails:templates' },
    schema: { tags: TAGS, summary: 'Create an email template', description: 'Body is plain text with merge fields like `{{lead.firstName}}` or `{{lead.firstName | "there"}}`.', body: z.strictObject(templateFields), response: { 201: templateSchema, ...errorResponses } },
    handler: async (request, reply) => reply.code(201).send(await createTemplate(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/email-templates/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read an email template', params: idParams, response: { 200: templateSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const template = await getTemplate(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(template.version)).send(template);
    },
  });

  r.patch('/api/v1/email-templates/:id', {
    config: { permission: 'emails:templates' },
    schema: {
      tags: TAGS, summary: 'Change an email template', params: idParams, headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({ name: templateFields.name.optional(), subject: templateFields.subject.optional(), body: templateFields.body.optional(), marketing: z.boolean().optional(), version: z.number().int().optional() }),
      response: { 200: templateSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const template = await updateTemplate(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(template.version)).send(template);
    },
  });

  r.delete('/api/v1/email-templates/:id', {
    config: { permission: 'emails:templates' },
    schema: { tags: TAGS, summary: 'Delete an email template (sequence steps using it keep their copy)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteTemplate(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/emails/preview', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'Render an email for a lead or contact without sending it',
      description: 'Merge values are HTML-escaped in `html`; `missing` lists merge fields that had no value.',
      body: z.strictObject(composeFields),
      response: { 200: z.object({ subject: z.string(), text: z.string(), html: z.string(), missing: z.array(z.string()), to: z.string().nullable(), marketing: z.boolean(), suppressed: z.enum(['unsubscribed', 'bounced']).nullable() }), ...errorResponses },
    },
    handler: async (request) => previewEmail(db, actorOf(request), request.body),
  });

  r.post('/api/v1/emails', {
    config: { permission: 'emails:send' },
    schema: {
      tags: TAGS,
      summary: 'Send an email to a lead or contact through the organisation\'s SMTP server',
      description:
        'As the signed-in user, with their signature. 422 `address_suppressed` when the address unsubscribed or bounces; 422 `recipient_rejected` when ' +
        'the mail server refuses the recipient (the address is then marked as bouncing); 502 `smtp_failed` when the server does not take it; 409 ' +
        '`smtp_not_configured` when no SMTP server is set.',
      body: z.strictObject({ ...composeFields, to: address.optional(), marketing: z.boolean().optional(), inReplyToEmailId: z.uuid().optional() }),
      response: { 201: emailSchema, ...sendProblems },
    },
    handler: async (request, reply) => reply.code(201).send(await sendEmail(db, context, actorOf(request), request.body)),
  });

  r.post('/api/v1/emails/bulk', {
    config: { permission: 'emails:send' },
    schema: {
      tags: TAGS,
      summary: 'Send a template to many leads or contacts (marketing-style: unsubscribe link and postal address)',
      description: 'Up to 200 recipients, sent one by one as the signed-in user. Suppressed, address-less, missing and rejected recipients come back in `skipped` with the reason.',
      body: z.strictObject({ templateId: z.uuid(), targets: z.array(z.strictObject({ subjectType, subjectId: z.uuid() })).min(1).max(200) }),
      response: {
        201: z.object({ sent: z.array(z.object({ subjectType: z.string(), subjectId: z.string(), emailId: z.uuid() })), skipped: z.array(z.object({ subjectType: z.string(), subjectId: z.string(), reason: z.string() })) }),
        ...sendProblems,
      },
    },
    handler: async (request, reply) => reply.code(201).send(await sendBulkEmail(db, context, actorOf(request), request.body)),
  });

  r.post('/api/v1/emails/logged', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Log an email sent or received outside Leadflow',
      description: 'For mail clients and forwarding rules (a BCC address feeding this endpoint): the email goes on the record\'s timeline. An inbound email counts as a reply and ends the prospect\'s sequences.',
      body: z.strictObject({
        subjectType, subjectId: z.uuid(), direction: z.enum(['outbound', 'inbound']).default('outbound'), from: address.optional(), to: address.optional(),
        subject: z.string().trim().min(1).max(500), body: z.string().max(100_000).optional(), sentAt: isoDateTime.optional(),
        messageId: z.string().max(500).optional(), inReplyTo: z.string().max(500).optional(),
      }),
      response: { 201: emailSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await logEmail(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/emails', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS, summary: 'List emails, newest first, optionally of one record',
      querystring: z.strictObject({ subjectType: subjectType.optional(), subjectId: z.uuid().optional(), cursor: z.string().max(1000).optional(), limit: limitQuery }),
      response: { 200: page(emailSchema), ...errorResponses },
    },
    handler: async (request) => listEmails(db, actorOf(request), request.query),
  });

  r.get('/api/v1/emails/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read an email with its tracking', params: idParams, response: { 200: emailSchema, ...errorResponses } },
    handler: async (request) => getEmail(db, actorOf(request), request.params.id),
  });

  r.get('/api/v1/email-addresses', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Whether an address is suppressed (unsubscribed, bouncing), with its consent history', querystring: z.strictObject({ address }), response: { 200: addressStatusSchema, ...errorResponses } },
    handler: async (request) => addressStatus(db, actorOf(request), request.query.address),
  });

  r.post('/api/v1/email-addresses/consent', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: 'Record consent, an unsubscribe, a resubscribe, or clear a bounce for an address',
      description: 'Anyone who may edit records can unsubscribe an address; lifting a suppression (resubscribed, consent_given, bounce_cleared) needs emails:suppression.',
      body: z.strictObject({ address, kind: z.enum(['unsubscribed', 'resubscribed', 'consent_given', 'bounce_cleared']), note: z.string().max(2000).optional() }),
      response: { 200: addressStatusSchema, ...errorResponses },
    },
    handler: async (request) => recordConsent(db, actorOf(request), request.body.address, request.body.kind, request.body.note),
  });

  r.get('/api/v1/email-suppressions', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS, summary: 'The organisation\'s suppression list: addresses nothing is sent to',
      querystring: z.strictObject({ cursor: z.string().max(1000).optional(), limit: limitQuery }),
      response: { 200: page(z.object({ address: z.string(), reason: z.enum(['unsubscribed', 'bounced']), since: z.string() })), ...errorResponses },
    },
    handler: async (request) => listSuppressions(db, actorOf(request), request.query),
  });

  // Public: what recipients' mail clients and browsers reach. Tokens are signed by the server, so
  // nobody can forge an open, a redirect target or someone else's unsubscribe. They are longer
  // than a route parameter may be (100 characters), hence the wildcard paths.
  r.get('/api/v1/email-tracking/open/*', {
    config: { public: true },
    schema: { hide: true, params: z.object({ '*': z.string().max(2000) }) },
    handler: async (request, reply) => {
      await recordOpen(db, context, request.params['*'].replace(/\.gif$/, '')).catch((error: unknown) => request.log.warn({ err: error }, 'open not recorded'));
      return reply.header('content-type', 'image/gif').header('cache-control', 'no-store, private').send(PIXEL_GIF);
    },
  });

  r.get('/api/v1/email-tracking/click/*', {
    config: { public: true },
    schema: { hide: true, params: z.object({ '*': z.string().max(8000) }) },
    handler: async (request, reply) => {
      const target = await recordClick(db, context, request.params['*']);
      if (!target) return reply.code(404).type('text/plain').send('This link is not valid.');
      return reply.header('cache-control', 'no-store').redirect(target, 302);
    },
  });

  app.register(async (scope) => {
    // One-click unsubscribe (RFC 8058) posts `List-Unsubscribe=One-Click` as a form.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
    const s = scope.withTypeProvider<ZodTypeProvider>();
    const page = (title: string, body: string) =>
      `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>` +
      `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;

    s.get('/api/v1/unsubscribe/*', {
      config: { public: true },
      schema: { hide: true, params: z.object({ '*': z.string().max(2000) }) },
      handler: async (request, reply) => {
        const claims = readUnsubscribeToken(context, request.params['*']);
        if (!claims) return reply.code(404).type('text/html').send(page('Unsubscribe', '<p>This unsubscribe link is not valid.</p>'));
        // A GET only asks: link scanners in mail gateways follow links, and must not unsubscribe anyone.
        return reply.type('text/html').send(page('Unsubscribe', `<h1>Unsubscribe</h1><p>Stop emails to <b>${escapeHtml(claims.address)}</b>?</p>` +
          `<form method="post"><button type="submit" style="font-size:1rem;padding:.5rem 1rem">Unsubscribe</button></form>`));
      },
    });

    s.post('/api/v1/unsubscribe/*', {
      config: { public: true },
      schema: { hide: true, params: z.object({ '*': z.string().max(2000) }), body: z.record(z.string(), z.unknown()).optional() },
      handler: async (request, reply) => {
        const oneClick = (request.body as Record<string, unknown> | undefined)?.['List-Unsubscribe'] === 'One-Click';
        const done = await unsubscribe(db, context, request.params['*'], oneClick ? 'one_click' : 'link');
        if (!done) return reply.code(404).type('text/html').send(page('Unsubscribe', '<p>This unsubscribe link is not valid.</p>'));
        return reply.type('text/html').send(page('Unsubscribed', `<h1>You are unsubscribed</h1><p>No more emails will be sent to <b>${escapeHtml(done.address)}</b>.</p>`));
      },
    });
  });
}
