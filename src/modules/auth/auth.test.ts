import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addUser, newOrg, PASSWORD, startTestApp } from '../../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Auth');

async function loginAs(email: string, password = PASSWORD) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  const cookie = res.cookies.find((c) => c.name === 'lf_session');
  return { res, cookie: cookie?.value, csrf: res.statusCode === 200 ? (res.json().csrfToken as string) : '' };
}

describe('sessions', () => {
  test('sign in sets an http-only session cookie; a wrong password or unknown email gets the same 401', async () => {
    const ok = await loginAs(admin.email.toUpperCase());
    assert.equal(ok.res.statusCode, 200);
    const cookie = ok.res.cookies.find((c) => c.name === 'lf_session')!;
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { lf_session: ok.cookie! } });
    assert.equal(me.json().user.email, admin.email);
    const wrong = await loginAs(admin.email, 'wrong password!!');
    const unknown = await loginAs('nobody@leadflow.test');
    assert.equal(wrong.res.statusCode, 401);
    assert.equal(unknown.res.statusCode, 401);
    assert.equal(wrong.res.json().detail, unknown.res.json().detail);
  });

  test('writes with the session cookie need the CSRF token', async () => {
    const { cookie, csrf } = await loginAs(admin.email);
    const without = await t.app.inject({ method: 'POST', url: '/api/v1/leads', cookies: { lf_session: cookie! }, payload: { company: 'CSRF Co' } });
    assert.equal(without.statusCode, 403);
    assert.equal(without.json().code, 'csrf_failed');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/leads', cookies: { lf_session: cookie! }, headers: { 'x-csrf-token': 'x'.repeat(csrf.length) }, payload: { company: 'CSRF Co' } });
    assert.equal(wrong.statusCode, 403);
    const right = await t.app.inject({ method: 'POST', url: '/api/v1/leads', cookies: { lf_session: cookie! }, headers: { 'x-csrf-token': csrf }, payload: { company: 'CSRF Co' } });
    assert.equal(right.statusCode, 201);
    const list = await admin.get('/api/v1/leads?q=csrf%20co');
    assert.equal(list.json().data.length, 1, 'the refused writes created nothing');
  });

  test('each sign-in gets a new session id; logout ends one session, logout-everywhere ends all', async () => {
    const first = await loginAs(admin.email);
    const second = await loginAs(admin.email);
    assert.notEqual(first.cookie, second.cookie);
    const logout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { lf_session: first.cookie! } });
    assert.equal(logout.statusCode, 204);
    const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { lf_session: cookie } });
    assert.equal((await me(first.cookie!)).statusCode, 401);
    assert.equal((await me(second.cookie!)).statusCode, 200);
    const third = await loginAs(admin.email);
    const everywhere = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout-everywhere', cookies: { lf_session: third.cookie! }, headers: { 'x-csrf-token': third.csrf } });
    assert.equal(everywhere.statusCode, 204);
    assert.equal((await me(second.cookie!)).statusCode, 401);
    assert.equal((await me(third.cookie!)).statusCode, 401);
  });

  test('an expired session is refused', async () => {
    const { cookie } = await loginAs(admin.email);
    await t.database.executeSql(`update sessions set expires_at = now() - interval '1 minute' where user_id = $1`, [admin.userId]);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { lf_session: cookie! } });
    assert.equal(res.statusCode, 401);
  });
});

describe('API keys', () => {
  test('a key is shown once, stored hashed, works as Bearer, and stops working when revoked', async () => {
    const rep = await addUser(t, admin, 'rep');
    const created = await rep.post('/api/v1/api-keys', { name: 'phone system' });
    assert.equal(created.statusCode, 201);
    const { key, id, scope } = created.json();
    assert.match(key, /^lf_/);
    assert.equal(scope, 'write');
    const stored = await t.database.executeSql('select token_hash from api_keys where id = $1', [id]);
    assert.notEqual(stored.rows[0]!.token_hash, key);
    assert.ok(!JSON.stringify((await rep.get('/api/v1/api-keys')).json()).includes(key), 'the list never shows the secret');
    const use = () => t.app.inject({ method: 'GET', url: '/api/v1/leads', headers: { authorization: `Bearer ${key}` } });
    assert.equal((await use()).statusCode, 200);
    const otherRep = await addUser(t, admin, 'rep');
    assert.equal((await otherRep.del(`/api/v1/api-keys/${id}`)).statusCode, 404, 'a rep cannot revoke another rep\'s key');
    assert.equal((await rep.del(`/api/v1/api-keys/${id}`)).statusCode, 204);
    const revoked = await use();
    assert.equal(revoked.statusCode, 401);
    assert.equal(revoked.headers['content-type'], 'application/problem+json; charset=utf-8');
  });

  test('scopes: a read key cannot write, a write key cannot administer', async () => {
    const read = (await admin.post('/api/v1/api-keys', { name: 'bi', scope: 'read' })).json().key;
    const write = (await admin.post('/api/v1/api-keys', { name: 'zapier', scope: 'write' })).json().key;
    const as = (key: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
    assert.equal((await as(read, 'GET', '/api/v1/leads')).statusCode, 200);
    const readWrite = await as(read, 'POST', '/api/v1/leads', { company: 'Scope Co' });
    assert.equal(readWrite.statusCode, 403);
    assert.equal(readWrite.json().code, 'insufficient_scope');
    assert.equal((await as(write, 'POST', '/api/v1/leads', { company: 'Scope Co' })).statusCode, 201);
    assert.equal((await as(write, 'POST', '/api/v1/users', { email: 'x@scope.test', name: 'X', role: 'rep', password: PASSWORD })).statusCode, 403);
  });

  test('a deactivated user\'s keys and sessions stop working at once', async () => {
    const rep = await addUser(t, admin, 'rep');
    const { cookie } = await loginAs(rep.email);
    const before = await rep.get('/api/v1/leads');
    assert.equal(before.statusCode, 200);
    const deactivate = await admin.patch(`/api/v1/users/${rep.userId}`, { status: 'deactivated' });
    assert.equal(deactivate.statusCode, 200, deactivate.body);
    assert.equal((await rep.get('/api/v1/leads')).statusCode, 401);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { lf_session: cookie! } })).statusCode, 401);
    assert.equal((await loginAs(rep.email)).res.statusCode, 401);
  });
});

describe('login rate limit', async () => {
  const limited = await startTestApp({ config: { LEADFLOW_LOGIN_LIMIT_PER_MINUTE: '3' } });
  test('repeated sign-in attempts for one email from one address get 429', async () => {
    const attempt = () => limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'victim@leadflow.test', password: 'guess guess guess' } });
    const codes = [];
    for (let i = 0; i < 5; i += 1) codes.push((await attempt()).statusCode);
    assert.deepEqual(codes, [401, 401, 401, 429, 429]);
    const other = await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'someone-else@leadflow.test', password: 'guess guess guess' } });
    assert.equal(other.statusCode, 401, 'another account is not locked out');
  });
});
