// The outbound-address policy against the real services: targets are checked when saved (a 400
// naming the problem) and again by the service that connects, on the resolved address. With
// private targets refused, a drain pointed at any form of a loopback address delivers nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK_HOST_FORMS } from '@millrace/outbound-policy';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';

let platform: Platform;
let org: OrgKeys;
let receiver: http.Server;
let port: number;
let arrived = 0;

const REFUSED = /may only reach public|only exists inside a network/;
const METADATA = ['169.254.169.254', '[::ffff:169.254.169.254]', '[0:0:0:0:0:ffff:a9fe:a9fe]', '[::169.254.169.254]', '[64:ff9b::a9fe:a9fe]', 'metadata.google.internal.', '2852039166'];

const saveDrain = (url: string) => request<{ error?: { message: string }; id?: string }>('POST', `${platform.urls.query}/v1/drains`, { key: org.adminKey, body: { name: `d ${url} ${Math.random()}`, url, enabled: false } });
const saveAlert = (url: string) => request<{ error?: { message: string } }>('POST', `${platform.urls.query}/v1/alerts`, {
  key: org.adminKey, body: { name: `a ${url} ${Math.random()}`, kind: 'presence', query: 'never-matches-anything', windowSeconds: 60, enabled: false, channels: [{ type: 'webhook', url }] },
});
const saveArchive = (endpoint: string) => request<{ error?: { message: string } }>('PUT', `${platform.urls.query}/v1/archives`, {
  key: org.adminKey, body: { enabled: false, destination: { type: 's3', endpoint, bucket: 'logs-bucket', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'not-a-real-secret' } },
});

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    arrived++;
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('outbound'));
});

afterAll(async () => {
  await platform?.shutdown();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('outbound targets when saved', () => {
  it('refuses cloud metadata addresses in every form for drains, alert channels and archive endpoints, even where private targets are allowed', async () => {
    for (const host of METADATA) {
      for (const [what, reply] of [['drain', await saveDrain(`http://${host}/latest/meta-data/`)], ['alert', await saveAlert(`http://${host}/`)], ['archive', await saveArchive(`http://${host}`)]] as const) {
        expect([what, host, reply.status]).toEqual([what, host, 400]);
        expect([what, host, JSON.stringify(reply.body)]).toEqual([what, host, expect.stringMatching(/never reachable/)]);
      }
    }
  });

  it('with private targets refused (the services\' own default), refuses every form of a loopback address with a 400 naming it', async () => {
    await platform.stop('query-api');
    await platform.start('query-api', { DRAINS_ALLOW_PRIVATE_TARGETS: 'false', CHANNEL_ALLOW_PRIVATE_NETWORKS: 'false', ARCHIVE_ALLOW_PRIVATE_ENDPOINTS: 'false' });
    try {
      for (const { host } of LOOPBACK_HOST_FORMS) {
        const drain = await saveDrain(`http://${host}:${port}/in`);
        const syslog = await saveDrain(`syslog+tls://${host}:6514`);
        const alert = await saveAlert(`http://${host}:${port}/hook`);
        const archive = await saveArchive(`http://${host}:${port}`);
        for (const [what, reply, field] of [['drain', drain, 'url'], ['syslog drain', syslog, 'url'], ['alert', alert, 'channels[0].url'], ['archive', archive, 'destination.endpoint']] as const) {
          expect([what, host, reply.status]).toEqual([what, host, 400]);
          expect([what, host, reply.body.error?.message]).toEqual([what, host, expect.stringMatching(REFUSED)]);
          expect([what, host, reply.body.error?.message]).toEqual([what, host, expect.stringContaining(field)]);
        }
      }
      expect((await saveDrain('https://logs.example.com/in')).status).toBe(201);
    } finally {
      await platform.stop('query-api');
      await platform.start('query-api');
    }
  });
});

describe('outbound connections', () => {
  it('a drain saved where private targets were allowed delivers nothing through any mapped form once the router refuses them', async () => {
    await platform.stop('broker-router');
    await platform.start('broker-router', { DRAINS_ALLOW_PRIVATE_TARGETS: 'false', DRAIN_TIMEOUT_MS: '1000', DRAIN_BACKOFF_MAX_MS: '500', DRAIN_MAX_ATTEMPTS: '2' });
    try {
      const forms = LOOPBACK_HOST_FORMS.filter((f) => f.reaches).map((f) => f.host);
      const ids: string[] = [];
      for (const host of forms) {
        const reply = await request<{ id: string }>('POST', `${platform.urls.query}/v1/drains`, { key: org.adminKey, body: { name: `mapped ${host}`, url: `http://${host}:${port}/in` } });
        expect([host, reply.status]).toEqual([host, 201]);
        ids.push(reply.body.id);
      }
      await new Promise((r) => setTimeout(r, 1500));
      const ingested = await request('POST', `${platform.urls.ingest}/logs/ingest`, { key: org.ingestKey, body: { lines: [{ line: 'to every drain', app: 'outbound' }] } });
      expect(ingested.status).toBe(200);
      for (const [i, id] of ids.entries()) {
        const status = await eventually(async () => {
          const d = await request<{ status: { lastError: string | null; delivered: number } | null }>('GET', `${platform.urls.query}/v1/drains/${id}`, { key: org.readKey });
          return d.body.status?.lastError ? d.body.status : undefined;
        }, 20_000);
        expect([forms[i], status.delivered, status.lastError]).toEqual([forms[i], 0, expect.stringMatching(REFUSED)]);
      }
      expect(arrived).toBe(0);
    } finally {
      await platform.stop('broker-router');
      await platform.start('broker-router');
    }
  });
});
