// The OpenAPI documents against the running services (issues 14 and 18): what they serve is the
// document in the repository; for every operation, requests generated from the schemas are
// refused when the schema refuses them and not refused as invalid when it accepts them (both
// directions); hostile values in every parameter never cause a 5xx; and 2xx JSON answers match
// their documented schemas.
import Ajv, { type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { ownerSession } from './support/org-admin';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';
import {
  HOSTILE_VALUES, invalidQueryValue, invalidValue, loadDocument, operationsOf, resolver, validValue,
  type ApiDocument, type Operation,
} from './support/openapi-cases';

const SERVICES = ['query-api', 'auth'] as const;
const RUNS = Number(process.env.OPENAPI_CASES_RUNS ?? 6);

let platform: Platform;
let org: OrgKeys;
let session: string;
const docs = Object.fromEntries(SERVICES.map((s) => [s, loadDocument(s)])) as Record<(typeof SERVICES)[number], ApiDocument>;
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
for (const s of SERVICES) ajv.addSchema(docs[s], s);

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('oas'));
  session = await ownerSession(platform.urls.auth, org.org);
}, 180_000);
afterAll(() => platform?.shutdown());

function baseUrl(op: Operation): string {
  return op.service === 'auth' ? platform.urls.auth : platform.urls.query;
}

/** The credential an operation wants: the owner's session where only sessions will do, else the admin service key. */
function credential(op: Operation): string | undefined {
  if (op.security.length === 0) return undefined;
  const schemes = op.security.flatMap((r) => Object.keys(r));
  return schemes.includes('apiKey') && !op.allowedRoles ? org.adminKey : session;
}

interface Sent { status: number; body: unknown; contentType: string }

/** Send one request; streams (tail, export) are cut as soon as the status is known. */
async function send(op: Operation, pathParams: Record<string, unknown>, query: Record<string, unknown>, body?: { value: unknown } | { raw: string }): Promise<Sent> {
  let url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(pathParams[name] ?? 'x')));
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) qs.append(k, typeof one === 'string' ? one : JSON.stringify(one));
  }
  if ([...qs.keys()].length) url += `?${qs}`;
  const headers: Record<string, string> = {};
  const key = credential(op);
  if (key) headers.authorization = `Bearer ${key}`;
  let payload: string | undefined;
  if (body) {
    payload = 'raw' in body ? body.raw : JSON.stringify(body.value);
    headers['content-type'] = 'application/json';
  }
  const abort = new AbortController();
  const res = await fetch(`${baseUrl(op)}${url}`, { method: op.method, headers, body: payload, signal: abort.signal });
  const contentType = res.headers.get('content-type') ?? '';
  if (/event-stream|ndjson|csv/.test(contentType)) {
    abort.abort();
    return { status: res.status, body: undefined, contentType };
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, contentType };
}

/**
 * Generated configuration must never make a service contact anything but loopback: archives get
 * a loopback endpoint, alerts and drains are saved disabled (so nothing fires or connects).
 */
function confined(op: Operation, body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const b = { ...(body as Record<string, unknown>) };
  if (op.path.startsWith('/v1/archives') && b.destination && typeof b.destination === 'object') {
    b.destination = { ...(b.destination as object), ...((b.destination as { type?: string }).type === 's3' ? { endpoint: 'http://127.0.0.1:9' } : {}) };
    b.enabled = false;
  }
  if (['/v1/alerts', '/v1/alerts/test', '/v1/alerts/{id}', '/v1/drains', '/v1/drains/{id}'].includes(op.path)) b.enabled = false;
  return b;
}

function where(op: Operation): string {
  return `${op.service} ${op.method} ${op.path}`;
}

