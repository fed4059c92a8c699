import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { AuthUnavailableError } from './errors';
import { SessionTokenVerifier } from './session-verifier';

function keyPair(kid: string): { kid: string; privateKey: KeyObject; jwk: JWK } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { kid, privateKey, jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'EdDSA', use: 'sig' } };
}

const now = () => Math.floor(Date.now() / 1000);

interface TokenOptions {
  key?: ReturnType<typeof keyPair>;
  kid?: string;
  claims?: Record<string, unknown>;
  iss?: string;
  aud?: string;
  iat?: number;
  exp?: number;
  sub?: string;
}

describe('SessionTokenVerifier', () => {
  const current = keyPair('k1');
  const other = keyPair('k2');
  let published: JSONWebKeySet;
  let fetches: number;
  let failing: boolean;
  let verifier: SessionTokenVerifier;

  const sign = (o: TokenOptions = {}) => {
    const key = o.key ?? current;
    return new SignJWT({ tenant: 'acme', role: 'member', sid: 'session-1', ...o.claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: o.kid ?? key.kid })
      .setSubject(o.sub ?? 'user-1')
      .setIssuer(o.iss ?? 'millrace-auth')
      .setAudience(o.aud ?? 'millrace')
      .setIssuedAt(o.iat ?? now())
      .setExpirationTime(o.exp ?? now() + 900)
      .sign(key.privateKey);
  };

  beforeEach(() => {
    published = { keys: [current.jwk] };
    fetches = 0;
    failing = false;
    verifier = new SessionTokenVerifier(async () => {
      fetches += 1;
      if (failing) throw new Error('auth is down');
      return published;
    }, { minRefetchIntervalMs: 250 });
  });

  it('accepts a valid token, with scopes from the role', async () => {
    expect(await verifier.verifySession(await sign())).toEqual({
      tenant: 'acme', kind: 'user', role: 'member', scopes: ['logs:read', 'config:manage'], userId: 'user-1', sessionId: 'session-1',
    });
    expect(await verifier.verifySession(await sign({ claims: { role: 'viewer' } }))).toMatchObject({ role: 'viewer', scopes: ['logs:read'] });
    expect(await verifier.verifySession(await sign({ claims: { role: 'owner' } }))).toMatchObject({
      scopes: ['logs:read', 'config:manage', 'keys:manage', 'members:manage'],
    });
    expect(fetches).toBe(1); // cached
  });

  it('refuses a bad signature', async () => {
    // Signed by another key that claims the published kid.
    expect(await verifier.verifySession(await sign({ key: other, kid: 'k1' }))).toBeNull();
    const [h, p, s] = (await sign()).split('.');
    expect(await verifier.verifySession(`${h}.${p}.${s.slice(0, -4)}AAAA`)).toBeNull();
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), tenant: 'victim' })).toString('base64url');
    expect(await verifier.verifySession(`${h}.${tampered}.${s}`)).toBeNull();
  });

  it('refuses expired tokens, other audiences and issuers, and over-long lifetimes', async () => {
    expect(await verifier.verifySession(await sign({ exp: now() - 60, iat: now() - 960 }))).toBeNull();
    expect(await verifier.verifySession(await sign({ aud: 'someone-else' }))).toBeNull();
    expect(await verifier.verifySession(await sign({ iss: 'evil' }))).toBeNull();
    expect(await verifier.verifySession(await sign({ iat: now() - 3600, exp: now() + 3600 }))).toBeNull();
  });

  it('refuses tokens without a usable tenant, role or subject, and other algorithms', async () => {
    expect(await verifier.verifySession(await sign({ claims: { tenant: 'Not A Tenant' } }))).toBeNull();
    expect(await verifier.verifySession(await sign({ claims: { role: 'superuser' } }))).toBeNull();
    expect(await verifier.verifySession(await sign({ claims: { tenant: undefined } }))).toBeNull();
    const unsigned = `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    expect(await verifier.verifySession(unsigned)).toBeNull();
    const hs = await new SignJWT({ tenant: 'acme', role: 'owner' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('u').setIssuer('millrace-auth').setAudience('millrace').setIssuedAt().setExpirationTime('10m')
      .sign(new TextEncoder().encode(JSON.stringify(current.jwk)));
    expect(await verifier.verifySession(hs)).toBeNull();
    expect(await verifier.verifySession('garbage')).toBeNull();
  });

  it('refetches the key set for an unknown kid (at most every minRefetchInterval)', async () => {
    await verifier.verifySession(await sign());
    const rotatedIn = keyPair('k3');
    published = { keys: [current.jwk, rotatedIn.jwk] };
    const [fromRotated, fromUnknown] = [await sign({ key: rotatedIn }), await sign({ key: other })];
    await new Promise((r) => setTimeout(r, 300));
    expect(await verifier.verifySession(fromRotated)).toMatchObject({ tenant: 'acme' });
    expect(fetches).toBe(2);
    // An unknown kid right after a fetch does not trigger another.
    expect(await verifier.verifySession(fromUnknown)).toBeNull();
    expect(fetches).toBe(2);
  });

  it('keeps using cached keys when the auth service is down; without any it throws AuthUnavailableError', async () => {
    await verifier.verifySession(await sign());
    failing = true;
    await new Promise((r) => setTimeout(r, 300));
    expect(await verifier.verifySession(await sign())).toMatchObject({ tenant: 'acme' });
    expect(await verifier.verifySession(await sign({ key: other }))).toBeNull();

    const cold = new SessionTokenVerifier(async () => {
      throw new Error('down');
    });
    await expect(cold.verifySession(await sign())).rejects.toBeInstanceOf(AuthUnavailableError);
  });
});
