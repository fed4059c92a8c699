// Log-in, lockout, refresh-token rotation and reuse detection, log-out.
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { AuthApp, OrgFixture, PASSWORD, createOrgFixture, startAuth, testConfig, uid } from './support';

const LOCK_SECONDS = 2;

describe('sessions', () => {
  let auth: AuthApp;
  let f: OrgFixture;

  beforeAll(async () => {
    auth = await startAuth(testConfig({ LOGIN_LOCK_SECONDS: String(LOCK_SECONDS), LOGIN_ATTEMPTS_PER_MINUTE: '20' }));
    f = await createOrgFixture(auth, 'sess');
  });
  afterAll(() => auth?.close());

  /** A new member of the fixture organisation, and a client address of its own. */
  async function newUser(role = 'member') {
    const email = `${uid('user')}@example.com`;
    const added = await auth.call('POST', '/v1/members', { auth: f.users.owner.token, body: { email, role, password: PASSWORD } });
    expect(added.status).toBe(201);
    return { id: added.body.userId as string, email, ip: `10.${rand()}.${rand()}.${rand()}` };
  }
  const rand = () => Math.floor(Math.random() * 250) + 1;
  const logIn = (email: string, password: string, ip: string) => auth.call('POST', '/v1/sessions', { body: { email, password }, ip });
  const refresh = (refreshToken: string) => auth.call('POST', '/v1/sessions/refresh', { body: { refreshToken } });

  it('issues a 15-minute EdDSA access token for iss millrace-auth, aud millrace, verifiable with the published JWKS', async () => {
    const user = await newUser('viewer');
    const reply = await logIn(` ${user.email.toUpperCase()}`, PASSWORD, user.ip);
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, org: f.org, role: 'viewer', user: { id: user.id, email: user.email } });
    expect(reply.body.refreshToken).toMatch(/^mlr_rt_[A-Za-z0-9_-]{43}$/);
    const header = decodeProtectedHeader(reply.body.accessToken);
    expect(header).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
    const claims = decodeJwt(reply.body.accessToken);
    expect(claims).toMatchObject({ iss: 'millrace-auth', aud: 'millrace', sub: user.id, tenant: f.org, role: 'viewer', sid: expect.any(String) });
    expect(claims.exp! - claims.iat!).toBe(900);

    const jwks = await auth.call('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    for (const key of jwks.body.keys) expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']); // public only
    const { payload } = await jwtVerify(reply.body.accessToken, createLocalJWKSet(jwks.body), { issuer: 'millrace-auth', audience: 'millrace' });
    expect(payload.sub).toBe(user.id);
    expect((await auth.call('GET', '/v1/me', { auth: reply.body.accessToken })).body).toEqual({
      tenant: f.org, kind: 'user', role: 'viewer', scopes: ['logs:read'], userId: user.id, sessionId: claims.sid,
    });
  });

  it('refuses wrong passwords and unknown e-mails alike', async () => {
    const user = await newUser();
    const wrong = await logIn(user.email, 'not the password', user.ip);
    const unknown = await logIn(`${uid('nobody')}@example.com`, 'not the password', user.ip);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error.message).toBe('email or password is wrong');
    expect(unknown.body.error.message).toBe('email or password is wrong');
  });

  it(`locks an account after 5 wrong passwords in a row, refusing even the right one until the lock ends (${LOCK_SECONDS} s here, 15 min by default)`, async () => {
    const user = await newUser();
    // Failures that a success interrupts do not add up.
    for (let i = 0; i < 4; i++) expect((await logIn(user.email, 'wrong password', user.ip)).status).toBe(401);
    expect((await logIn(user.email, PASSWORD, user.ip)).status).toBe(201);
    for (let i = 0; i < 4; i++) expect((await logIn(user.email, 'wrong password', user.ip)).status).toBe(401);
    // The fifth consecutive failure locks.
    expect((await logIn(user.email, 'wrong password', user.ip)).status).toBe(401);
    const locked = await logIn(user.email, PASSWORD, user.ip);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({ code: 'account_locked' });
    expect(locked.body.error.message).toMatch(/locked after 5 wrong passwords in a row/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // From any address.
    expect((await logIn(user.email, PASSWORD, '192.0.2.77')).status).toBe(429);
    await new Promise((r) => setTimeout(r, LOCK_SECONDS * 1000 + 200));
    expect((await logIn(user.email, PASSWORD, user.ip)).status).toBe(201);
  });

  it('counts parallel guesses too: no more than 5 are checked', async () => {
    const user = await newUser();
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => logIn(user.email, `guess ${i}`, `198.51.100.${i + 1}`)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
    await new Promise((r) => setTimeout(r, LOCK_SECONDS * 1000 + 200));
  });

  it('limits log-in attempts per client address (20 a minute here)', async () => {
    const ip = '203.0.113.9';
    for (let i = 0; i < 20; i++) expect((await logIn(`${uid('spray')}@example.com`, 'x', ip)).status).toBe(401);
    const limited = await logIn(`${uid('spray')}@example.com`, 'x', ip);
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/too many log-in attempts from this address/);
    expect(limited.headers['retry-after']).toBeDefined();
    const user = await newUser();
    expect((await logIn(user.email, PASSWORD, ip)).status).toBe(429);
    expect((await logIn(user.email, PASSWORD, user.ip)).status).toBe(201);
  });

  it('rotates refresh tokens, and reuse of a used one ends the whole session', async () => {
    const user = await newUser();
    const first = (await logIn(user.email, PASSWORD, user.ip)).body;
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(decodeJwt(second.body.accessToken).sid).toBe(decodeJwt(first.accessToken).sid);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    expect((await auth.call('GET', '/v1/me', { auth: third.body.accessToken })).status).toBe(200);

    // Someone replays the first token: refused, and the family is revoked.
    const replay = await refresh(first.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/already used: the session is ended/);
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
    expect((await auth.call('GET', '/v1/me', { auth: third.body.accessToken })).status).toBe(401);
    // Other sessions of the user are not affected.
    const other = (await logIn(user.email, PASSWORD, user.ip)).body;
    expect((await refresh(other.refreshToken)).status).toBe(200);
    expect((await refresh('mlr_rt_' + 'x'.repeat(43))).status).toBe(401);
    expect((await refresh('anything')).status).toBe(401);
  });

  it('refreshes to the current role', async () => {
    const user = await newUser('viewer');
    const session = (await logIn(user.email, PASSWORD, user.ip)).body;
    await auth.call('PATCH', `/v1/members/${user.id}`, { auth: f.users.admin.token, body: { role: 'member' } });
    const refreshed = await refresh(session.refreshToken);
    expect(refreshed.body.role).toBe('member');
    expect(decodeJwt(refreshed.body.accessToken).role).toBe('member');
  });

  it('logs out one session, or every session of the user', async () => {
    const user = await newUser();
    const [a, b, c] = [(await logIn(user.email, PASSWORD, user.ip)).body, (await logIn(user.email, PASSWORD, user.ip)).body, (await logIn(user.email, PASSWORD, user.ip)).body];
    expect((await auth.call('DELETE', '/v1/sessions/current', { auth: a.accessToken })).status).toBe(204);
    expect((await refresh(a.refreshToken)).status).toBe(401);
    const bNext = await refresh(b.refreshToken);
    expect(bNext.status).toBe(200);
    expect((await auth.call('DELETE', '/v1/sessions', { auth: bNext.body.accessToken })).status).toBe(204);
    expect((await refresh(bNext.body.refreshToken)).status).toBe(401);
    expect((await refresh(c.refreshToken)).status).toBe(401);
    expect((await auth.call('DELETE', '/v1/sessions', { auth: f.keys.manage.secret })).status).toBe(403);
  });

  it('lists a user\'s organisations and moves the session to another one (the console\'s switcher)', async () => {
    const user = await newUser('viewer');
    const second = await createOrgFixture(auth, 'sess2');
    expect((await auth.call('POST', '/v1/members', { auth: second.users.owner.token, body: { email: user.email, role: 'admin' } })).status).toBe(201);
    const first = await auth.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD, org: f.org }, ip: user.ip });
    expect(first.status).toBe(201);
    const orgs = await auth.call('GET', '/v1/sessions/organisations', { auth: first.body.accessToken });
    expect(orgs.status).toBe(200);
    expect(orgs.body).toEqual(expect.arrayContaining([{ org: f.org, name: f.org, role: 'viewer' }, { org: second.org, name: second.org, role: 'admin' }]));
    expect(orgs.body).toHaveLength(2);

    const moved = await auth.call('POST', '/v1/sessions/switch', { auth: first.body.accessToken, body: { org: second.org } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ org: second.org, role: 'admin', user: { id: user.id } });
    expect(decodeJwt(moved.body.accessToken)).toMatchObject({ tenant: second.org, role: 'admin' });
    expect(decodeJwt(moved.body.accessToken).sid).not.toBe(decodeJwt(first.body.accessToken).sid);
    // The old session ended: its refresh token no longer works, and it cannot be moved again.
    expect((await refresh(first.body.refreshToken)).status).toBe(401);
    expect((await auth.call('POST', '/v1/sessions/switch', { auth: first.body.accessToken, body: { org: f.org } })).status).toBe(401);
    // Only into organisations the user belongs to.
    const other = await createOrgFixture(auth, 'sess3');
    const refused = await auth.call('POST', '/v1/sessions/switch', { auth: moved.body.accessToken, body: { org: other.org } });
    expect(refused.status).toBe(403);
    expect((await auth.call('POST', '/v1/sessions/switch', { auth: f.keys.manage.secret, body: { org: f.org } })).status).toBe(403);
  });

  it('validates log-in bodies without echoing the password', async () => {
    const reply = await auth.call('POST', '/v1/sessions', { body: { email: 'a@b.c', password: '', extra: 'hunter2-secret' } });
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).not.toContain('hunter2-secret');
  });
});
