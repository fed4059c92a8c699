// The guard every other service runs (AuthTokenModule), against the real auth service over NATS:
// keys in every accepted form, session tokens by signature with keys from `auth.keys.jwks`.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthApp, OrgFixture, createOrgFixture, startAuth, startProbeService, waitFor } from './support';

describe('AuthGuard in another service', () => {
  let auth: AuthApp;
  let probe: { app: NestFastifyApplication; call: AuthApp['call'] };
  let f: OrgFixture;

  beforeAll(async () => {
    auth = await startAuth();
    probe = await startProbeService(auth.config);
    f = await createOrgFixture(auth, 'guard');
  });
  afterAll(async () => {
    await probe?.app.close();
    await auth?.close();
  });

  it('accepts session access tokens, with the scopes and role of the user', async () => {
    const viewer = await probe.call('GET', '/probe/read', { auth: f.users.viewer.token });
    expect(viewer.status).toBe(200);
    expect(viewer.body).toMatchObject({ tenant: f.org, kind: 'user', role: 'viewer', scopes: ['logs:read'], userId: f.users.viewer.id });
    const owner = await probe.call('GET', '/probe/admin', { auth: f.users.owner.token });
    expect(owner.body).toMatchObject({ role: 'owner', scopes: ['logs:read', 'config:manage', 'keys:manage', 'members:manage'] });
    expect((await probe.call('GET', '/probe/read', { auth: f.users.member.token })).body.scopes).toEqual(['logs:read', 'config:manage']);
    const denied = await probe.call('GET', '/probe/admin', { auth: f.users.member.token });
    expect(denied.status).toBe(403);
    expect((await probe.call('GET', '/probe/write', { auth: f.users.owner.token })).status).toBe(403);
  });

  it('refuses a session token with a bad signature or altered claims', async () => {
    const [header, payload, signature] = f.users.viewer.token.split('.');
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect((await probe.call('GET', '/probe/read', { auth: `${header}.${payload}.${flipped}` })).status).toBe(401);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'owner' })).toString('base64url');
    const reply = await probe.call('GET', '/probe/admin', { auth: `${header}.${promoted}.${signature}` });
    expect(reply.status).toBe(401);
    expect(reply.body.error.message).toBe('the session token is not valid (unknown, revoked or expired)');
  });

  it('accepts keys as Bearer, Basic (user or password), apikey / x-api-key, Splunk, ApiKey, and ?token= where allowed', async () => {
    const read = f.keys.read.secret;
    const ingest = f.keys.ingest.secret;
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const forms: Array<[string, Record<string, string>, string]> = [
      ['Bearer', { authorization: `Bearer ${read}` }, '/probe/read'],
      ['Basic user', { authorization: basic(read, '') }, '/probe/read'],
      ['Basic password', { authorization: basic('token', ingest) }, '/probe/write'],
      ['apikey header', { apikey: read }, '/probe/read'],
      ['x-api-key header', { 'x-api-key': ingest }, '/probe/write'],
      ['Splunk', { authorization: `Splunk ${ingest}` }, '/probe/write'],
      ['ApiKey (Elasticsearch)', { authorization: `ApiKey ${Buffer.from(`id:${ingest}`).toString('base64')}` }, '/probe/write'],
    ];
    for (const [name, headers, url] of forms) {
      const reply = await probe.call('GET', url, { headers });
      expect({ name, status: reply.status, tenant: reply.body.tenant }).toEqual({ name, status: 200, tenant: f.org });
    }
    expect((await probe.call('GET', `/probe/write?token=${ingest}`)).status).toBe(200);
    expect((await probe.call('GET', `/probe/read?token=${read}`)).status).toBe(401); // not allowed on that route
    expect((await probe.call('GET', '/probe/read', { auth: ingest })).status).toBe(403);
    expect((await probe.call('GET', '/probe/write', { auth: read })).status).toBe(403);
  });

  it('refuses a key revoked through the API within a second', async () => {
    const created = await auth.call('POST', '/v1/keys', { auth: f.users.owner.token, body: { name: 'short-lived', kind: 'service' } });
    expect((await probe.call('GET', '/probe/read', { auth: created.body.secret })).status).toBe(200);
    await auth.call('DELETE', `/v1/keys/${created.body.id}`, { auth: f.keys.manage.secret });
    const { value } = await waitFor(async () => (await probe.call('GET', '/probe/read', { auth: created.body.secret })).status, (s) => s === 401, 1000);
    expect(value).toBe(401);
  });
});
