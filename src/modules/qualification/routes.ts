import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams } from '../../http/schemas.ts';
import { QUESTION_TYPES } from './model.ts';
import { createFramework, deleteFramework, getFramework, getLeadQualification, listFrameworks, saveLeadQualification, updateFramework } from './service.ts';

const question = z
  .strictObject({
    key: z.string().min(1).max(64).describe('Stable id of the answer, like `budget`'),
    label: z.string().max(300),
    type: z.enum(QUESTION_TYPES).describe('money answers are { amount: minor units, currency }, date answers YYYY-MM-DD, user answers a user id'),
    options: z.array(z.string().max(200)).max(50).optional().describe('The choices of a select question'),
    required: z.boolean().default(false),
    weight: z.number().positive().max(100).optional().describe('How much the question counts toward progress; 1 unless set'),
  })
  .meta({ id: 'QualificationQuestion' });

const frameworkSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    questions: z.array(question),
    isDefault: z.boolean(),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'QualificationFramework' });

const frameworkFields = {
  name: z.string().trim().min(1).max(100),
  questions: z.array(question).min(1).max(50),
  isDefault: z.boolean().optional().describe('The framework reps see first; making one the default unmakes the other'),
  active: z.boolean().optional().describe('Inactive frameworks keep their answers but take no new ones'),
};

const frameworkCreate = z.strictObject(frameworkFields).meta({ id: 'QualificationFrameworkCreate' });
const frameworkUpdate = z
  .strictObject({ ...z.object(frameworkFields).partial().shape, version: z.number().int().positive().optional() })
  .meta({ id: 'QualificationFrameworkUpdate' });

const qualificationSchema = z
  .object({
    leadId: z.uuid(),
    framework: frameworkSchema,
    answers: z.record(z.string(), z.unknown()),
    progress: z.object({
      answeredRequired: z.number().int(),
      totalRequired: z.number().int(),
      percent: z.number().int(),
      qualifiedReady: z.boolean().describe('Every required question is answered'),
      missing: z.array(z.string()).describe('Keys of the required questions still unanswered'),
    }),
    version: z.number().int().describe('0 until answers are first saved'),
    updatedBy: z.uuid().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'LeadQualification' });

const qualificationPut = z
  .strictObject({
    frameworkId: z.uuid().optional().describe('Which framework these answers are for; the lead\'s current one by default'),
    answers: z.record(z.string(), z.unknown()).describe('Every answer, by question key; a question left out or null is unanswered'),
    version: z.number().int().min(0).optional(),
  })
  .meta({ id: 'LeadQualificationPut' });

const TAGS = ['Qualification'];
const ifMatch = z.object({ 'if-match': z.string().optional() });

export function qualificationRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/qualification-frameworks', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: 'List qualification frameworks (the default first)',
      description: 'An organisation starts with BANT as its default.',
      querystring: z.strictObject({ active: z.stringbool().optional() }),
      response: { 200: z.object({ data: z.array(frameworkSchema), nextCursor: z.null() }), ...errorResponses },
    },
    handler: async (request) => listFrameworks(db, actorOf(request), request.query),
  });

  r.post('/api/v1/qualification-frameworks', {
    config: { permission: 'qualification:manage' },
    schema: { tags: TAGS, summary: 'Define a qualification framework, like MEDDIC (admins)', body: frameworkCreate, response: { 201: frameworkSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const framework = await createFramework(db, actorOf(request), request.body);
      return reply
        .code(201)
        .header('etag', etagFor(framework.version))
        .header('location', `/api/v1/qualification-frameworks/${framework.id}`)
        .send(framework);
    },
  });

  r.get('/api/v1/qualification-frameworks/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a qualification framework', params: idParams, response: { 200: frameworkSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const framework = await getFramework(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(framework.version)).send(framework);
    },
  });

  r.patch('/api/v1/qualification-frameworks/:id', {
    config: { permission: 'qualification:manage' },
    schema: {
      tags: TAGS,
      summary: 'Change a qualification framework (admins)',
      description: 'Answers to questions that are removed stop showing and counting. Send `If-Match: "<version>"` against concurrent edits.',
      params: idParams,
      headers: ifMatch,
      body: frameworkUpdate,
      response: { 200: frameworkSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const framework = await updateFramework(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(framework.version)).send(framework);
    },
  });

  r.delete('/api/v1/qualification-frameworks/:id', {
    config: { permission: 'qualification:manage' },
    schema: {
      tags: TAGS,
      summary: 'Delete a framework nobody has answered (admins)',
      description: 'A framework with answers is deactivated instead (PATCH `active: false`); the default cannot go.',
      params: idParams,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await deleteFramework(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/leads/:id/qualification', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS,
      summary: "A lead's qualification answers and progress",
      description: 'In the framework asked for, else the one last answered for this lead, else the default.',
      params: idParams,
      querystring: z.strictObject({ frameworkId: z.uuid().optional() }),
      response: { 200: qualificationSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const qualification = await getLeadQualification(db, actorOf(request), request.params.id, request.query.frameworkId);
      return reply.header('etag', etagFor(qualification.version)).send(qualification);
    },
  });

  r.put('/api/v1/leads/:id/qualification', {
    config: { permission: 'records:write' },
    schema: {
      tags: TAGS,
      summary: "Save a lead's qualification answers",
      description: 'Replaces the answers. Send `If-Match: "<version>"` (the ETag of the GET; "0" before the first save) so two reps do not overwrite each other.',
      params: idParams,
      headers: ifMatch,
      body: qualificationPut,
      response: { 200: qualificationSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...input } = request.body;
      const qualification = await saveLeadQualification(db, actorOf(request), request.params.id, input, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(qualification.version)).send(qualification);
    },
  });
}
