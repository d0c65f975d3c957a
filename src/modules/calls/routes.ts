import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { validationFailed } from '../../core/errors.ts';
import { actorOf } from '../../http/auth.ts';
import { csv, errorResponses, expectedVersion, idParams, isoDateTime, problemSchema } from '../../http/schemas.ts';
import { SUBJECT_TYPES } from '../activities/model.ts';
import { timelineItemSchema } from '../activities/routes.ts';
import { leadSchema } from '../leads/routes.ts';
import { LEAD_STATUSES } from '../leads/model.ts';
import { WEEKDAYS } from '../routing/hours.model.ts';
import { taskSchema } from '../tasks/routes.ts';
import { CALL_DIRECTIONS, CALL_OUTCOMES } from './model.ts';
import { callQueue } from './queue.service.ts';
import { deleteCallScript, listCallScripts, logCall, readCallSettings, saveCallScript, updateCallSettings } from './service.ts';

const C = ['Calls'];
const responses = { ...errorResponses, 422: problemSchema };

const callBody = z
  .strictObject({
    subjectType: z.enum(SUBJECT_TYPES).optional().describe('With subjectId: the record. Leave both out to match the record by `phone`'),
    subjectId: z.uuid().optional(),
    outcome: z.enum(CALL_OUTCOMES),
    direction: z.enum(CALL_DIRECTIONS).optional().describe('outbound (default) or inbound'),
    durationSeconds: z.number().int().min(0).max(86_400).optional(),
    notes: z.string().max(20_000).optional(),
    occurredAt: isoDateTime.optional().describe('When the call happened; now when absent'),
    phone: z.string().max(50).optional().describe('The number dialled (or that called); the record\'s phone when absent. An outbound call to a number anyone on the do-not-call list has is refused'),
    recordingUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
    externalCallId: z.string().min(1).max(200).optional().describe('The phone system\'s id: posting it again returns the first call (200) and changes nothing'),
    taskId: z.uuid().optional().describe('The call task this call works off; completed with it'),
    nextStep: z
      .strictObject({
        title: z.string().max(300).optional(),
        type: z.enum(['call', 'todo', 'email']).optional(),
        dueAt: isoDateTime,
        remindAt: isoDateTime.optional(),
      })
      .optional()
      .describe('Creates a task on the record (a call-back by default) due at dueAt'),
  })
  .superRefine((body, ctx) => {
    if (Boolean(body.subjectType) !== Boolean(body.subjectId)) ctx.addIssue({ code: 'custom', path: ['subjectId'], message: 'Send subjectType and subjectId together' });
    if (!body.subjectId && !body.phone) ctx.addIssue({ code: 'custom', path: ['subjectId'], message: 'Send the record (subjectType and subjectId) or the phone number' });
  })
  .meta({ id: 'CallLog' });

const loggedCall = z.object({ call: timelineItemSchema, task: taskSchema.nullable(), created: z.boolean() }).meta({ id: 'LoggedCall' });

const weeklyHours = z.partialRecord(z.enum(WEEKDAYS), z.array(z.tuple([z.string(), z.string()])).max(6));
const settingsSchema = z
  .object({ callingHours: weeklyHours, defaultTimeZone: z.string().nullable(), recallAfterMinutes: z.number().int(), version: z.number().int() })
  .meta({ id: 'CallSettings' });
const scriptSchema = z.object({ id: z.uuid(), name: z.string(), body: z.string(), isDefault: z.boolean(), version: z.number().int(), updatedAt: z.string() }).meta({ id: 'CallScript' });

