// Revocation and rotation as every other service sees them: through the real KeyVerifier of
// libs/auth-token on the same NATS.
import type { TestingModule } from '@nestjs/testing';
import { hashKey, type KeyVerifier } from '@millrace/auth-token';
import { AuthApp, OrgFixture, createOrgFixture, startAuth, startVerifier, waitFor, type Json } from './support';

describe('keys through the KeyVerifier', () => {
  let auth: AuthApp;
  let verifierModule: TestingModule;
  let verifier: KeyVerifier;
  let f: OrgFixture;

  beforeAll(async () => {
    auth = await startAuth();
    ({ module: verifierModule, verifier } = await startVerifier(auth.config));
    f = await createOrgFixture(auth, 'keys');
  });
  afterAll(async () => {
    await verifierModule?.close();
    await auth?.close();
  });

  async function newKey(body: object = { name: 'k', kind: 'service', scopes: ['logs:read'] }) {
    const created = await auth.call('POST', '/v1/keys', { auth: f.users.admin.token, body });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string; prefix: string };
  }

  it('creates keys whose secret is shown once and listed only by prefix', async () => {
    const key = await newKey();
    expect(await verifier.verify(key.secret)).toEqual({ tenant: f.org, kind: 'service', scopes: ['logs:read'], keyId: key.id });
    const list = await auth.call('GET', '/v1/keys', { auth: f.users.owner.token });
    const listed = list.body.keys.find((k: Json) => k.id === key.id);
    expect(listed).toMatchObject({ name: 'k', kind: 'service', prefix: key.prefix, scopes: ['logs:read'] });
    expect(JSON.stringify(list.body)).not.toContain(key.secret);
    expect(JSON.stringify(list.body)).not.toContain(hashKey(key.secret));
    // Verification marks it used.
    const { value } = await waitFor(
      async () => (await auth.call('GET', '/v1/keys', { auth: f.users.owner.token })).body.keys.find((k: Json) => k.id === key.id).lastUsedAt,
      Boolean, 2000, 100,
    );
    expect(value).toEqual(expect.any(String));
  });

  it('refuses a revoked key within one second, although it was cached as valid', async () => {
    const key = await newKey();
    expect(await verifier.verify(key.secret)).not.toBeNull();
    expect(await verifier.verify(key.secret)).not.toBeNull(); // from the cache now
    const revoked = await auth.call('DELETE', `/v1/keys/${key.id}`, { auth: f.users.owner.token });
    expect(revoked.status).toBe(204);
    const { value, elapsedMs } = await waitFor(() => verifier.verify(key.secret), (p) => p === null, 1000);
    expect(value).toBeNull();
    expect(elapsedMs).toBeLessThan(1000);
    expect((await auth.call('GET', '/v1/me', { auth: key.secret })).status).toBe(401);
    expect((await auth.call('DELETE', `/v1/keys/${key.id}`, { auth: f.users.owner.token })).status).toBe(404);
    const list = await auth.call('GET', '/v1/keys', { auth: f.users.owner.token });
    expect(list.body.keys.map((k: Json) => k.id)).not.toContain(key.id);
  });

  it("keeps a rotated key's old secret working for its grace period, then refuses it", async () => {
    const key = await newKey({ name: 'shipper', kind: 'ingest' });
    expect(await verifier.verify(key.secret)).not.toBeNull(); // cached for up to a minute
    const rotated = await auth.call('POST', `/v1/keys/${key.id}/rotate`, { auth: f.keys.manage.secret, body: { graceSeconds: 2 } });
    const rotatedAt = Date.now();
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: key.id, kind: 'ingest', secret: expect.stringMatching(/^mlr_ik_/) });
    expect(rotated.body.secret).not.toBe(key.secret);
    expect(new Date(rotated.body.previousSecretValidUntil).getTime() - rotatedAt).toBeGreaterThan(1000);

    // During the grace period both secrets work, everywhere.
    expect(await verifier.verify(rotated.body.secret)).toMatchObject({ keyId: key.id, tenant: f.org });
    expect(await verifier.verify(key.secret)).toMatchObject({ keyId: key.id, tenant: f.org });
    expect((await auth.call('GET', '/v1/me', { auth: key.secret })).status).toBe(200);

    // After it, only the new one.
    await new Promise((r) => setTimeout(r, Math.max(0, rotatedAt + 2100 - Date.now())));
    expect(await verifier.verify(key.secret)).toBeNull();
    expect((await auth.call('GET', '/v1/me', { auth: key.secret })).status).toBe(401);
    expect(await verifier.verify(rotated.body.secret)).not.toBeNull();
    const listed = (await auth.call('GET', '/v1/keys', { auth: f.users.owner.token })).body.keys.find((k: Json) => k.id === key.id);
    expect(listed).toMatchObject({ prefix: rotated.body.prefix, previousSecretValidUntil: null, rotatedAt: expect.any(String) });
  });

  it('rotates with no grace (old secret refused at once), and revocation ends a secret in grace too', async () => {
    const key = await newKey();
    expect(await verifier.verify(key.secret)).not.toBeNull();
    const now = await auth.call('POST', `/v1/keys/${key.id}/rotate`, { auth: f.users.owner.token, body: { graceSeconds: 0 } });
    expect(now.body.previousSecretValidUntil).toBeNull();
    expect((await waitFor(() => verifier.verify(key.secret), (p) => p === null, 1000)).value).toBeNull();

    const inGrace = await auth.call('POST', `/v1/keys/${key.id}/rotate`, { auth: f.users.owner.token });
    // The default grace: KEY_ROTATION_GRACE_SECONDS (24 h).
    expect(new Date(inGrace.body.previousSecretValidUntil).getTime() - Date.now()).toBeGreaterThan(86_000_000);
    expect(await verifier.verify(now.body.secret)).not.toBeNull();
    await auth.call('DELETE', `/v1/keys/${key.id}`, { auth: f.users.owner.token });
    const gone = await waitFor(async () => [await verifier.verify(now.body.secret), await verifier.verify(inGrace.body.secret)], (v) => v.every((p) => p === null), 1000);
    expect(gone.value).toEqual([null, null]);
  });

  it('validates the grace period (0..7 days)', async () => {
    const key = await newKey();
    for (const graceSeconds of [-1, 7 * 86400 + 1, 1.5, '60']) {
      expect((await auth.call('POST', `/v1/keys/${key.id}/rotate`, { auth: f.users.owner.token, body: { graceSeconds } })).status).toBe(400);
    }
    expect((await auth.call('POST', `/v1/keys/${key.id}/rotate`, { auth: f.users.owner.token, body: { graceSeconds: 7 * 86400 } })).status).toBe(200);
    expect((await auth.call('POST', '/v1/keys/not-a-uuid/rotate', { auth: f.users.owner.token, body: {} })).status).toBe(400);
  });
});
