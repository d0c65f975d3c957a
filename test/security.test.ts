import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { loadConfig } from '../src/core/config.ts';
import { buildApp } from '../src/http/app.ts';
import { loggableError } from '../src/http/problem.ts';
import { securityHeaders } from '../src/http/security.ts';
import { addUser, newOrg, PASSWORD, startTestApp, testConfig } from './helpers.ts';

// Sessions (fixation, expiry, sign out everywhere), CSRF on cookie sessions, the general API rate
// limit, security headers, and secrets kept out of the database's plain text and the server's logs.
const API_LIMIT = 40;
const t = await startTestApp({ config: { LEADFLOW_SESSION_HOURS: '2', LEADFLOW_API_LIMIT_PER_MINUTE: String(API_LIMIT) } });
const admin = await newOrg(t, 'Secure');

async function signInWithCookie(email: string, headers: Record<string, string> = {}, cookies: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD }, headers, cookies });
  const cookie = res.cookies.find((c) => c.name === 'lf_session');
  return { res, cookie, csrf: res.statusCode === 200 ? (res.json() as { csrfToken: string }).csrfToken : '' };
}
const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { lf_session: cookie } });

describe('sessions', () => {
  test('a session id planted before sign-in is replaced, never adopted (fixation)', async () => {
    const planted = 'attacker-chosen-session-id-0123456789';
    const { res, cookie } = await signInWithCookie(admin.email, {}, { lf_session: planted });
    assert.equal(res.statusCode, 200);
    assert.ok(cookie && cookie.value !== planted, 'sign-in issues its own id');
    assert.equal((await me(planted)).statusCode, 401, 'the planted id signs nobody in');
    assert.equal((await me(cookie.value)).statusCode, 200);
  });

  test('the cookie is http-only, SameSite=Lax, and lasts LEADFLOW_SESSION_HOURS, as does the session behind it', async () => {
    const { cookie } = await signInWithCookie(admin.email);
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.maxAge, 2 * 3600);
    const { rows } = await t.database.executeSql(`select extract(epoch from expires_at - now())::int as seconds from sessions where user_id = $1 order by expires_at desc limit 1`, [admin.userId]);
    assert.ok(Math.abs(Number(rows[0]!.seconds) - 2 * 3600) < 60, `expires in ${String(rows[0]!.seconds)} s`);
    await t.database.executeSql(`update sessions set expires_at = now() - interval '1 second' where user_id = $1`, [admin.userId]);
    assert.equal((await me(cookie.value)).statusCode, 401, 'an expired session is refused');
  });

  test('sign out everywhere ends every session; with revokeApiKeys the caller\'s keys stop working too', async () => {
    const rep = await addUser(t, admin, 'rep', 'Rhea Rep');
    const laptop = await signInWithCookie(rep.email);
    const phone = await signInWithCookie(rep.email);
    const signOut = (revokeApiKeys?: boolean) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/logout-everywhere', cookies: { lf_session: phone.cookie!.value }, headers: { 'x-csrf-token': phone.csrf }, ...(revokeApiKeys === undefined ? {} : { payload: { revokeApiKeys } }) });
    assert.equal((await signOut()).statusCode, 204);
    assert.equal((await me(laptop.cookie!.value)).statusCode, 401);
    assert.equal((await me(phone.cookie!.value)).statusCode, 401);
    assert.equal((await rep.get('/api/v1/auth/me')).statusCode, 200, 'API keys survive a plain sign-out everywhere');

    const again = await signInWithCookie(rep.email);
    const everything = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout-everywhere', cookies: { lf_session: again.cookie!.value }, headers: { 'x-csrf-token': again.csrf }, payload: { revokeApiKeys: true } });
    assert.equal(everything.statusCode, 204);
    assert.equal((await rep.get('/api/v1/auth/me')).statusCode, 401, 'the key is revoked');
    const audit = (await admin.get(`/api/v1/audit-log?entityType=user&entityId=${rep.userId}`)).json() as { data: { action: string; after: { apiKeysRevoked?: number } }[] };
    assert.ok(audit.data.some((entry) => entry.action === 'logout_everywhere' && entry.after.apiKeysRevoked === 1), JSON.stringify(audit.data));
  });
});