const queueEntry = z.object({
  prospect: z.object({
    subjectType: z.enum(['lead', 'contact']), id: z.uuid(), firstName: z.string(), lastName: z.string(), title: z.string().nullable(), company: z.string(),
    email: z.string().nullable(), phone: z.string().nullable(), doNotCall: z.boolean(), score: z.number().int(), createdAt: z.string(),
    timeZone: z.string().nullable(), country: z.string().nullable(), region: z.string().nullable(),
  }),
  lead: leadSchema.nullable().describe('The lead in full when the prospect is a lead'),
  sequenceStep: z
    .object({ enrollmentId: z.uuid(), sequenceId: z.uuid(), sequenceName: z.string(), stepNumber: z.number().int(), instruction: z.string(), taskId: z.uuid().nullable() })
    .nullable()
    .describe('With source=sequence: the call step this is (complete it with POST /sequence-enrollments/:id/complete-step)'),
  reason: z.string(),
  zone: z.string(),
  localTime: z.string().describe('The prospect\'s wall clock, HH:MM'),
  tel: z.string(),
  slaDueAt: z.string().nullable(),
  callTaskId: z.uuid().nullable(),
  callDueAt: z.string().nullable(),
  lastCallAt: z.string().nullable(),
});

const queueSchema = z
  .object({
    current: queueEntry.extend({ history: z.array(timelineItemSchema) }).nullable(),
    upNext: z.array(queueEntry),
    ready: z.number().int(),
    skipped: z.object({
      do_not_call: z.number().int(),
      no_phone: z.number().int(),
      outside_calling_hours: z.number().int(),
      unknown_time_zone: z.number().int(),
      recently_called: z.number().int(),
      skipped: z.number().int(),
    }),
    script: scriptSchema.nullable(),
    considered: z.number().int(),
  })
  .meta({ id: 'CallQueue' });

const ifMatch = z.object({ 'if-match': z.string().optional() });

