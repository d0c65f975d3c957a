import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etagFor } from '../../core/concurrency.ts';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import { validationFailed } from '../../core/errors.ts';
import type { Mailer } from '../../core/mailer.ts';
import { ROLES } from '../../core/roles.ts';
import { actorOf, SESSION_COOKIE } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams } from '../../http/schemas.ts';
import { reassignAccountsOfOwner, reassignContactsOfOwner } from '../accounts/service.ts';
import { reassignLeadsOfOwner } from '../leads/service.ts';
import { USER_STATUSES } from './model.ts';
import { assertActiveUser, changePassword, createTeam, createUser, getUser, inviteUser, listTeams, listUsers, updateUser } from './service.ts';

const TAGS = ['Users and teams'];

const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    status: z.enum(USER_STATUSES),
    teamId: z.uuid().nullable(),
    timeZone: z.string(),
    lastLoginAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });

const teamSchema = z
  .object({ id: z.uuid(), name: z.string(), parentTeamId: z.uuid().nullable(), managerId: z.uuid().nullable(), memberIds: z.array(z.uuid()) })
  .meta({ id: 'Team' });

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'Must be an IANA time zone like Europe/Berlin');

const newUserFields = {
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  teamId: z.uuid().nullable().optional(),
};

export function userRoutes(app: FastifyInstance, db: Db, config: Config, mailer: Mailer): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/users', {
    config: { permission: 'users:read' },
    schema: { tags: TAGS, summary: 'List the users of my organisation', response: { 200: z.object({ data: z.array(userSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listUsers(db, actorOf(request)) }),
  });

  r.post('/api/v1/users', {
    config: { permission: 'users:manage' },
    schema: {
      tags: TAGS,
      summary: 'Create a user with a password (admin)',
      body: z.strictObject({ ...newUserFields, password: z.string().max(256) }),
      response: { 201: userSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createUser(db, actorOf(request), request.body)),
  });

  r.post('/api/v1/users/invitations', {
    config: { permission: 'users:manage' },
    schema: {
      tags: TAGS,
      summary: 'Invite a user (admin)',
      description: 'Emails the invitation link when SMTP is configured; the link is also returned for the admin to share.',
      body: z.strictObject(newUserFields),
      response: { 201: z.object({ user: userSchema, inviteUrl: z.string(), emailed: z.boolean() }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { user, inviteToken } = await inviteUser(db, actorOf(request), request.body);
      const inviteUrl = `${config.publicUrl}/accept-invitation?token=${inviteToken}`;
      await mailer.send({
        to: user.email,
        subject: 'You are invited to Leadflow',
        text: `Hello ${user.name},\n\nYou have been invited to join your team on Leadflow as ${user.role}.\nChoose your password here (the link works for 7 days):\n\n${inviteUrl}\n`,
      });
      return reply.code(201).send({ user, inviteUrl, emailed: mailer.configured });
    },
  });

  r.get('/api/v1/users/:id', {
    config: { permission: 'users:read' },
    schema: { tags: TAGS, summary: 'Read a user', params: idParams, response: { 200: userSchema, ...errorResponses } },
    handler: async (request) => getUser(db, actorOf(request), request.params.id),
  });

  // No route-level permission: anyone may edit their own profile; the service requires
  // users:manage for everything else.
  r.patch('/api/v1/users/:id', {
    schema: {
      tags: TAGS,
      summary: 'Update a user',
      description: 'Anyone may change their own name and time zone; role, team and status (deactivate) are for admins. A deactivated user is signed out at once and keeps their records until they are reassigned.',
      params: idParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: z.strictObject({
        name: z.string().trim().min(1).max(200).optional(),
        role: z.enum(ROLES).optional(),
        status: z.enum(['active', 'deactivated']).optional(),
        teamId: z.uuid().nullable().optional(),
        timeZone: timeZone.optional(),
        version: z.number().int().positive().optional(),
      }),
      response: { 200: userSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const user = await updateUser(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(user.version)).send(user);
    },
  });

  r.put('/api/v1/users/me/password', {
    schema: {
      tags: TAGS,
      summary: 'Change my password',
      description: 'Ends every other session of the user (the session making the change stays signed in). API keys keep working.',
      body: z.strictObject({ password: z.string().max(256) }),
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      await changePassword(db, actor, request.body.password, actor.via === 'session' ? request.cookies[SESSION_COOKIE] : undefined);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/users/:id/reassign', {
    config: { permission: 'records:reassign' },
    schema: {
      tags: TAGS,
      summary: 'Reassign all records of a user to another (a rep leaves)',
      description: 'Moves every lead, account and contact the user owns. Safe to repeat: a second run moves whatever is left.',
      params: idParams,
      body: z.strictObject({ toUserId: z.uuid(), reason: z.string().trim().min(1).max(500) }),
      response: { 200: z.object({ leads: z.number().int(), accounts: z.number().int(), contacts: z.number().int() }), ...errorResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const { toUserId, reason } = request.body;
      if (toUserId === request.params.id) throw validationFailed([{ field: 'toUserId', message: 'Choose a different user' }]);
      await getUser(db, actor, request.params.id);
      await assertActiveUser(db, actor, toUserId, 'toUserId');
      return {
        leads: await reassignLeadsOfOwner(db, actor, request.params.id, toUserId, reason),
        accounts: await reassignAccountsOfOwner(db, actor, request.params.id, toUserId, reason),
        contacts: await reassignContactsOfOwner(db, actor, request.params.id, toUserId, reason),
      };
    },
  });

  r.get('/api/v1/teams', {
    config: { permission: 'users:read' },
    schema: { tags: TAGS, summary: 'List teams', response: { 200: z.object({ data: z.array(teamSchema) }), ...errorResponses } },
    handler: async (request) => ({ data: await listTeams(db, actorOf(request)) }),
  });

  r.post('/api/v1/teams', {
    config: { permission: 'teams:manage' },
    schema: {
      tags: TAGS,
      summary: 'Create a team',
      body: z.strictObject({ name: z.string().trim().min(1).max(200), parentTeamId: z.uuid().nullable().optional(), managerId: z.uuid().nullable().optional() }),
      response: { 201: teamSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(await createTeam(db, actorOf(request), request.body)),
  });
}