describe('password changes', () => {
  test('changing the password ends the user\'s other sessions and keeps the one that changed it', async () => {
    const rep = await addUser(t, admin, 'rep', 'Paula Password');
    const stolen = await signInWithCookie(rep.email);
    const mine = await signInWithCookie(rep.email);
    const changed = await t.app.inject({ method: 'PUT', url: '/api/v1/users/me/password', cookies: { lf_session: mine.cookie!.value }, headers: { 'x-csrf-token': mine.csrf }, payload: { password: 'a fresh passphrase 42' } });
    assert.equal(changed.statusCode, 204, changed.body);
    assert.equal((await me(stolen.cookie!.value)).statusCode, 401, 'the other session is over');
    assert.equal((await me(mine.cookie!.value)).statusCode, 200, 'the changing session stays');
    assert.equal((await rep.get('/api/v1/auth/me')).statusCode, 200, 'API keys are revoked separately');
  });
});

describe('CSRF on cookie sessions', () => {
  test('a write with the cookie needs the token and must not come from another site; API keys are exempt', async () => {
    const { cookie, csrf } = await signInWithCookie(admin.email);
    const create = (headers: Record<string, string>, company: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/leads', cookies: { lf_session: cookie!.value }, headers, payload: { company } });
    const noToken = await create({}, 'Csrf One');
    assert.equal(noToken.statusCode, 403);
    assert.equal(noToken.json().code, 'csrf_failed');
    const evilOrigin = await create({ 'x-csrf-token': csrf, origin: 'https://evil.example' }, 'Csrf Two');
    assert.equal(evilOrigin.statusCode, 403);
    assert.equal(evilOrigin.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal((await create({ 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' }, 'Csrf Three')).statusCode, 403);
    assert.equal((await create({ 'x-csrf-token': csrf, origin: 'null' }, 'Csrf Four')).statusCode, 403);
    assert.equal((await create({ 'x-csrf-token': csrf, origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' }, 'Csrf Ok')).statusCode, 201);
    assert.equal((await create({ 'x-csrf-token': csrf, origin: 'http://localhost:80' }, 'Csrf Ok Too')).statusCode, 201, 'Origin naming this host');
    const list = (await admin.get('/api/v1/leads?q=csrf')).json() as { data: { company: string }[] };
    assert.deepEqual(list.data.map((lead) => lead.company).sort(), ['Csrf Ok', 'Csrf Ok Too'], 'refused writes created nothing');

    const withKey = await admin.post('/api/v1/leads', { company: 'Key From Anywhere' }, { origin: 'https://integration.example' });
    assert.equal(withKey.statusCode, 201, 'a Bearer key is no ambient credential, so no CSRF check');
  });

  test('another site cannot sign a visitor in (login CSRF) or out', async () => {
    const crossLogin = await signInWithCookie(admin.email, { origin: 'https://evil.example' });
    assert.equal(crossLogin.res.statusCode, 403);
    assert.equal(crossLogin.res.json().code, 'cross_site_request');
    assert.equal(crossLogin.cookie, undefined, 'no session cookie is set');
    assert.equal((await signInWithCookie(admin.email, { 'sec-fetch-site': 'cross-site' })).res.statusCode, 403);
    assert.equal((await signInWithCookie(admin.email, { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' })).res.statusCode, 200);
    const { cookie } = await signInWithCookie(admin.email);
    const crossLogout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { lf_session: cookie!.value }, headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossLogout.statusCode, 403);
    assert.equal((await me(cookie!.value)).statusCode, 200, 'still signed in');
  });
});

describe('rate limits', () => {
  test(`the API allows ${API_LIMIT} requests a minute per user, then answers 429 problems with Retry-After; other users go on`, async () => {
    const busy = await addUser(t, admin, 'rep', 'Busy Bot');
    const calm = await addUser(t, admin, 'rep', 'Calm Person');
    const statuses: number[] = [];
    for (let i = 0; i < API_LIMIT + 2; i += 1) statuses.push((await busy.get('/api/v1/leads?limit=1')).statusCode);
    const first429 = statuses.indexOf(429);
    assert.ok(first429 > API_LIMIT - 5 && first429 <= API_LIMIT, `429 from request ${first429 + 1}: ${statuses.join(',')}`);
    const limited = await busy.get('/api/v1/leads?limit=1');
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(limited.json().code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await busy.post('/api/v1/leads', { company: 'Throttled Co' })).statusCode, 429, 'writes count too');
    assert.equal((await admin.get('/api/v1/leads?q=throttled')).json().data.length, 0);
    const calmAnswer = await calm.get('/api/v1/leads?limit=1');
    assert.equal(calmAnswer.statusCode, 200);
    assert.equal(calmAnswer.headers['x-ratelimit-limit'], String(API_LIMIT));
  });

  test('a client on the internet cannot dodge the sign-in limit by naming its own address in X-Forwarded-For', async () => {
    const limited = await buildApp({ database: t.database, config: testConfig({ LEADFLOW_LOGIN_LIMIT_PER_MINUTE: '3' }), logger: false });
    const attempt = (from: string, forwardedFor: string) =>
      limited.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: from, headers: { 'x-forwarded-for': forwardedFor }, payload: { email: 'victim@secure.test', password: 'guess guess guess' } });
    const direct: number[] = [];
    for (let i = 1; i <= 5; i += 1) direct.push((await attempt('203.0.113.7', `198.51.100.${i}`)).statusCode);
    assert.deepEqual(direct, [401, 401, 401, 429, 429], 'a public sender\'s X-Forwarded-For is ignored');
    const proxied: number[] = [];
    for (let i = 1; i <= 5; i += 1) proxied.push((await attempt('10.0.0.2', `198.51.100.${i}`)).statusCode);
    assert.deepEqual(proxied, [401, 401, 401, 401, 401], 'a proxy on the private network speaks for its clients');
    await limited.close();
  });

  test('LEADFLOW_API_LIMIT_PER_MINUTE=0 turns the limit off; the default is a generous 6000', async () => {
    assert.equal(loadConfig({}).apiLimitPerMinute, 6000);
    const unlimited = await buildApp({ database: t.database, config: testConfig({ LEADFLOW_API_LIMIT_PER_MINUTE: '0' }), logger: false });
    const res = await unlimited.inject({ method: 'GET', url: '/api/v1/leads?limit=1', headers: { authorization: `Bearer ${admin.key}` } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-ratelimit-limit'], undefined);
    await unlimited.close();
  });
});

describe('security headers', () => {
  test('every answer carries a CSP for the SPA, no framing, no sniffing, a same-origin referrer; no HSTS over http', async () => {
    for (const url of ['/healthz', '/api/v1/leads', '/api/v1/nothing-here']) {
      const res = await t.app.inject(url);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/, 'scripts only from our origin, no inline script');
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /object-src 'none'/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'same-origin');
      assert.equal(res.headers['strict-transport-security'], undefined, `${url}: no HSTS when served over http`);
    }
  });

  test('behind https (LEADFLOW_PUBLIC_URL) HSTS is sent; LEADFLOW_HSTS overrides', async () => {
    const https = await buildApp({ database: t.database, config: testConfig({ LEADFLOW_PUBLIC_URL: 'https://crm.example.com' }), logger: false });
    const res = await https.inject('/healthz');
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000; includeSubDomains/);
    assert.match(String(res.headers['content-security-policy']), /upgrade-insecure-requests/);
    await https.close();
    assert.equal(securityHeaders({ publicUrl: 'https://crm.example.com', hsts: 'off' }).strictTransportSecurity, false);
    assert.notEqual(securityHeaders({ publicUrl: 'http://10.0.0.5:3000', hsts: 'on' }).strictTransportSecurity, false);
  });
});

describe('secrets', () => {
  test('a failed query is logged without the values it carried', () => {
    const failed = new DrizzleQueryError('update "users" set "password_hash" = $1 where "id" = $2', ['$argon2id$secret-hash\nsecond line', 'user-1'], Object.assign(new Error('value too long'), { code: '22001' }));
    const logged = JSON.stringify(loggableError(failed));
    assert.doesNotMatch(logged, /secret-hash|second line|user-1/);
    assert.match(logged, /update \\"users\\" set/);
    assert.match(logged, /value too long/);
    assert.match(logged, /"code":"22001"/);
  });

  test('passwords, API keys, session ids and mail passwords are stored hashed or encrypted, and never logged', async () => {
    const lines: string[] = [];
    const logged = await buildApp({ database: t.database, config: testConfig({ LOG_LEVEL: 'trace' }), logStream: { write: (line) => lines.push(line) } });
    await logged.ready();
    const inject = logged.inject.bind(logged);

    const email = admin.email;
    const wrongPassword = 'wrong-password-Xq7!zz';
    await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: wrongPassword } });
    const login = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD } });
    assert.equal(login.statusCode, 200);
    const session = login.cookies.find((c) => c.name === 'lf_session')!.value;
    const csrf = (login.json() as { csrfToken: string }).csrfToken;
    const asSession = { cookies: { lf_session: session }, headers: { 'x-csrf-token': csrf } };
    const created = await inject({ method: 'POST', url: '/api/v1/api-keys', ...asSession, payload: { name: 'logged key', scope: 'admin' } });
    assert.equal(created.statusCode, 201);
    const apiKey = (created.json() as { key: string }).key;
    const bearer = { authorization: `Bearer ${apiKey}` };
    assert.equal((await inject({ method: 'GET', url: '/api/v1/leads', headers: bearer })).statusCode, 200);
    await inject({ method: 'GET', url: '/api/v1/leads', headers: { authorization: `Bearer ${apiKey}x` } });

    const smtpPassword = 'smtp-secret-Pq93-never-logged';
    const imapPassword = 'imap-secret-Zt18-never-logged';
    const smtp = await inject({ method: 'PATCH', url: '/api/v1/email-settings', headers: bearer, payload: { smtpHost: 'smtp.example.com', smtpPort: 587, smtpUser: 'crm', smtpPassword } });
    assert.equal(smtp.statusCode, 200, smtp.body);
    assert.doesNotMatch(smtp.body, new RegExp(smtpPassword), 'the settings never show the password');
    const imap = await inject({ method: 'PATCH', url: '/api/v1/email-settings/me', headers: bearer, payload: { imapHost: 'imap.example.com', imapPort: 993, imapUser: 'me', imapPassword } });
    assert.equal(imap.statusCode, 200, imap.body);
    const invited = await inject({ method: 'POST', url: '/api/v1/users/invitations', headers: bearer, payload: { email: 'invitee@secure.test', name: 'Ivy Invitee', role: 'rep' } });
    assert.equal(invited.statusCode, 201, invited.body);
    const inviteToken = new URL((invited.json() as { inviteUrl: string }).inviteUrl).searchParams.get('token')!;
    const accepted = await inject({ method: 'POST', url: '/api/v1/auth/accept-invitation', payload: { token: inviteToken, password: 'invitee-password-Kd82' } });
    assert.equal(accepted.statusCode, 200, accepted.body);
    const inviteeSession = accepted.cookies.find((c) => c.name === 'lf_session')!.value;
    await inject({ method: 'PUT', url: '/api/v1/users/me/password', headers: bearer, payload: { password: 'brand-new-password-Wm55' } });
    await logged.close();

    const log = lines.join('');
    assert.ok(lines.length > 20 && log.includes('/api/v1/auth/login'), 'the log was captured');
    const secrets = { password: PASSWORD, wrongPassword, newPassword: 'brand-new-password-Wm55', inviteePassword: 'invitee-password-Kd82', session, inviteeSession, csrf, apiKey, smtpPassword, imapPassword, inviteToken };
    for (const [name, secret] of Object.entries(secrets)) assert.ok(!log.includes(secret), `${name} appears in the log`);

    const stored = async (sqlText: string, values: unknown[]) => JSON.stringify((await t.database.executeSql(sqlText, values)).rows);
    const everything = [
      await stored('select * from users where org_id = $1', [admin.orgId]),
      await stored('select * from sessions where org_id = $1', [admin.orgId]),
      await stored('select * from api_keys where org_id = $1', [admin.orgId]),
      await stored('select * from email_settings where org_id = $1', [admin.orgId]),
      await stored('select * from email_user_settings where org_id = $1', [admin.orgId]),
      await stored('select * from audit_log where org_id = $1', [admin.orgId]),
    ].join('\n');
    for (const [name, secret] of Object.entries(secrets).filter(([name]) => name !== 'csrf')) assert.ok(!everything.includes(secret), `${name} is stored in plain text`);
    const { rows } = await t.database.executeSql('select password_hash from users where org_id = $1 and password_hash is not null', [admin.orgId]);
    for (const row of rows) assert.match(String(row.password_hash), /^\$argon2id\$/);
    const sealed = await t.database.executeSql('select smtp_password_sealed from email_settings where org_id = $1', [admin.orgId]);
    assert.match(String(sealed.rows[0]!.smtp_password_sealed), /^v1\./, 'the SMTP password is encrypted (AES-GCM)');
  });
});
