// Two organisations: nothing A holds (users of every role, service keys, ingestion keys) ever
// sees, changes or revokes anything of B through any auth endpoint.
import { AuthApp, OrgFixture, createOrgFixture, startAuth, type Json } from './support';

describe('tenant isolation', () => {
  let auth: AuthApp;
  let a: OrgFixture;
  let b: OrgFixture;

  beforeAll(async () => {
    auth = await startAuth();
    a = await createOrgFixture(auth, 'iso-a');
    b = await createOrgFixture(auth, 'iso-b');
  });
  afterAll(() => auth?.close());

  /** Every credential A has, named. */
  const credentialsOf = (f: OrgFixture): Array<[string, string]> => [
    ...Object.values(f.users).map((u) => [`${u.role} user`, u.token] as [string, string]),
    ['ingestion key', f.keys.ingest.secret],
    ['service key (logs:read)', f.keys.read.secret],
    ['service key (keys:manage)', f.keys.manage.secret],
  ];

  const bIds = () => [
    b.org,
    ...Object.values(b.users).flatMap((u) => [u.id, u.email]),
    ...Object.values(b.keys).map((k) => k.id),
  ];

  async function snapshotOfB() {
    const owner = b.users.owner.token;
    const [org, members, keys] = await Promise.all([
      auth.call('GET', '/v1/org', { auth: owner }),
      auth.call('GET', '/v1/members', { auth: owner }),
      auth.call('GET', '/v1/keys', { auth: owner }),
    ]);
    return { org: org.body, members: members.body, keys: keys.body.keys.map((k: Json) => ({ ...k, lastUsedAt: null })) };
  }

  it("never shows B's objects to any of A's credentials", async () => {
    for (const [name, credential] of credentialsOf(a)) {
      for (const url of ['/v1/org', '/v1/members', '/v1/keys', '/v1/me', `/v1/org?tenant=${b.org}`, `/v1/keys?org=${b.org}`]) {
        const reply = await auth.call('GET', url, { auth: credential, headers: { 'x-tenant': b.org } });
        const text = JSON.stringify(reply.body);
        for (const id of bIds()) {
          if (text.includes(id)) throw new Error(`${name} saw ${id} of organisation B at ${url}: ${text}`);
        }
        if (reply.status === 200 && url.startsWith('/v1/org')) expect(reply.body.id).toBe(a.org);
      }
    }
  });

  it("lists only the caller's own members and keys", async () => {
    const members = await auth.call('GET', '/v1/members', { auth: a.users.viewer.token });
    expect(members.status).toBe(200);
    expect(members.body.members.map((m: Json) => m.userId).sort()).toEqual(Object.values(a.users).map((u) => u.id).sort());
    const keys = await auth.call('GET', '/v1/keys', { auth: a.keys.manage.secret });
    expect(keys.status).toBe(200);
    expect(keys.body.keys.map((k: Json) => k.id).sort()).toEqual(Object.values(a.keys).map((k) => k.id).sort());
    for (const key of keys.body.keys) {
      expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'kind', 'lastUsedAt', 'name', 'prefix', 'previousSecretValidUntil', 'rotatedAt', 'scopes']);
      expect(JSON.stringify(key)).not.toMatch(/[0-9a-f]{64}/); // no hash
    }
  });

  it("never changes, rotates or revokes B's members, keys or settings", async () => {
    const before = await snapshotOfB();
    for (const [name, credential] of credentialsOf(a)) {
      const attempts: Array<[string, string, unknown?]> = [
        ['PATCH', `/v1/members/${b.users.member.id}`, { role: 'viewer' }],
        ['PATCH', `/v1/members/${b.users.owner.id}`, { role: 'viewer' }],
        ['DELETE', `/v1/members/${b.users.viewer.id}`],
        ['DELETE', `/v1/members/${b.users.owner.id}`],
        ['POST', `/v1/keys/${b.keys.read.id}/rotate`, { graceSeconds: 0 }],
        ['DELETE', `/v1/keys/${b.keys.ingest.id}`],
        ['DELETE', `/v1/keys/${b.keys.manage.id}`],
      ];
      for (const [method, url, body] of attempts) {
        const reply = await auth.call(method as never, url, { auth: credential, body });
        if (![403, 404].includes(reply.status)) throw new Error(`${name}: ${method} ${url} answered ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      // Whatever tenant a request names, the credential's tenant is the one acted on.
      const settings = await auth.call('PATCH', '/v1/org/settings', { auth: credential, body: { retentionClass: 'r3', org: b.org } });
      expect([400, 403]).toContain(settings.status);
      const key = await auth.call('POST', '/v1/keys', { auth: credential, body: { name: 'x', kind: 'service', tenant: b.org } });
      expect([400, 403]).toContain(key.status);
      void name;
    }
    // A's owner changes A's settings: B's stay as they were.
    const changed = await auth.call('PATCH', '/v1/org/settings', { auth: a.users.owner.token, body: { retentionClass: 'r90', dailyQuotaBytes: 1024 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: a.org, settings: { retentionClass: 'r90', dailyQuotaBytes: 1024, ingestRateLimit: 0 } });
    expect(await snapshotOfB()).toEqual(before);
    // B's keys all still work.
    for (const key of Object.values(b.keys)) {
      expect((await auth.call('GET', '/v1/me', { auth: key.secret })).body).toMatchObject({ tenant: b.org, keyId: key.id });
    }
  });

  it("does not let a session of one organisation act in another the user also belongs to", async () => {
    // B's owner adds A's member to B as viewer: the user now has two organisations.
    const shared = a.users.member;
    const added = await auth.call('POST', '/v1/members', { auth: b.users.owner.token, body: { email: shared.email, role: 'viewer' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ userId: shared.id, userCreated: false, role: 'viewer' });
    const noOrg = await auth.call('POST', '/v1/sessions', { body: { email: shared.email, password: shared.password } });
    expect(noOrg.status).toBe(400);
    expect(noOrg.body.error.message).toMatch(/several organisations/);
    // The A session still only reaches A, with A's role.
    const me = await auth.call('GET', '/v1/me', { auth: shared.token });
    expect(me.body).toMatchObject({ tenant: a.org, role: 'member' });
    const inB = await auth.call('POST', '/v1/sessions', { body: { email: shared.email, password: shared.password, org: b.org } });
    expect(inB.status).toBe(201);
    const keysInB = await auth.call('POST', '/v1/keys', { auth: inB.body.accessToken, body: { name: 'x', kind: 'ingest' } });
    expect(keysInB.status).toBe(403); // a viewer in B
    const elsewhere = await auth.call('POST', '/v1/sessions', { body: { email: a.users.owner.email, password: a.users.owner.password, org: b.org } });
    expect(elsewhere.status).toBe(403);
  });
});
