import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthClient, createQueryApiClient, MillraceApiError, unwrap } from './client';

/** A real HTTP server on loopback that answers what the test says and records what it got. */
function serve(answer: (url: string, headers: Record<string, string | string[] | undefined>) => { status: number; body: unknown; headers?: Record<string, string> }) {
  const server: Server = createServer((req, res) => {
    const a = answer(req.url ?? '', req.headers);
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(JSON.stringify(a.body));
  });
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise((done) => server.close(() => done())),
    }));
  });
}

describe('api client', () => {
  it('sends the token and the typed query, and returns the data', async () => {
    let seen: { url: string; auth: unknown } | undefined;
    const server = await serve((url, headers) => {
      seen = { url, auth: headers.authorization };
      return { status: 200, body: { events: [], took: 3 } };
    });
    try {
      const client = createQueryApiClient({ baseUrl: server.url, token: () => 'mlr_sk_test' });
      const page = await unwrap(client.GET('/v1/search', { params: { query: { q: 'level:error', limit: 5, order: 'asc' } } }));
      expect(page.took).toBe(3);
      expect(seen?.auth).toBe('Bearer mlr_sk_test');
      expect(seen?.url).toBe('/v1/search?q=level%3Aerror&limit=5&order=asc');
    } finally {
      await server.close();
    }
  });

  it('turns the error body into a MillraceApiError with every invalid field and Retry-After', async () => {
    const body = {
      error: {
        status: 400, code: 'validation_failed', message: 'invalid request: name is required', requestId: 'r-1',
        details: [{ path: 'name', location: 'body', message: 'is required' }],
      },
    };
    const server = await serve(() => ({ status: 400, body, headers: { 'retry-after': '7' } }));
    try {
      const client = createAuthClient({ baseUrl: server.url, token: 'token' });
      const error = await unwrap(client.POST('/v1/keys', { body: { name: '', kind: 'ingest' } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MillraceApiError);
      const e = error as MillraceApiError;
      expect([e.status, e.code, e.requestId, e.retryAfterSeconds]).toEqual([400, 'validation_failed', 'r-1', 7]);
      expect(e.fields).toEqual([{ path: 'name', location: 'body', message: 'is required' }]);
    } finally {
      await server.close();
    }
  });

  it('gives a MillraceApiError even when the body is not the error shape', async () => {
    const server = await serve(() => ({ status: 502, body: 'bad gateway' }));
    try {
      const error = (await unwrap(createAuthClient({ baseUrl: server.url }).GET('/v1/me')).catch((e: unknown) => e)) as MillraceApiError;
      expect([error.name, error.status, error.code]).toEqual(['MillraceApiError', 502, 'http_502']);
    } finally {
      await server.close();
    }
  });
});
