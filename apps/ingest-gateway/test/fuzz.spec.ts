/**
 * The HTTP layer under random requests (the decoders' own fuzzing covers their parsing): random
 * routes, bodies, content types and encodings, headers and credentials through `app.inject`
 * against the real NATS. Never a 5xx; a 2xx only when what the broker stored is well-formed
 * (schema-valid batches of the caller's tenant, lines within the limits) and as many lines as
 * the answer says.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { LIMITS, rawBatchSchema } from '@millrace/log-schema';
import { closeGateway, createGateway, KEYS, tenants, type GatewayHarness } from './app';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const run = `fz${Date.now().toString(36)}`;
const principals = tenants(run);
let gw: GatewayHarness;

beforeAll(async () => {
  gw = await createGateway(principals);
});
afterAll(() => closeGateway(gw));

const ROUTES = [
  '/logs/ingest', '/logs/agent', '/v1/ingest?app=a&host=h&level=warn&tags=x,y', '/logplex', '/_bulk', '/some-index/_bulk', '/v1/logs',
  '/loki/api/v1/push', '/services/collector', '/services/collector/event', '/services/collector/raw?source=s', '/gelf',
  '/api/v1/ingest/humio-structured', '/api/v1/ingest/humio-unstructured',
];
const CONTENT_TYPES = [undefined, 'application/json', 'application/x-ndjson', 'text/plain; charset=utf-8', 'application/x-protobuf', 'application/logplex-1', 'application/octet-stream'];
const ENCODINGS = [undefined, 'gzip', 'deflate', 'br', 'identity', 'zstd', 'gzip, deflate'];

const jsonLine = fc.oneof(
  fc.record({ line: fc.oneof(fc.string(), fc.fullUnicodeString()), app: fc.option(fc.string()), level: fc.option(fc.string()), meta: fc.option(fc.jsonValue()) }),
  fc.jsonValue(),
);

const body = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
  fc.fullUnicodeString({ maxLength: 2000 }).map((s) => Buffer.from(s)),
  fc.array(jsonLine, { maxLength: 30 }).map((lines) => Buffer.from(JSON.stringify({ lines }))),
  fc.array(fc.jsonValue(), { maxLength: 30 }).map((values) => Buffer.from(values.map((v) => JSON.stringify(v)).join('\n'))),
  fc.array(fc.tuple(fc.jsonValue(), fc.jsonValue()), { maxLength: 10 }).map((pairs) => Buffer.from(pairs.map(([a, b]) => `{"index":${JSON.stringify(a)}}\n${JSON.stringify(b)}`).join('\n'))),
  fc.array(fc.string({ maxLength: 80 }), { maxLength: 10 }).map((msgs) => Buffer.from(msgs.map((m) => `${Buffer.byteLength(m) + 46} <14>1 2024-01-01T00:00:00Z h app web.1 - ${m}`).join('\n'))),
  fc.array(fc.record({ event: fc.jsonValue(), time: fc.option(fc.double()), host: fc.option(fc.string()) }), { maxLength: 10 }).map((events) => Buffer.from(events.map((e) => JSON.stringify(e)).join(''))),
);

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  body,
  contentType: fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.string({ maxLength: 40 })),
  encoding: fc.oneof(fc.constantFrom(...ENCODINGS), fc.string({ maxLength: 20 })),
  compress: fc.boolean(),
  idempotencyKey: fc.option(fc.string({ maxLength: 300 })),
  extraHeaders: fc.dictionary(fc.constantFrom('logplex-msg-count', 'logplex-frame-id', 'x-request-id', 'accept', 'content-length-fake'), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
});

function encode(data: Buffer, encoding: string | undefined, compress: boolean): Buffer {
  if (!compress) return data;
  if (encoding === 'gzip') return gzipSync(data);
  if (encoding === 'deflate') return deflateSync(data);
  if (encoding === 'br') return brotliCompressSync(data);
  return data;
}

const HEADER_SAFE = /^[\t\x20-\x7e]*$/;

describe('the HTTP layer under random requests', () => {
  it('never answers 5xx, and a 2xx stores only well-formed batches of the caller, as many lines as it says', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { authorization: `Bearer ${KEYS.ingest}` };
        if (r.contentType !== undefined && HEADER_SAFE.test(r.contentType)) headers['content-type'] = r.contentType;
        if (r.encoding !== undefined && HEADER_SAFE.test(r.encoding)) headers['content-encoding'] = r.encoding;
        if (r.idempotencyKey !== null && HEADER_SAFE.test(r.idempotencyKey)) headers['idempotency-key'] = `${run}-${r.idempotencyKey}-${Math.random()}`;
        for (const [name, value] of Object.entries(r.extraHeaders)) if (HEADER_SAFE.test(value)) headers[name] = value;
        const before = gw.published.length;
        const res = await gw.app.inject({ method: 'POST', url: r.route, headers, payload: encode(r.body, headers['content-encoding'], r.compress) });
        expect(res.statusCode).toBeLessThan(500);
        const stored = gw.published.slice(before);
        if (res.statusCode >= 300) {
          expect(stored).toHaveLength(0);
          return;
        }
        for (const batch of stored) {
          expect(rawBatchSchema.safeParse(batch).success).toBe(true);
          expect(batch.tenant).toBe(principals[KEYS.ingest].tenant);
          for (const line of batch.lines) expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
        }
        const lines = stored.reduce((n, b) => n + b.lines.length, 0);
        const answer = res.body.startsWith('{') ? (JSON.parse(res.body) as { lines?: number; items?: { [k: string]: { status: number } }[] }) : {};
        if (typeof answer.lines === 'number') expect(lines).toBe(answer.lines);
        if (Array.isArray(answer.items)) expect(lines).toBe(answer.items.filter((i) => Object.values(i)[0].status === 201).length);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers 401/403 for any credential that is not a valid ingestion key, never 5xx, storing nothing', async () => {
    const credential = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
      fc.string({ maxLength: 60 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
      fc.string({ maxLength: 60 }).map((s) => `Splunk mlr_${s}`),
      fc.string({ maxLength: 60 }).map((s) => `ApiKey ${Buffer.from(`id:${s}`).toString('base64')}`),
      fc.constant(`Bearer ${KEYS.read}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), credential, async (route, value) => {
        if (!HEADER_SAFE.test(value)) return;
        const before = gw.published.length;
        const res = await gw.app.inject({ method: 'POST', url: route, headers: { authorization: value, 'content-type': 'application/json' }, payload: '{"lines":[{"line":"x"}]}' });
        expect([401, 403]).toContain(res.statusCode);
        expect(gw.published.length).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });
});
