import { extractCredential } from './credentials';
import { generateKey } from './keys';

describe('extractCredential', () => {
  const key = generateKey('ingest');
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

  it('finds keys in every form shippers use', () => {
    for (const headers of [
      { authorization: `Bearer ${key}` },
      { authorization: `bearer ${key}` },
      { authorization: `Splunk ${key}` },
      { authorization: `ApiKey ${Buffer.from(`id:${key}`).toString('base64')}` },
      { authorization: basic(`${key}:`) },
      { authorization: basic(`token:${key}`) },
      { apikey: key },
      { 'x-api-key': ` ${key} ` },
    ]) {
      expect(extractCredential({ headers })).toEqual({ type: 'key', secret: key });
    }
  });

  it('returns a non-key bearer value as a session token', () => {
    expect(extractCredential({ headers: { authorization: 'Bearer eyJhbGciOi.x.y' } })).toEqual({ type: 'bearer', token: 'eyJhbGciOi.x.y' });
  });

  it('reads ?token= only where the route allows it', () => {
    expect(extractCredential({ headers: {}, query: { token: key } })).toBeUndefined();
    expect(extractCredential({ headers: {}, query: { token: key } }, { allowQueryToken: true })).toEqual({ type: 'key', secret: key });
  });

  it('finds nothing without a credential', () => {
    expect(extractCredential({ headers: {} })).toBeUndefined();
    expect(extractCredential({ headers: { authorization: 'Digest abc' } })).toBeUndefined();
  });
});
