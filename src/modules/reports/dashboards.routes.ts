import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams } from '../../http/schemas.ts';
import { CHARTS, CHART_TYPES, WIDGET_FILTERS } from './dashboards.model.ts';
import { createDashboard, deleteDashboard, getDashboard, listDashboards, updateDashboard } from './dashboards.service.ts';

const TAGS = ['Dashboards'];

const widgetSchema = z
  .strictObject({
    id: z.string().min(1).max(40),
    title: z.string().min(1).max(120),
    report: z.enum(CHARTS).describe('Which report the chart draws (also its CSV export: GET /api/v1/reports/export.csv?chart=…)'),
    chart: z.enum(CHART_TYPES),
    filters: z.partialRecord(z.enum(WIDGET_FILTERS), z.string().max(100)).default({}),
  });

const widgetView = z.object({ id: z.string(), title: z.string(), report: z.string(), chart: z.string(), filters: z.record(z.string(), z.string()) }).meta({ id: 'DashboardWidget' });

const dashboardSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    ownerId: z.string().nullable(),
    shared: z.boolean(),
    builtIn: z.boolean(),
    widgets: z.array(widgetView),
    version: z.number().int(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'Dashboard' });

const fields = { name: z.string().trim().min(1).max(120), shared: z.boolean().default(false), widgets: z.array(widgetSchema).max(30) };

export function dashboardRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/dashboards', {
    config: { permission: 'reports:read' },
    schema: { tags: TAGS, summary: 'Dashboards: the built-in one for your role first, the other built-ins, yours and the org\'s shared ones', response: { 200: z.object({ data: z.array(dashboardSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listDashboards(db, actorOf(request)) }),
  });

  r.get('/api/v1/dashboards/:id', {
    config: { permission: 'reports:read' },
    schema: { tags: TAGS, summary: 'A dashboard', params: z.strictObject({ id: z.string().max(60) }), response: { 200: dashboardSchema, ...errorResponses } },
    handler: async (request) => getDashboard(db, actorOf(request), request.params.id),
  });

  r.post('/api/v1/dashboards', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'Make a dashboard (private unless `shared`: managers, executives and admins share with the org)',
      body: z.strictObject(fields),
      response: { 201: dashboardSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createDashboard(db, actorOf(request), request.body)),
  });

  r.patch('/api/v1/dashboards/:id', {
    config: { permission: 'reports:read' },
    schema: {
      tags: TAGS,
      summary: 'Change your dashboard',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({ name: fields.name.optional(), shared: z.boolean().optional(), widgets: fields.widgets.optional(), version: z.number().int().positive().optional() }),
      response: { 200: dashboardSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { version, ...changes } = request.body;
      const clean = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      return updateDashboard(db, actorOf(request), request.params.id, clean, expectedVersion(request.headers['if-match'], version));
    },
  });

  r.delete('/api/v1/dashboards/:id', {
    config: { permission: 'reports:read' },
    schema: { tags: TAGS, summary: 'Delete your dashboard', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteDashboard(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
}
