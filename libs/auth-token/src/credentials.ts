/** The request surface credential extraction needs (Fastify's request satisfies it). */
export interface CredentialSource {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
}

export type Credential = { type: 'key'; secret: string } | { type: 'bearer'; token: string };

export interface ExtractOptions {
  /** Logplex-style drains can only carry the key in the URL (`?token=`); allowed per route. */
  allowQueryToken?: boolean;
}

function header(source: CredentialSource, name: string): string | undefined {
  const value = source.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Find the credential the ways shippers send it: `Authorization: Bearer|Splunk|ApiKey`, Basic auth
 * with the key as user name (Mezmo) or as password (drain URLs `https://token:KEY@host`), an
 * `apikey` / `x-api-key` header, or, where a route allows it, `?token=` in the URL.
 * A bearer value that is not a key is returned as a session token.
 */
export function extractCredential(source: CredentialSource, options: ExtractOptions = {}): Credential | undefined {
  const authorization = header(source, 'authorization');
  if (authorization) {
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const pass = colon < 0 ? '' : decoded.slice(colon + 1);
      const secret = user.startsWith('mlr_') ? user : pass || user;
      if (secret) return { type: 'key', secret };
    } else if (scheme === 'bearer' || scheme === 'splunk' || scheme === 'apikey') {
      if (value.startsWith('mlr_')) return { type: 'key', secret: value };
      if (scheme === 'bearer' && value) return { type: 'bearer', token: value };
      // Elasticsearch clients send ApiKey base64(id:key).
      if (scheme === 'apikey') {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const key = decoded.slice(decoded.indexOf(':') + 1);
        if (key.startsWith('mlr_')) return { type: 'key', secret: key };
      }
    }
  }
  const apiKey = header(source, 'apikey') ?? header(source, 'x-api-key');
  if (apiKey) return { type: 'key', secret: apiKey.trim() };
  if (options.allowQueryToken && source.query && typeof source.query === 'object') {
    const token = (source.query as Record<string, unknown>).token;
    if (typeof token === 'string' && token) return { type: 'key', secret: token };
  }
  return undefined;
}
