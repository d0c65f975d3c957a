import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams, isoDateTime, limitQuery } from '../../http/schemas.ts';
import { SUBJECT_TYPES } from '../activities/model.ts';
import { TASK_STATUSES, TASK_TYPES } from './model.ts';
import { createTask, getTask, listTasks, updateTask } from './service.ts';

export const taskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    notes: z.string(),
    type: z.enum(TASK_TYPES),
    ownerId: z.uuid(),
    subject: z.object({ type: z.enum(SUBJECT_TYPES), id: z.uuid(), name: z.string(), link: z.string() }).nullable(),
    dueAt: z.string().nullable(),
    remindAt: z.string().nullable(),
    remindedAt: z.string().nullable().describe('When the reminder notification went out (once)'),
    status: z.enum(TASK_STATUSES),
    completedAt: z.string().nullable(),
    createdBy: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Task' });

export const taskFields = {
  title: z.string().min(1).max(300),
  notes: z.string().max(20_000).optional(),
  type: z.enum(TASK_TYPES).optional().describe('`call` tasks are call-backs: they show as calls due and put the record first in the call queue'),
  ownerId: z.uuid().optional().describe('Whose task; yours when absent. Only managers and admins give tasks to others'),
  dueAt: isoDateTime.nullable().optional(),
  remindAt: isoDateTime.nullable().optional().describe('When the owner gets a reminder notification (sent once)'),
};

const ifMatch = z.object({ 'if-match': z.string().optional() });
const T = ['Tasks'];

export function taskRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/tasks', {
    config: { permission: 'records:write' },
    schema: {
      tags: T,
      summary: 'Create a task, optionally linked to a lead, contact, account or opportunity',
      body: z.strictObject({ ...taskFields, subjectType: z.enum(SUBJECT_TYPES).optional(), subjectId: z.uuid().optional() }),
      response: { 201: taskSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createTask(db, actorOf(request), request.body)),
  });

  r.get('/api/v1/tasks', {
    config: { permission: 'records:read' },
    schema: {
      tags: T,
      summary: 'List tasks: yours by default, soonest due first',
      description: '`status=open&dueBefore=<end of your day>` lists what is due today and overdue. A record\'s tasks: `subjectType` and `subjectId`.',
      querystring: z.strictObject({
        ownerId: z.uuid().optional().describe('Someone else\'s tasks (managers and admins)'),
        status: z.enum(TASK_STATUSES).optional(),
        type: z.enum(TASK_TYPES).optional(),
        dueBefore: isoDateTime.optional(),
        subjectType: z.enum(SUBJECT_TYPES).optional(),
        subjectId: z.uuid().optional(),
        cursor: z.string().max(1000).optional(),
        limit: limitQuery,
      }),
      response: { 200: z.object({ data: z.array(taskSchema), nextCursor: z.string().nullable() }), ...errorResponses },
    },
    handler: async (request) => {
      const { dueBefore, ...filter } = request.query;
      return listTasks(db, actorOf(request), { ...filter, dueBefore: dueBefore ? new Date(dueBefore) : undefined });
    },
  });

  r.get('/api/v1/tasks/:id', {
    config: { permission: 'records:read' },
    schema: { tags: T, summary: 'Read a task', params: idParams, response: { 200: taskSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const task = await getTask(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(task.version)).send(task);
    },
  });

  r.patch('/api/v1/tasks/:id', {
    config: { permission: 'records:write' },
    schema: {
      tags: T,
      summary: 'Update a task; complete it with status done, reopen it with status open',
      params: idParams,
      headers: ifMatch,
      body: z.strictObject({ ...taskFields, title: taskFields.title.optional(), status: z.enum(TASK_STATUSES).optional(), version: z.number().int().positive().optional() }),
      response: { 200: taskSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const task = await updateTask(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(task.version)).send(task);
    },
  });
}