/** The common error body, with every invalid field named when the input was refused by its schema. */
function expectErrorShape(op: Operation, reply: Sent, sent: unknown): void {
  const error = (reply.body as { error?: Record<string, unknown> } | undefined)?.error;
  const context = `${where(op)} answered ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)} to ${JSON.stringify(sent)?.slice(0, 300)}`;
  if (!error || error.status !== reply.status || typeof error.code !== 'string' || typeof error.message !== 'string' || typeof error.requestId !== 'string') {
    throw new Error(`not the error shape: ${context}`);
  }
  if (error.code === 'validation_failed' || error.code === 'invalid_value') {
    const details = error.details as Array<{ path?: unknown; location?: unknown; message?: unknown }> | undefined;
    if (!Array.isArray(details) || details.length === 0 || details.some((d) => typeof d.path !== 'string' || typeof d.location !== 'string' || typeof d.message !== 'string')) {
      throw new Error(`no invalid fields in details: ${context}`);
    }
  }
}

const validators = new Map<string, ValidateFunction>();

/** A schema of the document with its `$ref`s pointing into that document (registered with Ajv under the service's name). */
function anchored(node: unknown, service: string): unknown {
  if (Array.isArray(node)) return node.map((n) => anchored(n, service));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? `${service}${v}` : anchored(v, service)]));
}