export function callRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/calls', {
    config: { permission: 'records:write' },
    schema: {
      tags: C,
      summary: 'Log a call on a lead, contact, account or opportunity',
      description:
        'One request logs the outcome, duration, notes and the next step (a task). Phone systems post here too, with `recordingUrl` ' +
        'and `externalCallId` (idempotent). An outbound call to a do-not-call lead or contact is refused with 422 `do_not_call`.',
      body: callBody,
      response: { 201: loggedCall, 200: loggedCall, ...responses },
    },
    handler: async (request, reply) => {
      const logged = await logCall(db, actorOf(request), request.body);
      return reply.code(logged.created ? 201 : 200).send(logged);
    },
  });

  r.get('/api/v1/call-queue', {
    config: { permission: 'records:read' },
    schema: {
      tags: C,
      summary: 'The call queue: who to call now, who is next, and who is held back',
      description:
        'Built from the leads list\'s filters (your open leads — new and working — by default), from contacts (`source=contacts`: ' +
        'yours, or `ownerId`/`accountId`/`q`), from a sequence\'s call steps waiting for you (`source=sequence&sequenceId=…`) or from a saved view of leads or contacts (`source=view&viewId=…`); ordered by SLA deadline, due ' +
        'call-backs, score and last call; never offers a prospect outside their local calling hours, a do-not-call lead or one ' +
        'called recently. Log the call with POST /api/v1/calls and ask again to advance; `skip` passes over leads for this session.',
      querystring: z.strictObject({
        source: z.enum(['leads', 'contacts', 'sequence', 'view']).default('leads').describe('Where the prospects come from'),
        viewId: z.uuid().optional().describe('With source=view: a saved view of leads or contacts (GET /api/v1/views)'),
        sequenceId: z.uuid().optional().describe('With source=sequence: whose call steps (all your waiting call steps without it)'),
        accountId: z.uuid().optional().describe('With source=contacts: the account\'s people'),
        status: csv(z.enum(LEAD_STATUSES)).optional(),
        ownerId: z.union([z.uuid(), z.literal('any')]).optional().describe('Whose leads: yours by default, `any` for everyone\'s'),
        unassigned: z.stringbool().optional(),
        country: z.string().length(2).optional(),
        leadSource: z.string().max(64).optional().describe('The lead source (web_form, import…)'),
        q: z.string().max(200).optional(),
        skip: csv(z.uuid()).optional().describe('Leads to pass over, comma-separated'),
        scriptId: z.uuid().optional(),
      }),
      response: { 200: queueSchema, ...errorResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const { source, sequenceId, viewId, accountId, status, ownerId, unassigned, country, leadSource, q, skip, scriptId } = request.query;
      if (source === 'view') {
        if (!viewId) throw validationFailed([{ field: 'query.viewId', message: 'Required with source=view' }]);
        return callQueue(db, actor, { type: 'view', viewId }, { skip, scriptId });
      }
      const owner = ownerId === 'any' ? undefined : (ownerId ?? actor.userId);
      if (source === 'contacts') return callQueue(db, actor, { type: 'contacts', filter: { ownerId: accountId && !ownerId ? undefined : owner, accountId, q } }, { skip, scriptId });
      if (source === 'sequence') return callQueue(db, actor, { type: 'sequence', sequenceId, senderId: owner }, { skip, scriptId });
      const filter = {
        status: status ?? ['new' as const, 'working' as const],
        ownerId: unassigned ? undefined : owner,
        unassigned,
        country,
        source: leadSource,
        q,
      };
      return callQueue(db, actor, { type: 'leads', filter }, { skip, scriptId });
    },
  });

  r.get('/api/v1/call-settings', {
    config: { permission: 'records:read' },
    schema: { tags: C, summary: 'The org\'s calling hours, default time zone and recall interval', response: { 200: settingsSchema, ...errorResponses } },
    handler: async (request) => readCallSettings(db, actorOf(request)),
  });

  r.put('/api/v1/call-settings', {
    config: { permission: 'calls:manage' },
    schema: {
      tags: C,
      summary: 'Change the calling rules (managers and admins)',
      headers: ifMatch,
      body: z.strictObject({
        callingHours: weeklyHours.optional().describe('Local hours in the prospect\'s zone, e.g. {"mon":[["09:00","20:00"]]}'),
        defaultTimeZone: z.string().max(64).nullable().optional().describe('For prospects whose zone is unknown; null: never offer them'),
        recallAfterMinutes: z.number().int().min(0).max(43_200).optional(),
        version: z.number().int().min(0).optional(),
      }),
      response: { 200: settingsSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { version, ...changes } = request.body;
      return updateCallSettings(db, actorOf(request), changes, expectedVersion(request.headers['if-match'], version));
    },
  });

  r.get('/api/v1/call-scripts', {
    config: { permission: 'records:read' },
    schema: { tags: C, summary: 'The org\'s call scripts', response: { 200: z.object({ data: z.array(scriptSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listCallScripts(db, actorOf(request)) }),
  });

  const scriptBody = { name: z.string().min(1).max(200), body: z.string().max(50_000), isDefault: z.boolean().optional() };

  r.post('/api/v1/call-scripts', {
    config: { permission: 'calls:manage' },
    schema: { tags: C, summary: 'Add a call script', body: z.strictObject(scriptBody), response: { 201: scriptSchema, ...errorResponses } },
    handler: async (request, reply) => reply.code(201).send(await saveCallScript(db, actorOf(request), null, request.body)),
  });

  r.patch('/api/v1/call-scripts/:id', {
    config: { permission: 'calls:manage' },
    schema: {
      tags: C,
      summary: 'Change a call script',
      params: idParams,
      headers: ifMatch,
      body: z.strictObject({ name: scriptBody.name.optional(), body: scriptBody.body.optional(), isDefault: z.boolean().optional(), version: z.number().int().positive().optional() }),
      response: { 200: scriptSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { version, ...changes } = request.body;
      return saveCallScript(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
    },
  });

  r.delete('/api/v1/call-scripts/:id', {
    config: { permission: 'calls:manage' },
    schema: { tags: C, summary: 'Delete a call script', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteCallScript(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
}
