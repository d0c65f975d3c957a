import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newOrg, startTestApp } from '../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Http');

describe('health and documentation', () => {
  test('/healthz answers for the process and /readyz for the database', async () => {
    assert.deepEqual((await t.app.inject('/healthz')).json(), { status: 'ok' });
    const ready = await t.app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().status, 'ready');
  });

  test('OpenAPI 3.1 describes the API from the same schemas that validate it', async () => {
    const doc = (await t.app.inject('/api/docs/json')).json();
    assert.equal(doc.openapi, '3.1.0');
    const create = doc.paths['/api/v1/leads'].post;
    const body = create.requestBody.content['application/json'].schema;
    const schema = body.$ref ? doc.components.schemas[body.$ref.split('/').pop()] : body;
    assert.equal(schema.additionalProperties, false, 'unknown fields are documented as rejected');
    assert.ok(schema.properties.email && schema.properties.status.enum.includes('qualified'));
    assert.ok(doc.paths['/api/v1/leads/{id}'].patch, 'path parameters use OpenAPI syntax');
    assert.ok(doc.paths['/api/v1/accounts'].get && doc.paths['/api/v1/contacts'].post && doc.paths['/api/v1/api-keys'].post);
    const page = await t.app.inject('/api/docs');
    assert.ok([200, 302].includes(page.statusCode));
    const html = await t.app.inject(page.statusCode === 302 ? page.headers.location! : '/api/docs');
    assert.match(html.body, /swagger/i, 'a browsable page');
  });
});

describe('errors', () => {
  test('unknown routes, malformed JSON and oversize bodies answer problem+json', async () => {
    const missing = await admin.get('/api/v1/nothing-here');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
    const malformed = await admin.request({ method: 'POST', url: '/api/v1/leads', headers: { 'content-type': 'application/json' }, payload: '{"company": ' });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().status, 400);
    const huge = await admin.post('/api/v1/leads', { company: 'Big', notes: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().title, 'Payload Too Large');
    const badId = await admin.get('/api/v1/leads/not-a-uuid');
    assert.equal(badId.statusCode, 400);
    assert.equal(badId.json().errors[0].field, 'params.id');
  });

  test('security headers are set', async () => {
    const res = await t.app.inject('/healthz');
    assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    // HSTS only behind https (LEADFLOW_PUBLIC_URL); test/security.test.ts covers it.
  });
});

describe('Idempotency-Key', () => {
  test('a retried POST returns the first answer and creates nothing new', async () => {
    const headers = { 'idempotency-key': 'create-lead-42' };
    const first = await admin.post('/api/v1/leads', { company: 'Once Only' }, headers);
    const retry = await admin.post('/api/v1/leads', { company: 'Once Only' }, headers);
    assert.equal(first.statusCode, 201);
    assert.equal(retry.statusCode, 201);
    assert.equal(retry.json().id, first.json().id);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal((await admin.get('/api/v1/leads?q=once%20only')).json().data.length, 1);
    const reused = await admin.post('/api/v1/leads', { company: 'Something Else' }, headers);
    assert.equal(reused.statusCode, 422);
    assert.equal((await admin.get('/api/v1/leads?q=something%20else')).json().data.length, 0);
  });

  test('a key is private to its user: another user with the same key gets their own result', async () => {
    const other = await newOrg(t, 'Other');
    const mine = await admin.post('/api/v1/leads', { company: 'Key Share' }, { 'idempotency-key': 'shared' });
    const theirs = await other.post('/api/v1/leads', { company: 'Key Share' }, { 'idempotency-key': 'shared' });
    assert.notEqual(mine.json().id, theirs.json().id);
  });

  test('a request that failed validation can be retried with the key once corrected', async () => {
    const headers = { 'idempotency-key': 'fix-and-retry' };
    assert.equal((await admin.post('/api/v1/leads', { email: 'bad' }, headers)).statusCode, 400);
    const fixed = await admin.post('/api/v1/leads', { email: 'good@retry.test' }, headers);
    assert.equal(fixed.statusCode, 201, fixed.body);
  });
});
