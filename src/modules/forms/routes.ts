import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams, limitQuery, problemSchema } from '../../http/schemas.ts';
import { embedHtml, FIELD_TYPES, KEY_FIELD, LEAD_TARGETS, thankYouPage, UTM_KEYS } from './model.ts';
import { createForm, deleteForm, getForm, listForms, listSubmissions, rotateFormKey, submitForm, updateForm } from './service.ts';

const fieldSchema = z.strictObject({
  key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'Letters, digits and _, starting with a letter'),
  label: z.string().trim().min(1).max(300),
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  options: z.array(z.string().trim().min(1).max(300)).max(200).optional(),
  mapTo: z.enum(LEAD_TARGETS).nullable().optional().describe('The lead field this answer fills; unmapped answers stay on the submission and its timeline entry'),
});

const formSettings = {
  name: z.string().trim().min(1).max(200),
  fields: z.array(fieldSchema).min(1).max(50),
  hiddenFields: z.array(z.enum(UTM_KEYS)).max(UTM_KEYS.length).optional().describe('Tracking values to capture; all six by default'),
  consentText: z.string().max(2000).nullable().optional().describe('When set, the submitter must tick a box with this text; text, time and IP are stored'),
  leadSource: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'Letters, digits, - and _ only').optional(),
  defaultOwnerId: z.uuid().nullable().optional(),
  defaultCountry: z.union([z.string().regex(/^[A-Za-z]{2}$/, 'Use a two-letter ISO country code'), z.literal('')]).nullable().optional().describe('Where national phone numbers are read'),
  redirectUrl: z.url({ protocol: /^https?$/, error: 'Must be an http(s) URL' }).max(2000).nullable().optional(),
  thankYouMessage: z.string().trim().min(1).max(2000).optional(),
  active: z.boolean().optional(),
};

const formSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    fields: z.array(z.object({ key: z.string(), label: z.string(), type: z.enum(FIELD_TYPES), required: z.boolean(), options: z.array(z.string()).optional(), mapTo: z.enum(LEAD_TARGETS).nullable().optional() })),
    hiddenFields: z.array(z.enum(UTM_KEYS)),
    consentText: z.string().nullable(),
    leadSource: z.string(),
    defaultOwnerId: z.uuid().nullable(),
    defaultCountry: z.string().nullable(),
    publicKey: z.string(),
    redirectUrl: z.string().nullable(),
    thankYouMessage: z.string(),
    active: z.boolean(),
    spamCount: z.number().int(),
    version: z.number().int(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: 'Form' });

const submissionSchema = z
  .object({
    id: z.uuid(),
    formId: z.uuid(),
    leadId: z.uuid().nullable(),
    contactId: z.uuid().nullable(),
    outcome: z.string(),
    matchReason: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
    utm: z.record(z.string(), z.string()),
    consentText: z.string().nullable(),
    consentAt: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'FormSubmission' });

const TAGS = ['Web forms'];
const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/** Public submissions are limited per visitor address and form. */
export const SUBMISSIONS_PER_MINUTE = 20;
export const SUBMISSION_BODY_LIMIT = 32 * 1024;

