import { needsRefresh, sessionFromTokens, tokenExpiry, type AuthTokens } from './session';

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('session helpers', () => {
  const tokens: AuthTokens = {
    accessToken: jwt({ exp: 1_000_900 }), expiresIn: 900, refreshToken: 'mlr_rt_x', refreshExpiresAt: '2030-01-01T00:00:00.000Z',
    org: 'acme', role: 'viewer', user: { id: 'u1', email: 'a@b.example' },
  };

  it('takes the expiry from the token', () => {
    expect(tokenExpiry(tokens.accessToken, 5)).toBe(1_000_900_000);
    expect(tokenExpiry('garbage', 5)).toBe(5);
  });

  it('refreshes within the margin, capped at a third of the lifetime', () => {
    const session = sessionFromTokens(tokens, 'csrf', 1_000_000_000);
    expect(needsRefresh(session, 60, 1_000_800_000)).toBe(false);
    expect(needsRefresh(session, 60, 1_000_840_000)).toBe(true);
    const short = { ...session, atTtl: 9, atExp: 1_000_009_000 };
    expect(needsRefresh(short, 60, 1_000_005_000)).toBe(false);
    expect(needsRefresh(short, 60, 1_000_006_500)).toBe(true);
  });
});
