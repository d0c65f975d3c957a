import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isTimeZone } from '../routing/hours.model.ts';
import { customFiltersOf } from '../customfields/service.ts';
import { customValuesInput, customValuesOutput, withCustomFilters } from '../customfields/schemas.ts';
import { etagFor } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses, expectedVersion, idParams, limitQuery, optionalText } from '../../http/schemas.ts';
import { LIFECYCLE_STAGES } from './model.ts';
import {
  createAccount,
  createContact,
  deleteAccount,
  deleteContact,
  getAccount,
  getContact,
  listAccounts,
  listContacts,
  updateAccount,
  updateContact,
} from './service.ts';

const stamps = { version: z.number().int(), createdAt: z.string(), updatedAt: z.string(), deletedAt: z.string().nullable() };

const accountFields = {
  name: z.string().trim().min(1).max(300),
  domain: optionalText(300),
  industry: optionalText(200),
  employeeCount: z.number().int().min(0).max(10_000_000).nullable().optional(),
  country: z.union([z.string().regex(/^[A-Za-z]{2}$/, 'Use a two-letter ISO country code'), z.literal('')]).nullable().optional(),
  region: optionalText(200),
  city: optionalText(200),
  phone: optionalText(50),
  parentAccountId: z.uuid().nullable().optional(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES).optional(),
  ownerId: z.uuid().nullable().optional(),
  notes: z.string().max(20_000).optional(),
  custom: customValuesInput,
};

const contactFields = {
  accountId: z.uuid().nullable().optional(),
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  email: z.union([z.email({ error: 'Must be an email address' }).max(320), z.literal('')]).nullable().optional(),
  phone: optionalText(50),
  title: optionalText(200),
  timeZone: z.union([z.string().max(64).refine(isTimeZone, 'Use an IANA time zone such as Europe/Berlin'), z.literal('')]).nullable().optional(),
  doNotCall: z.boolean().optional().describe('Do not call: outbound calls to the contact are refused'),
  ownerId: z.uuid().nullable().optional(),
  notes: z.string().max(20_000).optional(),
  custom: customValuesInput,
};

const accountSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    employeeCount: z.number().int().nullable(),
    country: z.string().nullable(),
    region: z.string().nullable(),
    city: z.string().nullable(),
    phone: z.string().nullable(),
    parentAccountId: z.uuid().nullable(),
    lifecycleStage: z.enum(LIFECYCLE_STAGES),
    ownerId: z.uuid().nullable(),
    territoryId: z.uuid().nullable().describe('The territory the account resolves to (GET /api/v1/territories)'),
    notes: z.string(),
    custom: customValuesOutput,
    ...stamps,
  })
  .meta({ id: 'Account' });

const contactSchema = z
  .object({
    id: z.uuid(),
    accountId: z.uuid().nullable(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    title: z.string().nullable(),
    timeZone: z.string().nullable(),
    doNotCall: z.boolean(),
    ownerId: z.uuid().nullable(),
    notes: z.string(),
    custom: customValuesOutput,
    ...stamps,
  })
  .meta({ id: 'Contact' });

const accountDetail = accountSchema.extend({ contacts: z.array(contactSchema), children: z.array(accountSchema) }).meta({ id: 'AccountDetail' });

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });
const ifMatch = z.object({ 'if-match': z.string().optional() });
const listQuery = { q: z.string().max(200).optional(), ownerId: z.uuid().optional(), cursor: z.string().max(1000).optional(), limit: limitQuery };

export function accountRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const A = ['Accounts'];
  const C = ['Contacts'];

  r.post('/api/v1/accounts', {
    config: { permission: 'records:write' },
    schema: { tags: A, summary: 'Create an account', body: z.strictObject(accountFields), response: { 201: accountSchema, ...errorResponses } },
    handler: async (request, reply) => reply.code(201).send(await createAccount(db, actorOf(request), { ...request.body, custom: request.body.custom ?? {} })),
  });

  r.get('/api/v1/accounts', {
    config: { permission: 'records:read' },
    schema: {
      tags: A,
      summary: 'List accounts by name',
      querystring: withCustomFilters({ ...listQuery, lifecycleStage: z.enum(LIFECYCLE_STAGES).optional() }),
      response: { 200: page(accountSchema), ...errorResponses },
    },
    handler: async (request) => listAccounts(db, actorOf(request), { ...request.query, custom: customFiltersOf(request.query) }),
  });

  r.get('/api/v1/accounts/:id', {
    config: { permission: 'records:read' },
    schema: { tags: A, summary: 'Read an account with its contacts and subsidiaries', params: idParams, response: { 200: accountDetail, ...errorResponses } },
    handler: async (request, reply) => {
      const account = await getAccount(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(account.version)).send(account);
    },
  });

  r.patch('/api/v1/accounts/:id', {
    config: { permission: 'records:write' },
    schema: {
      tags: A,
      summary: 'Update an account',
      params: idParams,
      headers: ifMatch,
      body: z.strictObject({ ...accountFields, name: accountFields.name.optional(), version: z.number().int().positive().optional() }),
      response: { 200: accountSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const account = await updateAccount(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(account.version)).send(account);
    },
  });

  r.delete('/api/v1/accounts/:id', {
    config: { permission: 'records:delete' },
    schema: { tags: A, summary: 'Delete an account (soft)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteAccount(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/contacts', {
    config: { permission: 'records:write' },
    schema: { tags: C, summary: 'Create a contact, optionally linked to an account', body: z.strictObject(contactFields), response: { 201: contactSchema, ...errorResponses } },
    handler: async (request, reply) => reply.code(201).send(await createContact(db, actorOf(request), { ...request.body, custom: request.body.custom ?? {} })),
  });

  r.get('/api/v1/contacts', {
    config: { permission: 'records:read' },
    schema: {
      tags: C,
      summary: 'List contacts by last name',
      querystring: withCustomFilters({ ...listQuery, accountId: z.uuid().optional() }),
      response: { 200: page(contactSchema), ...errorResponses },
    },
    handler: async (request) => listContacts(db, actorOf(request), { ...request.query, custom: customFiltersOf(request.query) }),
  });

  r.get('/api/v1/contacts/:id', {
    config: { permission: 'records:read' },
    schema: { tags: C, summary: 'Read a contact', params: idParams, response: { 200: contactSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const contact = await getContact(db, actorOf(request), request.params.id);
      return reply.header('etag', etagFor(contact.version)).send(contact);
    },
  });

  r.patch('/api/v1/contacts/:id', {
    config: { permission: 'records:write' },
    schema: {
      tags: C,
      summary: 'Update a contact (set accountId to link it to an account)',
      params: idParams,
      headers: ifMatch,
      body: z.strictObject({ ...contactFields, version: z.number().int().positive().optional() }),
      response: { 200: contactSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { version, ...changes } = request.body;
      const contact = await updateContact(db, actorOf(request), request.params.id, changes, expectedVersion(request.headers['if-match'], version));
      return reply.header('etag', etagFor(contact.version)).send(contact);
    },
  });

  r.delete('/api/v1/contacts/:id', {
    config: { permission: 'records:delete' },
    schema: { tags: C, summary: 'Delete a contact (soft)', params: idParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await deleteContact(db, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
}
