import { gzipSync } from 'node:zlib';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { USAGE_SUBJECTS, type QuotaState } from '@millrace/log-schema';
import { testStackEnv } from '@millrace/service-kit';
import { closeGateway, createGateway, KEYS, metric, tenants, type GatewayHarness } from './app';

const run = Date.now().toString(36);
const principals = tenants(run);
const tenantA = principals[KEYS.ingest].tenant;
const tenantB = principals[KEYS.other].tenant;
let gw: GatewayHarness;
let nc: NatsConnection;

const auth = (key = KEYS.ingest) => ({ authorization: `Bearer ${key}` });
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  // Tenant B has a rate limit of 100 lines/s (RATE_LIMIT_BURST_SECONDS 1: a burst of 100).
  gw = await createGateway(principals, {
    env: { RATE_LIMIT_BURST_SECONDS: '1' },
    settings: (tenant) => ({ found: true, tenant, settings: { retentionClass: 'r30', dailyQuotaBytes: 0, ingestRateLimit: tenant === tenantB ? 100 : 0 } }),
  });
  nc = await connect({ servers: testStackEnv().NATS_URL });
});
afterAll(async () => {
  await nc?.close();
  await closeGateway(gw);
});

function mezmo(lines: object[], headers: Record<string, string> = {}, key = KEYS.ingest) {
  return gw.app.inject({ method: 'POST', url: '/logs/ingest?hostname=h1', headers: { ...auth(key), ...json, ...headers }, payload: JSON.stringify({ lines }) });
}

