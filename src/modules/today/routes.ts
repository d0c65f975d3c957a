import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import { leadSchema } from '../leads/routes.ts';
import { taskSchema } from '../tasks/routes.ts';
import { GOAL_METRICS, GOAL_SCOPES } from './model.ts';
import { deleteGoal, goalProgress, listGoals, setGoal, teamGoalProgress, today } from './service.ts';

const goalSchema = z
  .object({
    id: z.uuid(),
    scope: z.enum(GOAL_SCOPES),
    scopeId: z.uuid(),
    calls: z.number().int().nullable(),
    connects: z.number().int().nullable(),
    emails: z.number().int().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ActivityGoal' });

const progressSchema = z.object({
  metric: z.enum(GOAL_METRICS),
  done: z.number().int(),
  target: z.number().int().nullable(),
  from: z.enum(GOAL_SCOPES).nullable().describe('Whose goal applies: the person\'s own, their team\'s or the org\'s'),
  ratio: z.number().nullable(),
});

const stepSchema = z.object({
  enrollmentId: z.uuid(), sequenceId: z.uuid(), sequenceName: z.string(), stepNumber: z.number().int(), stepId: z.string(),
  channel: z.enum(['manual_email', 'call', 'task']), instruction: z.string(), subjectType: z.enum(['lead', 'contact']), subjectId: z.uuid(),
  name: z.string(),
});

const todaySchema = z
  .object({
    day: z.string(),
    timeZone: z.string(),
    newLeads: z.array(leadSchema.extend({ slaDueAt: z.string().nullable() })),
    callsDue: z.array(taskSchema),
    tasksDue: z.array(taskSchema),
    overdue: z.number().int(),
    goals: z.array(progressSchema),
    demos: z.array(z.object({ id: z.uuid(), title: z.string(), startsAt: z.string(), endsAt: z.string(), videoUrl: z.string().nullable(), link: z.string() })),
    sequenceSteps: z.array(stepSchema.extend({ taskId: z.uuid().nullable(), dueSince: z.string() }))
      .describe('Manual sequence steps (manual email, call, task) waiting for you, oldest first; mark one done with POST /sequence-enrollments/:id/complete-step'),
    upcomingSteps: z.array(stepSchema.extend({ dueAt: z.string() })).describe('Manual sequence steps your sequences reach later today, earliest first'),
  })
  .meta({ id: 'Today' });

const target = z.number().int().min(0).max(10_000).nullable().optional();

export function todayRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/today', {
    config: { permission: 'records:read' },
    schema: {
      tags: ['Today'],
      summary: 'Your day in one request',
      description: 'New leads assigned to you with their first-touch deadline, call-backs and tasks due by the end of your local day (overdue included), today\'s demos, manual sequence steps waiting for you, and progress toward your daily goals.',
      response: { 200: todaySchema, ...errorResponses },
    },
    handler: async (request) => today(db, actorOf(request)),
  });

  r.get('/api/v1/activity-goals', {
    config: { permission: 'records:read' },
    schema: { tags: ['Today'], summary: 'Daily activity goals of the org, its teams and people', response: { 200: z.object({ data: z.array(goalSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listGoals(db, actorOf(request)) }),
  });

  r.put('/api/v1/activity-goals', {
    config: { permission: 'goals:manage' },
    schema: {
      tags: ['Today'],
      summary: 'Set daily goals for the org, a team or a person (managers and admins)',
      description: 'A person\'s target per metric is their own, else their team\'s, else the org\'s. `null` clears a metric.',
      body: z.strictObject({ scope: z.enum(GOAL_SCOPES), scopeId: z.uuid().optional(), calls: target, connects: target, emails: target }),
      response: { 200: goalSchema, ...errorResponses },
    },
    handler: async (request) => setGoal(db, actorOf(request), request.body),
  });

  r.delete('/api/v1/activity-goals/:id', {
    config: { permission: 'goals:manage' },
    schema: { tags: ['Today'], summary: 'Remove a goal', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteGoal(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/users/:id/goal-progress', {
    config: { permission: 'goals:manage' },
    schema: {
      tags: ['Today'],
      summary: 'A person\'s progress toward their daily goals today (managers and admins)',
      params: idParams,
      response: { 200: z.object({ day: z.string(), timeZone: z.string(), goals: z.array(progressSchema) }), ...errorResponses },
    },
    handler: async (request) => goalProgress(db, actorOf(request), request.params.id, new Date()),
  });

  r.get('/api/v1/team-goal-progress', {
    config: { permission: 'goals:manage' },
    schema: {
      tags: ['Today'],
      summary: 'Each team member\'s progress toward their daily goals today (managers and admins)',
      description: 'A manager sees the people of the teams they lead and their sub-teams, an admin every active rep and manager; `teamId` narrows to one team.',
      querystring: z.strictObject({ teamId: z.uuid().optional() }),
      response: {
        200: z.object({ data: z.array(z.object({ userId: z.uuid(), name: z.string(), teamId: z.uuid().nullable(), day: z.string(), goals: z.array(progressSchema) })) }),
        ...errorResponses,
      },
    },
    handler: async (request) => ({ data: await teamGoalProgress(db, actorOf(request), { teamId: request.query.teamId }) }),
  });
}
