// The NATS request-reply subjects the auth service answers for the other services.
import { ClientProxyFactory, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { AUTH_SUBJECTS } from '@millrace/log-schema';
import { AUTH_TOKEN_SUBJECTS, hashKey } from '@millrace/auth-token';
import { natsTransport } from '../src/nats';
import { AuthApp, OrgFixture, createOrgFixture, startAuth } from './support';

describe('auth over NATS', () => {
  let auth: AuthApp;
  let client: ClientProxy;
  let f: OrgFixture;
  const ask = <T>(subject: string, payload: unknown) => firstValueFrom(client.send<T>(subject, payload).pipe(timeout(3000)));

  beforeAll(async () => {
    auth = await startAuth();
    client = ClientProxyFactory.create(natsTransport(auth.config, 'auth-test-rpc'));
    await client.connect();
    f = await createOrgFixture(auth, 'rpc');
  });
  afterAll(async () => {
    await client?.close();
    await auth?.close();
  });

  it('answers auth.orgs.settings with the settings of the named organisation', async () => {
    expect(await ask(AUTH_SUBJECTS.orgSettings, { tenant: f.org })).toEqual({
      found: true, tenant: f.org, settings: { retentionClass: 'r30', dailyQuotaBytes: 0, ingestRateLimit: 0 },
    });
    await auth.call('PATCH', '/v1/org/settings', { auth: f.users.owner.token, body: { retentionClass: 'r7', dailyQuotaBytes: 5_000_000, ingestRateLimit: 100 } });
    expect(await ask(AUTH_SUBJECTS.orgSettings, { tenant: f.org })).toMatchObject({ settings: { retentionClass: 'r7', dailyQuotaBytes: 5_000_000, ingestRateLimit: 100 } });
    expect(await ask(AUTH_SUBJECTS.orgSettings, { tenant: 'no-such-org-anywhere' })).toEqual({ found: false });
    expect(await ask(AUTH_SUBJECTS.orgSettings, { tenant: '../etc' })).toEqual({ found: false });
  });

  it('answers auth.keys.jwks with public keys only', async () => {
    const jwks = await ask<{ keys: Array<Record<string, string>> }>(AUTH_TOKEN_SUBJECTS.jwks, {});
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('answers auth.keys.verify by hash only', async () => {
    expect(await ask(AUTH_SUBJECTS.verifyKey, { keyHash: hashKey(f.keys.read.secret) })).toMatchObject({
      valid: true, principal: { tenant: f.org, kind: 'service', keyId: f.keys.read.id }, ttlSeconds: 60,
    });
    expect(await ask(AUTH_SUBJECTS.verifyKey, { keyHash: f.keys.read.secret })).toEqual({ valid: false });
    expect(await ask(AUTH_SUBJECTS.verifyKey, {})).toEqual({ valid: false });
  });
});