/** A 2xx JSON answer must match the documented schema of that status. */
function expectDocumentedAnswer(op: Operation, reply: Sent): void {
  if (reply.status < 200 || reply.status >= 300 || reply.body === undefined || !reply.contentType.includes('application/json')) return;
  const documented = op.responses[String(reply.status)];
  if (!documented) throw new Error(`${where(op)} answered ${reply.status}, which is not documented`);
  const schema = documented.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${where(op)} answered JSON with ${reply.status}, documented without a body`);
  const id = `${where(op)} ${reply.status}`;
  let validate = validators.get(id);
  if (!validate) {
    validate = ajv.compile(anchored(schema, op.service) as object);
    validators.set(id, validate);
  }
  if (!validate(reply.body)) {
    throw new Error(`${where(op)} answered ${reply.status} with a body its schema refuses: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(reply.body).slice(0, 500)}`);
  }
}

function parts(op: Operation) {
  const resolve = resolver(docs[op.service]);
  const group = (location: 'path' | 'query' | 'header') => op.parameters.filter((p) => p.in === location);
  const objectOf = (params: ReturnType<typeof group>) => fc.record(
    Object.fromEntries(params.map((p) => [p.name, validValue(p.schema, resolve)])),
    { requiredKeys: params.filter((p) => p.required).map((p) => p.name) },
  );
  return { resolve, path: objectOf(group('path')), query: objectOf(group('query')), queryParams: group('query'), pathParams: group('path') };
}

const operations = SERVICES.flatMap((s) => operationsOf(s, docs[s]))
  // The WebSocket upgrade is not an HTTP answer fetch can take; it is checked by tail.e2e.spec.ts.
  .filter((op) => op.path !== '/v1/tail/ws');

describe('the OpenAPI documents and the running services', () => {
  it('serve at /docs/openapi.json exactly the documents in the repository', async () => {
    for (const s of SERVICES) {
      const served = await (await fetch(`${s === 'auth' ? platform.urls.auth : platform.urls.query}/docs/openapi.json`)).json();
      expect(served).toEqual(docs[s]);
    }
  });

  it('lists operations of both services', () => {
    expect(operations.length).toBeGreaterThan(60);
  });

  describe.each(operations.map((op) => [where(op), op] as const))('%s', (_name, op) => {
    it('accepts what its schema accepts: never validation_failed, never a 5xx, answers as documented', async () => {
      const { path, query, resolve } = parts(op);
      const body = op.body ? validValue(op.body.schema, resolve) : fc.constant(undefined);
      await fc.assert(fc.asyncProperty(path, query, body, async (p, q, b) => {
        const reply = await send(op, p, q, op.body ? { value: confined(op, b) } : undefined);
        if (reply.status >= 500) throw new Error(`${where(op)} answered ${reply.status} ${JSON.stringify(reply.body)} to ${JSON.stringify({ p, q, b })}`);
        if (reply.status >= 400) {
          expectErrorShape(op, reply, { p, q, b });
          const code = (reply.body as { error: { code: string } }).error.code;
          if (code === 'validation_failed') throw new Error(`${where(op)} refused as invalid a request its schema accepts: ${JSON.stringify(reply.body)} to ${JSON.stringify({ p, q, b })}`);
        }
        expectDocumentedAnswer(op, reply);
      }), { numRuns: RUNS });
    });

    it('refuses what its schema refuses with a 4xx in the error shape', async () => {
      const { path, query, resolve, queryParams, pathParams } = parts(op);
      const cases: Array<fc.Arbitrary<{ p: Record<string, unknown>; q: Record<string, unknown>; b?: { value: unknown } }>> = [];
      const validBody = op.body ? validValue(op.body.schema, resolve).map((value) => ({ value: confined(op, value) })) : fc.constant(undefined);
      const broken = op.body ? invalidValue(op.body.schema, resolve, (v) => confined(op, v)) : undefined;
      // A body that may be left out may also be sent as JSON null.
      const brokenBody = broken && op.body && !op.body.required ? broken.filter((v) => v !== null) : broken;
      if (brokenBody) cases.push(fc.record({ p: path, q: query, b: brokenBody.map((value) => ({ value })) }));
      for (const param of queryParams) {
        const bad = invalidQueryValue(param.schema, resolve);
        if (bad) cases.push(fc.tuple(path, query, bad, validBody).map(([p, q, v, b]) => ({ p, q: { ...q, [param.name]: v }, b })));
      }
      for (const param of pathParams) {
        const bad = invalidQueryValue(param.schema, resolve);
        if (bad) cases.push(fc.tuple(path, query, bad, validBody).map(([p, q, v, b]) => ({ p: { ...p, [param.name]: v }, q, b })));
      }
      if (cases.length === 0) return;
      await fc.assert(fc.asyncProperty(fc.oneof(...cases), async ({ p, q, b }) => {
        const reply = await send(op, p, q, b);
        if (reply.status < 400 || reply.status >= 500) {
          throw new Error(`${where(op)} answered ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)} to a request its schema refuses: ${JSON.stringify({ p, q, b })?.slice(0, 500)}`);
        }
        expectErrorShape(op, reply, { p, q, b });
      }), { numRuns: RUNS * 2 });
    });

    it('never answers 5xx to out-of-range, malformed or huge values in any parameter or body (issue 18)', async () => {
      const { path, query } = parts(op);
      const [p] = fc.sample(path, 1);
      const [q] = fc.sample(query, 1);
      const tries: Array<{ p: Record<string, unknown>; q: Record<string, unknown>; b?: { value: unknown } | { raw: string } }> = [];
      for (const value of HOSTILE_VALUES) {
        for (const param of op.parameters.filter((x) => x.in === 'query')) tries.push({ p, q: { ...q, [param.name]: value } });
        for (const param of op.parameters.filter((x) => x.in === 'path')) tries.push({ p: { ...p, [param.name]: value }, q });
      }
      for (const param of op.parameters.filter((x) => x.in === 'query')) tries.push({ p, q: { ...q, [param.name]: ['1', '2'] } });
      if (op.body) {
        for (const raw of ['', '{', 'null', '[]', '"text"', '12', `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`, JSON.stringify({ x: 'y'.repeat(2_000_000) })]) tries.push({ p, q, b: { raw } });
      }
      for (const t of tries) {
        const reply = await send(op, t.p, t.q, t.b);
        if (reply.status >= 500) throw new Error(`${where(op)} answered ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)} to ${JSON.stringify(t).slice(0, 300)}`);
        if (reply.status >= 400) expectErrorShape(op, reply, t);
      }
    });
  });
});
