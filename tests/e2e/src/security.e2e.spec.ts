// Security hardening against the real services: forwarded headers are believed only from
// TRUSTED_PROXIES; slow clients (partial headers, bodies sent byte by byte) are closed within
// seconds and counted while a normal client keeps getting answers; ingest routes refuse content
// types they do not take; keys shippers put into their data are scrubbed before anything is stored.
import http from 'node:http';
import net from 'node:net';
import { gatewayMetric } from './support/org-admin';
import { gatewayPorts } from './support/gateway';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';

let platform: Platform;
let org: OrgKeys;

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('hardening'));
});

afterAll(async () => {
  await platform?.shutdown();
});

/** Failed log-ins, each with its own X-Forwarded-For, for accounts that do not exist (no account lock). */
async function logIns(count: number, forwardedFor: (i: number) => string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await request('POST', `${platform.urls.auth}/v1/sessions`, {
      body: { email: `nobody-${i}-${Math.random()}@example.com`, password: 'not-the-password' },
      headers: { 'x-forwarded-for': forwardedFor(i) },
    });
    statuses.push(reply.status);
  }
  return statuses;
}

describe('trusted proxies', () => {
  it('a client talking to auth directly cannot reset the per-address log-in limit by changing X-Forwarded-For', async () => {
    await platform.stop('auth');
    await platform.start('auth', { LOGIN_ATTEMPTS_PER_MINUTE: '10' });
    const statuses = await logIns(14, (i) => `203.0.113.${i + 1}`);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(4).fill(429));
  });

  it('behind a configured proxy range the forwarded client address is the one limited', async () => {
    await platform.stop('auth');
    await platform.start('auth', { LOGIN_ATTEMPTS_PER_MINUTE: '10', TRUSTED_PROXIES: '127.0.0.1/32' });
    expect(await logIns(14, (i) => `203.0.113.${i + 1}`)).toEqual(Array(14).fill(401));
    const same = await logIns(12, () => '198.51.100.7');
    expect(same.slice(10)).toEqual([429, 429]);
    await platform.stop('auth');
    await platform.start('auth');
  });
});