export function formRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/forms', {
    config: { permission: 'forms:manage' },
    schema: { tags: TAGS, summary: 'Define a web form', body: z.strictObject(formSettings), response: { 201: formSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const form = await createForm(db, actorOf(request), request.body);
      return reply.code(201).header('etag', etagFor(form.version)).header('location', `/api/v1/forms/${form.id}`).send(form);
    },
  });

  r.get('/api/v1/forms', {
    config: { permission: 'forms:manage' },
    schema: {
      tags: TAGS,
      summary: 'List web forms by name',
      querystring: z.strictObject({ cursor: z.string().max(1000).optional(), limit: limitQuery }),
      response: { 200: page(formSchema), ...errorResponses },
    },
    handler: async (request) => listForms(db, actorOf(request), request.query),
  });

  r.get('/api/v1/forms/:id', {
    config: { permission: 'forms:manage' },
    schema: { tags: TAGS, summary: 'Read a web form', params: idParams, response: { 200: formSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const form = await getForm(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(form.version)).send(form);
    },
  });

  r.patch('/api/v1/forms/:id', {
    config: { permission: 'forms:manage' },
    schema: {
      tags: TAGS,
      summary: 'Change a web form',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({ ...z.object(formSettings).partial().shape, version: z.number().int().positive().optional() }),
      response: { 200: formSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const form = await updateForm(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(form.version)).send(form);
    },
  });

  r.delete('/api/v1/forms/:id', {
    config: { permission: 'forms:manage' },
    schema: { tags: TAGS, summary: 'Delete a web form (its submissions stay)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteForm(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/forms/:id/rotate-key', {
    config: { permission: 'forms:manage' },
    schema: { tags: TAGS, summary: 'Give a form a new public key (embedded copies with the old key stop working)', params: idParams, response: { 200: formSchema, ...errorResponses } },
    handler: async (request) => rotateFormKey(db, actorOf(request), request.params.id),
  });

  r.get('/api/v1/forms/:id/embed', {
    config: { permission: 'forms:manage' },
    schema: {
      tags: TAGS,
      summary: 'The HTML to paste into a website',
      description:
        'A plain HTML <form> posting to the public submission endpoint, with the form key, a honeypot field and the ' +
        'tracking fields, followed by a small optional script that fills utm_* from the page URL and the referrer.',
      params: idParams,
      response: { 200: z.string().meta({ description: 'text/html' }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const form = await getForm(db, actorOf(request), request.params.id);
      const action = new URL(`/api/v1/forms/${form.id}/submissions`, config.publicUrl).toString();
      return reply.type('text/html; charset=utf-8').send(embedHtml(form, action));
    },
  });

  r.get('/api/v1/forms/:id/submissions', {
    config: { permission: 'forms:manage' },
    schema: {
      tags: TAGS,
      summary: "List a form's submissions, newest first",
      params: idParams,
      querystring: z.strictObject({ cursor: z.uuid().optional(), limit: limitQuery }),
      response: { 200: page(submissionSchema), ...errorResponses },
    },
    handler: async (request) => listSubmissions(db, actorOf(request), request.params.id, request.query),
  });

  // The public endpoint lives in its own scope: only here do HTML form posts
  // (application/x-www-form-urlencoded) parse, and only here may other sites call in (CORS).
  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      const fields: Record<string, string | string[]> = {};
      for (const [key, value] of new URLSearchParams(body as string)) {
        const previous = fields[key];
        fields[key] = previous === undefined ? value : [previous, value].flat();
      }
      done(null, fields);
    });
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('access-control-allow-origin', '*');
    });

    const submissionPath = '/api/v1/forms/:formId/submissions';
    scope.options(submissionPath, { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type, x-form-key')
        .header('access-control-max-age', '86400')
        .send(),
    );

    scope.withTypeProvider<ZodTypeProvider>().post(submissionPath, {
      bodyLimit: SUBMISSION_BODY_LIMIT,
      config: {
        public: true,
        anonymousIdempotency: true,
        rateLimit: {
          max: SUBMISSIONS_PER_MINUTE,
          timeWindow: '1 minute',
          keyGenerator: (request: FastifyRequest) => `${request.ip}|${(request.params as { formId?: string }).formId ?? ''}`,
        },
      },
      schema: {
        tags: TAGS,
        summary: 'Submit a web form (public, no sign-in)',
        description:
          'Send the form\'s fields by their keys as JSON or as an HTML form post (application/x-www-form-urlencoded), ' +
          `with the form's public key in \`${KEY_FIELD}\` or the \`X-Form-Key\` header. Answers 200 JSON \`{ status, message, ` +
          'redirectUrl }`; an HTML form post is redirected (303) to the form\'s redirect URL or shown its thank-you page. ' +
          'Invalid fields: 400 with one error per field key. Unknown form or wrong key: 404. At most ' +
          `${SUBMISSIONS_PER_MINUTE} a minute per address and form (429); bodies over ${SUBMISSION_BODY_LIMIT / 1024} KB: 413.`,
        security: [],
        params: z.object({ formId: z.string().max(100) }),
        headers: z.object({ 'x-form-key': z.string().max(200).optional() }),
        body: z.record(z.string(), z.unknown()),
        response: {
          200: z.object({ status: z.literal('received'), message: z.string(), redirectUrl: z.string().nullable() }),
          400: problemSchema,
          404: problemSchema,
          413: problemSchema,
          429: problemSchema,
        },
      },
      handler: async (request, reply) => {
        const body = request.body;
        const fromBody = body[KEY_FIELD];
        const outcome = await submitForm(db, {
          formId: request.params.formId,
          key: typeof fromBody === 'string' ? fromBody : request.headers['x-form-key'],
          payload: body,
          ip: request.ip ?? null,
          userAgent: request.headers['user-agent'] ?? null,
        });
        const fromBrowserForm = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded');
        if (!fromBrowserForm) return { status: 'received' as const, message: outcome.thankYouMessage, redirectUrl: outcome.redirectUrl };
        if (outcome.redirectUrl) return reply.redirect(outcome.redirectUrl, 303);
        // An HTML page, not the JSON the schema describes for API callers: sent as is, unserialised.
        return reply.type('text/html; charset=utf-8').send(thankYouPage(outcome.thankYouMessage) as never);
      },
    });
  });
}
