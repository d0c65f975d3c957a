import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import type { Delivery } from '../notifications/service.ts';
import { currency, isoDate, money } from '../opportunities/schemas.ts';
import { conversionOfLead, conversionOfOpportunity, conversionPreview, convertLead, type ConvertInput } from './service.ts';

const choice = (noun: string) =>
  z
    .union([z.enum(['match', 'new']), z.uuid()])
    .optional()
    .describe(`"match" (default): the matching ${noun} if there is one, else a new one; "new": a new one even if one matches; or the id of an existing ${noun}`);

const convertBody = z
  .strictObject({
    account: choice('account'),
    contact: choice('contact'),
    createOpportunity: z.boolean().optional().describe('false converts without a deal (default true)'),
    opportunity: z
      .strictObject({
        name: z.string().trim().min(1).max(300).optional(),
        amount: money.optional(),
        currency: currency.optional(),
        closeDate: isoDate.optional(),
        pipelineId: z.uuid().optional(),
        description: z.string().max(20_000).optional(),
      })
      .optional()
      .describe('Overrides of the proposed deal (GET …/conversion-preview shows it)'),
    ownerId: z.uuid().optional().describe('Owner of the new account, contact and deal (default: you); a hand-off then gives the deal to an executive'),
  })
  .meta({ id: 'LeadConversionRequest' });

const qualificationSnapshot = z
  .object({
    frameworkId: z.uuid(),
    framework: z.string(),
    percent: z.number(),
    answers: z.array(z.object({ key: z.string(), question: z.string(), type: z.string(), answer: z.unknown() })),
  })
  .nullable()
  .describe('The qualification answers as they were at conversion');

const conversionSchema = z
  .object({
    id: z.uuid(),
    leadId: z.uuid(),
    account: z.object({ id: z.uuid(), name: z.string(), reused: z.boolean() }),
    contact: z.object({ id: z.uuid(), name: z.string(), reused: z.boolean() }).nullable(),
    opportunity: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    handoff: z.object({ id: z.uuid(), toUserId: z.uuid().nullable(), status: z.string(), acceptDueAt: z.string().nullable() }).nullable().describe('The hand-off to an executive, when a hand-off rule set is active'),
    sourcedBy: z.uuid().nullable().describe('The rep credited with qualifying the lead (the deal’s sourcedBy)'),
    convertedBy: z.uuid().nullable(),
    convertedAt: z.string(),
    qualification: qualificationSnapshot,
    activitiesCopied: z.number().int().describe('How many of the lead’s activities were copied onto each new record'),
  })
  .meta({ id: 'LeadConversion' });

const accountCandidate = z.object({
  id: z.uuid(),
  name: z.string(),
  domain: z.string().nullable(),
  ownerId: z.uuid().nullable(),
  createdAt: z.string(),
  reason: z.enum(['contact_account', 'domain', 'similar_name']),
  similarity: z.number().nullable(),
});

const contactCandidate = z.object({
  id: z.uuid(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  accountId: z.uuid().nullable(),
  createdAt: z.string(),
  reason: z.enum(['email', 'phone', 'name_and_domain']),
});

const previewSchema = z
  .object({
    leadId: z.uuid(),
    convertible: z.boolean(),
    problem: z.object({ code: z.string(), message: z.string() }).nullable().describe('Why converting would be refused'),
    conversion: conversionSchema.nullable().describe('What the lead became, once converted'),
    account: z.object({
      proposed: z.union([
        z.object({ mode: z.literal('existing'), id: z.uuid(), name: z.string() }),
        z.object({ mode: z.literal('new'), name: z.string(), domain: z.string().nullable() }),
      ]),
      candidates: z.array(accountCandidate),
    }),
    contact: z.object({
      proposed: z.union([
        z.object({ mode: z.literal('existing'), id: z.uuid(), name: z.string() }),
        z.object({ mode: z.literal('new'), name: z.string(), email: z.string().nullable() }),
        z.object({ mode: z.literal('none') }),
      ]),
      candidates: z.array(contactCandidate).describe('Only a contact with the same email is reused by itself; the others are offered'),
    }),
    opportunity: z.object({ name: z.string(), amount: z.number().int().nullable(), currency: z.string().nullable(), closeDate: z.string().nullable(), description: z.string() }),
    qualification: qualificationSnapshot,
    sourcedBy: z.uuid().nullable(),
    handoffRuleSet: z.object({ id: z.uuid(), name: z.string() }).nullable().describe('The active hand-off rule set the deal will be routed by'),
  })
  .meta({ id: 'LeadConversionPreview' });

const toChoice = (value: string | undefined): ConvertInput['account'] => (value === undefined || value === 'match' || value === 'new' ? value : { id: value });

export function conversionRoutes(app: FastifyInstance, db: Db, delivery: Delivery): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/leads/:id/conversion-preview', {
    config: { permission: 'leads:convert' },
    schema: {
      tags: ['Leads'],
      summary: 'What converting the lead would do',
      description: 'The matching accounts (same company domain, then similar names) and contacts (same email, phone, or name at the same domain), what would be reused or created, and the proposed deal.',
      params: idParams,
      response: { 200: previewSchema, ...errorResponses },
    },
    handler: async (request) => conversionPreview(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/leads/:id/convert', {
    config: { permission: 'leads:convert' },
    schema: {
      tags: ['Leads'],
      summary: 'Convert a qualified lead into account, contact and deal',
      description:
        'One transaction: reuses the matching account and contact (or creates them), creates the deal with the lead as its source and the qualifying rep as `sourcedBy`, copies the lead’s activities and notes onto them, keeps the qualification answers with the deal, marks the lead converted and hands the deal to an executive by the active `lead_qualified` rule set. Only qualified leads convert (409 `lead_not_qualified`), once (409 `already_converted`); reps convert their own leads.',
      params: idParams,
      body: convertBody,
      response: { 201: conversionSchema, ...errorResponses, 422: errorResponses[409] },
    },
    handler: async (request, reply) => {
      const { account, contact, ...rest } = request.body;
      const conversion = await convertLead(db, actorOf(request), request.params.id, { ...rest, account: toChoice(account), contact: toChoice(contact) }, delivery);
      return reply.code(201).header('location', `/api/v1/leads/${request.params.id}/conversion`).send(conversion);
    },
  });

  r.get('/api/v1/leads/:id/conversion', {
    config: { permission: 'records:read' },
    schema: { tags: ['Leads'], summary: 'What a converted lead became', params: idParams, response: { 200: conversionSchema, ...errorResponses } },
    handler: async (request) => conversionOfLead(db, actorOf(request), request.params.id),
  });

  r.get('/api/v1/opportunities/:id/conversion', {
    config: { permission: 'records:read' },
    schema: {
      tags: ['Opportunities'],
      summary: 'The lead a deal was converted from, with its qualification answers and SDR credit',
      params: idParams,
      response: { 200: conversionSchema, ...errorResponses },
    },
    handler: async (request) => conversionOfOpportunity(db, actorOf(request), request.params.id),
  });
}
