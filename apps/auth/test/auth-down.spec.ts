// The auth service being down: cached verdicts keep working for their lifetime, unknown
// credentials get 503 (retry later), never 401 (which shippers would treat as "drop the data").
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TestingModule } from '@nestjs/testing';
import { AuthUnavailableError, generateKey, type KeyVerifier } from '@millrace/auth-token';
import { NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { AuthApp, OrgFixture, createOrgFixture, startAuth, startProbeService, startVerifier, testConfig } from './support';

describe('when the auth service is down', () => {
  let auth: AuthApp | undefined;
  let verifierModule: TestingModule;
  let verifier: KeyVerifier;
  let probe: { app: NestFastifyApplication; call: AuthApp['call'] };
  let f: OrgFixture;

  beforeAll(async () => {
    auth = await startAuth();
    ({ module: verifierModule, verifier } = await startVerifier(auth.config));
    probe = await startProbeService(auth.config);
    f = await createOrgFixture(auth, 'down');
  });
  afterAll(async () => {
    await probe?.app.close();
    await verifierModule?.close();
    await auth?.close();
  });

  it('serves cached verdicts and answers 503 for credentials it has not seen', async () => {
    const known = await verifier.verify(f.keys.read.secret);
    expect(known).toMatchObject({ tenant: f.org, keyId: f.keys.read.id });
    expect((await probe.call('GET', '/probe/read', { auth: f.keys.read.secret })).status).toBe(200);
    expect((await probe.call('GET', '/probe/read', { auth: f.users.viewer.token })).status).toBe(200); // signing keys now cached

    await auth!.close();
    auth = undefined;
    // Nobody else may answer for auth on this NATS, or this test proves nothing.
    const nc = verifierModule.get<NatsConnection>(NATS_CONNECTION);
    await expect(nc.request('auth.keys.verify', JSON.stringify({ pattern: 'auth.keys.verify', data: { keyHash: '0'.repeat(64) }, id: 'probe' }), { timeout: 500 }))
      .rejects.toThrow();

    expect(await verifier.verify(f.keys.read.secret)).toEqual(known);
    const started = Date.now();
    await expect(verifier.verify(generateKey('ingest'))).rejects.toBeInstanceOf(AuthUnavailableError);
    expect(Date.now() - started).toBeLessThan(3000);

    expect((await probe.call('GET', '/probe/read', { auth: f.keys.read.secret })).status).toBe(200);
    expect((await probe.call('GET', '/probe/read', { auth: f.users.viewer.token })).status).toBe(200);
    const unknown = await probe.call('GET', '/probe/write', { auth: f.keys.ingest.secret });
    expect(unknown.status).toBe(503);
    expect(unknown.body.error).toMatchObject({ code: 'unavailable', message: 'credentials cannot be verified right now; retry later' });
    expect(unknown.headers['retry-after']).toBe('5');

    // A service that never fetched the signing keys cannot judge a session token: 503 as well.
    const fresh = await startProbeService(testConfig());
    try {
      expect((await fresh.call('GET', '/probe/read', { auth: f.users.viewer.token })).status).toBe(503);
    } finally {
      await fresh.app.close();
    }
  });
});
