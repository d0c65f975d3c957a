import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD, startTestApp } from '../../../test/helpers.ts';

// Runs on its own empty database: "create your organisation" only exists while there is none.
const t = await startTestApp();

test('an empty installation offers setup once; the first user becomes the admin, signed in', async () => {
  assert.deepEqual((await t.app.inject('/api/v1/setup')).json(), { needsSetup: true });
  const bad = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { orgName: '', name: 'Ada', email: 'nope', password: 'short' } });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['email', 'orgName']);
  const weak = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { orgName: 'Acme', name: 'Ada', email: 'ada@acme.test', password: 'short' } });
  assert.equal(weak.statusCode, 400);
  assert.equal(weak.json().errors[0].field, 'password');
  assert.deepEqual((await t.app.inject('/api/v1/setup')).json(), { needsSetup: true }, 'refused input created nothing');

  const payload = { orgName: 'Acme', name: 'Ada Admin', email: 'ada@acme.test', password: PASSWORD };
  const [one, two] = await Promise.all([
    t.app.inject({ method: 'POST', url: '/api/v1/setup', payload }),
    t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { ...payload, email: 'eve@acme.test' } }),
  ]);
  const codes = [one.statusCode, two.statusCode].sort();
  assert.deepEqual(codes, [201, 409], 'two racing setups: exactly one wins');
  const winner = one.statusCode === 201 ? one : two;
  const cookie = winner.cookies.find((c) => c.name === 'lf_session')!.value;
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { lf_session: cookie } });
  assert.equal(me.json().user.role, 'admin');
  assert.equal(me.json().org.name, 'Acme');
  assert.deepEqual((await t.app.inject('/api/v1/setup')).json(), { needsSetup: false });
});