describe('limits, each with a clear answer and counted in /metrics', () => {
  it('413 for a body over MAX_BODY_BYTES, before or after decompression', async () => {
    const before = await metric(gw.app, 'millrace_ingest_refusals_total', { protocol: 'http-json', reason: 'body_too_large' });
    const big = await gw.app.inject({ method: 'POST', url: '/logs/ingest', headers: { ...auth(), ...json }, payload: Buffer.alloc(2 * 1024 * 1024, 0x20) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const inflated = await gw.app.inject({ method: 'POST', url: '/logs/ingest', headers: { ...auth(), ...json, 'content-encoding': 'gzip' }, payload: bomb });
    expect(inflated.statusCode).toBe(413);
    expect(inflated.json().error.message).toMatch(/decompressed body exceeds/);
    expect(await metric(gw.app, 'millrace_ingest_refusals_total', { protocol: 'http-json', reason: 'body_too_large' })).toBe(before + 2);
    expect(gw.published.filter((b) => b.tenant === tenantA)).toHaveLength(0);
  });

  it('413 for more than 50,000 lines in one request, counted as too_many_lines', async () => {
    const body = 'x\n'.repeat(50_001);
    const res = await gw.app.inject({ method: 'POST', url: '/v1/ingest', headers: { ...auth(), 'content-type': 'text/plain' }, payload: body });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toBe('too many lines: 50001 > 50000');
    expect(await metric(gw.app, 'millrace_ingest_refusals_total', { protocol: 'http-text', reason: 'too_many_lines' })).toBe(1);
  });

  it('truncates long lines, drops fields past the limits, replaces invalid UTF-8, and counts each', async () => {
    const meta: Record<string, unknown> = {};
    for (let i = 0; i < 250; i++) meta[`f${i}`] = i;
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 12; i++) deep = { d: deep };
    const truncatedBefore = await metric(gw.app, 'millrace_ingest_truncated_lines_total', { protocol: 'http-json' });
    const res = await mezmo([{ line: 'y'.repeat(40 * 1024), app: 'limits' }, { line: 'many fields', meta }, { line: 'deep', meta: { deep } }]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', lines: 3, truncated: 1 });
    const stored = gw.published.filter((b) => b.tenant === tenantA).flatMap((b) => b.lines);
    expect(Buffer.byteLength(stored[0].line)).toBeLessThanOrEqual(32 * 1024);
    expect(stored[0].line.endsWith('…[truncated]')).toBe(true);
    expect(Object.keys(stored[1].meta ?? {}).length).toBeLessThanOrEqual(200);
    expect(await metric(gw.app, 'millrace_ingest_truncated_lines_total', { protocol: 'http-json' })).toBe(truncatedBefore + 1);
    expect(await metric(gw.app, 'millrace_ingest_altered_total', { protocol: 'http-json', reason: 'fields_dropped' })).toBeGreaterThanOrEqual(50);
    expect(await metric(gw.app, 'millrace_ingest_altered_total', { protocol: 'http-json', reason: 'value_cut' })).toBeGreaterThanOrEqual(1);

    const invalid = Buffer.concat([Buffer.from('bad \xff\xfe bytes\n', 'latin1')]);
    const text = await gw.app.inject({ method: 'POST', url: '/v1/ingest?app=utf8', headers: { ...auth(), 'content-type': 'text/plain' }, payload: invalid });
    expect(text.statusCode).toBe(200);
    const last = gw.published.filter((b) => b.tenant === tenantA).at(-1)!;
    expect(last.lines[0].line).toBe('bad \ufffd\ufffd bytes');
    expect(await metric(gw.app, 'millrace_ingest_altered_total', { protocol: 'http-text', reason: 'invalid_utf8' })).toBe(1);
  });

  it('400 naming the problem when no line of a request can be used, counted as bad_request', async () => {
    const res = await mezmo([{ nope: 1 }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/lines\[0\]: "line" must be a string/);
    expect(await metric(gw.app, 'millrace_ingest_refusals_total', { protocol: 'http-json', reason: 'bad_request' })).toBeGreaterThanOrEqual(1);
  });
});

describe('tenant limits', () => {
  it('answers 429 rate_limited with Retry-After once a tenant is over its ingest rate limit, and other tenants go on', async () => {
    const first = await mezmo(Array.from({ length: 150 }, (_, i) => ({ line: `burst ${i}` })), {}, KEYS.other);
    expect(first.statusCode).toBe(200);
    const second = await mezmo([{ line: 'over the limit' }], {}, KEYS.other);
    expect(second.statusCode).toBe(429);
    expect(second.json().error.code).toBe('rate_limited');
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await mezmo([{ line: 'tenant a is not limited' }])).statusCode).toBe(200);
    // The deficit of 50 lines is paid back at 100 lines/s.
    await new Promise((r) => setTimeout(r, Number(second.headers['retry-after']) * 1000));
    expect((await mezmo([{ line: 'after waiting' }], {}, KEYS.other)).statusCode).toBe(200);
    expect(await metric(gw.app, 'millrace_ingest_refusals_total', { protocol: 'http-json', reason: 'rate_limited' })).toBe(1);
  });

  it('answers 429 quota_exceeded until the reset once the broker-router says the daily quota is used up', async () => {
    const resetAt = Date.now() + 3_600_000;
    const state: QuotaState = { tenant: tenantA, exceeded: true, usedBytes: 2000, limitBytes: 1000, resetAt };
    nc.publish(USAGE_SUBJECTS.quotaState, new TextEncoder().encode(JSON.stringify(state)));
    await nc.flush();
    const refused = await (async () => {
      for (let i = 0; i < 50; i++) {
        const res = await mezmo([{ line: 'over quota' }]);
        if (res.statusCode === 429) return res;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('never refused');
    })();
    expect(refused.json().error.code).toBe('quota_exceeded');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3590);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Splunk HEC clients see the same refusal in their dialect.
    const hec = await gw.app.inject({ method: 'POST', url: '/services/collector/event', headers: { authorization: `Splunk ${KEYS.ingest}` }, payload: '{"event":"x"}' });
    expect(hec.statusCode).toBe(429);
    expect(hec.json()).toMatchObject({ code: 9 });
    nc.publish(USAGE_SUBJECTS.quotaState, new TextEncoder().encode(JSON.stringify({ ...state, exceeded: false, usedBytes: 0 })));
    await nc.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect((await mezmo([{ line: 'a new day' }])).statusCode).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  it('stores a retried request once', async () => {
    const key = `retry-${run}`;
    const lines = Array.from({ length: 2500 }, (_, i) => ({ line: `idem ${i}` }));
    const first = await mezmo(lines, { 'idempotency-key': key });
    expect(first.json()).toMatchObject({ lines: 2500, batches: 3 });
    const count = gw.published.length;
    const again = await mezmo(lines, { 'idempotency-key': key });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ lines: 2500, duplicates: 3 });
    expect(gw.published.length).toBe(count);
  });

  it('uses Logplex-Frame-Id as the idempotency key of a drain', async () => {
    const frame = '83 <40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up\n';
    const post = () => gw.app.inject({ method: 'POST', url: `/logplex?token=${KEYS.ingest}`, headers: { 'content-type': 'application/logplex-1', 'logplex-frame-id': `frame-${run}` }, payload: frame });
    expect((await post()).statusCode).toBe(200);
    const count = gw.published.length;
    expect((await post()).statusCode).toBe(200);
    expect(gw.published.length).toBe(count);
  });
});

describe('protocol answers', () => {
  it('answers every route with 401 without a key and 403 with a read key, in its dialect, storing nothing', async () => {
    const routes = ['/logs/ingest', '/v1/ingest', '/logplex', '/_bulk', '/idx/_bulk', '/v1/logs', '/loki/api/v1/push', '/services/collector/event', '/services/collector/raw', '/gelf', '/api/v1/ingest/humio-structured', '/api/v1/ingest/humio-unstructured'];
    const count = gw.published.length;
    for (const url of routes) {
      const none = await gw.app.inject({ method: 'POST', url, headers: json, payload: '{}' });
      expect([url, none.statusCode]).toEqual([url, 401]);
      const read = await gw.app.inject({ method: 'POST', url, headers: { ...json, ...auth(KEYS.read) }, payload: '{}' });
      expect([url, read.statusCode]).toEqual([url, 403]);
    }
    expect(gw.published.length).toBe(count);
  });

  it('refuses with 415 a content type the route does not take (a JSON body labelled text/xml or protobuf), storing nothing', async () => {
    const mezmoBody = JSON.stringify({ lines: [{ line: 'labelled wrongly', app: 'ct' }] });
    const bodies: Array<[string, string, string[]]> = [
      ['/logs/ingest', mezmoBody, ['text/xml', 'application/x-protobuf', 'text/plain', 'application/x-www-form-urlencoded']],
      ['/logs/agent', mezmoBody, ['text/xml', 'application/x-protobuf']],
      ['/v1/ingest', '{"message":"labelled wrongly"}', ['text/xml', 'application/x-protobuf']],
      ['/logplex', '83 <40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up\n', ['text/xml', 'application/json']],
      ['/_bulk', '{"index":{}}\n{"message":"labelled wrongly"}\n', ['text/xml', 'application/x-protobuf']],
      ['/v1/logs', '{"resourceLogs":[]}', ['text/xml', 'image/png']],
      ['/loki/api/v1/push', '{"streams":[]}', ['text/xml', 'image/png']],
      ['/services/collector/event', '{"event":"labelled wrongly"}', ['text/xml', 'application/x-protobuf']],
      ['/gelf', '{"version":"1.1","host":"h","short_message":"labelled wrongly"}', ['text/xml', 'application/x-protobuf']],
      ['/api/v1/ingest/humio-structured', '[{"events":[{"timestamp":"2024-01-01T00:00:00Z","attributes":{"message":"x"}}]}]', ['text/xml', 'application/x-protobuf']],
    ];
    const count = gw.published.length;
    for (const [url, payload, types] of bodies) {
      for (const type of types) {
        const res = await gw.app.inject({ method: 'POST', url, headers: { ...auth(), 'content-type': type }, payload });
        expect([url, type, res.statusCode]).toEqual([url, type, 415]);
      }
    }
    // The types each route does take still work.
    expect((await gw.app.inject({ method: 'POST', url: '/logs/ingest', headers: { ...auth(), 'content-type': 'application/json; charset=utf-8' }, payload: mezmoBody })).statusCode).toBe(200);
    expect((await gw.app.inject({ method: 'POST', url: '/_bulk', headers: { ...auth(), 'content-type': 'application/vnd.elasticsearch+x-ndjson; compatible-with=8' }, payload: '{"index":{}}\n{"message":"ok"}\n' })).statusCode).toBe(200);
    expect(gw.published.length).toBe(count + 2);
  });

  it('answers _bulk per item, with the product header, and ids that are the events’ ids', async () => {
    const body = '{"index":{"_index":"app-2024.05.01"}}\n{"message":"one","log.level":"warn"}\n{"create":{}}\nnot json\n{"delete":{"_id":"x"}}\n';
    const res = await gw.app.inject({ method: 'POST', url: '/_bulk', headers: { ...auth(), 'content-type': 'application/x-ndjson' }, payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-elastic-product']).toBe('Elasticsearch');
    const answer = res.json();
    expect(answer.errors).toBe(true);
    expect(answer.items.map((i: Record<string, { status: number }>) => Object.values(i)[0].status)).toEqual([201, 400, 400]);
    const batch = gw.published.at(-1)!;
    expect(answer.items[0].index._id).toBe(`${batch.batchId}-0000`);
    expect(batch.lines[0]).toMatchObject({ line: 'one', level: 'warn', app: 'app' });
  });

  it('answers OTLP in the request’s encoding and ES probes as Elasticsearch 8 would', async () => {
    const otlp = await gw.app.inject({ method: 'POST', url: '/v1/logs', headers: { ...auth(), 'content-type': 'application/x-protobuf' }, payload: Buffer.alloc(0) });
    expect(otlp.statusCode).toBe(200);
    expect(otlp.headers['content-type']).toBe('application/x-protobuf');
    const root = await gw.app.inject({ method: 'GET', url: '/', headers: auth() });
    expect(root.json().version.number).toMatch(/^8\./);
    const head = await gw.app.inject({ method: 'HEAD', url: '/_index_template/filebeat-8.11.0', headers: auth() });
    expect(head.statusCode).toBe(200);
    expect((await gw.app.inject({ method: 'GET', url: '/_xpack', headers: auth() })).json().features.ilm.available).toBe(true);
  });

  it('takes the Elasticsearch index API and PUT _bulk, and answers every Elasticsearch route’s errors as Elasticsearch does', async () => {
    const es = { ...auth(), 'content-type': 'application/json' };
    const put = await gw.app.inject({ method: 'PUT', url: '/logs-2024.05.01/_bulk', headers: { ...auth(), 'content-type': 'application/x-ndjson' }, payload: '{"index":{}}\n{"message":"put bulk"}\n' });
    expect(put.statusCode).toBe(200);
    expect(put.json().items[0].index).toMatchObject({ _index: 'logs-2024.05.01', status: 201 });
    expect(gw.published.at(-1)!.lines[0]).toMatchObject({ line: 'put bulk', app: 'logs' });

    const auto = await gw.app.inject({ method: 'POST', url: '/orders/_doc', headers: es, payload: '{"message":"one doc","level":"error"}' });
    expect(auto.statusCode).toBe(201);
    const batch = gw.published.at(-1)!;
    expect(auto.json()).toEqual({ _index: 'orders', _id: `${batch.batchId}-0000`, _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1 });
    expect(auto.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(batch.lines[0]).toMatchObject({ line: 'one doc', level: 'error', app: 'orders' });

    // With an id: a retry of the same PUT is stored once.
    const count = gw.published.length;
    for (const [method, url] of [['PUT', '/orders/_doc/d-1'], ['PUT', '/orders/_doc/d-1'], ['POST', '/orders/_create/d-2'], ['PUT', '/orders/_create/d-3']]) {
      const res = await gw.app.inject({ method: method as 'PUT', url, headers: es, payload: `{"message":"${url}"}` });
      expect([url, res.statusCode, res.json()._id, res.json().result]).toEqual([url, 201, url.split('/').pop(), 'created']);
    }
    expect(gw.published.length).toBe(count + 3);

    const bad = await gw.app.inject({ method: 'POST', url: '/orders/_doc', headers: es, payload: 'not json' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { type: 'mapper_parsing_exception', root_cause: [{ type: 'mapper_parsing_exception' }] }, status: 400 });
    const missing = await gw.app.inject({ method: 'GET', url: '/orders/_doc/d-1', headers: auth() });
    expect([missing.statusCode, missing.json()]).toEqual([404, { _index: 'orders', _id: 'd-1', found: false }]);

    const unknown = await gw.app.inject({ method: 'POST', url: '/orders/_update/d-1', headers: es, payload: '{}' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(unknown.json()).toEqual({ error: { root_cause: [{ type: 'resource_not_found_exception', reason: 'no handler found for uri [/orders/_update/d-1] and method [POST]' }], type: 'resource_not_found_exception', reason: 'no handler found for uri [/orders/_update/d-1] and method [POST]' }, status: 404 });
    for (const url of ['/orders/_doc', '/orders/_create/x', '/_bulk']) {
      const none = await gw.app.inject({ method: 'POST', url, headers: json, payload: '{}' });
      expect([url, none.statusCode, none.json().error.type, none.headers['x-elastic-product']]).toEqual([url, 401, 'security_exception', 'Elasticsearch']);
    }
  });
});
