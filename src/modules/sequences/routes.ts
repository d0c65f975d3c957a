import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { csv, errorResponses, expectedVersion, idParams, limitQuery } from '../../http/schemas.ts';
import { LEAD_STATUSES } from '../leads/model.ts';
import { STEP_CHANNELS } from './model.ts';
import { completeWaitingStep, createSequence, enroll, enrollLeadFilter, getSequence, listEnrollments, listSequences, sequenceMetrics, stopEnrollment, updateSequence } from './service.ts';

const TAGS = ['Sequences'];

const stepInput = z.strictObject({
  id: z.string().min(1).max(64).optional().describe('Keep a step\'s id when editing, so its metrics stay with it'),
  channel: z.enum(STEP_CHANNELS),
  delayDays: z.number().int().min(0).max(365).describe('Business days after the previous step, in the prospect\'s time zone'),
  templateId: z.uuid().nullable().optional(),
  subject: z.string().max(500).nullable().optional(),
  body: z.string().max(100_000).nullable().optional(),
  note: z.string().max(5000).nullable().optional(),
});

const stepSchema = z.object({ id: z.string(), channel: z.enum(STEP_CHANNELS), delayDays: z.number().int(), templateId: z.string().nullable().optional(), subject: z.string().nullable().optional(), body: z.string().nullable().optional(), note: z.string().nullable().optional() });
const sequenceSchema = z
  .object({ id: z.uuid(), name: z.string(), description: z.string(), status: z.string(), allowConcurrent: z.boolean(), steps: z.array(stepSchema), version: z.number().int(), createdBy: z.uuid().nullable(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Sequence' });
const enrollmentSchema = z
  .object({
    id: z.uuid(), sequenceId: z.uuid(), subjectType: z.string(), subjectId: z.uuid(), timeZone: z.string(), senderId: z.uuid(), status: z.string(), exitReason: z.string().nullable(),
    stepIndex: z.number().int(), nextDueAt: z.string().nullable(), waitingStepId: z.string().nullable(), enrolledBy: z.uuid().nullable(), enrolledAt: z.string(), endedAt: z.string().nullable(),
  })
  .meta({ id: 'SequenceEnrollment' });
const enrollResultSchema = z.object({ enrolled: z.array(enrollmentSchema), skipped: z.array(z.object({ subjectType: z.string(), subjectId: z.string(), reason: z.string() })) });

export function sequenceRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const fields = {
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    status: z.enum(['active', 'paused', 'archived']).optional(),
    allowConcurrent: z.boolean().optional().describe('May prospects active in another sequence be enrolled here too'),
    steps: z.array(stepInput).min(1).max(50),
  };

  r.get('/api/v1/sequences', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'List sequences with their enrollment counts', response: { 200: z.object({ data: z.array(sequenceSchema.extend({ enrolled: z.number().int(), active: z.number().int() })) }), ...errorResponses } },
    handler: async (request) => ({ data: await listSequences(db, actorOf(request)) }),
  });

  r.post('/api/v1/sequences', {
    config: { permission: 'sequences:manage' },
    schema: { tags: TAGS, summary: 'Create a sequence (cadence) of steps', body: z.strictObject(fields), response: { 201: sequenceSchema, ...errorResponses } },
    handler: async (request, reply) => reply.code(201).send(await createSequence(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/sequences/:id', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: 'Read a sequence', params: idParams, response: { 200: sequenceSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const sequence = await getSequence(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(sequence.version)).send(sequence);
    },
  });

  r.patch('/api/v1/sequences/:id', {
    config: { permission: 'sequences:manage' },
    schema: {
      tags: TAGS, summary: 'Change a sequence: name, status (pause, archive), steps', params: idParams, headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({ name: fields.name.optional(), description: fields.description, status: fields.status, allowConcurrent: fields.allowConcurrent, steps: fields.steps.optional(), version: z.number().int().optional() }),
      response: { 200: sequenceSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const sequence = await updateSequence(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(sequence.version)).send(sequence);
    },
  });

  r.get('/api/v1/sequences/:id/metrics', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS, summary: 'Per-sequence and per-step metrics: enrolled, sent, opened, replied, meetings, exits', params: idParams,
      response: {
        200: z.object({
          enrolled: z.number().int(), active: z.number().int(), finished: z.number().int(), exited: z.record(z.string(), z.number().int()),
          sent: z.number().int(), opened: z.number().int(), clicked: z.number().int(), replied: z.number().int(), bounced: z.number().int(), meetings: z.number().int(),
          steps: z.array(z.object({ stepId: z.string(), channel: z.string(), sent: z.number().int(), opened: z.number().int(), replied: z.number().int(), tasks: z.number().int(), skipped: z.number().int(), failed: z.number().int() })),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => sequenceMetrics(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/sequences/:id/enrollments', {
    config: { permission: 'sequences:enroll' },
    schema: {
      tags: TAGS,
      summary: 'Enroll leads or contacts, one by one or by a lead-list filter',
      description: 'Either `targets` (up to 1,000) or `leadFilter` (the lead list\'s filters; up to 5,000 leads). Those that cannot be enrolled come back in `skipped` with a reason.',
      params: idParams,
      body: z.strictObject({
        targets: z.array(z.strictObject({ subjectType: z.enum(['lead', 'contact']), subjectId: z.uuid(), timeZone: z.string().max(64).optional() })).min(1).max(1000).optional(),
        leadFilter: z.strictObject({ status: csv(z.enum(LEAD_STATUSES)).optional(), ownerId: z.uuid().optional(), source: z.string().max(64).optional(), country: z.string().max(2).optional(), q: z.string().max(200).optional() }).optional(),
        senderId: z.uuid().optional().describe('Whose name and mailbox the emails go out under; yourself by default'),
      }).refine((b) => Boolean(b.targets) !== Boolean(b.leadFilter), { message: 'Give targets or leadFilter, not both' }),
      response: { 201: enrollResultSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { targets, leadFilter, senderId } = request.body;
      const result = targets ? await enroll(db, actor, request.params.id, targets, { senderId }) : await enrollLeadFilter(db, actor, request.params.id, leadFilter!);
      return reply.code(201).send(result);
    },
  });

  r.get('/api/v1/sequence-enrollments', {
    config: { permission: 'records:read' },
    schema: {
      tags: TAGS, summary: 'List enrollments of a sequence or of a record, newest first',
      querystring: z.strictObject({ sequenceId: z.uuid().optional(), subjectType: z.enum(['lead', 'contact']).optional(), subjectId: z.uuid().optional(), status: z.enum(['active', 'finished', 'exited']).optional(), cursor: z.string().max(1000).optional(), limit: limitQuery }),
      response: { 200: z.object({ data: z.array(enrollmentSchema.extend({ name: z.string().describe('The prospect\'s name') })), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => listEnrollments(db, actorOf(request), request.query),
  });

  r.post('/api/v1/sequence-enrollments/:id/stop', {
    config: { permission: 'sequences:enroll' },
    schema: { tags: TAGS, summary: 'Take a prospect out of a sequence (exit: manual)', params: idParams, body: z.strictObject({}).optional(), response: { 200: enrollmentSchema, ...errorResponses } },
    handler: async (request) => stopEnrollment(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/sequence-enrollments/:id/complete-step', {
    config: { permission: 'sequences:enroll' },
    schema: { tags: TAGS, summary: 'Mark the manual step the enrollment waits on (call, manual email, task) as done; the sequence moves on', params: idParams, body: z.strictObject({}).optional(), response: { 200: enrollmentSchema, ...errorResponses } },
    handler: async (request) => completeWaitingStep(db, actorOf(request), request.params.id),
  });
}
