import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion } from '../../http/schemas.ts';
import { getOrgSettings, updateOrgSettings } from './settings-service.ts';
import { VISIBILITY_MODES } from '../visibility/model.ts';

const mode = z.enum(VISIBILITY_MODES).describe('everyone: the whole org; team: own and own team\'s (managers: their hierarchy); own: only own (managers: their hierarchy)');
const recordVisibilitySchema = z.strictObject({ leads: mode, contacts: mode, accounts: mode, opportunities: mode }).meta({ id: 'RecordVisibility' });

const settingsSchema = z
  .object({
    disqualificationReasons: z.array(z.string()),
    recycleAfterDays: z.number().int().nullable(),
    fiscalYearStartMonth: z.number().int(),
    repsSeeTeamNumbers: z.boolean(),
    recordVisibility: recordVisibilitySchema,
    version: z.number().int().describe('0 until the settings are first changed (the defaults apply)'),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'OrgSettings' });

const settingsPatch = z
  .strictObject({
    disqualificationReasons: z.array(z.string().max(100)).min(1).max(50).optional(),
    recycleAfterDays: z.number().int().min(1).max(3650).nullable().optional().describe('null: disqualified leads never return to the pool'),
    fiscalYearStartMonth: z.number().int().min(1).max(12).optional().describe('The month (1–12) the fiscal year starts in; FY names the calendar year it ends in'),
    repsSeeTeamNumbers: z.boolean().optional().describe("false: reps see only their own quota and forecast numbers"),
    recordVisibility: recordVisibilitySchema.partial().optional().describe('Who sees and edits each kind of record; objects left out keep their mode'),
    version: z.number().int().min(0).optional(),
  })
  .meta({ id: 'OrgSettingsPatch' });

const TAGS = ['Organisation settings'];

export function orgSettingsRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/org-settings', {
    config: { permission: 'records:read' },
    schema: { tags: TAGS, summary: "Read the organisation's sales-process settings", response: { 200: settingsSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const settings = await getOrgSettings(db, actorOf(request));
      return reply.header('etag', etagFor(settings.version)).send(settings);
    },
  });

  r.patch('/api/v1/org-settings', {
    config: { permission: 'org:settings' },
    schema: {
      tags: TAGS,
      summary: 'Change the disqualification reasons, the recycle period, the fiscal year start or what reps see of their team (admins)',
      description:
        'A new recycle period applies to leads disqualified from now on. Send `If-Match: "<version>"` to refuse the write if another admin changed the settings first.',
      headers: z.object({ 'if-match': z.string().optional() }),
      body: settingsPatch,
      response: { 200: settingsSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const settings = await updateOrgSettings(db, actorOf(request), changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(settings.version)).send(settings);
    },
  });
}