describe('slow clients', () => {
  it('closes 300 partial-header and 200 byte-by-byte connections within seconds, counts them, and keeps answering a normal client', async () => {
    await platform.stop('ingest-gateway');
    await platform.start('ingest-gateway', { HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '3000', HTTP_MAX_CONNECTIONS_PER_CLIENT: '450' });
    const { hostname, port } = new URL(platform.urls.ingest);
    const before = {
      timeout: await gatewayMetric(platform.urls.ingest, 'millrace_http_connections_closed_total', { reason: 'request_timeout' }),
      limit: await gatewayMetric(platform.urls.ingest, 'millrace_http_connections_closed_total', { reason: 'per_client_limit' }),
    };

    const started = Date.now();
    const closedAfter: number[] = [];
    const timers: NodeJS.Timeout[] = [];
    const sockets: net.Socket[] = [];
    const open = (send: (socket: net.Socket, tick: number) => void, first: string) => {
      const socket = net.connect({ host: hostname, port: Number(port) });
      sockets.push(socket);
      const openedAt = Date.now();
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      socket.on('close', () => closedAfter.push(Date.now() - openedAt));
      socket.on('connect', () => {
        socket.write(first);
        let tick = 0;
        // Bounded: one byte every 250 ms for at most 15 s, as a slow-loris client does.
        const timer = setInterval(() => {
          if (socket.destroyed || ++tick > 60) return clearInterval(timer);
          send(socket, tick);
        }, 250);
        timers.push(timer);
      });
    };
    for (let i = 0; i < 300; i++) open((s, t) => s.write(`X-Slow-${t}: a\r\n`), `POST /logs/ingest HTTP/1.1\r\nHost: ${hostname}\r\n`);
    const headers = `POST /logs/ingest HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${org.ingestKey}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n`;
    for (let i = 0; i < 200; i++) open((s) => s.write('a'), headers);

    // A normal client, from another loopback address, is answered all along.
    const answers: number[] = [];
    const normal = async () => {
      while (closedAfter.length < 500 && Date.now() - started < 20_000) {
        const status = await new Promise<number>((resolve) => {
          const req = http.get({ host: hostname, port: Number(port), path: '/health/live', localAddress: '127.0.0.2', agent: false, timeout: 2000 }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('timeout', () => req.destroy());
          req.on('error', () => resolve(0));
        });
        answers.push(status);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await normal();
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();

    expect(closedAfter.length).toBe(500);
    expect(Math.max(...closedAfter)).toBeLessThan(8000);
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.every((s) => s === 200)).toBe(true);
    const after = {
      timeout: await gatewayMetric(platform.urls.ingest, 'millrace_http_connections_closed_total', { reason: 'request_timeout' }),
      limit: await gatewayMetric(platform.urls.ingest, 'millrace_http_connections_closed_total', { reason: 'per_client_limit' }),
    };
    // 450 were let in and timed out; the 50 beyond the per-client limit were closed at once.
    expect(after.limit - before.limit).toBe(50);
    expect(after.timeout - before.timeout).toBe(450);
    await platform.stop('ingest-gateway');
    await platform.start('ingest-gateway');
  });
});

describe('content types', () => {
  it('a JSON body labelled text/xml or application/x-protobuf is refused with 415 and not stored', async () => {
    const marker = `ct${Date.now()}`;
    for (const type of ['text/xml', 'application/x-protobuf']) {
      const reply = await request<{ error: { status: number; message: string } }>('POST', `${platform.urls.ingest}/logs/ingest`, {
        key: org.ingestKey, body: JSON.stringify({ lines: [{ line: `${marker} ${type}`, app: 'ct' }] }), headers: { 'content-type': type },
      });
      expect([type, reply.status, reply.body.error.message]).toEqual([type, 415, expect.stringMatching(/unsupported content type/)]);
    }
    expect((await request('POST', `${platform.urls.ingest}/logs/ingest`, { key: org.ingestKey, body: { lines: [{ line: `${marker} json`, app: 'ct' }] } })).status).toBe(200);
    const events = await eventually(async () => {
      const found = await request<{ events: Array<{ line: string }> }>('GET', `${platform.urls.query}/v1/search?q=${marker}&from=-1h`, { key: org.readKey });
      return found.body.events?.length ? found.body.events : undefined;
    }, 30_000);
    expect(events.map((e) => e.line)).toEqual([`${marker} json`]);
  });
});

describe('keys in shipped data', () => {
  it('scrubs ingestion keys from messages and fields on every protocol before anything is stored, and counts them', async () => {
    const marker = `scrub${Date.now()}`;
    const key = org.ingestKey;
    const before = await gatewayMetric(platform.urls.ingest, 'millrace_ingest_keys_scrubbed_total', { protocol: 'es-bulk' });
    // Elasticsearch _bulk with syslog structured data inside the document.
    const bulk = `{"index":{}}\n${JSON.stringify({ message: `${marker} bulk`, syslog: { structured_data: { 'millrace@53595': { key } } } })}\n`;
    expect((await request('POST', `${platform.urls.ingest}/_bulk`, { key, body: bulk, headers: { 'content-type': 'application/x-ndjson' } })).status).toBe(200);
    // Mezmo JSON with the key in the line and in meta.
    expect((await request('POST', `${platform.urls.ingest}/logs/ingest`, { key, body: { lines: [{ line: `${marker} mezmo token=${key}`, app: 'scrub', meta: { auth: { header: `Bearer ${key}` } } }] } })).status).toBe(200);
    // Syslog over TCP: the key authenticates in structured data, and a second copy sits in the message.
    const frame = `<13>1 ${new Date().toISOString()} host scrub - - [millrace@53595 key="${key}"] ${marker} syslog copied ${key}`;
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: gatewayPorts().syslogTcp }, () => socket.end(`${Buffer.byteLength(frame)} ${frame}`));
      socket.on('close', () => resolve()).on('error', reject);
    });
    const events = await eventually(async () => {
      const found = await request<{ events: unknown[] }>('GET', `${platform.urls.query}/v1/search?q=${marker}&from=-1h`, { key: org.readKey });
      return found.body.events?.length === 3 ? found.body.events : undefined;
    }, 30_000);
    const stored = JSON.stringify(events);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(7));
    expect(stored).toContain('mlr_ik_[redacted]');
    expect(await gatewayMetric(platform.urls.ingest, 'millrace_ingest_keys_scrubbed_total', { protocol: 'es-bulk' })).toBe(before + 1);
    expect(await gatewayMetric(platform.urls.ingest, 'millrace_ingest_keys_scrubbed_total', { protocol: 'http-json' })).toBeGreaterThanOrEqual(2);
    expect(await gatewayMetric(platform.urls.ingest, 'millrace_ingest_keys_scrubbed_total', { protocol: 'syslog' })).toBeGreaterThanOrEqual(1);
  });
});
