// Every HTTP ingestion protocol end to end: sent to the gateway as its shippers send it (the
// OpenTelemetry JS SDK and exporters for OTLP, in their own process; plain HTTP for the rest), then found by search with the
// right app, host, level, timestamp and fields.
import { deflateSync, gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { LogEvent } from '@millrace/log-schema';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type Platform } from './support/platform';

let platform: Platform;
let org: { org: string; ingestKey: string; readKey: string };

async function found(q: string, count: number): Promise<LogEvent[]> {
  return eventually(async () => {
    const reply = await request<{ events: LogEvent[] }>('GET', `${platform.urls.query}/v1/search?q=${encodeURIComponent(q)}&limit=1000&from=-3h`, { key: org.readKey });
    if (reply.status !== 200) throw new Error(`search answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body.events.length >= count ? reply.body.events : undefined;
  }, 30000, 300);
}

function post(path: string, body: string | Buffer, headers: Record<string, string>, key: string | null = org.ingestKey) {
  return request<Record<string, unknown>>('POST', `${platform.urls.ingest}${path}`, { body, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
}

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('proto'));
});
afterAll(() => platform?.shutdown());

// A fixed time an hour ago (older than 400 days would be replaced by the arrival time).
const ts = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const iso = new Date(ts).toISOString();

describe('HTTP ingestion protocols, end to end', () => {
  it('Mezmo /logs/ingest (gzip) and /logs/agent', async () => {
    const m = `mezmo${Date.now()}`;
    const body = gzipSync(JSON.stringify({ lines: [{ line: `${m} from the api`, app: 'api', level: 'WARNING', timestamp: ts, meta: { user: 'u1' } }] }));
    const r = await post('/logs/ingest?hostname=web-1&tags=a,b', body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(r.status).toBe(200);
    const agent = await request('POST', `${platform.urls.ingest}/logs/agent?hostname=web-2`, { body: { lines: [{ line: `${m} from the agent`, app: 'agent' }] }, headers: { authorization: `Basic ${Buffer.from(`${org.ingestKey}:`).toString('base64')}` } });
    expect(agent.status).toBe(200);
    const events = await found(m, 2);
    const api = events.find((e) => e.app === 'api')!;
    expect(api).toMatchObject({ message: `${m} from the api`, host: 'web-1', level: 'warn', ts, tags: ['a', 'b'], source: 'http-json' });
    expect(api.fields).toMatchObject({ user: 'u1' });
    expect(events.find((e) => e.app === 'agent')).toMatchObject({ host: 'web-2' });
  });

  it('NDJSON and plain text on /v1/ingest (deflate), with app, host, level and tags from the query', async () => {
    const m = `ndjson${Date.now()}`;
    const ndjson = [
      JSON.stringify({ message: `${m} json one`, level: 'error', timestamp: iso, order: 7 }),
      JSON.stringify({ message: `${m} json two`, app: 'override' }),
    ].join('\n');
    expect((await post('/v1/ingest?app=shop&host=db-1&level=info&tags=t1', deflateSync(ndjson), { 'content-type': 'application/x-ndjson', 'content-encoding': 'deflate' })).status).toBe(200);
    expect((await post('/v1/ingest?app=cron&host=db-2&level=debug', `${m} text line\n`, { 'content-type': 'text/plain' })).status).toBe(200);
    const events = await found(m, 3);
    const one = events.find((e) => e.message === `${m} json one`)!;
    expect(one).toMatchObject({ app: 'shop', host: 'db-1', level: 'error', ts, tags: ['t1'], source: 'http-ndjson' });
    expect(one.fields).toMatchObject({ order: 7 });
    expect(events.find((e) => e.message === `${m} json two`)).toMatchObject({ app: 'override', level: 'info' });
    expect(events.find((e) => e.message === `${m} text line`)).toMatchObject({ app: 'cron', host: 'db-2', level: 'debug', source: 'http-text' });
  });

  it('Heroku Logplex drains, the key as the URL password', async () => {
    const m = `logplex${Date.now()}`;
    const frame = (msg: string, app: string, dyno: string, pri = 190) => {
      const text = `<${pri}>1 ${iso} host ${app} ${dyno} - ${msg}`;
      return `${Buffer.byteLength(text)} ${text}`;
    };
    const body = frame(`${m} at=info method=GET path="/" status=200`, 'heroku', 'router') + frame(`${m} app output`, 'app', 'web.1', 187);
    const url = new URL(`${platform.urls.ingest}/logplex`);
    const r = await request('POST', url.toString(), { body, headers: { authorization: `Basic ${Buffer.from(`token:${org.ingestKey}`).toString('base64')}`, 'content-type': 'application/logplex-1', 'logplex-msg-count': '2', 'logplex-frame-id': `f-${m}`, 'logplex-drain-token': 'd.12345' } });
    expect(r.status).toBe(200);
    const events = await found(m, 2);
    expect(events.find((e) => e.app === 'heroku')).toMatchObject({ host: 'd.12345', level: 'info', ts, source: 'logplex' });
    expect(events.find((e) => e.app === 'app')).toMatchObject({ level: 'error' });
    expect(events.find((e) => e.app === 'app')!.fields).toMatchObject({ dyno: 'web.1' });
  });

  it('Elasticsearch _bulk, with per-item results and the probes shippers make first', async () => {
    const m = `bulk${Date.now()}`;
    const headers = { authorization: `ApiKey ${Buffer.from(`id:${org.ingestKey}`).toString('base64')}` };
    const root = await request<{ version: { number: string } }>('GET', `${platform.urls.ingest}/`, { headers });
    expect(root.status).toBe(200);
    expect(root.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(root.body.version.number).toMatch(/^8\./);
    expect((await request('GET', `${platform.urls.ingest}/_license`, { headers })).status).toBe(200);
    expect((await request('PUT', `${platform.urls.ingest}/_index_template/filebeat-8`, { headers, body: {} })).status).toBe(200);
    const body = [
      JSON.stringify({ create: { _index: 'filebeat-8.11.0-2024.05.01' } }),
      JSON.stringify({ '@timestamp': iso, message: `${m} from filebeat`, host: { name: 'fb-host' }, log: { level: 'error' }, service: { name: 'ledger' }, http: { status: 503 } }),
      JSON.stringify({ delete: { _index: 'x', _id: '1' } }),
    ].join('\n') + '\n';
    const r = await request<{ errors: boolean; items: Record<string, { status: number }>[] }>('POST', `${platform.urls.ingest}/_bulk`, { body, headers: { ...headers, 'content-type': 'application/x-ndjson' } });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i) => Object.values(i)[0].status)).toEqual([201, 400]);
    const [event] = await found(m, 1);
    expect(event).toMatchObject({ app: 'ledger', host: 'fb-host', level: 'error', ts, source: 'es-bulk' });
    expect(event.fields).toMatchObject({ http: { status: 503 } });
  });

  it.each(['json', 'protobuf'])('OTLP/HTTP from the OpenTelemetry JS SDK and its log exporter (%s)', async (encoding) => {
    const m = `otlp${encoding}${Date.now()}`;
    const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'otel-export.mjs'), encoding, `${platform.urls.ingest}/v1/logs`, org.ingestKey, `${m} paid`, String(ts)], { encoding: 'utf8', timeout: 30000 });
    // ExportResultCode.SUCCESS (0): the exporter read the gateway's answer as a success.
    expect(JSON.parse(out.trim())).toEqual([{ code: 0 }]);
    const [event] = await found(m, 1);
    expect(event).toMatchObject({ message: `${m} paid`, app: 'checkout', host: 'otel-host', level: 'error', ts, source: 'otlp' });
    // Dotted attribute names are stored as paths, as the parser's own nested fields are.
    expect(event.fields).toMatchObject({ order: { id: 'o-9' }, amount: 12.5, scope: { name: 'e2e-scope' }, resource: { deployment: { environment: 'e2e' } } });
  });

  it('Loki push (JSON)', async () => {
    const m = `loki${Date.now()}`;
    const body = JSON.stringify({ streams: [{ stream: { app: 'gateway', host: 'loki-host', level: 'warn', env: 'prod' }, values: [[`${BigInt(ts) * 1_000_000n}`, `${m} pushed`]] }] });
    const r = await post('/loki/api/v1/push', gzipSync(body), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(r.status).toBe(204);
    const [event] = await found(m, 1);
    expect(event).toMatchObject({ app: 'gateway', host: 'loki-host', level: 'warn', ts, source: 'loki' });
    expect(event.fields).toMatchObject({ labels: { env: 'prod' } });
  });

  it('Splunk HEC events and raw', async () => {
    const m = `hec${Date.now()}`;
    const headers = { authorization: `Splunk ${org.ingestKey}` };
    const events = `{"time":${ts / 1000},"host":"hec-host","source":"billing","event":{"message":"${m} event","level":"error"},"fields":{"region":"eu"}}{"event":"${m} second"}`;
    const r = await request<{ code: number }>('POST', `${platform.urls.ingest}/services/collector/event`, { body: events, headers });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ text: 'Success', code: 0 });
    const raw = await request<{ code: number }>('POST', `${platform.urls.ingest}/services/collector/raw?host=raw-host&sourcetype=nginx`, { body: `${m} raw line\n`, headers });
    expect(raw.body.code).toBe(0);
    const found3 = await found(m, 3);
    const first = found3.find((e) => e.host === 'hec-host' && e.app === 'billing')!;
    expect(first).toMatchObject({ level: 'error', ts, source: 'splunk-hec' });
    expect(first.fields).toMatchObject({ region: 'eu' });
    expect(found3.find((e) => e.message === `${m} raw line`)).toMatchObject({ host: 'raw-host', app: 'nginx' });
  });

  it('GELF over HTTP, the key in the query', async () => {
    const m = `gelf${Date.now()}`;
    const r = await post(`/gelf?token=${org.ingestKey}`, JSON.stringify({ version: '1.1', host: 'gelf-http', short_message: `${m} gelf`, timestamp: ts / 1000, level: 4, _app: 'worker', _job_id: 'j1' }), { 'content-type': 'application/json' }, null);
    expect(r.status).toBe(202);
    const [event] = await found(m, 1);
    expect(event).toMatchObject({ app: 'worker', host: 'gelf-http', level: 'warn', ts, source: 'gelf' });
    expect(event.fields).toMatchObject({ job_id: 'j1' });
  });

  it('LogScale structured and unstructured', async () => {
    const m = `humio${Date.now()}`;
    const structured = JSON.stringify([{ tags: { host: 'hs-host' }, events: [{ timestamp: iso, attributes: { app: 'search', level: 'debug', took: 12 }, rawstring: `${m} structured` }] }]);
    expect((await post('/api/v1/ingest/humio-structured', structured, { 'content-type': 'application/json' })).status).toBe(200);
    const unstructured = JSON.stringify([{ fields: { host: 'hu-host', app: 'legacy' }, messages: [`${m} unstructured`] }]);
    expect((await post('/api/v1/ingest/humio-unstructured', unstructured, { 'content-type': 'application/json' })).status).toBe(200);
    const events = await found(m, 2);
    expect(events.find((e) => e.host === 'hs-host')).toMatchObject({ app: 'search', level: 'debug', ts, source: 'logscale' });
    expect(events.find((e) => e.host === 'hu-host')).toMatchObject({ app: 'legacy', message: `${m} unstructured` });
  });
});
